package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.node.store.TestAlerts.ORIGIN;
import static org.bdx.node.store.TestAlerts.OTHER_ORIGIN;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.bdx.node.search.AlertIndex;
import org.bdx.proto.v1.AlertStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every current alert once, read in chunks, within the incident-date bounds (spec STAT-2). */
class CurrentAlertsTest {
  static final long NOW = 1_800_000_000L;

  @TempDir Path dir;
  NodeDatabase db;
  AlertStore store;

  @BeforeEach
  void open() {
    db = TestAlerts.open(dir);
    store = new AlertStore(db, new AlertIndex());
  }

  @AfterEach
  void close() {
    db.close();
  }

  private String put(String date) {
    String id = TestAlerts.newId();
    store.put(TestAlerts.alert(ORIGIN, id, 1, TestAlerts.fields(date).build()));
    return id;
  }

  private List<String> ids(CurrentAlerts alerts, LocalDate since, LocalDate until) {
    List<String> ids = new ArrayList<>();
    alerts.forEach(since, until, NOW, a -> ids.add(a.alertId()));
    return ids;
  }

  @Test
  void forEach_inChunks_givesEachCurrentAlertOnce_inStorageOrder() {
    List<String> kept = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      kept.add(put("2026-11-0" + i));
    }
    store.put(
        TestAlerts.alert(
            OTHER_ORIGIN,
            TestAlerts.newId(),
            3,
            AlertStatus.ALERT_STATUS_RETRACTED,
            TestAlerts.fields("2026-11-03").build()));
    assertThat(ids(new CurrentAlerts(db, 2), null, null)).containsExactlyElementsOf(kept);
    assertThat(ids(new CurrentAlerts(db, 5), null, null)).containsExactlyElementsOf(kept);
    assertThat(ids(new CurrentAlerts(db), null, null)).containsExactlyElementsOf(kept);
  }

  @Test
  void forEach_withinTheBounds_inclusive() {
    put("2026-10-31");
    String first = put("2026-11-01");
    String last = put("2026-11-30");
    put("2026-12-01");
    assertThat(
            ids(
                new CurrentAlerts(db, 1),
                LocalDate.parse("2026-11-01"),
                LocalDate.parse("2026-11-30")))
        .containsExactly(first, last);
  }

  @Test
  void forEach_leavesOutExpiredAlerts() {
    put("2026-11-01");
    assertThat(new ArrayList<>(ids(new CurrentAlerts(db), null, null))).hasSize(1);
    List<String> later = new ArrayList<>();
    // TestAlerts' alerts expire at 4 000 000 000: counted after that, none is current.
    new CurrentAlerts(db).forEach(null, null, 4_000_000_001L, a -> later.add(a.alertId()));
    assertThat(later).isEmpty();
  }
}
