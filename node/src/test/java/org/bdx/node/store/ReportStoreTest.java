package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bdx.node.store.TestAlerts.ORIGIN;
import static org.bdx.node.store.TestAlerts.alert;
import static org.bdx.node.store.TestAlerts.fields;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bdx.node.search.AlertIndex;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.Report;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportStoreTest {

  @TempDir Path dir;

  NodeDatabase db;
  ReportStore reports;
  AlertStore alerts;

  @BeforeEach
  void open() {
    db = TestAlerts.open(dir);
    alerts = new AlertStore(db, new AlertIndex());
    reports = new ReportStore(db, alerts);
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static Report report(String narrative) {
    return Report.newBuilder()
        .setIncidentDate("2026-03-04")
        .setArea("Downtown Eastside")
        .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
        .setNarrative(narrative)
        .build();
  }

  private ReportRecord insert(long receivedAt, String narrative) {
    String alertId = TestAlerts.newId();
    ReportRecord r = new ReportRecord(TestAlerts.newId(), alertId, receivedAt, report(narrative));
    reports.insertWithAlert(r, alert(ORIGIN, alertId, 1, fields("2026-03-04").build()));
    return r;
  }

  @Test
  void insertWithAlert_storesBoth() {
    ReportRecord r = insert(1_700_000_000L, "what happened");
    assertThat(reports.get(r.reportId())).contains(r);
    assertThat(alerts.get(ORIGIN, r.alertId())).isPresent();
  }

  @Test
  void insertWithAlert_alertFails_reportNotStored() {
    String alertId = TestAlerts.newId();
    // The alert is already held at version 1: storing version 1 again fails.
    alerts.put(alert(ORIGIN, alertId, 1, fields("2026-03-04").build()));
    ReportRecord r = new ReportRecord(TestAlerts.newId(), alertId, 1, report("x"));
    assertThatThrownBy(
            () ->
                reports.insertWithAlert(r, alert(ORIGIN, alertId, 1, fields("2026-03-04").build())))
        .isInstanceOf(IllegalStateException.class);
    assertThat(reports.get(r.reportId())).isEmpty();
    assertThat(reports.list(0, null).items()).isEmpty();
  }

  @Test
  void insertWithAlert_alertMalformed_reportNotStored() {
    String alertId = TestAlerts.newId();
    ReportRecord r = new ReportRecord(TestAlerts.newId(), alertId, 1, report("x"));
    StoredAlert bad =
        alert(ORIGIN, alertId, 0, fields("2026-03-04").build()); // version 0 is invalid
    assertThatThrownBy(() -> reports.insertWithAlert(r, bad))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(reports.get(r.reportId())).isEmpty();
  }

  @Test
  void insertWithAlert_duplicateReportId_alertNotStored() {
    ReportRecord first = insert(1, "a");
    String alertId = TestAlerts.newId();
    ReportRecord dup = new ReportRecord(first.reportId(), alertId, 2, report("b"));
    assertThatThrownBy(
            () ->
                reports.insertWithAlert(
                    dup, alert(ORIGIN, alertId, 1, fields("2026-03-04").build())))
        .isInstanceOf(StoreException.class);
    assertThat(alerts.findById(alertId)).isEmpty();
    assertThat(reports.get(first.reportId()).orElseThrow().report().getNarrative()).isEqualTo("a");
  }

  @Test
  void insertWithAlert_mismatchedIds_rejected() {
    ReportRecord r = new ReportRecord(TestAlerts.newId(), TestAlerts.newId(), 1, report("x"));
    assertThatThrownBy(
            () ->
                reports.insertWithAlert(
                    r, alert(ORIGIN, TestAlerts.newId(), 1, fields("2026-03-04").build())))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void list_pagesNewestFirst_withoutGapsOrDuplicates() {
    List<String> inserted = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      inserted.add(0, insert(1000 + i, "n" + i).reportId());
    }
    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      Page<ReportRecord> p = reports.list(3, token);
      p.items().forEach(r -> seen.add(r.reportId()));
      token = p.nextPageToken();
      pages++;
    } while (!token.isEmpty());
    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactlyElementsOf(inserted);
  }

  @Test
  void list_badInput_rejected() {
    assertThatThrownBy(() -> reports.list(3, "garbage!")).hasMessage("bad page token");
    assertThatThrownBy(() -> reports.list(3, "cjE6LTE")).hasMessage("bad page token"); // "r1:-1"
    assertThatThrownBy(() -> reports.list(501, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> reports.list(-1, null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void get_unknownOrMalformed_empty() {
    assertThat(reports.get(TestAlerts.newId())).isEmpty();
    assertThat(reports.get("' OR 1=1 --")).isEmpty();
    assertThat(reports.get(null)).isEmpty();
  }

  @Test
  void reportsSurviveReopen() {
    ReportRecord r = insert(5, "kept");
    db.close();
    db = TestAlerts.open(dir);
    assertThat(new ReportStore(db, alerts).get(r.reportId())).contains(r);
  }
}
