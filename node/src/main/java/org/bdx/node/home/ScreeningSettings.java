package org.bdx.node.home;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * How often one staff account may search or look at an alert (spec API-9): a bucket of {@code
 * burst} calls, refilled at {@code perMinute} calls a minute. The defaults let a person check a
 * number while a worker waits, many times in a row; they stop a script asking "am I listed?" at
 * machine speed with a stolen credential. Kept in the node's settings file ({@code
 * screening.burst}, {@code screening.per_minute}).
 *
 * @param burst calls allowed at once after a quiet spell, 1..1000000
 * @param perMinute calls a minute refilled after that, 1..1000000
 */
public record ScreeningSettings(int burst, int perMinute) {
  public static final ScreeningSettings DEFAULTS = new ScreeningSettings(30, 30);

  static final String KEY_BURST = "screening.burst";
  static final String KEY_PER_MINUTE = "screening.per_minute";

  public ScreeningSettings {
    if (burst < 1 || burst > 1_000_000 || perMinute < 1 || perMinute > 1_000_000) {
      throw new IllegalArgumentException(
          KEY_BURST + " and " + KEY_PER_MINUTE + " must be between 1 and 1000000");
    }
  }

  /** The settings in the node's settings file; the defaults for what it does not say. */
  public static ScreeningSettings load(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    try {
      return new ScreeningSettings(
          Integer.parseInt(p.getProperty(KEY_BURST, "" + DEFAULTS.burst()).strip()),
          Integer.parseInt(p.getProperty(KEY_PER_MINUTE, "" + DEFAULTS.perMinute()).strip()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          file + ": " + KEY_BURST + " and " + KEY_PER_MINUTE + " must be whole numbers");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }
}
