package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bdx.node.store.TestAlerts.ORIGIN;
import static org.bdx.node.store.TestAlerts.OTHER_ORIGIN;
import static org.bdx.node.store.TestAlerts.alert;
import static org.bdx.node.store.TestAlerts.fields;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import org.bdx.node.identity.NodeId;
import org.bdx.node.search.AlertIndex;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertStoreTest {

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

  private int count(String sql, Object... args) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
              ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getInt(1);
            }
          }
        });
  }

  /** Index entries holding the keyed hash of {@code token} (spec AR-7). */
  private int termRows(String token) {
    return IndexRows.holding(db, token);
  }

  /**
   * Every index entry is one an alert's own list of terms names, under its incident day, and the
   * other way round.
   */
  private void assertIndexRowsMatchTheAlerts() {
    assertThat(IndexRows.entries(db))
        .isEqualTo(count("SELECT COALESCE(sum(length(terms)), 0) / 8 FROM alerts"));
    assertThat(IndexRows.orphans(db)).isZero();
    assertThat(IndexRows.misdated(db)).isZero();
    // Each harm of an indexed alert is a word of its document too.
    assertThat(IndexRows.harmEntries(db))
        .isEqualTo(
            count(
                "SELECT count(*) FROM alert_harms h JOIN alerts a ON a.seq = h.seq"
                    + " WHERE length(a.terms) > 0"));
  }

  @Test
  void put_thenGet_roundTrips() {
    String id = TestAlerts.newId();
    StoredAlert a =
        alert(ORIGIN, id, 1, fields("2026-03-04").addPhoneNumbers("+16045550123").build());
    assertThat(store.put(a)).isTrue();
    assertThat(store.get(ORIGIN, id)).contains(a);
    assertThat(store.get(OTHER_ORIGIN, id)).isEmpty();
    assertThat(store.findById(id)).containsExactly(a);
  }

  @Test
  void put_sameVersionTwice_oneRow() {
    String id = TestAlerts.newId();
    StoredAlert a =
        alert(ORIGIN, id, 1, fields("2026-03-04").addPhoneNumbers("+16045550123").build());
    assertThat(store.put(a)).isTrue();
    assertThat(store.put(a)).isFalse();
    assertThat(count("SELECT count(*) FROM alerts WHERE alert_id = ?", id)).isEqualTo(1);
    assertThat(termRows("phone:+16045550123")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM alert_harms")).isEqualTo(1);
    assertIndexRowsMatchTheAlerts();
  }

  @Test
  void put_olderVersion_ignored() {
    String id = TestAlerts.newId();
    StoredAlert v2 = alert(ORIGIN, id, 2, fields("2026-03-04").setArea("Newer").build());
    StoredAlert v1 = alert(ORIGIN, id, 1, fields("2026-03-04").setArea("Older").build());
    assertThat(store.put(v2)).isTrue();
    assertThat(store.put(v1)).isFalse();
    assertThat(store.get(ORIGIN, id).orElseThrow().version()).isEqualTo(2);
    assertThat(store.get(ORIGIN, id).orElseThrow().fields().getArea()).isEqualTo("Newer");
    // Same version, different content: still not overwritten.
    assertThat(store.put(alert(ORIGIN, id, 2, fields("2026-03-04").setArea("Imposter").build())))
        .isFalse();
    assertThat(store.get(ORIGIN, id).orElseThrow().fields().getArea()).isEqualTo("Newer");
  }

  @Test
  void put_newerVersion_replaces_andIndexFollows() {
    String id = TestAlerts.newId();
    store.put(
        alert(
            ORIGIN,
            id,
            1,
            fields("2026-03-04")
                .addPhoneNumbers("+16045550123")
                .setVehiclePlate("ABC123")
                .setAggressorDescription("tall beard")
                .build()));
    assertThat(termRows("phone:+16045550123")).isEqualTo(1);
    long seqBefore = count("SELECT seq FROM alerts WHERE alert_id = ?", id);

    AlertFields v2 =
        fields("2026-03-05")
            .addPhoneNumbers("+16045559999")
            .setVehiclePlate("XYZ789")
            .setAggressorDescription("short clean shaven")
            .build();
    assertThat(store.put(alert(ORIGIN, id, 3, AlertStatus.ALERT_STATUS_UPDATED, v2))).isTrue();

    StoredAlert now = store.get(ORIGIN, id).orElseThrow();
    assertThat(now.version()).isEqualTo(3);
    assertThat(now.status()).isEqualTo(AlertStatus.ALERT_STATUS_UPDATED);
    assertThat(now.fields()).isEqualTo(v2);
    assertThat(count("SELECT count(*) FROM alerts")).isEqualTo(1);
    assertThat(count("SELECT seq FROM alerts WHERE alert_id = ?", id)).isEqualTo(seqBefore);
    // The index follows: the old phone, plate fragment and word beginning are gone, the new
    // ones are there, and no row is left that the alert's own list of terms does not name.
    assertThat(termRows("phone:+16045550123")).isZero();
    assertThat(termRows("phone:+16045559999")).isEqualTo(1);
    assertThat(termRows("plate:ABC")).isZero();
    assertThat(termRows("plate:XYZ")).isEqualTo(1);
    assertThat(termRows("word:bea")).isZero();
    assertThat(termRows("word:shave")).isEqualTo(1);
    assertIndexRowsMatchTheAlerts();
    assertThat(count("SELECT incident_date = '2026-03-05' FROM alerts")).isEqualTo(1);
  }

  @Test
  void put_retraction_dropsContentAndIndex() {
    String id = TestAlerts.newId();
    store.put(alert(ORIGIN, id, 1, fields("2026-03-04").addPhoneNumbers("+16045550123").build()));
    assertThat(
            store.put(
                alert(
                    ORIGIN,
                    id,
                    2,
                    AlertStatus.ALERT_STATUS_RETRACTED,
                    fields("2026-03-04").addPhoneNumbers("+16045550123").build())))
        .isTrue();
    StoredAlert tomb = store.get(ORIGIN, id).orElseThrow();
    assertThat(tomb.status()).isEqualTo(AlertStatus.ALERT_STATUS_RETRACTED);
    assertThat(tomb.fields()).isEqualTo(AlertFields.getDefaultInstance());
    assertThat(tomb.disclosedPaths()).isEmpty();
    assertThat(IndexRows.entries(db)).isZero();
    assertThat(count("SELECT count(*) FROM alert_harms")).isZero();
    assertThat(count("SELECT length(terms) FROM alerts WHERE alert_id = ?", id)).isZero();
  }

  @Test
  void put_sameIdDifferentOrigins_separateRows() {
    String id = TestAlerts.newId();
    store.put(alert(ORIGIN, id, 1, fields("2026-03-04").build()));
    store.put(alert(OTHER_ORIGIN, id, 5, fields("2026-03-04").build()));
    assertThat(store.findById(id))
        .extracting(StoredAlert::originNodeId)
        .containsExactlyInAnyOrder(ORIGIN, OTHER_ORIGIN);
    assertThat(store.get(ORIGIN, id).orElseThrow().version()).isEqualTo(1);
  }

  @Test
  void put_malformed_rejected() {
    AlertFields f = fields("2026-03-04").build();
    assertThatThrownBy(() -> store.put(alert(ORIGIN, "not-an-id", 1, f)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.put(alert(new NodeId("bad origin!"), TestAlerts.newId(), 1, f)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.put(alert(ORIGIN, TestAlerts.newId(), 0, f)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                store.put(
                    alert(ORIGIN, TestAlerts.newId(), 1, AlertStatus.ALERT_STATUS_UNSPECIFIED, f)))
        .isInstanceOf(IllegalArgumentException.class);
    StoredAlert a = alert(ORIGIN, TestAlerts.newId(), 1, f);
    StoredAlert badPath =
        new StoredAlert(
            a.originNodeId(),
            a.alertId(),
            1,
            a.status(),
            0,
            0,
            a.audience(),
            f,
            List.of("area,harms"),
            a.envelope(),
            true,
            0);
    assertThatThrownBy(() -> store.put(badPath)).isInstanceOf(IllegalArgumentException.class);
    assertThat(count("SELECT count(*) FROM alerts")).isZero();
  }

  @Test
  void get_unknown_empty() {
    assertThat(store.get(ORIGIN, TestAlerts.newId())).isEmpty();
    assertThat(store.findById(TestAlerts.newId())).isEmpty();
    assertThat(store.get(null, null)).isEmpty();
  }
}
