package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A search reads the documents that hold its terms and harms (or one harm's list) in rowid or key
 * order, which is the result order: never a sort of the candidates, and never a scan of the alerts.
 * That is what keeps a page's cost near a page of entries at a million alerts (docs/benchmarks.md,
 * search at 1 000 000 alerts). Checked on SQLite's query plan, which does not depend on timing.
 */
class SearchQueryPlanTest {
  @TempDir Path dir;

  private static final long TERM_A = 11L;
  private static final long TERM_B = 22L;

  private static IndexQuery query(
      Set<Integer> harms, String since, String until, IndexQuery.Position after) {
    return new IndexQuery(Set.of("x"), f -> true, harms, since, until, after, 50, 1_000L);
  }

  private static List<String> plan(NodeDatabase db, String sql, List<Object> args) {
    return db.inTransaction(
        c -> {
          List<String> rows = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
            NodeDatabase.bind(ps, args.toArray());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                rows.add(rs.getString("detail"));
              }
            }
          }
          return rows;
        });
  }

  private static List<String> candidatesPlan(
      NodeDatabase db, IndexQuery q, List<Long> terms, boolean commonHarms) {
    List<Object> args = new ArrayList<>();
    String sql = SearchIndex.candidates(q, terms, commonHarms, true, args);
    return plan(db, sql, args);
  }

  @Test
  void termsAndHarms_oneMatchOfTheFullTextIndexInRowidOrder_noSort() {
    try (NodeDatabase db = NodeDatabase.open(dir.resolve("node.db"), TestCiphers.CIPHER)) {
      IndexQuery q =
          query(
              Set.of(3, 5), "2026-01-01", "2026-03-31", new IndexQuery.Position("2026-02-01", 77));
      List<String> p = candidatesPlan(db, q, List.of(TERM_A, TERM_B), false);
      assertThat(p)
          .as("%s", p)
          // FTS5's plan: M, a full-text match; > and <, the rowid range it reads.
          .anyMatch(d -> d.startsWith("SCAN l VIRTUAL TABLE INDEX") && d.contains(":M"))
          .anyMatch(d -> d.startsWith("SEARCH a USING INTEGER PRIMARY KEY (rowid=?)"))
          // The harms are words of the documents, part of the same match: no check per alert.
          .noneMatch(d -> d.contains("alert_harms") || d.startsWith("SEARCH h"))
          .noneMatch(d -> d.contains("TEMP B-TREE"))
          .noneMatch(d -> d.startsWith("SCAN a"));
    }
  }

  @Test
  void oneHarmNoTerm_readInKeyOrder_noSort() {
    try (NodeDatabase db = NodeDatabase.open(dir.resolve("node.db"), TestCiphers.CIPHER)) {
      IndexQuery q = query(Set.of(4), null, "2026-03-31", null);
      List<String> p = candidatesPlan(db, q, List.of(), false);
      assertThat(p)
          .as("%s", p)
          .anyMatch(
              d ->
                  d.startsWith(
                      "SEARCH l USING PRIMARY KEY (harm=? AND incident_day>? AND incident_day<?)"))
          .noneMatch(d -> d.contains("TEMP B-TREE"))
          .noneMatch(d -> d.startsWith("SCAN"));
    }
  }

  @Test
  void noTermSeveralHarms_alertsNewestFirst_commonHarmsByKey_noSort() {
    try (NodeDatabase db = NodeDatabase.open(dir.resolve("node.db"), TestCiphers.CIPHER)) {
      IndexQuery q = query(Set.of(3, 5), "2026-01-01", null, null);
      List<String> p = candidatesPlan(db, q, List.of(), true);
      assertThat(p)
          .as("%s", p)
          .anyMatch(d -> d.startsWith("SEARCH a USING INDEX alerts_by_incident"))
          .anyMatch(d -> d.startsWith("SEARCH h EXISTS") && d.contains("seq=? AND harm=?"))
          .noneMatch(d -> d.contains("TEMP B-TREE"));
      // The twin: rare harms named together are listed, then sorted; the plan reader sees it.
      assertThat(candidatesPlan(db, q, List.of(), false)).anyMatch(d -> d.contains("TEMP B-TREE"));
    }
  }
}
