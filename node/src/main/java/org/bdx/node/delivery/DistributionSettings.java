package org.bdx.node.delivery;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * When the running node sends bulletins by itself, from the node's settings file.
 *
 * @param schedule when to send, if at all ({@code bulletin.schedule}, in {@code bulletin.timezone})
 * @param periodDays how many days back a sent bulletin reaches ({@code bulletin.period_days})
 * @param onHighSeverity whether a new high or critical alert, made here or received, sends a
 *     bulletin ({@code bulletin.on_high_severity})
 * @param debounce how long after such an alert the bulletin goes, so that several alerts in a row
 *     make one bulletin ({@code bulletin.on_high_severity.wait_minutes})
 */
public record DistributionSettings(
    Optional<SendSchedule> schedule, int periodDays, boolean onHighSeverity, Duration debounce) {
  static final String KEY_SCHEDULE = "bulletin.schedule";
  static final String KEY_ZONE = "bulletin.timezone";
  static final String KEY_PERIOD = "bulletin.period_days";
  static final String KEY_ON_HIGH = "bulletin.on_high_severity";
  static final String KEY_WAIT = "bulletin.on_high_severity.wait_minutes";

  public static final DistributionSettings DEFAULTS =
      new DistributionSettings(Optional.empty(), 14, true, Duration.ofMinutes(15));

  public DistributionSettings {
    if (periodDays < 1 || periodDays > 366) {
      throw new IllegalArgumentException(KEY_PERIOD + " must be between 1 and 366");
    }
    if (debounce.isNegative() || debounce.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException(KEY_WAIT + " must be between 0 and 1440");
    }
  }

  /** The settings in the node's settings file; the defaults for what it does not say. */
  public static DistributionSettings load(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    try {
      ZoneId zone;
      String z = p.getProperty(KEY_ZONE, "").strip();
      try {
        zone = z.isEmpty() ? ZoneId.systemDefault() : ZoneId.of(z);
      } catch (DateTimeException e) {
        throw new IllegalArgumentException(
            KEY_ZONE + " must be a time zone like Europe/Paris or America/Vancouver");
      }
      String s = p.getProperty(KEY_SCHEDULE, "").strip();
      Optional<SendSchedule> schedule;
      try {
        schedule = s.isEmpty() ? Optional.empty() : Optional.of(SendSchedule.parse(s, zone));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(KEY_SCHEDULE + ": " + e.getMessage());
      }
      String on = p.getProperty(KEY_ON_HIGH, "true").strip().toLowerCase(Locale.ROOT);
      if (!on.equals("true") && !on.equals("false")) {
        throw new IllegalArgumentException(KEY_ON_HIGH + " must be true or false");
      }
      return new DistributionSettings(
          schedule,
          integer(p, KEY_PERIOD, DEFAULTS.periodDays()),
          on.equals("true"),
          Duration.ofMinutes(integer(p, KEY_WAIT, (int) DEFAULTS.debounce().toMinutes())));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private static int integer(Properties p, String key, int def) {
    String v = p.getProperty(key, "").strip();
    if (v.isEmpty()) {
      return def;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number");
    }
  }
}
