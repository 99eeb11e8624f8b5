package org.bdx.node.delivery;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * When bulletins are sent by themselves: days of the week and a local time, e.g. {@code MON 09:00},
 * {@code MON,THU 18:30} or {@code DAILY 08:00}, in a time zone.
 *
 * @param days the days, never empty
 * @param time the local time on those days
 * @param zone the time zone {@code time} is read in
 */
public record SendSchedule(Set<DayOfWeek> days, LocalTime time, ZoneId zone) {
  public SendSchedule {
    days = Set.copyOf(days);
    if (days.isEmpty()) {
      throw new IllegalArgumentException("a schedule needs at least one day");
    }
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(zone, "zone");
  }

  /**
   * Reads {@code DAYS HH:MM}: DAYS is {@code DAILY} or days separated by commas, each the first
   * three letters of its English name (any case).
   *
   * @throws IllegalArgumentException saying what is expected
   */
  public static SendSchedule parse(String text, ZoneId zone) {
    String[] parts = text == null ? new String[0] : text.strip().split("\\s+");
    String expected =
        "expected days and a time like MON 09:00, MON,THU 18:30 or DAILY 08:00, not \""
            + text
            + "\"";
    if (parts.length != 2) {
      throw new IllegalArgumentException(expected);
    }
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    if (parts[0].equalsIgnoreCase("DAILY")) {
      days = EnumSet.allOf(DayOfWeek.class);
    } else {
      for (String d : parts[0].split(",")) {
        DayOfWeek day = null;
        for (DayOfWeek w : DayOfWeek.values()) {
          if (w.name().substring(0, 3).equalsIgnoreCase(d.strip())) {
            day = w;
          }
        }
        if (day == null) {
          throw new IllegalArgumentException(expected);
        }
        days.add(day);
      }
    }
    LocalTime time;
    try {
      time = LocalTime.parse(parts[1].length() == 4 ? "0" + parts[1] : parts[1]);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(expected);
    }
    return new SendSchedule(days, time, zone);
  }

  /** The first scheduled moment strictly after {@code after}. */
  public Instant next(Instant after) {
    ZonedDateTime t = after.atZone(zone);
    for (int d = 0; d <= 7; d++) {
      ZonedDateTime candidate = t.toLocalDate().plusDays(d).atTime(time).atZone(zone);
      if (days.contains(candidate.getDayOfWeek()) && candidate.toInstant().isAfter(after)) {
        return candidate.toInstant();
      }
    }
    throw new IllegalStateException("no day within a week"); // days is never empty
  }

  @Override
  public String toString() {
    return days.size() == 7
        ? "DAILY " + time
        : days.stream()
                .sorted()
                .map(d -> d.name().substring(0, 3))
                .reduce((a, b) -> a + "," + b)
                .orElseThrow()
                .toUpperCase(Locale.ROOT)
            + " "
            + time
            + " "
            + zone;
  }
}
