package org.bdx.node.store;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bdx.proto.v1.AlertStatus;

/**
 * The search index tables and the search query over them (spec AR-7, AR-7.1): {@code alert_terms},
 * one row per keyed-hash term of an alert's tokens, and {@code alert_harms}, the harm category
 * numbers in clear, both keyed by (term or harm, incident day, row sequence) so that each list is
 * stored in result order. Each alert row also keeps its own terms ({@code alerts.terms}, 8 bytes
 * each), so its index rows are deleted by key, without an index by sequence. What goes into an
 * entry is decided by the {@link Indexer}; this class only writes and reads it. Entries are written
 * and deleted in the transaction that changes the alert (term rows at its commit, {@link
 * PendingTerms}).
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
   * per row cost more than the rows themselves (docs/benchmarks.md, encrypted store). Three
   * parameters a row, far below SQLite's limit of 999.
   */
  static final int TERMS_PER_INSERT = 64;

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
   * Writes the index rows of the alert at {@code seq}, whose incident date is {@code incidentDate}
   * as its row records it. Inside the caller's transaction.
   */
  static void insert(
      NodeDatabase db,
      Connection c,
      long seq,
      String incidentDate,
      byte[] terms,
      Set<Integer> harms)
      throws SQLException {
    // Held back and written in key order when the transaction commits (PendingTerms).
    PendingTerms pending = db.pendingTerms();
    int day = day(incidentDate);
    ByteBuffer b = ByteBuffer.wrap(terms);
    while (b.remaining() >= Long.BYTES) {
      pending.add(b.getLong(), day, seq);
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

  private static final String[] INSERT_TERMS = new String[TERMS_PER_INSERT + 1];

  static {
    for (int rows = 1; rows <= TERMS_PER_INSERT; rows *= 2) {
      StringBuilder sql =
          new StringBuilder("INSERT OR IGNORE INTO alert_terms (term, incident_day, seq) VALUES ");
      for (int i = 0; i < rows; i++) {
        sql.append(i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)");
      }
      INSERT_TERMS[rows] = sql.toString();
    }
  }

  /** The INSERT of {@code rows} term rows (a power of two up to {@link #TERMS_PER_INSERT}). */
  static String insertTerms(int rows) {
    return INSERT_TERMS[rows];
  }

  /**
   * Deletes the index rows of the alert at {@code seq}, by the terms and incident date its row
   * records. Inside the caller's transaction, before the row itself changes.
   */
  static void delete(NodeDatabase db, Connection c, long seq) throws SQLException {
    db.flushPendingTerms(c); // rows of this transaction are deleted like the others
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
      try (PreparedStatement ps =
          c.prepareStatement(
              "DELETE FROM alert_terms WHERE term = ? AND incident_day = ? AND seq = ?")) {
        int day = day(date);
        ByteBuffer b = ByteBuffer.wrap(terms);
        while (b.remaining() >= Long.BYTES) {
          ps.setLong(1, b.getLong());
          ps.setInt(2, day);
          ps.setLong(3, seq);
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
   * How far each list of a query (a term's alerts, a harm's) is first counted to choose the one to
   * read: the shortest, in the date range ({@link #lead}).
   */
  static final int COUNT_BOUND = 1_000;

  /**
   * How far lists that all reach {@link #COUNT_BOUND} are counted, four times further each round:
   * past this, lists are alike enough for the choice, and counting would cost more than it saves.
   */
  static final int LAST_BOUND = 16_000;

  /**
   * Held by at least this many alerts, a set of harms (named together, with no term to lead) is
   * common: the alerts are then read newest first and each checked for the harms, rather than every
   * alert with them listed and sorted for one page.
   */
  static final int COMMON_HARMS = 2_000;

  /** A list of the index a search can read in result order: one term's alerts, or one harm's. */
  record Lead(String table, String column, Object value) {
    /** What {@link #lead} answers when one of the lists is empty: nothing can match. */
    static final Lead NOTHING = new Lead("", "", 0);

    static Lead term(long term) {
      return new Lead("alert_terms", "term", term);
    }

    static Lead harm(int harm) {
      return new Lead("alert_harms", "harm", harm);
    }

    boolean isTerm(long term) {
      return table.equals("alert_terms") && value.equals(term);
    }
  }

  /**
   * Conditions for the query's date range on {@code col}: an index row's {@code incident_day}
   * ({@link #day}) when {@code days}, else an alert row's {@code incident_date}; with arguments.
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

  /**
   * How many entries of {@code lead}'s list are in the date range, counting up to {@code bound}.
   */
  private static int count(Connection c, Lead lead, IndexQuery q, int bound) throws SQLException {
    StringBuilder sql =
        new StringBuilder("SELECT count(*) FROM (SELECT 1 FROM ")
            .append(lead.table)
            .append(" WHERE ")
            .append(lead.column)
            .append(" = ?");
    List<Object> args = new ArrayList<>();
    args.add(lead.value);
    dateRange(sql, args, "incident_day", true, q);
    sql.append(" LIMIT ?)");
    args.add(bound);
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      NodeDatabase.bind(ps, args.toArray());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    }
  }

  /**
   * The lists of {@code q} that can lead: each term's, and the harm's when it names exactly one.
   */
  private static List<Lead> lists(List<Long> terms, IndexQuery q) {
    List<Lead> lists = new ArrayList<>();
    for (long term : terms) {
      lists.add(Lead.term(term));
    }
    if (q.harms().size() == 1) {
      lists.add(Lead.harm(q.harms().iterator().next()));
    }
    return lists;
  }

  /**
   * The list of {@code lists} to read, the shortest in the query's date range; null when there is
   * none; {@link Lead#NOTHING} when one is empty there. Each list is counted up to {@link
   * #COUNT_BOUND}; in a date range, while every list left reaches the bound, those are counted
   * again four times further, up to {@link #LAST_BOUND}, so the choice costs about the number of
   * lists times the shortest list, as the reading it saves does. A lone list is read without
   * counting.
   */
  static Lead lead(Connection c, List<Lead> lists, IndexQuery q) throws SQLException {
    if (lists.size() < 2) {
      return lists.isEmpty() ? null : lists.get(0);
    }
    List<Lead> left = lists;
    for (int bound = COUNT_BOUND; ; bound *= 4) {
      Lead best = null;
      int least = Integer.MAX_VALUE;
      List<Lead> tied = new ArrayList<>();
      for (Lead l : left) {
        int n = count(c, l, q, bound);
        if (n == 0) {
          return Lead.NOTHING;
        }
        if (n < least) {
          least = n;
          best = l;
        }
        if (n == bound) {
          tied.add(l);
        }
      }
      // Counting further pays only in a date range: there a query of rare combinations reads
      // its whole lead list in the range, so the shortest saves most; without one, lists this
      // long fill a page early whichever leads, and two counts to 16 000 cost more than that
      // (docs/benchmarks.md, search at 1 000 000 alerts).
      boolean range = q.since() != null || q.until() != null;
      if (least < bound || bound >= LAST_BOUND || !range) {
        return best;
      }
      left = tied;
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
   * With a lead list (the shortest of the query's terms and harm) it reads that list newest first
   * through its key, {@code (term or harm, incident_day, seq)}, and checks each entry for the
   * query's other terms and harms by key; the first page is then found after reading about a page
   * of entries when the terms occur together, and never more than the shortest list. Without one
   * (no term, and no harm or several) it reads the alerts newest first.
   */
  static String candidates(
      IndexQuery q, Optional<Lead> lead, List<Long> terms, boolean commonHarms, List<Object> args) {
    // The order: the lead list's key, (term or harm, incident_day, seq); else the alerts' own
    // index.
    String date = lead.isPresent() ? "l.incident_day" : "a.incident_date";
    String seq = lead.isPresent() ? "l.seq" : "a.seq";
    StringBuilder sql = new StringBuilder("SELECT a.incident_date, a.seq FROM ");
    if (lead.isPresent()) {
      // CROSS JOIN keeps the lead list outside, so its key order is the result order.
      sql.append(lead.get().table)
          .append(" l CROSS JOIN alerts a WHERE l.")
          .append(lead.get().column)
          .append(" = ? AND a.seq = l.seq AND ");
      args.add(lead.get().value);
    } else {
      sql.append("alerts a WHERE ");
    }
    sql.append(
        "a.status <> ? AND a.disclosed_paths <> ''"
            + " AND a.expires_at > ? AND (a.purge_at IS NULL OR a.purge_at > ?)");
    args.add(AlertStatus.ALERT_STATUS_RETRACTED_VALUE);
    args.add(q.now());
    args.add(q.now());
    dateRange(sql, args, date, lead.isPresent(), q);
    if (q.after() != null) {
      sql.append(" AND (").append(date).append(", ").append(seq).append(") < (?, ?)");
      args.add(
          lead.isPresent() ? (Object) day(q.after().incidentDate()) : q.after().incidentDate());
      args.add(q.after().seq());
    }
    for (long term : terms) {
      if (lead.get().isTerm(term)) { // terms present: a list leads
        continue;
      }
      sql.append(" AND EXISTS (SELECT 1 FROM alert_terms t WHERE t.term = ?")
          .append(" AND t.incident_day = l.incident_day AND t.seq = l.seq)");
      args.add(term);
    }
    boolean harmLeads = lead.isPresent() && lead.get().table.equals("alert_harms");
    if (!q.harms().isEmpty() && !harmLeads) {
      List<Integer> harms = q.harms().stream().sorted().toList();
      if (lead.isPresent()) {
        // Checked per entry read, by key.
        sql.append(" AND EXISTS (SELECT 1 FROM alert_harms h WHERE h.harm IN (")
            .append(placeholders(harms.size()))
            .append(") AND h.incident_day = l.incident_day AND h.seq = l.seq)");
      } else if (commonHarms) {
        // Checked per alert read, by its sequence.
        sql.append(" AND EXISTS (SELECT 1 FROM alert_harms h WHERE h.seq = a.seq AND h.harm IN (")
            .append(placeholders(harms.size()))
            .append("))");
      } else {
        // Rare harms, no term: the few alerts that have them, listed and sorted.
        sql.append(" AND a.seq IN (SELECT seq FROM alert_harms WHERE harm IN (")
            .append(placeholders(harms.size()))
            .append("))");
      }
      args.addAll(harms);
    }
    sql.append(" ORDER BY ").append(date).append(" DESC, ").append(seq).append(" DESC");
    return sql.toString();
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
    List<Long> terms = new ArrayList<>();
    for (String token : q.tokens().stream().sorted().toList()) {
      terms.add(cipher.term(token));
    }
    int size = q.limit();
    return db.inTransaction(
        c -> {
          db.flushPendingTerms(c); // what this transaction wrote is found too
          Lead lead = lead(c, lists(terms, q), q);
          if (lead == Lead.NOTHING) {
            return new IndexQuery.Found(List.of(), null);
          }
          List<Integer> harms = q.harms().stream().sorted().toList();
          boolean common = lead == null && harms.size() > 1 && commonHarms(c, harms);
          List<Object> args = new ArrayList<>();
          String sql = candidates(q, Optional.ofNullable(lead), terms, common, args);
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
          db.flushPendingTerms(c);
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
