package org.bdx.node.sync;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.bdx.node.error.BdxException;
import org.bdx.node.identity.NodeId;
import org.bdx.node.logging.RepeatedFailures;
import org.bdx.node.policy.Grant;
import org.bdx.node.store.AlertCopies;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.store.SyncStateStore;
import org.bdx.node.sync.FeedChecks.Checked;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.FeedItem;

/**
 * Stores what a partner's feed delivers, after the checks of spec FEED-8 (section 10, {@link
 * FeedChecks}): agreement, signature and origin, relay hop counts (RELAY-2), granted fields, the
 * grant's policy, expiry. A rejected item is counted in the partner's rejected items ({@link
 * SyncStateStore}) and logged by partner, reason and sequence only (never content), and nothing of
 * it is stored. Accepted items are stored idempotently ({@link AlertStore#put}: an older or equal
 * version never replaces a newer one) with their provenance, and the partner's cursor advances in
 * the same transaction, so the cursor never runs ahead of what is durably stored.
 *
 * <p>Two steps, which a feed client runs on two threads ({@link FeedClient}): {@link #check} needs
 * no database and may run for the next items while {@link #store} (or {@link #storeUnsynced})
 * writes earlier ones; {@link #apply} runs both.
 *
 * <p>Relay (spec 10.8): an item may come from a partner that is not its origin (relay_hops ≥ 1).
 * Given an outbox, whatever this node stores (new, or newer than what it held) is queued onward in
 * the same transaction; a duplicate or older copy is neither stored nor relayed again, and an item
 * whose origin is this node is ignored.
 *
 * <p>Copies of one alert that come by several paths are merged ({@link ReceivedCopies}, spec
 * FEED-9): the held alert is the union of the claims each partner gave of its version. A
 * retraction, or a newer version with content, replaces what every path gave; a header-only item (a
 * withdrawal, VER-6) removes only what its sender gave, and the copy becomes a tombstone ({@link
 * StoredAlert#tombstone()}) once no path gives anything. Terminating an agreement, or retention
 * running out, removes only that partner's claims (FEED-10).
 */
public final class FeedReceiver {
  private static final Logger LOG = Logger.getLogger(FeedReceiver.class.getName());

  /** Most items one {@link #apply} accepts. */
  public static final int MAX_BATCH = 1000;

  /**
   * What one batch did.
   *
   * @param cursor the partner's inbound cursor after the batch
   * @param stored items stored (new, or newer than what was held)
   * @param ignored items not applied without being rejected: {@code stale} ones, this node's own
   *     alert relayed back, a withdrawal of an alert not held
   * @param expired items expired on arrival, not stored
   * @param rejected items that failed a check, not stored
   * @param stale of the ignored, those already applied: a version not newer than the one held (a
   *     replay, or a copy that came first by another path) or a sequence at or below the cursor;
   *     counted in the partner's {@code inbound_stale} (spec ADM-10)
   * @param waiting the batch stopped before an item the partner sends under an amendment pending
   *     here (spec AGR-12.8): the cursor is before it; read it again once the amendment is accepted
   */
  public record Result(
      long cursor, int stored, int ignored, int expired, int rejected, int stale, boolean waiting) {
    public Result(long cursor, int stored, int ignored, int expired, int rejected, int stale) {
      this(cursor, stored, ignored, expired, rejected, stale, false);
    }
  }

  /**
   * The outcome when a partner has no active agreement granting it to send to this node: nothing
   * was applied. A {@link BdxException} of kind FAILED_PRECONDITION with this message.
   */
  public static final String NO_AGREEMENT = FeedChecks.NO_AGREEMENT;

  /** Whether {@code e} is the outcome of {@link #NO_AGREEMENT}. */
  public static boolean isNoAgreement(RuntimeException e) {
    return e instanceof BdxException b
        && b.kind() == BdxException.Kind.FAILED_PRECONDITION
        && NO_AGREEMENT.equals(b.getMessage());
  }

  private final NodeDatabase db;
  private final AlertStore alerts;
  private final SyncStateStore syncState;
  private final FeedChecks checks;
  private final Outbox relay;
  private final ReceivedCopies copies;
  private final Function<NodeId, String> partnerLabels;
  private final LongSupplier nanos;

  /**
   * Rejections logged once, then summarised, per partner and reason: a hostile partner sending a
   * thousand bad items writes a line and a count, not a thousand lines. Reasons and their details
   * are names of checks, so this holds at most a few entries per partner.
   */
  private final Map<Rejected, RepeatedFailures> rejections = new ConcurrentHashMap<>();

  private record Rejected(NodeId from, String why) {}

  /** A receiver that relays nothing. */
  public FeedReceiver(
      NodeDatabase db, AlertStore alerts, SyncStateStore syncState, FeedChecks checks) {
    this(db, alerts, syncState, checks, null);
  }

  /** A receiver that names partners in the log by fingerprint only. */
  public FeedReceiver(
      NodeDatabase db,
      AlertStore alerts,
      SyncStateStore syncState,
      FeedChecks checks,
      Outbox relay) {
    this(db, alerts, syncState, checks, relay, NodeId::fingerprint);
  }

  /**
   * @param alerts where accepted items are stored
   * @param syncState where the partner's cursor and counters are kept
   * @param checks the checks each item passes first; their clock is this receiver's
   * @param relay the outbox that relays what this node stores onward (spec 10.8), in the same
   *     transaction; null relays nothing
   * @param partnerLabels how the log names a partner (its local name and fingerprint)
   */
  public FeedReceiver(
      NodeDatabase db,
      AlertStore alerts,
      SyncStateStore syncState,
      FeedChecks checks,
      Outbox relay,
      Function<NodeId, String> partnerLabels) {
    this(db, alerts, syncState, checks, relay, partnerLabels, System::nanoTime);
  }

  /** As above, summarising repeated rejections on another time source (tests). */
  FeedReceiver(
      NodeDatabase db,
      AlertStore alerts,
      SyncStateStore syncState,
      FeedChecks checks,
      Outbox relay,
      Function<NodeId, String> partnerLabels,
      LongSupplier nanos) {
    this.db = Objects.requireNonNull(db, "db");
    this.alerts = Objects.requireNonNull(alerts, "alerts");
    this.syncState = Objects.requireNonNull(syncState, "syncState");
    this.checks = Objects.requireNonNull(checks, "checks");
    this.relay = relay;
    this.partnerLabels = Objects.requireNonNull(partnerLabels, "partnerLabels");
    this.nanos = Objects.requireNonNull(nanos, "nanos");
    this.copies = new ReceivedCopies(alerts, new AlertCopies(db), partnerLabels);
  }

  /**
   * Checks and stores one batch from {@code from}, in feed order, and advances its cursor in the
   * same transaction: {@link #check} of each item, then {@link #store}.
   *
   * @throws BdxException FAILED_PRECONDITION ({@link #NO_AGREEMENT}) if {@code from} has no active
   *     inbound grant (nothing applied)
   * @throws IllegalArgumentException if the batch has more than {@link #MAX_BATCH} items
   */
  public Result apply(NodeId from, List<FeedItem> batch) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(batch, "batch");
    if (batch.size() > MAX_BATCH) {
      throw new IllegalArgumentException("batch larger than " + MAX_BATCH);
    }
    List<Checked> checked = new ArrayList<>(batch.size());
    for (FeedItem item : batch) {
      checked.add(check(from, item));
    }
    return store(from, checked);
  }

  /**
   * The checks of FEED-8 that need no database ({@link FeedChecks#check}): signature, origin, hop
   * counts, granted fields, policy, retention, dates. Writes nothing, so a receiver can run it for
   * the next items while {@link #store} writes earlier ones (verification is the costliest part of
   * receiving). Safe to call from any thread.
   *
   * @throws BdxException FAILED_PRECONDITION ({@link #NO_AGREEMENT}) if {@code from} has no active
   *     inbound grant
   */
  public Checked check(NodeId from, FeedItem item) {
    return checks.check(from, item);
  }

  /**
   * Stores checked items from {@code from}, in feed order, and advances its cursor, all in one
   * transaction. An item at or below the cursor (or below an earlier item) is ignored, so nothing
   * is applied twice. An item checked under another agreement than the one active now is checked
   * again first.
   *
   * @throws BdxException FAILED_PRECONDITION ({@link #NO_AGREEMENT}) if {@code from} has no active
   *     inbound grant (nothing applied)
   * @throws IllegalArgumentException if there are more than {@link #MAX_BATCH} items
   */
  public Result store(NodeId from, List<Checked> items) {
    return store(from, items, false);
  }

  /**
   * {@link #store}, but the commit does not wait for the disk ({@link
   * NodeDatabase#atomicallyUnsynced}): the caller acknowledges these items to the partner only
   * after a later {@link #sync}. A power cut may undo the batch and its cursor together, and the
   * partner, never told, sends it again.
   */
  public Result storeUnsynced(NodeId from, List<Checked> items) {
    return store(from, items, true);
  }

  /** Makes every batch stored before this call durable ({@link NodeDatabase#sync}). */
  public void sync() {
    db.sync();
  }

  private Result store(NodeId from, List<Checked> items, boolean unsynced) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(items, "items");
    if (items.size() > MAX_BATCH) {
      throw new IllegalArgumentException("batch larger than " + MAX_BATCH);
    }
    long now = checks.now();
    Supplier<Result> work =
        () -> {
          // Read under the database lock: an amendment committed before this batch is seen.
          Grant grant = checks.inbound(from);
          long highest = syncState.inboundCursor(from); // joins this transaction
          int stored = 0;
          int ignored = 0;
          int expired = 0;
          int rejected = 0;
          int stale = 0;
          Map<FeedChecks.Rejection, Long> reasons = new EnumMap<>(FeedChecks.Rejection.class);
          boolean waiting = false;
          for (Checked item : items) {
            long seq = item.sequence();
            if (seq <= highest) {
              // At or below the cursor (already applied), or out of order: never applied twice.
              if (seq <= 0) {
                reject(from, seq, FeedChecks.Rejection.ITEM_MALFORMED, null);
                reasons.merge(FeedChecks.Rejection.ITEM_MALFORMED, 1L, Long::sum);
                rejected++;
              } else {
                ignored++;
                stale++;
              }
              continue;
            }
            // Checked under other terms than those in force now (an agreement since replaced or
            // amended), or waiting for an amendment: judged again by the terms in force now.
            Checked ch =
                item.checkedUnder(grant) && item.outcome() != FeedChecks.Outcome.WAITING
                    ? item
                    : checks.check(from, grant, item.item(), now);
            if (ch.outcome() == FeedChecks.Outcome.WAITING) {
              waiting = true;
              break; // neither stored nor rejected: the cursor stays before it
            }
            highest = seq;
            switch (ch.outcome()) {
              case ACCEPTED -> {
                switch (keep(ch)) {
                  case STORED -> stored++;
                  case STALE -> {
                    ignored++;
                    stale++;
                  }
                  case IGNORED -> ignored++;
                }
              }
              case EXPIRED -> expired++;
              case IGNORED -> ignored++;
              case REJECTED -> {
                reject(from, seq, ch.rejection(), ch.detail());
                reasons.merge(ch.rejection(), 1L, Long::sum);
                rejected++;
              }
              case WAITING -> throw new IllegalStateException("handled above");
            }
          }
          syncState.recordInbound(from, highest, now, rejected, stale);
          Map<String, Long> byName = new TreeMap<>();
          reasons.forEach((r, n) -> byName.put(r.name(), n));
          syncState.recordRejections(from, byName);
          return new Result(highest, stored, ignored, expired, rejected, stale, waiting);
        };
    return unsynced ? db.atomicallyUnsynced(work) : db.atomically(work);
  }

  /** Stores one accepted item inside {@link #store}'s transaction, unless it changes nothing. */
  private ReceivedCopies.Kept keep(Checked ch) {
    ReceivedCopies.Outcome o = copies.keep(ch.row());
    if (o.relay() != null && relay != null) {
      relay.enqueue(o.relay()); // relayed copies: only what was stored, never a duplicate
    }
    return o.kept();
  }

  /**
   * Logs a rejection by partner, reason and sequence only (no alert content, no alert id), once per
   * partner and reason and then as a count a minute ({@link RepeatedFailures}).
   */
  private void reject(NodeId from, long seq, FeedChecks.Rejection reason, String detail) {
    String why = "reason=" + reason + (detail == null ? "" : " (" + detail + ")");
    rejections
        .computeIfAbsent(
            new Rejected(from, why),
            k ->
                new RepeatedFailures(
                    LOG,
                    () -> "feed item rejected from partner " + partnerLabels.apply(from),
                    nanos))
        .failed(why, "seq=" + seq);
  }

  /**
   * Deletes every alert received under {@code agreementId} and its search index rows (the agreement
   * was terminated).
   *
   * @return how many alerts were deleted
   */
  public int purgeAgreement(String agreementId) {
    Objects.requireNonNull(agreementId, "agreementId");
    return db.atomically(() -> copies.removeAgreement(agreementId));
  }

  /**
   * Applies amended inbound terms to what {@code partner} sent under {@code agreementId} (spec
   * AGR-12.7, {@link ReceivedCopies#amend}), inside the caller's transaction: the one that puts the
   * amendment in force.
   *
   * @param knows whether this node has an active agreement with a node (RELAY-8.4)
   * @return how many alerts lost claims
   */
  public int applyAmendment(
      String agreementId, NodeId partner, DirectionTerms inbound, Predicate<NodeId> knows) {
    Objects.requireNonNull(agreementId, "agreementId");
    Objects.requireNonNull(partner, "partner");
    long now = checks.now();
    return db.atomically(() -> copies.amend(agreementId, partner, inbound, knows, now));
  }

  /** Deletes received alerts whose purge time has come; run it periodically. */
  public int purgeDue() {
    long now = checks.now();
    return db.atomically(() -> copies.purgeDue(now) + alerts.purgeDue(now));
  }

  /** The last feed sequence of {@code partner} this node durably stored (0 = none). */
  public long cursor(NodeId partner) {
    return syncState.inboundCursor(partner);
  }

  /** How many items from {@code partner} were rejected, in all. */
  public long rejected(NodeId partner) {
    return syncState.inboundRejected(partner);
  }

  /** How many items from {@code partner} were rejected, by FEED-8 reason, in all. */
  public SortedMap<String, Long> rejectedByReason(NodeId partner) {
    return syncState.rejectionsByReason(partner);
  }

  /** How many items from {@code partner} were not applied because already applied, in all. */
  public long stale(NodeId partner) {
    return syncState.inboundStale(partner);
  }

  /** When a batch from {@code partner} was last stored (Unix seconds, 0 = never). */
  public long lastSyncAt(NodeId partner) {
    return syncState.lastSyncAt(partner);
  }

  /** How many items {@code partner} said wait for us (its last FeedStatus.backlog). */
  public long waiting(NodeId partner) {
    return syncState.inboundWaiting(partner);
  }

  /** Records the backlog {@code partner} reported. */
  public void recordWaiting(NodeId partner, long backlog) {
    Objects.requireNonNull(partner, "partner");
    syncState.recordInboundWaiting(partner, Math.max(0, backlog));
  }
}
