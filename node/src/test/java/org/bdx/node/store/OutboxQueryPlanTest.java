package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox lookups made for every new version use an index, never a scan of a partner's queue:
 * with a partner away for weeks the queue is large, and a scan per report made intake slow in
 * proportion to it. Likewise a lookup of an alert by id alone. Checked on SQLite's query plan,
 * which does not depend on timing.
 */
class OutboxQueryPlanTest {
  @TempDir Path dir;

  private static List<String> plan(NodeDatabase db, String sql) {
    return db.inTransaction(
        c -> {
          List<String> rows = new ArrayList<>();
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN " + sql)) {
            while (rs.next()) {
              rows.add(rs.getString("detail"));
            }
          }
          return rows;
        });
  }

  @Test
  void lookupsByAlert_useAnIndex_notAScan() {
    try (NodeDatabase db = NodeDatabase.open(dir.resolve("node.db"), TestCiphers.CIPHER)) {
      for (String sql :
          List.of(
              "SELECT 1 FROM outbox WHERE partner_node_id = 'p' AND origin_node_id = 'o'"
                  + " AND alert_id = 'a' AND version >= 1 AND agreement_id = 'g'",
              "DELETE FROM outbox WHERE partner_node_id = 'p' AND origin_node_id = 'o'"
                  + " AND alert_id = 'a' AND version < 2",
              "DELETE FROM outbox WHERE origin_node_id = 'o' AND alert_id = 'a' AND version < 2")) {
        List<String> p = plan(db, sql);
        // The index must narrow by alert, not just by partner (whose queue may be huge).
        assertThat(p).as(sql).anyMatch(d -> d.contains("USING INDEX") && d.contains("alert_id=?"));
        assertThat(p).as(sql).noneMatch(d -> d.startsWith("SCAN outbox"));
      }
      // A lookup by alert id alone (GetAlert) probes the (origin, alert_id) key per origin.
      List<String> byId =
          plan(
              db,
              "SELECT seq FROM alerts WHERE origin_node_id IN"
                  + " (SELECT origin_node_id FROM alert_origins) AND alert_id = 'a'");
      assertThat(byId)
          .anyMatch(
              d -> d.startsWith("SEARCH alerts") && d.contains("origin_node_id=? AND alert_id=?"));
      assertThat(byId).noneMatch(d -> d.startsWith("SCAN alerts"));
      // The send-time check, for every item: the held alert by its key, the item by its sequence.
      assertThat(plan(db, OutboxStore.SELECT_HELD.replace("?", "'x'")))
          .anyMatch(
              d -> d.startsWith("SEARCH alerts") && d.contains("origin_node_id=? AND alert_id=?"))
          .noneMatch(d -> d.startsWith("SCAN"));
      assertThat(plan(db, OutboxStore.DELETE_QUEUED.replace("?", "1")))
          .anyMatch(d -> d.startsWith("SEARCH outbox"))
          .noneMatch(d -> d.startsWith("SCAN"));
      // The twin: the plan reader does see a scan where there is one.
      assertThat(plan(db, "SELECT 1 FROM outbox WHERE envelope = x'00'"))
          .anyMatch(d -> d.startsWith("SCAN outbox"));
    }
  }
}
