package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.node.store.TestAlerts.ORIGIN;
import static org.bdx.node.store.TestAlerts.OTHER_ORIGIN;
import static org.bdx.node.store.TestAlerts.alert;
import static org.bdx.node.store.TestAlerts.fields;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import org.bdx.node.search.AlertIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transaction that overwrites or deletes content leaves no copy of it in the database's files,
 * sealed or not (spec AR-6.4, EXP-5): the values are sealed under keys that stay live, so an older
 * page image in the write-ahead log would still open with the passphrase. Each test takes bytes
 * from the middle of a sealed value as stored, finds them in the files (the twin), removes the
 * content and finds them in no file.
 */
class RemovedContentTest {
  @TempDir Path dir;

  @Test
  void newerVersion_leavesNoImageOfTheOlderOne() throws IOException {
    try (NodeDatabase db = TestAlerts.open(dir)) {
      AlertStore store = new AlertStore(db, new AlertIndex());
      String id = TestAlerts.newId();
      store.put(alert(ORIGIN, id, 1, fields("2026-05-01").setAggressorDescription("tall").build()));
      byte[] old = sealedSlice(db, "SELECT fields FROM alerts WHERE alert_id = ?", id);
      assertThat(inFiles(old)).isTrue();

      store.put(
          alert(ORIGIN, id, 2, fields("2026-05-01").setAggressorDescription("short").build()));

      assertThat(inFiles(old)).isFalse();
    }
  }

  @Test
  void tombstone_leavesNoImageOfTheContent() throws IOException {
    try (NodeDatabase db = TestAlerts.open(dir)) {
      AlertStore store = new AlertStore(db, new AlertIndex());
      String id = TestAlerts.newId();
      store.put(alert(ORIGIN, id, 1, fields("2026-05-01").setAggressorDescription("tall").build()));
      byte[] old = sealedSlice(db, "SELECT envelope FROM alerts WHERE alert_id = ?", id);
      assertThat(inFiles(old)).isTrue();

      assertThat(store.stripToTombstone(ORIGIN, id)).isTrue();

      assertThat(inFiles(old)).isFalse();
    }
  }

  @Test
  void purgeOfReceivedAlerts_leavesNoImageOfThem() throws IOException {
    try (NodeDatabase db = TestAlerts.open(dir)) {
      AlertStore store = new AlertStore(db, new AlertIndex());
      String id = TestAlerts.newId();
      store.put(
          alert(OTHER_ORIGIN, id, 1, fields("2026-05-01").build())
              .withProvenance(OTHER_ORIGIN, TestAlerts.newId(), 1_000L));
      byte[] old = sealedSlice(db, "SELECT fields FROM alerts WHERE alert_id = ?", id);
      assertThat(inFiles(old)).isTrue();

      assertThat(store.purgeDue(2_000L)).isEqualTo(1);

      assertThat(inFiles(old)).isFalse();
    }
  }

  @Test
  void forgottenQueuedEnvelope_leavesNoImageOfIt() throws IOException {
    try (NodeDatabase db = TestAlerts.open(dir)) {
      OutboxStore outbox = new OutboxStore(db);
      String id = TestAlerts.newId();
      StoredAlert a = alert(ORIGIN, id, 1, fields("2026-05-01").build());
      outbox.queue(
          new OutboxStore.Entry(
              OTHER_ORIGIN, TestAlerts.newId(), ORIGIN, id, 1, a.envelope(), 1_000L, 0, 1, true));
      byte[] old = sealedSlice(db, "SELECT envelope FROM outbox WHERE alert_id = ?", id);
      assertThat(inFiles(old)).isTrue();

      assertThat(outbox.forgetAlert(ORIGIN, id, 2)).isEqualTo(1);

      assertThat(inFiles(old)).isFalse();
    }
  }

  @Test
  void deletedReason_leavesNoImageOfIt() throws IOException {
    try (NodeDatabase db = TestAlerts.open(dir)) {
      RetractionReasons reasons = new RetractionReasons(db);
      String id = TestAlerts.newId();
      reasons.put(id, "a reason given by staff", 1_000L);
      byte[] old = sealedSlice(db, "SELECT reason FROM retraction_reasons WHERE alert_id = ?", id);
      assertThat(inFiles(old)).isTrue();

      reasons.delete(id);

      assertThat(inFiles(old)).isFalse();
    }
  }

  /** 16 bytes from inside the ciphertext of the sealed value the query selects. */
  private static byte[] sealedSlice(NodeDatabase db, String sql, String alertId) {
    byte[] sealed =
        db.inTransaction(
            c -> {
              try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, alertId);
                try (ResultSet rs = ps.executeQuery()) {
                  assertThat(rs.next()).as(sql).isTrue();
                  return rs.getBytes(1);
                }
              }
            });
    assertThat(sealed.length).isGreaterThan(13 + 16 + 16);
    return Arrays.copyOfRange(sealed, 13, 13 + 16); // after version byte and nonce
  }

  /** Whether {@code needle} is in any file of the database directory (node.db, -wal, -shm). */
  private boolean inFiles(byte[] needle) throws IOException {
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (indexOf(Files.readAllBytes(f), needle) >= 0) {
          return true;
        }
      }
    }
    return false;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
