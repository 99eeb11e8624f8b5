package org.bdx.node.admin;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Objects;
import org.bdx.node.identity.NodeId;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.sync.RefusedMessages;

/** Reads the per-partner sync counters the feeds keep, for {@code bdx status}. */
public final class SyncStatus {
  /** Counters for one partner (spec ADM-10); zeros when nothing was exchanged yet. */
  public record Counts(
      long lastSyncAt,
      long outboundWaiting,
      long inboundWaiting,
      long inboundRejected,
      long inboundStale,
      long inboundRefused) {}

  private final NodeDatabase db;
  private final RefusedMessages refused;

  public SyncStatus(NodeDatabase db, RefusedMessages refused) {
    this.db = Objects.requireNonNull(db, "db");
    this.refused = Objects.requireNonNull(refused, "refused");
  }

  public Counts counts(NodeId partner) {
    return db.inTransaction(
        c -> {
          long lastSync = 0;
          long acked = 0;
          long inWaiting = 0;
          long rejected = 0;
          long stale = 0;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT last_sync_at, outbound_acked, inbound_waiting, inbound_rejected,"
                      + " inbound_stale FROM sync_state WHERE partner_node_id = ?")) {
            ps.setString(1, partner.value());
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                lastSync = rs.getLong(1);
                acked = rs.getLong(2);
                inWaiting = rs.getLong(3);
                rejected = rs.getLong(4);
                stale = rs.getLong(5);
              }
            }
          }
          long outWaiting;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT COUNT(*) FROM outbox WHERE partner_node_id = ? AND seq > ?")) {
            ps.setString(1, partner.value());
            ps.setLong(2, acked);
            try (ResultSet rs = ps.executeQuery()) {
              outWaiting = rs.next() ? rs.getLong(1) : 0;
            }
          }
          return new Counts(
              lastSync, outWaiting, inWaiting, rejected, stale, refused.count(partner));
        });
  }
}
