package org.bdx.node.bulletin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.bdx.node.error.BdxException;

/**
 * The font files a PDF bulletin embeds (spec BUL-6), found by file name under one directory (the
 * node setting {@code bulletin.fonts}, by default {@code /usr/share/fonts}). Together they cover
 * every bulletin language: Noto Sans for Latin and Vietnamese, Noto Sans Thai, Noto Sans Gurmukhi,
 * and WenQuanYi Zen Hei for Simplified and Traditional Chinese and Korean.
 *
 * <p>Every file has TrueType outlines: PDFBox embeds and subsets those, but not the CFF outlines of
 * Debian's Noto Sans CJK collections, hence Zen Hei for CJK.
 */
public final class BulletinFonts {
  /** Where Debian puts its font packages. */
  public static final Path DEFAULT_DIR = Path.of("/usr/share/fonts");

  /** One font file: its CSS family and weight in the bulletin, and the package that ships it. */
  record Face(String file, String family, int weight, String debianPackage) {}

  static final List<Face> FACES =
      List.of(
          new Face("NotoSans-Regular.ttf", "BDX Latin", 400, "fonts-noto-core"),
          new Face("NotoSans-Bold.ttf", "BDX Latin", 700, "fonts-noto-core"),
          new Face("NotoSansThai-Regular.ttf", "BDX Thai", 400, "fonts-noto-core"),
          new Face("NotoSansThai-Bold.ttf", "BDX Thai", 700, "fonts-noto-core"),
          new Face("NotoSansGurmukhi-Regular.ttf", "BDX Gurmukhi", 400, "fonts-noto-core"),
          new Face("NotoSansGurmukhi-Bold.ttf", "BDX Gurmukhi", 700, "fonts-noto-core"),
          // One weight only: CJK bold is drawn in the same face, made prominent by size.
          new Face("wqy-zenhei.ttc", "BDX CJK", 400, "fonts-wqy-zenhei"));

  /** The CSS font-family list: each character is drawn in the first family that has it. */
  static final String FAMILIES = "\"BDX Latin\", \"BDX Thai\", \"BDX Gurmukhi\", \"BDX CJK\"";

  /** The Debian packages that hold every face, for install instructions and scripts. */
  public static final List<String> DEBIAN_PACKAGES =
      List.copyOf(new LinkedHashSet<>(FACES.stream().map(Face::debianPackage).toList()));

  /** Directories below the font directory searched; Debian's tree is three deep. */
  private static final int MAX_DEPTH = 6;

  private final Map<Face, Path> files;

  private BulletinFonts(Map<Face, Path> files) {
    this.files = Map.copyOf(files);
  }

  /**
   * The faces under {@code dir}.
   *
   * @throws BdxException (failed precondition) naming each missing file and the Debian package to
   *     install, so an operator sees what to do instead of a PDF full of boxes
   */
  public static BulletinFonts in(Path dir) {
    Objects.requireNonNull(dir, "dir");
    Map<String, Path> byName = new LinkedHashMap<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> walk = Files.walk(dir, MAX_DEPTH)) {
        walk.filter(Files::isRegularFile)
            .forEach(p -> byName.putIfAbsent(p.getFileName().toString(), p));
      } catch (IOException e) {
        throw new UncheckedIOException("reading the bulletin font directory " + dir, e);
      }
    }
    Map<Face, Path> found = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    LinkedHashSet<String> packages = new LinkedHashSet<>();
    for (Face f : FACES) {
      Path p = byName.get(f.file());
      if (p == null) {
        missing.add(f.file());
        packages.add(f.debianPackage());
      } else {
        found.put(f, p);
      }
    }
    if (!missing.isEmpty()) {
      throw new BdxException(
          BdxException.Kind.FAILED_PRECONDITION,
          "PDF bulletins need fonts this machine lacks: "
              + String.join(", ", missing)
              + " not found under "
              + dir
              + "; install the Debian package"
              + (packages.size() == 1 ? " " : "s ")
              + String.join(" ", packages)
              + " (apt-get install "
              + String.join(" ", packages)
              + "), or set bulletin.fonts in the node's settings to the directory that holds"
              + " them. Text and HTML bulletins need no fonts.");
    }
    return new BulletinFonts(found);
  }

  /** Each face's file, in {@link #FACES} order. */
  Map<Face, Path> files() {
    Map<Face, Path> ordered = new LinkedHashMap<>();
    for (Face f : FACES) {
      ordered.put(f, files.get(f));
    }
    return ordered;
  }
}
