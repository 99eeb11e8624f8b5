package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A search reads its lead list (a term's or a harm's alerts) in its key order, which is the result
 * order, and checks the query's other terms and harms by key: never a sort of the candidates, and
 * never a scan. That is what keeps a page's cost near a page of entries at a million alerts
 * (docs/benchmarks.md, search at 1 000 000 alerts). Checked on SQLite's query plan, which does not
 * depend on timing.
 */
class SearchQueryPlanTest {
  @TempDir Path dir;

  private static final long TERM_A = 11L;
  private static final long TERM_B = 22L;
  private static final long TERM_C = 33L;

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
      NodeDatabase db, IndexQuery q, SearchIndex.Lead lead, List<Long> terms, boolean commonHarms) {
    List<Object> args = new ArrayList<>();
    String sql = SearchIndex.candidates(q, Optional.ofNullable(lead), terms, commonHarms, args);
    return plan(db, sql, args);
  }

  @Test
  void termLead_readInKeyOrder_otherTermsAndHarmsByKey_noSort() {
    try (NodeDatabase db = NodeDatabase.open(dir.resolve("node.db"), TestCiphers.CIPHER)) {
      IndexQuery q =
          query(
              Set.of(3, 5), "2026-01-01", "2026-03-31", new IndexQuery.Position("2026-02-01", 77));
      List<String> p =
          candidatesPlan(
              db, q, SearchIndex.Lead.term(TERM_A), List.of(TERM_A, TERM_B, TERM_C), false);
      assertThat(p)
          .as("%s", p)
          .anyMatch(
              d ->
                  d.startsWith(
                      "SEARCH l USING PRIMARY KEY (term=? AND incident_day>? AND incident_day<?)"))
          .anyMatch(d -> d.startsWith("SEARCH a USING INTEGER PRIMARY KEY (rowid=?)"))
          .anyMatch(
              d ->
                  d.startsWith(
                      "SEARCH t EXISTS USING PRIMARY KEY (term=? AND incident_day=? AND seq=?)"))
          .anyMatch(d -> d.startsWith("SEARCH h EXISTS") && d.contains("seq=? AND harm=?"))
          .noneMatch(d -> d.contains("TEMP B-TREE"))
          .noneMatch(d -> d.startsWith("SCAN"));
    }
  }

  @Test
  void harmLead_readInKeyOrder_termsByKey_noSort() {
    try (NodeDatabase db = NodeDatabase.open(dir.resolve("node.db"), TestCiphers.CIPHER)) {
      IndexQuery q = query(Set.of(4), null, "2026-03-31", null);
      List<String> p = candidatesPlan(db, q, SearchIndex.Lead.harm(4), List.of(TERM_A), false);
      assertThat(p)
          .as("%s", p)
          .anyMatch(
              d ->
                  d.startsWith(
                      "SEARCH l USING PRIMARY KEY (harm=? AND incident_day>? AND incident_day<?)"))
          .anyMatch(
              d ->
                  d.startsWith(
                      "SEARCH t EXISTS USING PRIMARY KEY (term=? AND incident_day=? AND seq=?)"))
          .noneMatch(d -> d.contains("TEMP B-TREE"))
          .noneMatch(d -> d.startsWith("SCAN"));
    }
  }

  @Test
  void noLead_alertsNewestFirst_commonHarmsByKey_noSort() {
    try (NodeDatabase db = NodeDatabase.open(dir.resolve("node.db"), TestCiphers.CIPHER)) {
      IndexQuery q = query(Set.of(3, 5), "2026-01-01", null, null);
      List<String> p = candidatesPlan(db, q, null, List.of(), true);
      assertThat(p)
          .as("%s", p)
          .anyMatch(d -> d.startsWith("SEARCH a USING INDEX alerts_by_incident"))
          .anyMatch(d -> d.startsWith("SEARCH h EXISTS") && d.contains("seq=? AND harm=?"))
          .noneMatch(d -> d.contains("TEMP B-TREE"));
      // The twin: rare harms named together are listed, then sorted; the plan reader sees it.
      assertThat(candidatesPlan(db, q, null, List.of(), false))
          .anyMatch(d -> d.contains("TEMP B-TREE"));
    }
  }

  @Test
  void lead_isTheShortestListInTheRange_countedFurtherWhileAllAreLong() {
    try (NodeDatabase db = NodeDatabase.open(dir.resolve("node.db"), TestCiphers.CIPHER)) {
      // Term A: 5 000 rows; B: 2 000; C: 40 000 (past LAST_BOUND); D: 39 000; E: 500. In 2026 A
      // has 300, the others none.
      db.inTransaction(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO alert_terms (term, incident_day, seq) VALUES (?, ?, ?)")) {
              long[][] lists = {
                {TERM_A, 5_000}, {TERM_B, 2_000}, {TERM_C, 40_000}, {44L, 39_000}, {66L, 500}
              };
              for (long[] list : lists) {
                for (int i = 0; i < list[1]; i++) {
                  ps.setLong(1, list[0]);
                  ps.setInt(2, list[0] == TERM_A && i < 300 ? 20260101 : 20250101);
                  ps.setLong(3, i);
                  ps.addBatch();
                }
              }
              ps.executeBatch();
            }
            SearchIndex.Lead a = SearchIndex.Lead.term(TERM_A);
            SearchIndex.Lead b = SearchIndex.Lead.term(TERM_B);
            SearchIndex.Lead cc = SearchIndex.Lead.term(TERM_C);
            SearchIndex.Lead d = SearchIndex.Lead.term(44L);
            IndexQuery any = query(Set.of(), null, null, null);
            IndexQuery all = query(Set.of(), "2000-01-01", null, null);
            // In a range, both past the first bound: counted further, the shorter leads whatever
            // the order.
            assertThat(SearchIndex.lead(c, List.of(a, b), all)).isEqualTo(b);
            assertThat(SearchIndex.lead(c, List.of(b, a), all)).isEqualTo(b);
            assertThat(SearchIndex.lead(c, List.of(cc, a), all)).isEqualTo(a);
            // Both past the last bound: alike enough, the first leads.
            assertThat(SearchIndex.lead(c, List.of(cc, d), all)).isEqualTo(cc);
            // Without a range, lists past the first bound are not counted further: the first leads.
            assertThat(SearchIndex.lead(c, List.of(a, b), any)).isEqualTo(a);
            // Below the first bound, the shorter leads with or without a range.
            assertThat(SearchIndex.lead(c, List.of(a, SearchIndex.Lead.term(66L)), any))
                .isEqualTo(SearchIndex.Lead.term(66L));
            // In a range, the list is counted in the range.
            IndexQuery in2026 = query(Set.of(), "2026-01-01", null, null);
            assertThat(SearchIndex.lead(c, List.of(b, a), in2026))
                .isEqualTo(SearchIndex.Lead.NOTHING);
            IndexQuery upTo2026 = query(Set.of(), null, "2026-12-31", null);
            assertThat(SearchIndex.lead(c, List.of(b, a), upTo2026)).isEqualTo(b);
            // A list empty in the range: nothing can match. No list: none leads.
            assertThat(SearchIndex.lead(c, List.of(a, SearchIndex.Lead.term(99L)), any))
                .isEqualTo(SearchIndex.Lead.NOTHING);
            assertThat(SearchIndex.lead(c, List.of(), any)).isNull();
            return null;
          });
    }
  }
}
