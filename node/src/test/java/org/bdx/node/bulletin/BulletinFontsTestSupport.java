package org.bdx.node.bulletin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Finds an installed font file, for tests that build a font directory of their own. */
final class BulletinFontsTestSupport {
  private BulletinFontsTestSupport() {}

  static Path installed(String file) throws IOException {
    try (Stream<Path> walk = Files.walk(BulletinFonts.DEFAULT_DIR, 6)) {
      return walk.filter(p -> p.getFileName().toString().equals(file))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException(file + " is not installed"));
    }
  }
}
