package org.bdx.node.admin;

import java.util.Objects;
import java.util.SortedMap;
import org.bdx.node.identity.NodeId;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.OutboxStore;
import org.bdx.node.store.SyncStateStore;
import org.bdx.node.sync.RefusedMessages;

/** Reads the per-partner sync counters the feeds keep, for {@code bdx status}. */
public final class SyncStatus {
  /**
   * Counters for one partner (spec ADM-10); zeros when nothing was exchanged yet.
   *
   * @param rejectedByReason {@code inboundRejected} by FEED-8 reason, by name
   */
  public record Counts(
      long lastSyncAt,
      long outboundWaiting,
      long inboundWaiting,
      long inboundRejected,
      long inboundStale,
      long inboundRefused,
      SortedMap<String, Long> rejectedByReason) {}

  private final NodeDatabase db;
  private final SyncStateStore syncState;
  private final OutboxStore outbox;
  private final RefusedMessages refused;

  public SyncStatus(
      NodeDatabase db, SyncStateStore syncState, OutboxStore outbox, RefusedMessages refused) {
    this.db = Objects.requireNonNull(db, "db");
    this.syncState = Objects.requireNonNull(syncState, "syncState");
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.refused = Objects.requireNonNull(refused, "refused");
  }

  public Counts counts(NodeId partner) {
    // One transaction: the rows waiting are counted after the acknowledgement read with them.
    return db.atomically(
        () -> {
          SyncStateStore.State s = syncState.state(partner);
          long outWaiting = outbox.countAfter(partner, s.outboundAcked());
          return new Counts(
              s.lastSyncAt(),
              outWaiting,
              s.inboundWaiting(),
              s.inboundRejected(),
              s.inboundStale(),
              refused.count(partner),
              syncState.rejectionsByReason(partner));
        });
  }
}
