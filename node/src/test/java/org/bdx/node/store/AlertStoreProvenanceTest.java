package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bdx.node.store.TestAlerts.ORIGIN;
import static org.bdx.node.store.TestAlerts.OTHER_ORIGIN;
import static org.bdx.node.store.TestAlerts.alert;
import static org.bdx.node.store.TestAlerts.fields;

import java.nio.file.Path;
import org.bdx.node.search.AlertIndex;
import org.bdx.node.search.AlertQuery;
import org.bdx.node.search.AlertSearch;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertStoreProvenanceTest {
  @TempDir Path dir;

  NodeDatabase db;
  AlertStore store;
  AlertSearch search;
  String agreement = TestAlerts.newId();

  @BeforeEach
  void open() {
    db = TestAlerts.open(dir);
    store = new AlertStore(db, new AlertIndex());
    search = new AlertSearch(new SearchIndex(db));
  }

  @AfterEach
  void close() {
    db.close();
  }

  private StoredAlert received(String id, long version, AlertFields f) {
    return alert(OTHER_ORIGIN, id, version, f)
        // Purge time ahead of the real clock: search hides alerts past it.
        .withProvenance(OTHER_ORIGIN, agreement, 3_750_000_000L);
  }

  private static AlertQuery text(String t) {
    return new AlertQuery(null, null, t, null, null, null, null, 0, null);
  }

  private static AlertQuery plate(String p) {
    return new AlertQuery(null, p, null, null, null, null, null, 0, null);
  }

  private static AlertQuery phone(String p) {
    return new AlertQuery(p, null, null, null, null, null, null, 0, null);
  }

  private static AlertFields searchable(String date) {
    return fields(date)
        .setAggressorDescription("tall man with a tattoo")
        .setVehiclePlate("XYZ789")
        .addPhoneNumbers("+16045550199")
        .build();
  }

  @Test
  void provenance_roundTrips_andLocalAlertsHaveNone() {
    String id = TestAlerts.newId();
    StoredAlert r = received(id, 1, searchable("2026-01-02"));
    assertThat(store.put(r)).isTrue();
    StoredAlert back = store.get(OTHER_ORIGIN, id).orElseThrow();
    assertThat(back).isEqualTo(r);
    assertThat(back.receivedFrom()).isEqualTo(OTHER_ORIGIN);
    assertThat(back.agreementId()).isEqualTo(agreement);
    assertThat(back.purgeAt()).isEqualTo(3_750_000_000L);
    assertThat(search.search(text("tattoo")).items().get(0)).isEqualTo(r);

    String own = TestAlerts.newId();
    store.put(alert(ORIGIN, own, 1, fields("2026-01-02").build()));
    StoredAlert local = store.get(ORIGIN, own).orElseThrow();
    assertThat(local.receivedFrom()).isNull();
    assertThat(local.agreementId()).isNull();
    assertThat(local.purgeAt()).isZero();
  }

  @Test
  void retraction_keepsProvenance() {
    String id = TestAlerts.newId();
    store.put(received(id, 1, searchable("2026-01-02")));
    store.put(
        alert(OTHER_ORIGIN, id, 2, AlertStatus.ALERT_STATUS_RETRACTED, searchable("2026-01-02"))
            .withProvenance(OTHER_ORIGIN, agreement, 3_750_000_000L));
    StoredAlert t = store.get(OTHER_ORIGIN, id).orElseThrow();
    assertThat(t.fields()).isEqualTo(AlertFields.getDefaultInstance());
    assertThat(t.agreementId()).isEqualTo(agreement);
  }

  @Test
  void malformedProvenance_orProvenanceOnLocal_isRefused() {
    String id = TestAlerts.newId();
    assertThatThrownBy(
            () ->
                store.put(
                    alert(OTHER_ORIGIN, id, 1, fields("2026-01-02").build())
                        .withProvenance(OTHER_ORIGIN, "not an id", 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                store.put(
                    alert(ORIGIN, id, 1, fields("2026-01-02").build())
                        .withProvenance(OTHER_ORIGIN, agreement, 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void deleteByAgreement_removesAlertsAndEverySearchIndexRow_butNotOthers() {
    String gone = TestAlerts.newId();
    String kept = TestAlerts.newId();
    store.put(received(gone, 1, searchable("2026-01-02")));
    store.put(alert(ORIGIN, kept, 1, searchable("2026-01-03")));
    assertThat(search.search(text("tattoo")).items()).hasSize(2);

    assertThat(store.deleteByAgreement(agreement)).isEqualTo(1);

    assertThat(store.get(OTHER_ORIGIN, gone)).isEmpty();
    for (AlertQuery q : new AlertQuery[] {text("tattoo"), plate("XYZ"), phone("+16045550199")}) {
      assertThat(search.search(q).items()).extracting(StoredAlert::alertId).containsExactly(kept);
    }
    assertThat(IndexRows.orphans(db)).isZero();
    assertThat(count("SELECT COUNT(*) FROM alert_harms WHERE seq NOT IN (SELECT seq FROM alerts)"))
        .isZero();
    // The kept alert's entries are still there.
    assertThat(IndexRows.entries(db)).isPositive();
  }

  @Test
  void delete_andPurgeDue() {
    String a = TestAlerts.newId();
    String b = TestAlerts.newId();
    store.put(received(a, 1, searchable("2026-01-02")));
    store.put(
        alert(OTHER_ORIGIN, b, 1, searchable("2026-01-02"))
            .withProvenance(OTHER_ORIGIN, agreement, 3_760_000_000L));
    assertThat(store.purgeDue(3_749_999_999L)).isZero();
    assertThat(store.purgeDue(3_750_000_000L)).isEqualTo(1);
    assertThat(store.get(OTHER_ORIGIN, a)).isEmpty();
    assertThat(store.delete(OTHER_ORIGIN, b)).isTrue();
    assertThat(store.delete(OTHER_ORIGIN, b)).isFalse();
    assertThat(search.search(text("tattoo")).items()).isEmpty();
  }

  private int count(String sql) {
    return db.inTransaction(
        c -> {
          try (var ps = c.prepareStatement(sql);
              var rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
          }
        });
  }
}
