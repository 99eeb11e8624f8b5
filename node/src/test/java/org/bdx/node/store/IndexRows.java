package org.bdx.node.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * What the search index holds, read through FTS5's vocabulary tables: the index has no rows to
 * select, and a search would hide an entry its alert no longer matches. An entry is one term of one
 * document (one alert).
 */
final class IndexRows {
  private IndexRows() {}

  /** Entries of the keyed hash of {@code token}, whichever documents hold them. */
  static int holding(NodeDatabase db, String token) {
    return count(
        db,
        "SELECT count(*) FROM temp.index_entries WHERE term = ?",
        java.util.HexFormat.of().toHexDigits(TestCiphers.CIPHER.term(token)));
  }

  /** All entries of terms (16 hexadecimal digits; not the harms' words). */
  static int entries(NodeDatabase db) {
    return count(db, "SELECT count(*) FROM temp.index_entries WHERE length(term) = 16");
  }

  /** Entries of a harm's word ({@link SearchIndex#harmWord}). */
  static int harmEntries(NodeDatabase db) {
    return count(db, "SELECT count(*) FROM temp.index_entries WHERE length(term) < 16");
  }

  /** Entries whose document's row sequence ({@link SearchIndex#key}) names no alert row. */
  static int orphans(NodeDatabase db) {
    return count(
        db,
        "SELECT count(*) FROM temp.index_entries"
            + " WHERE (doc & 4294967295) NOT IN (SELECT seq FROM alerts)");
  }

  /** Entries whose document's incident day is not its alert row's incident date. */
  static int misdated(NodeDatabase db) {
    return count(
        db,
        "SELECT count(*) FROM temp.index_entries e JOIN alerts a ON a.seq = (e.doc & 4294967295)"
            + " WHERE (e.doc >> 32) <> CAST(replace(a.incident_date, '-', '') AS INTEGER)");
  }

  private static int count(NodeDatabase db, String sql, Object... args) {
    return db.inTransaction(
        c -> {
          try (Statement s = c.createStatement()) {
            s.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.index_entries"
                    + " USING fts5vocab(main, alert_index, instance)");
          }
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            NodeDatabase.bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? rs.getInt(1) : 0;
            }
          }
        });
  }
}
