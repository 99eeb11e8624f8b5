package org.bdx.node.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.SignedAlert;
import org.bdx.proto.v1.SignedHop;

/**
 * Alerts this node holds, its own and received ones, one row per (origin, alert id) holding the
 * newest version, with the search index maintained in the same transaction.
 *
 * <p>A retraction keeps only the tombstone: whatever fields the caller passes with a RETRACTED
 * status are dropped, and the alert leaves the search index. The same holds for a version with no
 * disclosed paths (a withdrawal: the origin no longer shares the alert with this node, spec VER-6);
 * see {@link StoredAlert#tombstone()}.
 *
 * <p>Long because every write of an alert row (insert, newer version, merged copies, tombstone,
 * delete, reindex) must keep the search index and the copy records in step in one transaction, and
 * they share the row's column binding.
 */
public final class AlertStore {

  private final NodeDatabase db;
  private final Indexer indexer;
  private final AlertCopies copies;

  /**
   * @param indexer decides what of each alert's fields goes into the search index
   */
  public AlertStore(NodeDatabase db, Indexer indexer) {
    this.db = Objects.requireNonNull(db, "db");
    this.indexer = Objects.requireNonNull(indexer, "indexer");
    this.copies = new AlertCopies(db);
  }

  /**
   * Stores {@code a} unless a version at least as new is already held.
   *
   * @return true if inserted or replaced an older version; false if ignored (same or older)
   * @throws IllegalArgumentException if {@code a} is malformed (message names the part, not values)
   */
  public boolean put(StoredAlert a) {
    return put(a, Hops.NONE);
  }

  /**
   * Stores {@code a} with the hop counts it arrived with ({@link #hops}) unless a version at least
   * as new is already held.
   *
   * @return true if inserted or replaced an older version; false if ignored (same or older)
   * @throws IllegalArgumentException if {@code a} is malformed (message names the part, not values)
   */
  public boolean put(StoredAlert a, Hops hops) {
    return put(row(a, hops));
  }

  /**
   * An alert ready to be written: validated, and every column and search index value computed, so
   * that {@link #put(Row)} only runs SQL. Building one needs no database; a receiver builds them
   * while earlier items are being written.
   */
  public static final class Row {
    private final StoredAlert alert;
    private final Hops hops;
    private final byte[] fields;
    private final String paths;
    private final byte[] envelope;
    private final byte[] chain;
    private final String incidentDate;
    private final byte[] terms;
    private final java.util.Set<Integer> harms;

    private Row(StoredAlert alert, Hops hops, IndexEntry entry, RowCipher cipher) {
      this.alert = alert;
      this.hops = hops;
      String origin = alert.originNodeId().value();
      this.fields =
          AlertRows.seal(
              cipher,
              AlertRows.FIELDS,
              alert.fields().toByteArray(),
              origin,
              alert.alertId(),
              alert.version());
      this.paths = String.join(",", alert.disclosedPaths());
      this.envelope =
          AlertRows.seal(
              cipher,
              AlertRows.ENVELOPE,
              alert.envelope().toByteArray(),
              origin,
              alert.alertId(),
              alert.version());
      this.chain =
          hops.statements().isEmpty()
              ? null
              : AlertRows.seal(
                  cipher,
                  AlertRows.HOPS,
                  AlertRows.hopsBytes(hops.statements()),
                  origin,
                  alert.alertId(),
                  alert.version());
      this.incidentDate = entry.incidentDate();
      this.terms = SearchIndex.terms(cipher, entry);
      this.harms = entry.harms();
    }

    /** The alert as it will be stored (a tombstone keeps no fields). */
    public StoredAlert alert() {
      return alert;
    }

    /** The hop counts it will be stored with. */
    public Hops hops() {
      return hops;
    }
  }

  /**
   * Validates {@code a} and computes its row.
   *
   * @throws IllegalArgumentException if {@code a} is malformed (message names the part, not values)
   */
  public Row row(StoredAlert a, Hops hops) {
    Objects.requireNonNull(hops, "hops");
    AlertShapes.validate(a);
    if (a.tombstone()) {
      return new Row(tombstone(a), hops, IndexEntry.NONE, db.cipher());
    }
    return new Row(a, hops, indexer.entry(a.fields()), db.cipher());
  }

  /**
   * Stores {@code row} unless a version at least as new is already held.
   *
   * @return true if inserted or replaced an older version; false if ignored (same or older)
   */
  public boolean put(Row row) {
    Objects.requireNonNull(row, "row");
    return db.inTransaction(c -> put(row, held(row.alert.originNodeId(), row.alert.alertId())));
  }

  /**
   * As {@link #put(Row)}, for a caller that already looked up what is held ({@link #held}) in the
   * same transaction, so the alert is not looked up twice. Joins the caller's transaction.
   */
  public boolean put(Row row, Optional<Held> held) {
    Objects.requireNonNull(row, "row");
    Objects.requireNonNull(held, "held");
    return db.inTransaction(
        c -> {
          long seq;
          if (held.isEmpty()) {
            seq = insert(c, row);
          } else if (row.alert.version() > held.get().version()) {
            seq = held.get().seq();
            SearchIndex.delete(c, seq); // reads the terms the row holds before it changes
            update(c, seq, row);
            db.removedContent(); // the older version's content
          } else {
            return false;
          }
          SearchIndex.insert(c, seq, row.incidentDate, row.terms, row.harms);
          return true;
        });
  }

  /**
   * Writes {@code row} in place of the held row, whatever its version: for a received alert whose
   * copies were merged or lost claims (spec FEED-9), where the version may stay the same. The
   * search index follows. Joins the caller's transaction.
   *
   * @param removesContent whether the new row holds less than the old one (so the write-ahead log
   *     is truncated after the transaction, spec AR-6.4)
   */
  public void rewrite(Row row, Held held, boolean removesContent) {
    Objects.requireNonNull(row, "row");
    Objects.requireNonNull(held, "held");
    db.inTransaction(
        c -> {
          SearchIndex.delete(c, held.seq());
          update(c, held.seq(), row);
          SearchIndex.insert(c, held.seq(), row.incidentDate, row.terms, row.harms);
          if (removesContent) {
            db.removedContent();
          }
          return null;
        });
  }

  /** Alerts indexed per transaction while the index is rebuilt. */
  private static final int REINDEX_BATCH = 500;

  /** Reports how a rebuild of the search index goes: alerts done so far, of how many. */
  @FunctionalInterface
  public interface ReindexProgress {
    void indexed(long done, long total);
  }

  /**
   * Rebuilds the search index from the stored alerts if it was built under other rules than this
   * store's {@link Indexer#rules} (or never, as after the migration that sealed the alerts). The
   * old index goes first, in one transaction; then the alerts are indexed in batches; the rules are
   * recorded last, so a rebuild that stops halfway starts again at the next open. Call it before
   * serving.
   *
   * @return how many alerts were read, 0 if the index was current
   */
  public long reindexIfNeeded(ReindexProgress progress) {
    Objects.requireNonNull(progress, "progress");
    int rules = indexer.rules();
    long total =
        db.inTransaction(
            c -> {
              if (db.queryLong("SELECT rules FROM search_index_rules WHERE one = 1") == rules) {
                return -1L;
              }
              try (java.sql.Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE search_index_rules SET rules = 0 WHERE one = 1");
                SearchIndex.clear(c);
                st.executeUpdate("UPDATE alerts SET terms = x'' WHERE length(terms) > 0");
              }
              return db.queryLong("SELECT count(*) FROM alerts");
            });
    if (total < 0) {
      return 0;
    }
    long done = 0;
    long after = 0;
    progress.indexed(0, total);
    while (true) {
      List<StoredAlert> batch = new ArrayList<>();
      List<Long> seqs = new ArrayList<>();
      long from = after;
      db.inTransaction(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT "
                        + AlertRows.COLUMNS
                        + " FROM alerts WHERE seq > ? ORDER BY seq LIMIT "
                        + REINDEX_BATCH)) {
              ps.setLong(1, from);
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  seqs.add(rs.getLong("seq"));
                  batch.add(AlertRows.read(rs, db.cipher()));
                }
              }
            }
            return null;
          });
      if (batch.isEmpty()) {
        break;
      }
      List<IndexEntry> entries = new ArrayList<>(batch.size());
      for (StoredAlert a : batch) {
        entries.add(a.tombstone() ? IndexEntry.NONE : indexer.entry(a.fields()));
      }
      db.inTransaction(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE alerts SET terms = ?, incident_date = ? WHERE seq = ?")) {
              for (int i = 0; i < batch.size(); i++) {
                IndexEntry e = entries.get(i);
                byte[] terms = SearchIndex.terms(db.cipher(), e);
                SearchIndex.insert(c, seqs.get(i), e.incidentDate(), terms, e.harms());
                ps.setBytes(1, terms);
                ps.setString(2, e.incidentDate());
                ps.setLong(3, seqs.get(i));
                ps.executeUpdate();
              }
            }
            return null;
          });
      after = seqs.get(seqs.size() - 1);
      done += batch.size();
      progress.indexed(done, total);
    }
    db.update("UPDATE search_index_rules SET rules = ? WHERE one = 1", rules);
    return done;
  }

  /**
   * The hop counts a received alert's held version arrived with (spec RELAY-1): how many relays it
   * passed through and how many more times this node may relay it, and the verified hop statements
   * that sign them (RELAY-8; sealed at rest, AR-6), so that this node can add its own when it
   * relays the version. 0, 0 and none for a local alert.
   */
  public record Hops(long relayHops, long hopsLeft, List<SignedHop> statements) {
    public static final Hops NONE = new Hops(0, 0);

    public Hops {
      if (relayHops < 0 || hopsLeft < 0) {
        throw new IllegalArgumentException("hop counts must not be negative");
      }
      statements = List.copyOf(statements);
    }

    /** Counts without statements (a header-only item, or a version held from before them). */
    public Hops(long relayHops, long hopsLeft) {
      this(relayHops, hopsLeft, List.of());
    }
  }

  /** The hops recorded for the held version ({@link Hops#NONE} if none or not held). */
  public Hops hops(NodeId originNodeId, String alertId) {
    return db.inTransaction(c -> AlertRows.hops(c, db.cipher(), originNodeId, alertId));
  }

  /**
   * What is held of {@code (originNodeId, alertId)}, without reading its content.
   *
   * @param seq the row's insertion sequence
   * @param version the version held
   * @param local whether it is this node's own alert
   * @param status the held version's status (a held retraction is final, spec VER-3)
   */
  public record Held(long seq, long version, boolean local, AlertStatus status) {}

  /**
   * Whether a copy of {@code (originNodeId, alertId)} came from {@code partner} (spec FEED-3: an
   * alert is never sent back to a partner it came from, by any path).
   */
  public boolean cameFrom(NodeId originNodeId, String alertId, NodeId partner) {
    return copies.cameFrom(originNodeId, alertId, partner);
  }

  /** The copies of a received alert, one per partner it came from (spec FEED-9). */
  public List<AlertCopies.Copy> copies(NodeId originNodeId, String alertId) {
    return copies.of(originNodeId, alertId);
  }

  /** The held version of {@code (originNodeId, alertId)}, if any; cheaper than {@link #get}. */
  public Optional<Held> held(NodeId originNodeId, String alertId) {
    if (originNodeId == null || alertId == null) {
      return Optional.empty();
    }
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq, version, local, status FROM alerts"
                      + " WHERE origin_node_id = ? AND alert_id = ?")) {
            ps.setString(1, originNodeId.value());
            ps.setString(2, alertId);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.<Held>empty();
              }
              AlertStatus status = AlertStatus.forNumber(rs.getInt(4));
              if (status == null) {
                throw new StoreException("stored alert " + alertId + " has an unknown status");
              }
              return Optional.of(new Held(rs.getLong(1), rs.getLong(2), rs.getInt(3) != 0, status));
            }
          }
        });
  }

  public Optional<StoredAlert> get(NodeId originNodeId, String alertId) {
    if (originNodeId == null || alertId == null) {
      return Optional.empty();
    }
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + AlertRows.COLUMNS
                      + " FROM alerts WHERE origin_node_id = ? AND alert_id = ?")) {
            ps.setString(1, originNodeId.value());
            ps.setString(2, alertId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(AlertRows.read(rs, db.cipher()))
                  : Optional.<StoredAlert>empty();
            }
          }
        });
  }

  /**
   * The received alerts of {@code originNodeId} held here, not retracted, issued at or after {@code
   * issuedSince} (Unix seconds): those a revocation of the origin's key may flag (spec KEY-20).
   * Bounded by what the node holds of one origin.
   */
  public List<StoredAlert> receivedSince(NodeId originNodeId, long issuedSince) {
    Objects.requireNonNull(originNodeId, "originNodeId");
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + AlertRows.COLUMNS
                      + " FROM alerts WHERE origin_node_id = ? AND local = 0 AND issued_at >= ?"
                      + " AND status != ? ORDER BY seq")) {
            ps.setString(1, originNodeId.value());
            ps.setLong(2, issuedSince);
            ps.setInt(3, org.bdx.proto.v1.AlertStatus.ALERT_STATUS_RETRACTED_VALUE);
            List<StoredAlert> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(AlertRows.read(rs, db.cipher()));
              }
            }
            return out;
          }
        });
  }

  /** Every held alert with this id, whatever its origin (normally one), ordered by origin. */
  public List<StoredAlert> findById(String alertId) {
    if (alertId == null) {
      return List.of();
    }
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  // One probe of the (origin, alert_id) key per origin ever held (schema 7):
                  // no index by alert id alone, which cost a random page write per alert.
                  "SELECT "
                      + AlertRows.COLUMNS
                      + " FROM alerts WHERE origin_node_id IN"
                      + " (SELECT origin_node_id FROM alert_origins) AND alert_id = ?"
                      + " ORDER BY origin_node_id")) {
            ps.setString(1, alertId);
            List<StoredAlert> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(AlertRows.read(rs, db.cipher()));
              }
            }
            return out;
          }
        });
  }

  /**
   * Deletes the alert {@code (originNodeId, alertId)} and its search index rows (including the
   * full-text rows, which no foreign key cascades to).
   *
   * @return whether an alert was deleted
   */
  public boolean delete(NodeId originNodeId, String alertId) {
    if (originNodeId == null || alertId == null) {
      return false;
    }
    return deleteWhere("origin_node_id = ? AND alert_id = ?", originNodeId.value(), alertId) > 0;
  }

  /**
   * Deletes every alert received under {@code agreementId} (agreement terminated: purge what came
   * under it), with their search index rows. Local alerts have no agreement and are never touched.
   *
   * @return how many alerts were deleted
   */
  public int deleteByAgreement(String agreementId) {
    if (agreementId == null) {
      return 0;
    }
    return deleteWhere("agreement_id = ? AND local = 0", agreementId);
  }

  /**
   * Deletes every received alert whose purge time (earlier of expiry and retention) is at or before
   * {@code nowEpochSecond}, with their search index rows.
   *
   * @return how many alerts were deleted
   */
  public int purgeDue(long nowEpochSecond) {
    return deleteWhere("local = 0 AND purge_at IS NOT NULL AND purge_at <= ?", nowEpochSecond);
  }

  /**
   * Replaces the held version of {@code (originNodeId, alertId)} by its tombstone in place, same
   * version: no fields, no disclosed paths, the envelope reduced to header and signature, no search
   * index rows. For purging an alert whose content must go without issuing a new version (e.g. one
   * that has expired). Joins the caller's transaction.
   *
   * @return whether an alert was held
   */
  public boolean stripToTombstone(NodeId originNodeId, String alertId) {
    Optional<StoredAlert> held = get(originNodeId, alertId);
    if (held.isEmpty()) {
      return false;
    }
    StoredAlert a = held.get();
    SignedAlert headerOnly = a.envelope().toBuilder().clearDisclosures().build();
    String origin = originNodeId.value();
    byte[] noFields =
        AlertRows.seal(
            db.cipher(),
            AlertRows.FIELDS,
            AlertFields.getDefaultInstance().toByteArray(),
            origin,
            alertId,
            a.version());
    byte[] envelope =
        AlertRows.seal(
            db.cipher(),
            AlertRows.ENVELOPE,
            headerOnly.toByteArray(),
            origin,
            alertId,
            a.version());
    return db.inTransaction(
        c -> {
          long seq;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq FROM alerts WHERE origin_node_id = ? AND alert_id = ?")) {
            ps.setString(1, originNodeId.value());
            ps.setString(2, alertId);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return false;
              }
              seq = rs.getLong(1);
            }
          }
          SearchIndex.delete(c, seq);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE alerts SET fields = ?, disclosed_paths = '', envelope = ?, "
                      + "terms = x'', hops = NULL WHERE seq = ?")) {
            ps.setBytes(1, noFields);
            ps.setBytes(2, envelope);
            ps.setLong(3, seq);
            ps.executeUpdate();
          }
          db.removedContent();
          return true;
        });
  }

  private int deleteWhere(String where, Object... args) {
    return db.inTransaction(
        c -> {
          List<Long> seqs = new ArrayList<>();
          List<String[]> keys = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq, origin_node_id, alert_id FROM alerts WHERE " + where)) {
            for (int i = 0; i < args.length; i++) {
              ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                seqs.add(rs.getLong(1));
                keys.add(new String[] {rs.getString(2), rs.getString(3)});
              }
            }
          }
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM alerts WHERE seq = ?")) {
            for (long seq : seqs) {
              SearchIndex.delete(c, seq);
              ps.setLong(1, seq);
              ps.executeUpdate();
            }
          }
          // The record of who gave what goes with the alert (spec FEED-9, FEED-10).
          for (String[] k : keys) {
            copies.deleteAll(k[0], k[1]);
          }
          if (!seqs.isEmpty()) {
            db.removedContent();
          }
          return seqs.size();
        });
  }

  private static StoredAlert tombstone(StoredAlert a) {
    return new StoredAlert(
        a.originNodeId(),
        a.alertId(),
        a.version(),
        a.status(),
        a.issuedAt(),
        a.expiresAt(),
        a.audience(),
        AlertFields.getDefaultInstance(),
        List.of(),
        a.envelope(),
        a.local(),
        a.storedAt(),
        a.receivedFrom(),
        a.agreementId(),
        a.purgeAt());
  }

  private static long insert(Connection c, Row row) throws SQLException {
    // No RETURNING: SQLite runs an INSERT ... RETURNING of a row this size about five times
    // slower than the plain INSERT followed by last_insert_rowid() (docs/benchmarks.md, catch-up).
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO alerts (origin_node_id, alert_id, version, status, issued_at, expires_at, audience, "
                + "fields, disclosed_paths, envelope, local, stored_at, incident_date, terms, "
                + "received_from, agreement_id, purge_at, relay_hops, hops_left, hops) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, row.alert.originNodeId().value());
      ps.setString(2, row.alert.alertId());
      bindContent(ps, 3, row);
      if (ps.executeUpdate() != 1) {
        throw new StoreException("alert insert changed no row");
      }
    }
    long seq;
    // The write connection is held by this transaction alone, so this is the row just inserted.
    try (PreparedStatement ps = c.prepareStatement("SELECT last_insert_rowid()");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new StoreException("alert insert returned no row id");
      }
      seq = rs.getLong(1);
    }
    try (PreparedStatement po =
        c.prepareStatement("INSERT OR IGNORE INTO alert_origins (origin_node_id) VALUES (?)")) {
      po.setString(1, row.alert.originNodeId().value());
      po.executeUpdate();
    }
    return seq;
  }

  private static void update(Connection c, long seq, Row row) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE alerts SET version = ?, status = ?, issued_at = ?, expires_at = ?, audience = ?, fields = ?, "
                + "disclosed_paths = ?, envelope = ?, local = ?, stored_at = ?, incident_date = ?, "
                + "terms = ?, received_from = ?, agreement_id = ?, purge_at = ?, "
                + "relay_hops = ?, hops_left = ?, hops = ? WHERE seq = ?")) {
      int next = bindContent(ps, 1, row);
      ps.setLong(next, seq);
      if (ps.executeUpdate() != 1) {
        throw new StoreException("alert update matched no row");
      }
    }
  }

  /** Binds version .. hops starting at index {@code i}; returns the next index. */
  private static int bindContent(PreparedStatement ps, int i, Row row) throws SQLException {
    StoredAlert a = row.alert;
    ps.setLong(i++, a.version());
    ps.setInt(i++, a.status().getNumber());
    ps.setLong(i++, a.issuedAt());
    ps.setLong(i++, a.expiresAt());
    ps.setInt(i++, a.audience().getNumber());
    ps.setBytes(i++, row.fields);
    ps.setString(i++, row.paths);
    ps.setBytes(i++, row.envelope);
    ps.setInt(i++, a.local() ? 1 : 0);
    ps.setLong(i++, a.storedAt());
    ps.setString(i++, row.incidentDate);
    ps.setBytes(i++, row.terms);
    ps.setString(i++, a.receivedFrom() == null ? null : a.receivedFrom().value());
    ps.setString(i++, a.agreementId());
    if (a.purgeAt() == 0) {
      ps.setNull(i++, Types.INTEGER);
    } else {
      ps.setLong(i++, a.purgeAt());
    }
    ps.setLong(i++, row.hops.relayHops());
    ps.setLong(i++, row.hops.hopsLeft());
    ps.setBytes(i++, row.chain);
    return i;
  }
}
