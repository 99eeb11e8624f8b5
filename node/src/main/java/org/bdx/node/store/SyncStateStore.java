package org.bdx.node.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.bdx.node.identity.NodeId;

/**
 * Table {@code sync_state}: per partner, where the feeds in both directions stand. Inbound: the
 * cursor (the last sequence of the partner's feed this node durably stored), the rejected and stale
 * item counters, and the backlog the partner last reported; outbound: the highest sequence the
 * partner acknowledged; both: when a sync last succeeded. Table {@code inbound_rejections}: the
 * rejected items by reason. The only class that reads or writes the two tables. Every method joins
 * the caller's transaction ({@link NodeDatabase#inTransaction}), so a feed batch and its cursor
 * commit together.
 */
public final class SyncStateStore {
  // Constant SQL: the statement cache keys prepared statements by their text.

  static final String RECORD_INBOUND =
      "INSERT INTO sync_state (partner_node_id, inbound_cursor, last_sync_at, "
          + "inbound_rejected, inbound_stale) VALUES (?, ?, ?, ?, ?) "
          + "ON CONFLICT (partner_node_id) "
          + "DO UPDATE SET inbound_cursor = MAX(inbound_cursor, excluded.inbound_cursor), "
          + "last_sync_at = excluded.last_sync_at, "
          + "inbound_rejected = inbound_rejected + excluded.inbound_rejected, "
          + "inbound_stale = inbound_stale + excluded.inbound_stale";

  static final String RECORD_INBOUND_WAITING =
      "INSERT INTO sync_state (partner_node_id, inbound_waiting) VALUES (?, ?) "
          + "ON CONFLICT (partner_node_id) DO UPDATE SET "
          + "inbound_waiting = excluded.inbound_waiting";

  static final String RECORD_OUTBOUND_ACKED =
      "INSERT INTO sync_state (partner_node_id, outbound_acked, last_sync_at)"
          + " VALUES (?, ?, ?) ON CONFLICT (partner_node_id) DO UPDATE SET"
          + " outbound_acked = MAX(outbound_acked, excluded.outbound_acked),"
          + " last_sync_at = MAX(last_sync_at, excluded.last_sync_at)";

  static final String SELECT_OUTBOUND_ACKED =
      "SELECT COALESCE(MAX(outbound_acked), 0) FROM sync_state WHERE partner_node_id = ?";

  static final String SELECT_INBOUND_CURSOR =
      "SELECT inbound_cursor FROM sync_state WHERE partner_node_id = ?";

  static final String SELECT_INBOUND_REJECTED =
      "SELECT inbound_rejected FROM sync_state WHERE partner_node_id = ?";

  static final String SELECT_INBOUND_STALE =
      "SELECT inbound_stale FROM sync_state WHERE partner_node_id = ?";

  static final String SELECT_LAST_SYNC_AT =
      "SELECT last_sync_at FROM sync_state WHERE partner_node_id = ?";

  static final String SELECT_INBOUND_WAITING =
      "SELECT inbound_waiting FROM sync_state WHERE partner_node_id = ?";

  static final String RECORD_REJECTIONS =
      "INSERT INTO inbound_rejections (partner_node_id, reason, count) VALUES (?, ?, ?) "
          + "ON CONFLICT (partner_node_id, reason) DO UPDATE SET count = count + excluded.count";

  static final String SELECT_REJECTIONS =
      "SELECT reason, count FROM inbound_rejections WHERE partner_node_id = ? ORDER BY reason";

  static final String SELECT_STATE =
      "SELECT last_sync_at, outbound_acked, inbound_waiting, inbound_rejected,"
          + " inbound_stale FROM sync_state WHERE partner_node_id = ?";

  /**
   * One partner's row; zeros when nothing was exchanged yet.
   *
   * @param lastSyncAt when a sync in either direction last succeeded (Unix seconds, 0 = never)
   * @param outboundAcked the highest sequence the partner acknowledged
   * @param inboundWaiting the backlog the partner last reported
   * @param inboundRejected the partner's items rejected, in all
   * @param inboundStale the partner's items not applied because already applied, in all
   */
  public record State(
      long lastSyncAt,
      long outboundAcked,
      long inboundWaiting,
      long inboundRejected,
      long inboundStale) {
    static final State NONE = new State(0, 0, 0, 0, 0);
  }

  private final NodeDatabase db;

  public SyncStateStore(NodeDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /** The last feed sequence of {@code partner} this node durably stored (0 = none). */
  public long inboundCursor(NodeId partner) {
    return readLong(SELECT_INBOUND_CURSOR, partner);
  }

  /** How many items from {@code partner} were rejected, in all. */
  public long inboundRejected(NodeId partner) {
    return readLong(SELECT_INBOUND_REJECTED, partner);
  }

  /** How many items from {@code partner} were not applied because already applied, in all. */
  public long inboundStale(NodeId partner) {
    return readLong(SELECT_INBOUND_STALE, partner);
  }

  /** When a sync with {@code partner} last succeeded (Unix seconds, 0 = never). */
  public long lastSyncAt(NodeId partner) {
    return readLong(SELECT_LAST_SYNC_AT, partner);
  }

  /** The backlog {@code partner} last reported (its FeedStatus.backlog). */
  public long inboundWaiting(NodeId partner) {
    return readLong(SELECT_INBOUND_WAITING, partner);
  }

  /** The highest sequence {@code partner} acknowledged, 0 if none. */
  public long outboundAcked(NodeId partner) {
    return readLong(SELECT_OUTBOUND_ACKED, partner);
  }

  /** Everything of {@code partner}'s row at once, for {@code bdx status}. */
  public State state(NodeId partner) {
    Objects.requireNonNull(partner, "partner");
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(SELECT_STATE)) {
            ps.setString(1, partner.value());
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? new State(
                      rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5))
                  : State.NONE;
            }
          }
        });
  }

  /**
   * Records a stored batch from {@code partner}: the cursor only moves forward, the counters grow
   * by {@code rejected} and {@code stale}, and {@code at} is the last successful sync.
   */
  public void recordInbound(NodeId partner, long cursor, long at, long rejected, long stale) {
    db.update(RECORD_INBOUND, partner.value(), cursor, at, rejected, stale);
  }

  /**
   * Adds to {@code partner}'s rejected items by reason (the FEED-8 names): {@code counts} maps a
   * reason to how many more items were rejected for it. Joins the caller's transaction, so the
   * counts move with the batch and its cursor.
   */
  public void recordRejections(NodeId partner, Map<String, Long> counts) {
    Objects.requireNonNull(partner, "partner");
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      if (e.getValue() > 0) {
        db.update(RECORD_REJECTIONS, partner.value(), e.getKey(), e.getValue());
      }
    }
  }

  /** {@code partner}'s rejected items by reason, in all, by reason name. */
  public SortedMap<String, Long> rejectionsByReason(NodeId partner) {
    Objects.requireNonNull(partner, "partner");
    return db.inTransaction(
        c -> {
          SortedMap<String, Long> out = new TreeMap<>();
          try (PreparedStatement ps = c.prepareStatement(SELECT_REJECTIONS)) {
            ps.setString(1, partner.value());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
              }
            }
          }
          return out;
        });
  }

  /** Records the backlog {@code partner} reported, replacing the last one. */
  public void recordInboundWaiting(NodeId partner, long backlog) {
    db.update(RECORD_INBOUND_WAITING, partner.value(), backlog);
  }

  /**
   * Records that {@code partner} acknowledged everything through {@code throughSeq} at {@code at}:
   * monotonic, a lower value (or an earlier time) changes nothing.
   */
  public void recordOutboundAcked(NodeId partner, long throughSeq, long at) {
    db.update(RECORD_OUTBOUND_ACKED, partner.value(), throughSeq, at);
  }

  private long readLong(String sql, NodeId partner) {
    return db.queryLong(sql, partner.value());
  }
}
