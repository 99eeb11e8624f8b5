package org.bdx.node.bulletin;

import com.google.protobuf.Descriptors.FieldDescriptor;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import org.bdx.proto.v1.AlertFields;

/**
 * What this node's bulletins may show workers (spec BUL-3), from the node's settings file.
 *
 * @param fields the claim paths (spec ALR-2) a bulletin shows, when the alert has them; never the
 *     reporter's contact or the narrative (the narrative is in no alert at all, but a setting
 *     naming it is a mistake worth saying so)
 * @param footer how to report, printed at the foot of every bulletin; empty for the default
 *     sentence in the bulletin's language
 * @param showSource whether each warning names the organization that reported it
 * @param fonts the directory under which PDF bulletins find their fonts ({@link BulletinFonts})
 */
public record BulletinSettings(List<String> fields, String footer, boolean showSource, Path fonts) {
  static final String KEY_FIELDS = "bulletin.fields";
  static final String KEY_FOOTER = "bulletin.footer";
  static final String KEY_SOURCE = "bulletin.source";
  static final String KEY_FONTS = "bulletin.fonts";

  /** Never on a bulletin, whatever the setting says. */
  static final Set<String> REFUSED = Set.of("reporter_contact", "narrative");

  public static final List<String> DEFAULT_FIELDS =
      List.of(
          "incident_date",
          "time_of_day",
          "area",
          "work_setting",
          "harms",
          "severity",
          "aggressor_description",
          "phone_numbers",
          "vehicle_plate",
          "vehicle_description",
          "online_handles",
          "modus_operandi");

  public static final BulletinSettings DEFAULTS =
      new BulletinSettings(DEFAULT_FIELDS, "", false, BulletinFonts.DEFAULT_DIR);

  static final int MAX_FOOTER = 500;

  public BulletinSettings {
    Set<String> known = new LinkedHashSet<>();
    for (FieldDescriptor f : AlertFields.getDescriptor().getFields()) {
      known.add(f.getName());
    }
    if (fields == null || fields.isEmpty()) {
      throw new IllegalArgumentException(KEY_FIELDS + " names no field");
    }
    List<String> clean = new ArrayList<>();
    for (String raw : fields) {
      String f = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
      if (REFUSED.contains(f)) {
        throw new IllegalArgumentException(
            KEY_FIELDS
                + " names "
                + f
                + ": a bulletin never shows the narrative or the reporter's contact; remove it");
      }
      if (!known.contains(f)) {
        throw new IllegalArgumentException(
            KEY_FIELDS + " names an unknown field \"" + f + "\"; known fields: " + shown(known));
      }
      if (!clean.contains(f)) {
        clean.add(f);
      }
    }
    fields = List.copyOf(clean);
    fonts = fonts == null ? BulletinFonts.DEFAULT_DIR : fonts;
    footer = footer == null ? "" : footer.strip();
    if (footer.length() > MAX_FOOTER || footer.codePoints().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          KEY_FOOTER + " must be at most " + MAX_FOOTER + " characters on one line");
    }
  }

  /** Settings whose PDF bulletins find their fonts in the default directory. */
  public BulletinSettings(List<String> fields, String footer, boolean showSource) {
    this(fields, footer, showSource, BulletinFonts.DEFAULT_DIR);
  }

  private static String shown(Set<String> known) {
    List<String> names = new ArrayList<>(known);
    names.removeAll(REFUSED);
    return String.join(", ", names);
  }

  /** The settings in the node's settings file; the defaults for what it does not say. */
  public static BulletinSettings load(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    try {
      String fields = p.getProperty(KEY_FIELDS);
      String source = p.getProperty(KEY_SOURCE, "false").strip().toLowerCase(Locale.ROOT);
      if (!source.equals("true") && !source.equals("false")) {
        throw new IllegalArgumentException(KEY_SOURCE + " must be true or false");
      }
      String fonts = p.getProperty(KEY_FONTS, "").strip();
      return new BulletinSettings(
          fields == null || fields.isBlank() ? DEFAULT_FIELDS : List.of(fields.split(",")),
          p.getProperty(KEY_FOOTER, ""),
          source.equals("true"),
          fonts.isEmpty() ? BulletinFonts.DEFAULT_DIR : Path.of(fonts));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }
}
