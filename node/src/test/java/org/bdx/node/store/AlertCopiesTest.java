package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.bdx.node.search.AlertIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The record of which partner gave which claims of a received alert (schema 13, FEED-9). */
class AlertCopiesTest {
  static final String AGREEMENT = TestAlerts.newId();

  @TempDir Path dir;

  @Test
  void upgradeFrom12_recordsEachReceivedAlertAsACopyFromWhereItCame() {
    String received = TestAlerts.newId();
    String own = TestAlerts.newId();
    try (NodeDatabase db = TestAlerts.open(dir)) {
      AlertStore alerts = new AlertStore(db, new AlertIndex());
      alerts.put(
          TestAlerts.alert(
                  TestAlerts.OTHER_ORIGIN, received, 3, TestAlerts.fields("2026-01-02").build())
              .withProvenance(TestAlerts.OTHER_ORIGIN, AGREEMENT, 2_000_000_000L));
      alerts.put(
          TestAlerts.alert(TestAlerts.ORIGIN, own, 1, TestAlerts.fields("2026-01-03").build()));
      LegacyDatabase.downgradeTo12(db);
    }
    try (NodeDatabase db = TestAlerts.open(dir)) {
      AlertCopies copies = new AlertCopies(db);
      List<AlertCopies.Copy> got = copies.of(TestAlerts.OTHER_ORIGIN, received);
      assertThat(got).hasSize(1);
      AlertCopies.Copy c = got.get(0);
      assertThat(c.sender()).isEqualTo(TestAlerts.OTHER_ORIGIN);
      assertThat(c.agreementId()).isEqualTo(AGREEMENT);
      assertThat(c.version()).isEqualTo(3);
      assertThat(c.paths()).containsExactly("area", "harms", "incident_date");
      assertThat(c.purgeAt()).isEqualTo(2_000_000_000L);
      // This node's own alerts have no copies.
      assertThat(copies.of(TestAlerts.ORIGIN, own)).isEmpty();
    }
  }

  @Test
  void deletingAnAlert_forgetsItsCopies() {
    String id = TestAlerts.newId();
    try (NodeDatabase db = TestAlerts.open(dir)) {
      AlertStore alerts = new AlertStore(db, new AlertIndex());
      AlertCopies copies = new AlertCopies(db);
      alerts.put(
          TestAlerts.alert(TestAlerts.OTHER_ORIGIN, id, 1, TestAlerts.fields("2026-01-02").build())
              .withProvenance(TestAlerts.OTHER_ORIGIN, AGREEMENT, 2_000_000_000L));
      copies.put(
          TestAlerts.OTHER_ORIGIN,
          id,
          new AlertCopies.Copy(
              TestAlerts.OTHER_ORIGIN,
              AGREEMENT,
              1,
              new java.util.TreeSet<>(List.of("area")),
              1,
              2_000_000_000L,
              AlertStore.Hops.NONE));
      assertThat(alerts.cameFrom(TestAlerts.OTHER_ORIGIN, id, TestAlerts.OTHER_ORIGIN)).isTrue();

      alerts.delete(TestAlerts.OTHER_ORIGIN, id);

      assertThat(copies.of(TestAlerts.OTHER_ORIGIN, id)).isEmpty();
      assertThat(alerts.cameFrom(TestAlerts.OTHER_ORIGIN, id, TestAlerts.OTHER_ORIGIN)).isFalse();
    }
  }
}
