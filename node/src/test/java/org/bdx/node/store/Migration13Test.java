package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.bdx.node.identity.NodeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema 13 (spec RELAY-8, ADM-10): a database of schema 12 gains the hop statement columns and the
 * rejections by reason; queued items of the node's own alerts, sent without a statement from now
 * on, keep no hops left, and relayed ones keep their counts.
 */
class Migration13Test {
  @TempDir Path dir;

  private static final NodeId PARTNER = NodeId.fromPublicKey(new byte[32]);

  @Test
  void upgrade_clearsTheHopsLeftOfOwnQueuedItems_andCountsRejectionsByReason() {
    try (NodeDatabase db = TestAlerts.open(dir)) {
      LegacyDatabase.downgradeTo12(db);
      String insert =
          "INSERT INTO outbox (partner_node_id, agreement_id, origin_node_id, alert_id, version, "
              + "envelope, created_at, relay_hops, hops_left) VALUES (?, 'agr', ?, ?, 1, x'00', 1, ?, ?)";
      db.update(insert, PARTNER.value(), PARTNER.value(), "own", 0, 2);
      db.update(insert, PARTNER.value(), PARTNER.value(), "relayed", 1, 1);
    }
    try (NodeDatabase db = TestAlerts.open(dir)) {
      assertThat(db.schemaVersion()).isEqualTo(Migrations.latestVersion());
      assertThat(db.queryLong("SELECT hops_left FROM outbox WHERE alert_id = 'own'")).isZero();
      // Twin: a relayed item keeps its counts.
      assertThat(db.queryLong("SELECT hops_left FROM outbox WHERE alert_id = 'relayed'"))
          .isEqualTo(1);
      assertThat(db.queryLong("SELECT count(*) FROM outbox WHERE hops IS NULL")).isEqualTo(2);
      SyncStateStore sync = new SyncStateStore(db);
      db.atomically(
          () -> {
            sync.recordRejections(PARTNER, Map.of("RELAY_NOT_ALLOWED", 2L, "FUTURE_DATED", 0L));
            sync.recordRejections(PARTNER, Map.of("RELAY_NOT_ALLOWED", 1L, "NOT_GRANTED", 1L));
            return null;
          });
      assertThat(sync.rejectionsByReason(PARTNER))
          .containsExactly(Map.entry("NOT_GRANTED", 1L), Map.entry("RELAY_NOT_ALLOWED", 3L));
    }
  }
}
