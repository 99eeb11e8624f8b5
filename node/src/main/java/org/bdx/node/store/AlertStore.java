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
import org.bdx.proto.v1.SignedAlert;

/**
 * Alerts this node holds, its own and received ones, one row per (origin, alert id) holding the
 * newest version, with the search index maintained in the same transaction.
 *
 * <p>A retraction keeps only the tombstone: whatever fields the caller passes with a RETRACTED
 * status are dropped, and the alert leaves the search index. The same holds for a version with no
 * disclosed paths (a withdrawal: the origin no longer shares the alert with this node, spec VER-6);
 * see {@link StoredAlert#tombstone()}.
 */
public final class AlertStore {

  private final NodeDatabase db;
  private final Indexer indexer;
  private final SearchIndex index;

  /**
   * @param indexer decides what of each alert's fields goes into the search index
   */
  public AlertStore(NodeDatabase db, Indexer indexer) {
    this.db = Objects.requireNonNull(db, "db");
    this.indexer = Objects.requireNonNull(indexer, "indexer");
    this.index = new SearchIndex(db);
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
    private final IndexEntry entry;

    private Row(StoredAlert alert, Hops hops, IndexEntry entry) {
      this.alert = alert;
      this.hops = hops;
      this.fields = alert.fields().toByteArray();
      this.paths = String.join(",", alert.disclosedPaths());
      this.envelope = alert.envelope().toByteArray();
      this.entry = entry;
    }

    /** The alert as it will be stored (a tombstone keeps no fields). */
    public StoredAlert alert() {
      return alert;
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
      return new Row(tombstone(a), hops, IndexEntry.NONE);
    }
    return new Row(a, hops, indexer.entry(a.fields()));
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
            update(c, seq, row);
            SearchIndex.delete(c, seq);
          } else {
            return false;
          }
          SearchIndex.insert(c, seq, row.entry);
          return true;
        });
  }

  /**
   * The unsigned hop counts a received alert's held version arrived with (spec RELAY-2): how many
   * relays it passed through and how many more times this node may relay it. 0 and 0 for a local
   * alert.
   */
  public record Hops(long relayHops, long hopsLeft) {
    public static final Hops NONE = new Hops(0, 0);

    public Hops {
      if (relayHops < 0 || hopsLeft < 0) {
        throw new IllegalArgumentException("hop counts must not be negative");
      }
    }
  }

  /** The hop counts recorded for the held version ({@link Hops#NONE} if none or not held). */
  public Hops hops(NodeId originNodeId, String alertId) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT relay_hops, hops_left FROM alerts "
                      + "WHERE origin_node_id = ? AND alert_id = ?")) {
            ps.setString(1, originNodeId.value());
            ps.setString(2, alertId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? new Hops(rs.getLong(1), rs.getLong(2)) : Hops.NONE;
            }
          }
        });
  }

  /**
   * What is held of {@code (originNodeId, alertId)}, without reading its content.
   *
   * @param seq the row's insertion sequence
   * @param version the version held
   * @param local whether it is this node's own alert
   */
  public record Held(long seq, long version, boolean local) {}

  /** The held version of {@code (originNodeId, alertId)}, if any; cheaper than {@link #get}. */
  public Optional<Held> held(NodeId originNodeId, String alertId) {
    if (originNodeId == null || alertId == null) {
      return Optional.empty();
    }
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq, version, local FROM alerts WHERE origin_node_id = ? AND alert_id = ?")) {
            ps.setString(1, originNodeId.value());
            ps.setString(2, alertId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(new Held(rs.getLong(1), rs.getLong(2), rs.getInt(3) != 0))
                  : Optional.<Held>empty();
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
              return rs.next() ? Optional.of(AlertRows.read(rs)) : Optional.<StoredAlert>empty();
            }
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
                out.add(AlertRows.read(rs));
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
                      + "area_lc = '', plate = '' WHERE seq = ?")) {
            ps.setBytes(1, AlertFields.getDefaultInstance().toByteArray());
            ps.setBytes(2, headerOnly.toByteArray());
            ps.setLong(3, seq);
            ps.executeUpdate();
          }
          return true;
        });
  }

  /**
   * Merges the full-text indexes so deleted text does not linger in the database file ({@link
   * SearchIndex#compact}). Joins the caller's transaction.
   */
  public void compactSearchIndex() {
    index.compact();
  }

  private int deleteWhere(String where, Object... args) {
    return db.inTransaction(
        c -> {
          List<Long> seqs = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM alerts WHERE " + where)) {
            for (int i = 0; i < args.length; i++) {
              ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                seqs.add(rs.getLong(1));
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
                + "fields, disclosed_paths, envelope, local, stored_at, incident_date, area_lc, plate, "
                + "received_from, agreement_id, purge_at, relay_hops, hops_left) "
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
                + "area_lc = ?, plate = ?, received_from = ?, agreement_id = ?, purge_at = ?, "
                + "relay_hops = ?, hops_left = ? WHERE seq = ?")) {
      int next = bindContent(ps, 1, row);
      ps.setLong(next, seq);
      if (ps.executeUpdate() != 1) {
        throw new StoreException("alert update matched no row");
      }
    }
  }

  /** Binds version .. hops_left starting at index {@code i}; returns the next index. */
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
    ps.setString(i++, row.entry.incidentDate());
    ps.setString(i++, row.entry.area());
    ps.setString(i++, row.entry.plate());
    ps.setString(i++, a.receivedFrom() == null ? null : a.receivedFrom().value());
    ps.setString(i++, a.agreementId());
    if (a.purgeAt() == 0) {
      ps.setNull(i++, Types.INTEGER);
    } else {
      ps.setLong(i++, a.purgeAt());
    }
    ps.setLong(i++, row.hops.relayHops());
    ps.setLong(i++, row.hops.hopsLeft());
    return i;
  }
}
