package org.bdx.node.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bdx.proto.v1.AlertStatus;

/**
 * The search index tables ({@code alert_phones}, {@code alert_harms}, full-text {@code alert_text}
 * and trigram {@code alert_plates}), keyed by the alert's row sequence, and the search query over
 * them. What goes into an entry is decided by the {@link Indexer}; this class only writes and reads
 * it. Entries are written and deleted in the transaction that changes the alert.
 *
 * <p>User text never reaches FTS5 as query syntax: each word is double-quoted and marked as a
 * prefix, and the words are ANDed.
 */
public final class SearchIndex {
  private final NodeDatabase db;

  public SearchIndex(NodeDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /** Writes the index rows of the alert at {@code seq}. Inside the caller's transaction. */
  static void insert(Connection c, long seq, IndexEntry e) throws SQLException {
    if (!e.phones().isEmpty()) {
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO alert_phones (phone, seq) VALUES (?, ?)")) {
        for (String p : e.phones()) {
          ps.setString(1, p);
          ps.setLong(2, seq);
          ps.executeUpdate();
        }
      }
    }
    if (!e.harms().isEmpty()) {
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO alert_harms (harm, seq) VALUES (?, ?)")) {
        for (int h : e.harms()) {
          ps.setInt(1, h);
          ps.setLong(2, seq);
          ps.executeUpdate();
        }
      }
    }
    if (!e.text().isBlank()) {
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO alert_text (rowid, body) VALUES (?, ?)")) {
        ps.setLong(1, seq);
        ps.setString(2, e.text());
        ps.executeUpdate();
      }
    }
    if (!e.plate().isEmpty()) {
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO alert_plates (rowid, plate) VALUES (?, ?)")) {
        ps.setLong(1, seq);
        ps.setString(2, e.plate());
        ps.executeUpdate();
      }
    }
  }

  /**
   * Deletes the index rows of the alert at {@code seq}, including the full-text rows, which no
   * foreign key cascades to. Inside the caller's transaction.
   */
  static void delete(Connection c, long seq) throws SQLException {
    for (String sql :
        List.of(
            "DELETE FROM alert_phones WHERE seq = ?",
            "DELETE FROM alert_harms WHERE seq = ?",
            "DELETE FROM alert_text WHERE rowid = ?",
            "DELETE FROM alert_plates WHERE rowid = ?")) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setLong(1, seq);
        ps.executeUpdate();
      }
    }
  }

  /**
   * Merges the full-text indexes into one segment each, dropping whatever deleted entries remain in
   * older segments, so deleted text does not linger in the database file. Costs time proportional
   * to the index; for rare operations such as purging a report. Joins the caller's transaction.
   */
  public void compact() {
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement("INSERT INTO alert_text (alert_text) VALUES ('optimize')");
              PreparedStatement pp =
                  c.prepareStatement(
                      "INSERT INTO alert_plates (alert_plates) VALUES ('optimize')")) {
            ps.executeUpdate();
            pp.executeUpdate();
          }
          return null;
        });
  }

  /**
   * The alerts that match {@code q}, one page. Tombstones (retracted or withdrawn alerts) never
   * appear, nor alerts past their expiry or, for received alerts, past their purge time (spec
   * EXP-2).
   */
  public IndexQuery.Found search(IndexQuery q) {
    Objects.requireNonNull(q, "query");
    StringBuilder sql =
        new StringBuilder(
            "SELECT a.incident_date AS sort_date, a.seq AS sort_seq, a.* FROM alerts a"
                + " WHERE a.status <> ? AND a.disclosed_paths <> ''"
                + " AND a.expires_at > ? AND (a.purge_at IS NULL OR a.purge_at > ?)");
    List<Object> args = new ArrayList<>();
    args.add(AlertStatus.ALERT_STATUS_RETRACTED_VALUE);
    args.add(q.now());
    args.add(q.now());

    if (q.phone() != null) {
      sql.append(" AND a.seq IN (SELECT seq FROM alert_phones WHERE phone = ?)");
      args.add(q.phone());
    }
    if (q.plate() != null) {
      if (q.plate().codePointCount(0, q.plate().length()) >= 3) {
        sql.append(" AND a.seq IN (SELECT rowid FROM alert_plates WHERE alert_plates MATCH ?)");
        args.add(quote(q.plate()));
      } else {
        // Trigrams need 3 characters; canonical plates hold only letters and digits, so
        // there is nothing to escape in the LIKE pattern.
        sql.append(" AND a.plate LIKE ?");
        args.add("%" + q.plate() + "%");
      }
    }
    if (!q.words().isEmpty()) {
      sql.append(" AND a.seq IN (SELECT rowid FROM alert_text WHERE alert_text MATCH ?)");
      args.add(matchAll(q.words()));
    }
    if (q.area() != null) {
      sql.append(" AND substr(a.area_lc, 1, ?) = ?");
      args.add(q.area().codePointCount(0, q.area().length()));
      args.add(q.area());
    }
    if (!q.harms().isEmpty()) {
      sql.append(" AND a.seq IN (SELECT seq FROM alert_harms WHERE harm IN (");
      boolean first = true;
      for (int h : q.harms().stream().sorted().toList()) {
        sql.append(first ? "?" : ", ?");
        first = false;
        args.add(h);
      }
      sql.append("))");
    }
    if (q.since() != null) {
      sql.append(" AND a.incident_date >= ?");
      args.add(q.since());
    }
    if (q.until() != null) {
      sql.append(" AND a.incident_date <> '' AND a.incident_date <= ?");
      args.add(q.until());
    }
    if (q.after() != null) {
      sql.append(" AND (a.incident_date < ? OR (a.incident_date = ? AND a.seq < ?))");
      args.add(q.after().incidentDate());
      args.add(q.after().incidentDate());
      args.add(q.after().seq());
    }
    sql.append(" ORDER BY a.incident_date DESC, a.seq DESC LIMIT ?");
    int size = q.limit();
    args.add(size + 1);

    return db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
              Object arg = args.get(i);
              if (arg instanceof Integer n) {
                ps.setInt(i + 1, n);
              } else if (arg instanceof Long n) {
                ps.setLong(i + 1, n);
              } else {
                ps.setString(i + 1, (String) arg);
              }
            }
            List<StoredAlert> items = new ArrayList<>();
            IndexQuery.Position last = null;
            boolean more = false;
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                if (items.size() == size) {
                  more = true;
                  break;
                }
                last = new IndexQuery.Position(rs.getString("sort_date"), rs.getLong("sort_seq"));
                items.add(AlertRows.read(rs));
              }
            }
            return new IndexQuery.Found(items, more ? last : null);
          }
        });
  }

  /**
   * The full-text query that requires every word as a prefix: each word double-quoted (quotes in it
   * doubled) and marked with {@code *}, so no user text is read as FTS5 syntax.
   */
  static String matchAll(List<String> words) {
    List<String> terms = new ArrayList<>(words.size());
    for (String w : words) {
      terms.add(quote(w) + "*");
    }
    return String.join(" ", terms);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }
}
