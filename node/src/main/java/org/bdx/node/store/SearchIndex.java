package org.bdx.node.store;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.bdx.proto.v1.AlertStatus;

/**
 * The search index tables and the search query over them (spec AR-7, AR-7.1): {@code alert_index},
 * a full-text index (SQLite FTS5, contentless, no positions) holding each alert's keyed-hash terms
 * as one document of hexadecimal words, with a word per harm category ({@link #harmWord}), and
 * {@code alert_harms}, the harm category numbers in clear, keyed by (harm, incident day, row
 * sequence), for searches by harm alone. A document's rowid is the alert's incident day and
 * sequence in one number ({@link #key}), so each term's list of alerts is kept in result order and
 * a search reads it newest first, its terms and harms intersected by FTS5 itself. Each alert row
 * also keeps its own terms ({@code alerts.terms}, 8 bytes each): removing a document from a
 * contentless index takes the words it was written with, and with the index's secure-delete option
 * they are then removed from it at once (spec VER-6), not left behind as a tombstone. What goes
 * into an entry is decided by the {@link Indexer}; this class only writes and reads it, in the
 * transaction that changes the alert.
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
   * The keyed-hash terms of a query's {@code tokens}, sorted by token: one query, one statement.
   */
  private static List<Long> hashed(RowCipher cipher, Collection<String> tokens) {
    return tokens.stream().sorted().map(cipher::term).toList();
  }

  /** Row sequences above this do not fit the low half of a {@link #key}. */
  static final long MAX_SEQ = 0xFFFF_FFFFL;

  /**
   * The rowid of an alert's document: its incident day ({@link #day}) in the high half and its row
   * sequence in the low half, so rowid order is the result order (incident date, then sequence).
   *
   * @throws StoreException if {@code seq} is outside 1..{@link #MAX_SEQ}
   */
  static long key(int day, long seq) {
    if (seq < 1 || seq > MAX_SEQ) {
      throw new StoreException("an alert's row sequence is outside the search index's range");
    }
    return ((long) day << 32) | seq;
  }

  /**
   * The document of packed {@code terms} and {@code harms}: each term as 16 hexadecimal digits,
   * then each harm as its word ({@link #harmWord}), space-separated.
   */
  static String document(byte[] terms, Collection<Integer> harms) {
    StringBuilder doc = new StringBuilder(terms.length * 17 / 8 + harms.size() * 4);
    ByteBuffer b = ByteBuffer.wrap(terms);
    while (b.remaining() >= Long.BYTES) {
      if (!doc.isEmpty()) {
        doc.append(' ');
      }
      doc.append(HEX.toHexDigits(b.getLong()));
    }
    for (int h : harms.stream().sorted().toList()) {
      doc.append(' ').append(harmWord(h));
    }
    return doc.toString();
  }

  /**
   * A harm category as a word of the index: "h" and its number, in clear as in {@code alert_harms}
   * (spec AR-7), never 16 hexadecimal digits like a term. In the document, so a search with terms
   * and harms is one intersection of lists, not a check of each alert the terms find.
   */
  static String harmWord(int harm) {
    return "h" + harm;
  }

  /** An FTS5 query for documents holding every one of {@code terms} (or any, if {@code any}). */
  static String match(List<Long> terms, boolean any) {
    StringBuilder q = new StringBuilder();
    for (long term : terms) {
      if (!q.isEmpty()) {
        q.append(any ? " OR " : " AND ");
      }
      q.append('"').append(HEX.toHexDigits(term)).append('"');
    }
    return q.toString();
  }

  /** The FTS5 condition that a document holds any of {@code harms}, after its terms; or "". */
  private static String harmsMatch(List<Integer> harms) {
    if (harms.isEmpty()) {
      return "";
    }
    StringBuilder q = new StringBuilder(" AND (");
    for (int i = 0; i < harms.size(); i++) {
      q.append(i == 0 ? "" : " OR ").append(harmWord(harms.get(i)));
    }
    return q.append(')').toString();
  }

  private static final HexFormat HEX = HexFormat.of();

  /** {@link AlertRows#COLUMNS} of the alert row {@code a}. */
  private static final String ROW_COLUMNS =
      String.join(
          ", ",
          java.util.Arrays.stream(AlertRows.COLUMNS.split(", ")).map(col -> "a." + col).toList());

  /**
   * An incident date as the index rows hold it: {@code YYYY-MM-DD} as the number YYYYMMDD, in the
   * same order as the text and a third of its size in each of an alert's hundred rows; "" (no date)
   * as 0, before every date, as "" sorts in the alert rows.
   *
   * @throws IllegalArgumentException if {@code date} is neither "" nor {@code YYYY-MM-DD}
   */
  static int day(String date) {
    if (date.isEmpty()) {
      return 0;
    }
    if (date.length() != 10 || date.charAt(4) != '-' || date.charAt(7) != '-') {
      throw new IllegalArgumentException("an incident date is YYYY-MM-DD");
    }
    try {
      return Integer.parseInt(date.substring(0, 4) + date.substring(5, 7) + date.substring(8));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("an incident date is YYYY-MM-DD");
    }
  }

  /**
   * Writes the index entries of the alert at {@code seq}, whose incident date is {@code
   * incidentDate} as its row records it: the document of its {@code terms} and its harms. Inside
   * the caller's transaction. FTS5 holds a transaction's documents in memory and writes them as one
   * segment when it commits, so each term costs a few bytes in one sequential write, not a B-tree
   * row of its own (docs/benchmarks.md, encrypted store).
   */
  static void insert(Connection c, long seq, String incidentDate, byte[] terms, Set<Integer> harms)
      throws SQLException {
    int day = day(incidentDate);
    if (terms.length > 0) {
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO alert_index (rowid, entry) VALUES (?, ?)")) {
        ps.setLong(1, key(day, seq));
        ps.setString(2, document(terms, harms));
        ps.executeUpdate();
      }
    }
    if (!harms.isEmpty()) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO alert_harms (harm, incident_day, seq) VALUES (?, ?, ?)")) {
        for (int h : harms) {
          ps.setInt(1, h);
          ps.setInt(2, day);
          ps.setLong(3, seq);
          ps.executeUpdate();
        }
      }
    }
  }

  /**
   * Deletes the index entries of the alert at {@code seq}, by the terms and incident date its row
   * records. Inside the caller's transaction, before the row itself changes.
   */
  static void delete(Connection c, long seq) throws SQLException {
    byte[] terms = null;
    String date = null;
    try (PreparedStatement ps =
        c.prepareStatement("SELECT terms, incident_date FROM alerts WHERE seq = ?")) {
      ps.setLong(1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          terms = rs.getBytes(1);
          date = rs.getString(2);
        }
      }
    }
    if (terms != null && terms.length > 0) {
      // A contentless index removes a document given the words it was written with.
      List<Integer> harms = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement("SELECT harm FROM alert_harms WHERE seq = ?")) {
        ps.setLong(1, seq);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            harms.add(rs.getInt(1));
          }
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO alert_index (alert_index, rowid, entry) VALUES ('delete', ?, ?)")) {
        ps.setLong(1, key(day(date), seq));
        ps.setString(2, document(terms, harms));
        ps.executeUpdate();
      }
    }
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM alert_harms WHERE seq = ?")) {
      ps.setLong(1, seq);
      ps.executeUpdate();
    }
  }

  /** Empties the index, in the caller's transaction (a rebuild under new rules). */
  static void clear(Connection c) throws SQLException {
    try (java.sql.Statement st = c.createStatement()) {
      st.executeUpdate("INSERT INTO alert_index (alert_index) VALUES ('delete-all')");
      st.executeUpdate("DELETE FROM alert_harms");
    }
  }

  /**
   * Held by at least this many alerts, a set of harms (named together, with no term) is common: the
   * alerts are then read newest first and each checked for the harms, rather than every alert with
   * them listed and sorted for one page.
   */
  static final int COMMON_HARMS = 2_000;

  /**
   * Conditions for the query's date range on an alert row's {@code a.incident_date}, or on what
   * stands for it: an index row's {@code incident_day} ({@link #day}) for a harm's list; with
   * arguments.
   */
  private static void dateRange(
      StringBuilder sql, List<Object> args, String col, boolean days, IndexQuery q) {
    if (q.since() != null) {
      sql.append(" AND ").append(col).append(" >= ?");
      args.add(days ? (Object) day(q.since()) : q.since());
    } else if (q.until() != null) {
      sql.append(" AND ").append(col).append(days ? " > 0" : " > ''"); // no date: never in a range
    }
    if (q.until() != null) {
      sql.append(" AND ").append(col).append(" <= ?");
      args.add(days ? (Object) day(q.until()) : q.until());
    }
  }

  /** The same conditions on a document's rowid ({@link #key}), which FTS5 reads as a range. */
  private static void rowidRange(StringBuilder sql, List<Object> args, IndexQuery q) {
    if (q.since() != null) {
      sql.append(" AND l.rowid >= ?");
      args.add((long) day(q.since()) << 32);
    } else if (q.until() != null) {
      sql.append(" AND l.rowid >= ?"); // no date (day 0): never in a range
      args.add(1L << 32);
    }
    if (q.until() != null) {
      sql.append(" AND l.rowid <= ?");
      args.add(((long) day(q.until()) << 32) | MAX_SEQ);
    }
    if (q.after() != null) {
      sql.append(" AND l.rowid < ?");
      args.add(key(day(q.after().incidentDate()), q.after().seq()));
    }
  }

  /**
   * Whether at least {@link #COMMON_HARMS} alerts hold any of {@code harms}, counting no further.
   */
  private static boolean commonHarms(Connection c, List<Integer> harms) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT count(*) FROM (SELECT 1 FROM alert_harms WHERE harm IN ("
                + placeholders(harms.size())
                + ") LIMIT ?)")) {
      for (int i = 0; i < harms.size(); i++) {
        ps.setInt(i + 1, harms.get(i));
      }
      ps.setInt(harms.size() + 1, COMMON_HARMS);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getInt(1) >= COMMON_HARMS;
      }
    }
  }

  private static String placeholders(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }

  /**
   * The statement that lists {@code q}'s candidates, {@code incident_date, seq}, in result order.
   * With terms, the documents that hold them all, newest first through their rowids ({@link #key}),
   * each then checked for the query's harms by key; FTS5 intersects the terms' lists, skipping
   * through them, so the first page costs about a page of matches. With one harm and no term, that
   * harm's list newest first through its key. Otherwise the alerts newest first.
   *
   * @param rows whether each candidate's whole row ({@link AlertRows#COLUMNS}) follows its key
   */
  static String candidates(
      IndexQuery q, List<Long> terms, boolean commonHarms, boolean rows, List<Object> args) {
    List<Integer> harms = q.harms().stream().sorted().toList();
    StringBuilder sql = new StringBuilder("SELECT a.incident_date, a.seq");
    if (rows) {
      sql.append(", ").append(ROW_COLUMNS);
    }
    sql.append(" FROM ");
    String order;
    if (!terms.isEmpty()) {
      // CROSS JOIN keeps the index outside, so its rowid order is the result order.
      sql.append(
          "alert_index l CROSS JOIN alerts a WHERE l.alert_index MATCH ?"
              + " AND a.seq = (l.rowid & "
              + MAX_SEQ
              + ") AND ");
      args.add(match(terms, false) + harmsMatch(harms));
      live(sql, args, q);
      rowidRange(sql, args, q);
      order = "l.rowid DESC";
    } else if (harms.size() == 1) {
      sql.append("alert_harms l CROSS JOIN alerts a WHERE l.harm = ? AND a.seq = l.seq AND ");
      args.add(harms.get(0));
      live(sql, args, q);
      dateRange(sql, args, "l.incident_day", true, q);
      if (q.after() != null) {
        sql.append(" AND (l.incident_day, l.seq) < (?, ?)");
        args.add(day(q.after().incidentDate()));
        args.add(q.after().seq());
      }
      order = "l.incident_day DESC, l.seq DESC";
    } else {
      sql.append("alerts a WHERE ");
      live(sql, args, q);
      dateRange(sql, args, "a.incident_date", false, q);
      if (q.after() != null) {
        sql.append(" AND (a.incident_date, a.seq) < (?, ?)");
        args.add(q.after().incidentDate());
        args.add(q.after().seq());
      }
      if (!harms.isEmpty() && commonHarms) {
        // Checked per alert read, by its sequence.
        sql.append(" AND EXISTS (SELECT 1 FROM alert_harms h WHERE h.seq = a.seq AND h.harm IN (")
            .append(placeholders(harms.size()))
            .append("))");
        args.addAll(harms);
      } else if (!harms.isEmpty()) {
        // Rare harms, no term: the few alerts that have them, listed and sorted.
        sql.append(" AND a.seq IN (SELECT seq FROM alert_harms WHERE harm IN (")
            .append(placeholders(harms.size()))
            .append("))");
        args.addAll(harms);
      }
      order = "a.incident_date DESC, a.seq DESC";
    }
    return sql.append(" ORDER BY ").append(order).toString();
  }

  /**
   * The conditions every result meets: not a tombstone, disclosed, not past its expiry nor, for a
   * received alert, past its purge time (spec EXP-2).
   */
  private static void live(StringBuilder sql, List<Object> args, IndexQuery q) {
    sql.append(
        "a.status <> ? AND a.disclosed_paths <> ''"
            + " AND a.expires_at > ? AND (a.purge_at IS NULL OR a.purge_at > ?)");
    args.add(AlertStatus.ALERT_STATUS_RETRACTED_VALUE);
    args.add(q.now());
    args.add(q.now());
  }

  /**
   * The alerts that match {@code q}, one page. Tombstones (retracted or withdrawn alerts) never
   * appear, nor alerts past their expiry or, for received alerts, past their purge time (spec
   * EXP-2). Candidates come in result order ({@link #candidates}); each is opened and kept only if
   * {@link IndexQuery#matches} accepts its fields, until the page is full. Rows are read by their
   * sequence as the page needs them, so no candidate's sealed content is read past the page.
   */
  public IndexQuery.Found search(IndexQuery q) {
    Objects.requireNonNull(q, "query");
    RowCipher cipher = db.cipher();
    List<Long> terms = hashed(cipher, q.tokens());
    int size = q.limit();
    return db.inTransaction(
        c -> {
          List<Integer> harms = q.harms().stream().sorted().toList();
          boolean common = terms.isEmpty() && harms.size() > 1 && commonHarms(c, harms);
          List<Object> args = new ArrayList<>();
          // Whole rows come with the candidates when these come in index order; only the rare
          // harms' list is sorted, and a sort of whole sealed rows costs more than reading each
          // kept key's row after it (docs/benchmarks.md, encrypted store).
          boolean sorted = terms.isEmpty() && harms.size() > 1 && !common;
          String sql = candidates(q, terms, common, !sorted, args);
          try (PreparedStatement ps = c.prepareStatement(sql);
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
                if (!sorted) {
                  a = AlertRows.read(rs, cipher);
                } else {
                  row.setLong(1, seq);
                  try (ResultSet r = row.executeQuery()) {
                    if (!r.next()) {
                      throw new StoreException("a search candidate vanished in its transaction");
                    }
                    a = AlertRows.read(r, cipher);
                  }
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
    List<Long> terms = hashed(cipher, tokens);
    List<Object> args = new ArrayList<>();
    args.add(match(terms, true));
    args.add(AlertStatus.ALERT_STATUS_RETRACTED_VALUE);
    args.add(now);
    args.add(now);
    args.add(limit);
    String sql =
        "SELECT "
            + AlertRows.COLUMNS
            + " FROM alert_index l CROSS JOIN alerts a WHERE l.alert_index MATCH ?"
            + " AND a.seq = (l.rowid & "
            + MAX_SEQ
            + ") AND a.status <> ? AND a.disclosed_paths <> ''"
            + " AND a.expires_at > ? AND (a.purge_at IS NULL OR a.purge_at > ?)"
            + " ORDER BY l.rowid DESC LIMIT ?";
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
