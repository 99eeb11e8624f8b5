package org.bdx.node.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.SignedHop;

/**
 * The rows of {@code alert_copies}: for each received alert, one row per partner a copy of it came
 * from (spec FEED-9). The {@code alerts} row holds the union of what the copies gave; these rows
 * say who gave which claim paths, so that one partner's withdrawal, termination or retention
 * removes only its own. Holds no values: claim paths are field names, as in {@code
 * alerts.disclosed_paths}. Every method joins the caller's transaction.
 */
public final class AlertCopies {

  /**
   * What one partner gave of one alert.
   *
   * @param sender the partner the copy came from
   * @param agreementId the agreement it came under
   * @param version the newest version this partner sent (its copies of older ones are stale)
   * @param paths the claim paths it gave of the held version; empty if it gave none of that version
   *     (it withdrew them, or sent an older or header-only version)
   * @param storedAt when the copy was last written, Unix seconds
   * @param purgeAt when what it gave must be deleted (FEED-9: the earlier of expiry and retention)
   * @param hops the hop counts it came with
   */
  public record Copy(
      NodeId sender,
      String agreementId,
      long version,
      SortedSet<String> paths,
      long storedAt,
      long purgeAt,
      AlertStore.Hops hops,
      boolean reopened) {
    /** A copy as an accepted item leaves it: not open to a re-send of its version. */
    public Copy(
        NodeId sender,
        String agreementId,
        long version,
        SortedSet<String> paths,
        long storedAt,
        long purgeAt,
        AlertStore.Hops hops) {
      this(sender, agreementId, version, paths, storedAt, purgeAt, hops, false);
    }

    public Copy {
      Objects.requireNonNull(sender, "sender");
      Objects.requireNonNull(agreementId, "agreementId");
      Objects.requireNonNull(hops, "hops");
      if (version < 1) {
        throw new IllegalArgumentException("version must be at least 1");
      }
      paths = Collections.unmodifiableSortedSet(new TreeSet<>(paths));
    }

    /** The same copy without claims of the held version. */
    public Copy withoutPaths() {
      return new Copy(
          sender, agreementId, version, new TreeSet<>(), storedAt, purgeAt, hops, reopened);
    }

    /**
     * The copy after an amendment of its agreement (spec AGR-12.7): only {@code kept} of its claim
     * paths, purged at {@code newPurgeAt}, and open to one more item of its version from its sender
     * (FEED-9.1).
     */
    public Copy amended(SortedSet<String> kept, long newPurgeAt) {
      return new Copy(sender, agreementId, version, kept, storedAt, newPurgeAt, hops, true);
    }
  }

  /** Sealed with the copy's alert, sender and version as its identity (spec AR-6). */
  static final String HOPS = "alert_copies.hops";

  /** One alert a set of copies belongs to. */
  public record AlertKey(NodeId originNodeId, String alertId) {}

  private final NodeDatabase db;

  public AlertCopies(NodeDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /** The copies of {@code (originNodeId, alertId)}, ordered by sender. */
  public List<Copy> of(NodeId originNodeId, String alertId) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT sender, agreement_id, version, paths, stored_at, purge_at, relay_hops,"
                      + " hops_left, hops, reopened FROM alert_copies WHERE origin_node_id = ? AND"
                      + " alert_id = ? ORDER BY sender")) {
            ps.setString(1, originNodeId.value());
            ps.setString(2, alertId);
            List<Copy> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(read(rs, db.cipher(), originNodeId.value(), alertId));
              }
            }
            return out;
          }
        });
  }

  /** Writes the copy of {@code (originNodeId, alertId)} from {@code copy.sender()}. */
  public void put(NodeId originNodeId, String alertId, Copy copy) {
    Objects.requireNonNull(copy, "copy");
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT OR REPLACE INTO alert_copies (origin_node_id, alert_id, sender,"
                      + " agreement_id, version, paths, stored_at, purge_at, relay_hops,"
                      + " hops_left, hops, reopened) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, originNodeId.value());
            ps.setString(2, alertId);
            ps.setString(3, copy.sender().value());
            ps.setString(4, copy.agreementId());
            ps.setLong(5, copy.version());
            ps.setString(6, String.join(",", copy.paths()));
            ps.setLong(7, copy.storedAt());
            ps.setLong(8, copy.purgeAt());
            ps.setLong(9, copy.hops().relayHops());
            ps.setLong(10, copy.hops().hopsLeft());
            List<SignedHop> statements = copy.hops().statements();
            ps.setBytes(
                11,
                statements.isEmpty()
                    ? null
                    : db.cipher()
                        .seal(
                            HOPS,
                            AlertRows.hopsBytes(statements),
                            originNodeId.value(),
                            alertId,
                            copy.sender().value(),
                            Long.toString(copy.version())));
            ps.setInt(12, copy.reopened() ? 1 : 0);
            ps.executeUpdate();
          }
          return null;
        });
  }

  /** Whether a copy of {@code (originNodeId, alertId)} came from {@code sender}. */
  public boolean cameFrom(NodeId originNodeId, String alertId, NodeId sender) {
    return db.queryLong(
            "SELECT count(*) FROM alert_copies WHERE origin_node_id = ? AND alert_id = ?"
                + " AND sender = ?",
            originNodeId.value(),
            alertId,
            sender.value())
        > 0;
  }

  /** Forgets every copy of the alert (it is no longer held); its origin as stored. */
  void deleteAll(String originNodeId, String alertId) {
    db.update(
        "DELETE FROM alert_copies WHERE origin_node_id = ? AND alert_id = ?",
        originNodeId,
        alertId);
  }

  /** Forgets the copy from {@code sender}. */
  public void delete(NodeId originNodeId, String alertId, NodeId sender) {
    db.update(
        "DELETE FROM alert_copies WHERE origin_node_id = ? AND alert_id = ? AND sender = ?",
        originNodeId.value(),
        alertId,
        sender.value());
  }

  /** The alerts with a copy that came under {@code agreementId}. */
  public List<AlertKey> underAgreement(String agreementId) {
    return keys(
        "SELECT DISTINCT origin_node_id, alert_id FROM alert_copies WHERE agreement_id = ?",
        agreementId);
  }

  /** The alerts with a copy whose purge time is at or before {@code now}. */
  public List<AlertKey> due(long now) {
    return keys(
        "SELECT DISTINCT origin_node_id, alert_id FROM alert_copies WHERE purge_at <= ?", now);
  }

  private List<AlertKey> keys(String sql, Object arg) {
    return db.inTransaction(
        c -> {
          List<AlertKey> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                NodeId origin;
                try {
                  origin = new NodeId(rs.getString(1));
                } catch (IllegalArgumentException e) {
                  throw new StoreException("an alert copy has a malformed origin node id");
                }
                out.add(new AlertKey(origin, rs.getString(2)));
              }
            }
          }
          return out;
        });
  }

  private static Copy read(ResultSet rs, RowCipher cipher, String origin, String alertId)
      throws SQLException {
    NodeId sender;
    try {
      sender = new NodeId(rs.getString(1));
    } catch (IllegalArgumentException e) {
      throw new StoreException("an alert copy has a malformed sender node id");
    }
    String paths = rs.getString(4);
    long version = rs.getLong(3);
    byte[] sealed = rs.getBytes(9);
    List<SignedHop> statements =
        sealed == null
            ? List.of()
            : AlertRows.readHops(
                cipher.open(HOPS, sealed, origin, alertId, sender.value(), Long.toString(version)),
                alertId);
    return new Copy(
        sender,
        rs.getString(2),
        version,
        new TreeSet<>(paths.isEmpty() ? List.of() : Arrays.asList(paths.split(","))),
        rs.getLong(5),
        rs.getLong(6),
        new AlertStore.Hops(rs.getLong(7), rs.getLong(8), statements),
        rs.getInt(10) == 1);
  }
}
