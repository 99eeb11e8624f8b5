package org.bdx.node.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When the running node sends bulletins by itself ({@code bulletin.schedule}). */
class SendScheduleTest {
  static final ZoneId VANCOUVER = ZoneId.of("America/Vancouver");

  @Test
  void parse_readsDaysAndTime_inAnyCase() {
    SendSchedule s = SendSchedule.parse("mon,Thu 9:30", VANCOUVER);
    assertThat(s.days()).containsExactlyInAnyOrder(DayOfWeek.MONDAY, DayOfWeek.THURSDAY);
    assertThat(s.time()).isEqualTo(LocalTime.of(9, 30));
    assertThat(SendSchedule.parse("DAILY 08:00", VANCOUVER).days()).hasSize(7);
  }

  @Test
  void parse_somethingElse_saysWhatIsExpected() {
    for (String bad : new String[] {"weekly", "MON", "MOON 09:00", "MON 25:00", "MON 09:00 x"}) {
      assertThatThrownBy(() -> SendSchedule.parse(bad, VANCOUVER))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected days and a time like MON 09:00");
    }
  }

  @Test
  void next_weekly_isTheComingMondayAtNineLocalTime() {
    SendSchedule weekly = SendSchedule.parse("MON 09:00", VANCOUVER);
    // Wednesday 2026-12-02 12:00 in Vancouver (UTC-8).
    Instant wednesday = Instant.parse("2026-12-02T20:00:00Z");
    assertThat(weekly.next(wednesday)).isEqualTo(Instant.parse("2026-12-07T17:00:00Z"));
  }

  @Test
  void next_atTheScheduledMoment_isAWeekLater_andJustBefore_isThatMoment() {
    SendSchedule weekly = SendSchedule.parse("MON 09:00", ZoneOffset.UTC);
    Instant monday = Instant.parse("2026-12-07T09:00:00Z");
    assertThat(weekly.next(monday)).isEqualTo(Instant.parse("2026-12-14T09:00:00Z"));
    assertThat(weekly.next(monday.minusSeconds(1))).isEqualTo(monday);
  }

  @Test
  void next_severalDays_takesTheNearest() {
    SendSchedule s =
        new SendSchedule(
            Set.of(DayOfWeek.MONDAY, DayOfWeek.THURSDAY), LocalTime.of(18, 30), ZoneOffset.UTC);
    // Tuesday -> Thursday; Friday -> Monday.
    assertThat(s.next(Instant.parse("2026-12-08T10:00:00Z")))
        .isEqualTo(Instant.parse("2026-12-10T18:30:00Z"));
    assertThat(s.next(Instant.parse("2026-12-11T10:00:00Z")))
        .isEqualTo(Instant.parse("2026-12-14T18:30:00Z"));
  }

  @Test
  void next_acrossTheChangeToSummerTime_keepsTheLocalTime() {
    SendSchedule weekly = SendSchedule.parse("MON 09:00", VANCOUVER);
    // Clocks go forward on Sunday 2027-03-14: Monday 09:00 is then UTC-7.
    assertThat(weekly.next(Instant.parse("2027-03-09T00:00:00Z")))
        .isEqualTo(Instant.parse("2027-03-15T16:00:00Z"));
  }

  @Test
  void settings_loadTheScheduleInItsTimeZone_andTheHighSeverityOption() throws Exception {
    java.nio.file.Path f = java.nio.file.Files.createTempFile("node", ".properties");
    try {
      java.nio.file.Files.writeString(
          f,
          "bulletin.schedule=MON 09:00\nbulletin.timezone=America/Vancouver\n"
              + "bulletin.on_high_severity=false\nbulletin.period_days=7\n");
      DistributionSettings d = DistributionSettings.load(f);
      assertThat(d.schedule()).contains(SendSchedule.parse("MON 09:00", VANCOUVER));
      assertThat(d.onHighSeverity()).isFalse();
      assertThat(d.periodDays()).isEqualTo(7);
      java.nio.file.Files.writeString(f, "bulletin.schedule=weekly\n");
      assertThatThrownBy(() -> DistributionSettings.load(f))
          .hasMessageContaining("bulletin.schedule: expected days and a time");
    } finally {
      java.nio.file.Files.delete(f);
    }
  }

  @Test
  void wait_doublesFromAMinute_toAnHourAtMost() {
    assertThat(BulletinDeliveries.wait(1)).hasMinutes(1);
    assertThat(BulletinDeliveries.wait(2)).hasMinutes(2);
    assertThat(BulletinDeliveries.wait(4)).hasMinutes(8);
    assertThat(BulletinDeliveries.wait(7)).hasMinutes(60);
    assertThat(BulletinDeliveries.wait(50)).hasMinutes(60);
  }
}
