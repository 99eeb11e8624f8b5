package org.bdx.node.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bdx.node.store.TestAlerts.ORIGIN;
import static org.bdx.node.store.TestAlerts.OTHER_ORIGIN;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.bdx.node.identity.NodeId;
import org.bdx.node.search.AlertIndex;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.CurrentAlerts;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.store.TestAlerts;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.WorkSetting;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the node counts for trends (spec STAT-2, STAT-3): own alerts (origin {@code ORIGIN}) and
 * received ones ({@code OTHER_ORIGIN}) apart, by each grouping, every count from 1 to 4 suppressed,
 * and never a tombstone or an expired alert.
 */
class AlertCounterTest {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  @TempDir Path dir;
  NodeDatabase db;
  AlertStore store;
  AlertCounter counter;

  @BeforeEach
  void open() {
    db = TestAlerts.open(dir);
    store = new AlertStore(db, new AlertIndex());
    counter = new AlertCounter(new CurrentAlerts(db), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterEach
  void close() {
    db.close();
  }

  private void put(NodeId origin, int times, AlertFields f) {
    for (int i = 0; i < times; i++) {
      store.put(TestAlerts.alert(origin, TestAlerts.newId(), 1, f));
    }
  }

  private static AlertFields fields(
      String date, String area, WorkSetting setting, HarmCategory... harms) {
    return AlertFields.newBuilder()
        .setIncidentDate(date)
        .setArea(area)
        .setWorkSetting(setting)
        .addAllHarms(List.of(harms))
        .build();
  }

  /**
   * Own: 6 in Downtown (November, street, robbery), 2 in Strathcona (October, outcall, robbery and
   * stalking). Received: 7 in "downtown " (November, street, physical assault), 1 with no area,
   * setting or harm (October).
   */
  private void seed() {
    put(ORIGIN, 6, fields("2026-11-10", "Downtown", WorkSetting.WORK_SETTING_STREET, robbery()));
    put(
        ORIGIN,
        2,
        fields(
            "2026-10-03",
            "Strathcona",
            WorkSetting.WORK_SETTING_OUTCALL,
            robbery(),
            HarmCategory.HARM_CATEGORY_STALKING));
    put(
        OTHER_ORIGIN,
        7,
        fields(
            "2026-11-20",
            "downtown ",
            WorkSetting.WORK_SETTING_STREET,
            HarmCategory.HARM_CATEGORY_PHYSICAL_ASSAULT));
    put(OTHER_ORIGIN, 1, AlertFields.newBuilder().setIncidentDate("2026-10-15").build());
  }

  private static HarmCategory robbery() {
    return HarmCategory.HARM_CATEGORY_ROBBERY;
  }

  private static Group group(String key, Group.Kind kind, Cell own, Cell received) {
    return new Group(key, kind, own, received);
  }

  private static Group value(String key, int own, int received) {
    return group(key, Group.Kind.VALUE, Cell.of(own), Cell.of(received));
  }

  @Test
  void count_byArea_ownAndReceivedApart_sameAreaWhateverItsCase_smallCountsSuppressed() {
    seed();
    AlertCounts c = counter.count(null, null, Grouping.AREA);
    assertThat(c.groups())
        .containsExactly(
            // Named as the newest alert writes it; by name, not by size.
            value("downtown", 6, 7),
            group("Strathcona", Group.Kind.VALUE, new Cell(0, true), Cell.ZERO),
            group("", Group.Kind.NOT_KNOWN, Cell.ZERO, new Cell(0, true)));
  }

  @Test
  void count_byMonth_inOrder_withTheEmptyMonthsBetween() {
    seed();
    put(ORIGIN, 5, fields("2026-07-01", "Downtown", WorkSetting.WORK_SETTING_STREET, robbery()));
    AlertCounts c = counter.count(null, null, Grouping.MONTH);
    assertThat(c.groups())
        .containsExactly(
            value("2026-07", 5, 0),
            value("2026-08", 0, 0),
            value("2026-09", 0, 0),
            group("2026-10", Group.Kind.VALUE, new Cell(0, true), new Cell(0, true)),
            value("2026-11", 6, 7));
  }

  @Test
  void count_byHarm_anAlertCountsInEachOfItsHarms_inVocabularyOrder() {
    seed();
    put(ORIGIN, 3, fields("2026-10-04", "Strathcona", WorkSetting.WORK_SETTING_OUTCALL, robbery()));
    AlertCounts c = counter.count(null, null, Grouping.HARM);
    assertThat(c.groups())
        .containsExactly(
            value("physical_assault", 0, 7),
            value("robbery", 11, 0),
            group("stalking", Group.Kind.VALUE, new Cell(0, true), Cell.ZERO),
            group("", Group.Kind.NOT_KNOWN, Cell.ZERO, new Cell(0, true)));
    assertThat(c.groups().get(0).label(Grouping.HARM)).isEqualTo("physical assault");
  }

  @Test
  void count_bySetting_inVocabularyOrder_unknownLast() {
    seed();
    AlertCounts c = counter.count(null, null, Grouping.SETTING);
    assertThat(c.groups())
        .containsExactly(
            value("street", 6, 7),
            group("outcall", Group.Kind.VALUE, new Cell(0, true), Cell.ZERO),
            group("", Group.Kind.NOT_KNOWN, Cell.ZERO, new Cell(0, true)));
    assertThat(c.groups().getLast().label(Grouping.SETTING)).isEqualTo("setting not known");
  }

  @Test
  void count_withinSinceAndUntil_leavesOutAlertsOutside_andThoseWithNoDate() {
    seed();
    put(OTHER_ORIGIN, 9, AlertFields.newBuilder().setArea("Downtown").build()); // no date held
    AlertCounts c =
        counter.count(LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-30"), Grouping.AREA);
    assertThat(c.groups()).containsExactly(value("downtown", 6, 7));
    assertThat(c.period()).isEqualTo("2026-11-01 to 2026-11-30");
  }

  @Test
  void count_neverCountsATombstoneOrAnExpiredAlert() {
    put(ORIGIN, 5, fields("2026-11-10", "Downtown", WorkSetting.WORK_SETTING_STREET, robbery()));
    store.put(
        TestAlerts.alert(
            ORIGIN,
            TestAlerts.newId(),
            2,
            AlertStatus.ALERT_STATUS_RETRACTED,
            fields("2026-11-10", "Downtown", WorkSetting.WORK_SETTING_STREET, robbery())));
    StoredAlert live =
        TestAlerts.alert(
            OTHER_ORIGIN,
            TestAlerts.newId(),
            1,
            fields("2026-11-10", "Downtown", WorkSetting.WORK_SETTING_STREET, robbery()));
    for (int i = 0; i < 5; i++) {
      store.put(
          new StoredAlert(
              live.originNodeId(),
              TestAlerts.newId(),
              1,
              live.status(),
              live.issuedAt(),
              NOW.getEpochSecond() - 1, // expired
              live.audience(),
              live.fields(),
              live.disclosedPaths(),
              live.envelope(),
              false,
              live.storedAt()));
    }
    assertThat(counter.count(null, null, Grouping.AREA).groups())
        .containsExactly(value("Downtown", 5, 0));
  }

  @Test
  void count_beyondTheMostAreas_countsTheRestTogether_suppressedToo() {
    AlertCounter two = new AlertCounter(new CurrentAlerts(db), Clock.fixed(NOW, ZoneOffset.UTC), 2);
    put(ORIGIN, 9, fields("2026-11-10", "Big", WorkSetting.WORK_SETTING_STREET, robbery()));
    put(ORIGIN, 8, fields("2026-11-10", "Also big", WorkSetting.WORK_SETTING_STREET, robbery()));
    put(ORIGIN, 2, fields("2026-11-10", "Small one", WorkSetting.WORK_SETTING_STREET, robbery()));
    put(ORIGIN, 1, fields("2026-11-10", "Small two", WorkSetting.WORK_SETTING_STREET, robbery()));
    assertThat(two.count(null, null, Grouping.AREA).groups())
        .containsExactly(
            value("Also big", 8, 0),
            value("Big", 9, 0),
            group("", Group.Kind.OTHER_AREAS, new Cell(0, true), Cell.ZERO));
    put(ORIGIN, 2, fields("2026-11-10", "Small three", WorkSetting.WORK_SETTING_STREET, robbery()));
    assertThat(two.count(null, null, Grouping.AREA).groups().getLast())
        .isEqualTo(group("", Group.Kind.OTHER_AREAS, Cell.of(5), Cell.ZERO));
  }

  @Test
  void count_untilBeforeSince_isRefused() {
    assertThatThrownBy(
            () ->
                counter.count(
                    LocalDate.parse("2026-11-02"), LocalDate.parse("2026-11-01"), Grouping.MONTH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("until");
  }

  @Test
  void count_noAlerts_noGroups() {
    assertThat(counter.count(null, null, Grouping.MONTH).groups()).isEmpty();
  }

  @Test
  void cell_fromOneToFour_isNeverANumber() {
    for (int raw = 1; raw < Cell.THRESHOLD; raw++) {
      assertThat(Cell.of(raw)).isEqualTo(new Cell(0, true));
      assertThat(Cell.of(raw).text()).isEqualTo("fewer than 5");
    }
    assertThat(Cell.of(0).text()).isEqualTo("0");
    assertThat(Cell.of(5).text()).isEqualTo("5");
    assertThatThrownBy(() -> new Cell(3, false)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Cell(7, true)).isInstanceOf(IllegalArgumentException.class);
  }
}
