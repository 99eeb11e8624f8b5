package org.bdx.node.store;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.bdx.proto.v1.AlertStatus;

/**
 * The search index tables, keyed by the alert's row sequence, and the search query over them (spec
 * AR-7): {@code alert_terms}, one row per keyed-hash term of an alert's tokens, and {@code
 * alert_harms}, the harm category numbers in clear. Each alert row also keeps its own terms ({@code
 * alerts.terms}, 8 bytes each), so its index rows are deleted by key, without an index by sequence.
 * What goes into an entry is decided by the {@link Indexer}; this class only writes and reads it.
 * Entries are written and deleted in the transaction that changes the alert.
 */
public final class SearchIndex {
  private final NodeDatabase db;

  public SearchIndex(NodeDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /** The keyed-hash terms of {@code entry}'s tokens, packed 8 bytes each, big-endian. */
  static byte[] terms(RowCipher cipher, IndexEntry entry) {
    ByteBuffer b = ByteBuffer.allocate(entry.tokens().size() * Long.BYTES);
    for (String token : entry.tokens()) {
      b.putLong(cipher.term(token));
    }
    return b.array();
  }

  /**
   * Most term rows written by one INSERT: an alert has a hundred or more terms, and one statement
   * per row cost more than the rows themselves (docs/benchmarks.md, encrypted store). Two
   * parameters a row, far below SQLite's limit of 999.
   */
  static final int TERMS_PER_INSERT = 64;

  /** Writes the index rows of the alert at {@code seq}. Inside the caller's transaction. */
  static void insert(Connection c, long seq, byte[] terms, Set<Integer> harms) throws SQLException {
    ByteBuffer b = ByteBuffer.wrap(terms);
    while (b.remaining() >= Long.BYTES) {
      // Statements of 64, 32, ... 1 rows: at most seven shapes, each prepared once.
      int rows = Math.min(TERMS_PER_INSERT, Integer.highestOneBit(b.remaining() / Long.BYTES));
      try (PreparedStatement ps = c.prepareStatement(insertTerms(rows))) {
        for (int i = 0; i < rows; i++) {
          ps.setLong(2 * i + 1, b.getLong());
          ps.setLong(2 * i + 2, seq);
        }
        ps.executeUpdate();
      }
    }
    if (!harms.isEmpty()) {
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO alert_harms (harm, seq) VALUES (?, ?)")) {
        for (int h : harms) {
          ps.setInt(1, h);
          ps.setLong(2, seq);
          ps.executeUpdate();
        }
      }
    }
  }

  private static final String[] INSERT_TERMS = new String[TERMS_PER_INSERT + 1];

  static {
    for (int rows = 1; rows <= TERMS_PER_INSERT; rows *= 2) {
      StringBuilder sql =
          new StringBuilder("INSERT OR IGNORE INTO alert_terms (term, seq) VALUES ");
      for (int i = 0; i < rows; i++) {
        sql.append(i == 0 ? "(?, ?)" : ", (?, ?)");
      }
      INSERT_TERMS[rows] = sql.toString();
    }
  }

  private static String insertTerms(int rows) {
    return INSERT_TERMS[rows];
  }

  /**
   * Deletes the index rows of the alert at {@code seq}, by the terms its row records. Inside the
   * caller's transaction, before the row itself changes.
   */
  static void delete(Connection c, long seq) throws SQLException {
    byte[] terms = null;
    try (PreparedStatement ps = c.prepareStatement("SELECT terms FROM alerts WHERE seq = ?")) {
      ps.setLong(1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          terms = rs.getBytes(1);
        }
      }
    }
    if (terms != null && terms.length > 0) {
      try (PreparedStatement ps =
          c.prepareStatement("DELETE FROM alert_terms WHERE term = ? AND seq = ?")) {
        ByteBuffer b = ByteBuffer.wrap(terms);
        while (b.remaining() >= Long.BYTES) {
          ps.setLong(1, b.getLong());
          ps.setLong(2, seq);
          ps.executeUpdate();
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM alert_harms WHERE seq = ?")) {
      ps.setLong(1, seq);
      ps.executeUpdate();
    }
  }

  /**
   * Held by at least this many alerts, a term (or all of a query's terms together) is common: the
   * search then reads the alerts in result order and checks each for the terms, rather than list
   * every alert that holds them and sort them all for one page (docs/benchmarks.md, encrypted
   * store). About where the two cost the same at 100 000 alerts and a page of 50.
   */
  static final int COMMON_TERM = 2_000;

  /** The alerts that hold every one of {@code n} terms (n &gt; 0), one parameter each. */
  private static String holdingAll(int n) {
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sql.append(i == 0 ? "" : " INTERSECT ").append("SELECT seq FROM alert_terms WHERE term = ?");
    }
    return sql.toString();
  }

  /**
   * Whether at least {@link #COMMON_TERM} alerts hold all of {@code terms}: each term alone first,
   * each count stopping there, then, if all are common, the alerts that hold them all.
   */
  private boolean common(List<Long> terms) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT count(*) FROM (SELECT 1 FROM alert_terms WHERE term = ? LIMIT ?)")) {
            for (long term : terms) {
              ps.setLong(1, term);
              ps.setInt(2, COMMON_TERM);
              try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getInt(1) < COMMON_TERM) {
                  return false;
                }
              }
            }
          }
          if (terms.size() == 1) {
            return true;
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT count(*) FROM (" + holdingAll(terms.size()) + " LIMIT ?)")) {
            for (int i = 0; i < terms.size(); i++) {
              ps.setLong(i + 1, terms.get(i));
            }
            ps.setInt(terms.size() + 1, COMMON_TERM);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() && rs.getInt(1) >= COMMON_TERM;
            }
          }
        });
  }

  /**
   * Whether at least {@link #COMMON_TERM} alerts hold any of {@code harms}, counting no further.
   */
  private boolean commonHarms(List<Integer> harms) {
    StringBuilder in = new StringBuilder();
    for (int i = 0; i < harms.size(); i++) {
      in.append(i == 0 ? "?" : ", ?");
    }
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT count(*) FROM (SELECT 1 FROM alert_harms WHERE harm IN ("
                      + in
                      + ") LIMIT ?)")) {
            for (int i = 0; i < harms.size(); i++) {
              ps.setInt(i + 1, harms.get(i));
            }
            ps.setInt(harms.size() + 1, COMMON_TERM);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() && rs.getInt(1) >= COMMON_TERM;
            }
          }
        });
  }

  /**
   * The alerts that match {@code q}, one page. Tombstones (retracted or withdrawn alerts) never
   * appear, nor alerts past their expiry or, for received alerts, past their purge time (spec
   * EXP-2). Candidates come in result order; each is opened and kept only if {@link
   * IndexQuery#matches} accepts its fields, until the page is full.
   *
   * <p>The candidates are selected and sorted by their keys alone, and each row is then read by its
   * sequence as the page needs it: sorting whole rows (sealed content included) cost the time of
   * every candidate, not of the page (docs/benchmarks.md, encrypted store).
   */
  public IndexQuery.Found search(IndexQuery q) {
    Objects.requireNonNull(q, "query");
    RowCipher cipher = db.cipher();
    StringBuilder sql =
        new StringBuilder(
            "SELECT a.incident_date AS sort_date, a.seq AS sort_seq FROM alerts a"
                + " WHERE a.status <> ? AND a.disclosed_paths <> ''"
                + " AND a.expires_at > ? AND (a.purge_at IS NULL OR a.purge_at > ?)");
    List<Object> args = new ArrayList<>();
    args.add(AlertStatus.ALERT_STATUS_RETRACTED_VALUE);
    args.add(q.now());
    args.add(q.now());

    List<Long> terms = new ArrayList<>();
    for (String token : q.tokens().stream().sorted().toList()) {
      terms.add(cipher.term(token));
    }
    // The terms common together: read the alerts newest first and check each for the terms,
    // which stops as soon as the page is full. Otherwise list the alerts that hold them all (the
    // index alone answers that) and sort those.
    if (!terms.isEmpty() && common(terms)) {
      for (long term : terms) {
        sql.append(" AND EXISTS (SELECT 1 FROM alert_terms t WHERE t.term = ? AND t.seq = a.seq)");
        args.add(term);
      }
    } else if (!terms.isEmpty()) {
      sql.append(" AND a.seq IN (").append(holdingAll(terms.size())).append(")");
      args.addAll(terms);
    }
    if (!q.harms().isEmpty()) {
      List<Integer> harms = q.harms().stream().sorted().toList();
      // Common harms (a harm is in a large share of alerts): check each alert as it is read in
      // result order, so a date range or a page stops the reading; listing every alert with the
      // harm cost the whole list per query (docs/benchmarks.md, search at 1 000 000 alerts).
      sql.append(
          commonHarms(harms)
              ? " AND EXISTS (SELECT 1 FROM alert_harms h WHERE h.seq = a.seq AND h.harm IN ("
              : " AND a.seq IN (SELECT seq FROM alert_harms WHERE harm IN (");
      boolean first = true;
      for (int h : harms) {
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
    sql.append(" ORDER BY a.incident_date DESC, a.seq DESC");
    int size = q.limit();

    return db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.toString());
              PreparedStatement row =
                  c.prepareStatement(
                      "SELECT " + AlertRows.COLUMNS + " FROM alerts WHERE seq = ?")) {
            NodeDatabase.bind(ps, args.toArray());
            List<StoredAlert> items = new ArrayList<>();
            IndexQuery.Position last = null;
            boolean more = false;
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                String date = rs.getString(1);
                long seq = rs.getLong(2);
                StoredAlert a;
                row.setLong(1, seq);
                try (ResultSet r = row.executeQuery()) {
                  if (!r.next()) {
                    throw new StoreException("a search candidate vanished in its transaction");
                  }
                  a = AlertRows.read(r, cipher);
                }
                if (!q.matches().test(a.fields())) {
                  continue;
                }
                if (items.size() == size) {
                  more = true;
                  break;
                }
                last = new IndexQuery.Position(date, seq);
                items.add(a);
              }
            }
            return new IndexQuery.Found(items, more ? last : null);
          }
        });
  }

  /**
   * The alerts that hold any of {@code tokens}, newest incident first, at most {@code limit}: the
   * candidates of a link (spec API-10), which the caller decides from their fields as a search
   * does. Never a tombstone, nor an alert past its expiry or purge time (EXP-2).
   */
  public List<StoredAlert> holdingAny(Set<String> tokens, long now, int limit) {
    Objects.requireNonNull(tokens, "tokens");
    if (tokens.isEmpty() || limit < 1) {
      return List.of();
    }
    RowCipher cipher = db.cipher();
    List<Object> args = new ArrayList<>();
    args.add(AlertStatus.ALERT_STATUS_RETRACTED_VALUE);
    args.add(now);
    args.add(now);
    StringBuilder in = new StringBuilder();
    for (String token : tokens.stream().sorted().toList()) {
      in.append(in.isEmpty() ? "?" : ", ?");
      args.add(cipher.term(token));
    }
    args.add(limit);
    String sql =
        "SELECT "
            + AlertRows.COLUMNS
            + " FROM alerts a WHERE a.status <> ? AND a.disclosed_paths <> ''"
            + " AND a.expires_at > ? AND (a.purge_at IS NULL OR a.purge_at > ?)"
            + " AND a.seq IN (SELECT seq FROM alert_terms WHERE term IN ("
            + in
            + ")) ORDER BY a.incident_date DESC, a.seq DESC LIMIT ?";
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            NodeDatabase.bind(ps, args.toArray());
            List<StoredAlert> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(AlertRows.read(rs, cipher));
              }
            }
            return out;
          }
        });
  }
}
