package org.bdx.node.sync;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.bdx.node.error.BdxException;
import org.bdx.node.identity.NodeId;
import org.bdx.node.policy.Grant;
import org.bdx.node.policy.RelayHops;
import org.bdx.node.policy.SharingGrants;
import org.bdx.node.policy.SharingPolicy;
import org.bdx.node.signing.AlertVerifier;
import org.bdx.node.signing.VerificationException;
import org.bdx.node.signing.VerifiedAlert;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.store.SyncStateStore;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.FeedItem;

/**
 * Stores what a partner's feed delivers, after the checks of spec FEED-8 (section 10): agreement,
 * signature and origin, relay hop counts (RELAY-2), granted fields, the grant's policy, expiry. A
 * rejected item is counted in {@code sync_state.inbound_rejected} and logged by reason only (never
 * content), and nothing of it is stored. Accepted items are stored idempotently ({@link
 * AlertStore#put}: an older or equal version never replaces a newer one) with their provenance, and
 * the partner's cursor advances in the same transaction, so the cursor never runs ahead of what is
 * durably stored.
 *
 * <p>Relay (spec 10.8): an item may come from a partner that is not its origin (relay_hops ≥ 1).
 * Given an outbox, whatever this node stores (new, or newer than what it held) is queued onward in
 * the same transaction; a duplicate or older copy is neither stored nor relayed again, and an item
 * whose origin is this node is ignored.
 *
 * <p>A header-only item (no disclosures) is a retraction or a withdrawal (spec VER-6): it replaces
 * the held copy by a tombstone ({@link StoredAlert#tombstone()}); a withdrawal of an alert not held
 * is ignored.
 */
public final class FeedReceiver {
  private static final Logger LOG = Logger.getLogger(FeedReceiver.class.getName());

  /** Most items one {@link #apply} accepts. */
  public static final int MAX_BATCH = 1000;

  /** Retention is capped at this many days whatever the terms say (AGR-4: 1..3650). */
  public static final int MAX_RETENTION_DAYS = 3650;

  private static final long DAY = 86_400L;

  /** Why an item was rejected; the reference names of spec FEED-8. */
  public enum Rejection {
    ITEM_MALFORMED,
    AGREEMENT_MISMATCH,
    VERIFICATION_FAILED,
    FIELD_NOT_GRANTED,
    NOT_GRANTED,
    NO_RETENTION,
    /** Issued further ahead of this node's clock than the tolerated skew (spec TIME-2). */
    FUTURE_DATED,
    /**
     * Hop counts the origin's signed {@code max_hops} does not allow, or a relay count that does
     * not fit the sender (spec RELAY-2).
     */
    RELAY_NOT_ALLOWED
  }

  /** Default tolerated clock difference between nodes (spec TIME-1). */
  public static final Duration DEFAULT_MAX_SKEW = Duration.ofMinutes(5);

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
   */
  public record Result(
      long cursor, int stored, int ignored, int expired, int rejected, int stale) {}

  /**
   * The outcome when a partner has no active agreement granting it to send to this node: nothing
   * was applied. A {@link BdxException} of kind FAILED_PRECONDITION with this message.
   */
  public static final String NO_AGREEMENT = "no active inbound agreement with this partner";

  private static BdxException noAgreement() {
    return BdxException.failedPrecondition(NO_AGREEMENT);
  }

  /** Whether {@code e} is the outcome of {@link #NO_AGREEMENT}. */
  public static boolean isNoAgreement(RuntimeException e) {
    return e instanceof BdxException b
        && b.kind() == BdxException.Kind.FAILED_PRECONDITION
        && NO_AGREEMENT.equals(b.getMessage());
  }

  private final NodeDatabase db;
  private final AlertStore alerts;
  private final SyncStateStore syncState;
  private final AlertVerifier verifier;
  private final SharingGrants grants;
  private final Clock clock;
  private final long maxSkewSeconds;
  private final NodeId self;
  private final Outbox relay;

  public FeedReceiver(
      NodeDatabase db,
      AlertStore alerts,
      SyncStateStore syncState,
      AlertVerifier verifier,
      SharingGrants grants,
      Clock clock) {
    this(db, alerts, syncState, verifier, grants, clock, DEFAULT_MAX_SKEW);
  }

  /**
   * @param maxSkew how far ahead of {@code clock} an item's {@code issued_at} may be (0..1 day)
   */
  public FeedReceiver(
      NodeDatabase db,
      AlertStore alerts,
      SyncStateStore syncState,
      AlertVerifier verifier,
      SharingGrants grants,
      Clock clock,
      Duration maxSkew) {
    this(db, alerts, syncState, verifier, grants, clock, maxSkew, null, null);
  }

  /**
   * @param self this node's id: an item whose origin is this node is ignored (null: only a held
   *     local alert is protected)
   * @param relay the outbox that relays what this node stores onward (spec 10.8), in the same
   *     transaction; null relays nothing
   */
  public FeedReceiver(
      NodeDatabase db,
      AlertStore alerts,
      SyncStateStore syncState,
      AlertVerifier verifier,
      SharingGrants grants,
      Clock clock,
      Duration maxSkew,
      NodeId self,
      Outbox relay) {
    Objects.requireNonNull(maxSkew, "maxSkew");
    this.self = self;
    this.relay = relay;
    if (maxSkew.isNegative() || maxSkew.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("maxSkew must be between 0 and 1 day");
    }
    this.maxSkewSeconds = maxSkew.toSeconds();
    this.db = Objects.requireNonNull(db, "db");
    this.alerts = Objects.requireNonNull(alerts, "alerts");
    this.syncState = Objects.requireNonNull(syncState, "syncState");
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.grants = Objects.requireNonNull(grants, "grants");
    this.clock = Objects.requireNonNull(clock, "clock");
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
   * The checks of FEED-8 that need no database: signature, origin, hop counts, granted fields,
   * policy, retention, dates. Writes nothing, so a receiver can run it for the next items while
   * {@link #store} writes earlier ones (verification is the costliest part of receiving). Safe to
   * call from any thread.
   *
   * @throws BdxException FAILED_PRECONDITION ({@link #NO_AGREEMENT}) if {@code from} has no active
   *     inbound grant
   */
  public Checked check(NodeId from, FeedItem item) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(item, "item");
    Grant grant = grants.inbound(from).orElseThrow(FeedReceiver::noAgreement);
    return check(from, grant, item, clock.instant().getEpochSecond());
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
    Grant grant = grants.inbound(from).orElseThrow(FeedReceiver::noAgreement);
    long now = clock.instant().getEpochSecond();
    Supplier<Result> work =
        () -> {
          long highest = syncState.inboundCursor(from); // joins this transaction
          int stored = 0;
          int ignored = 0;
          int expired = 0;
          int rejected = 0;
          int stale = 0;
          for (Checked item : items) {
            long seq = item.sequence();
            if (seq <= highest) {
              // At or below the cursor (already applied), or out of order: never applied twice.
              if (seq <= 0) {
                reject(from, seq, Rejection.ITEM_MALFORMED, null);
                rejected++;
              } else {
                ignored++;
                stale++;
              }
              continue;
            }
            highest = seq;
            Checked ch =
                item.agreementId().equals(grant.agreementId())
                    ? item
                    : check(from, grant, item.item(), now); // the agreement changed meanwhile
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
                rejected++;
              }
            }
          }
          syncState.recordInbound(from, highest, now, rejected, stale);
          return new Result(highest, stored, ignored, expired, rejected, stale);
        };
    return unsynced ? db.atomicallyUnsynced(work) : db.atomically(work);
  }

  private enum Kept {
    STORED,
    STALE,
    IGNORED
  }

  /** Stores one accepted item inside {@link #store}'s transaction, unless it changes nothing. */
  private Kept keep(Checked ch) {
    StoredAlert a = ch.row().alert();
    Optional<AlertStore.Held> held = alerts.held(a.originNodeId(), a.alertId());
    if (held.isPresent() && held.get().local()) {
      return Kept.IGNORED; // our own alert sent back: never replaces it (FEED-3, RELAY-5)
    }
    if (isWithdrawal(a) && held.isEmpty()) {
      return Kept.IGNORED; // withdrawn before we held it: nothing to delete or keep (VER-6)
    }
    if (!alerts.put(ch.row(), held)) {
      return Kept.STALE; // same or older version than held (FEED-9)
    }
    if (relay != null) {
      relay.enqueue(a); // relayed copies: only what was stored, never a duplicate
    }
    return Kept.STORED;
  }

  private enum Outcome {
    ACCEPTED,
    EXPIRED,
    IGNORED,
    REJECTED
  }

  /**
   * One feed item after {@link #check}: what to do with it, and the agreement it was checked under.
   * Immutable; only {@link #store} reads it.
   */
  public static final class Checked {
    private final FeedItem item;
    private final String agreementId;
    private final Outcome outcome;
    private final AlertStore.Row row;
    private final Rejection rejection;
    private final String detail;

    private Checked(
        FeedItem item,
        String agreementId,
        Outcome outcome,
        AlertStore.Row row,
        Rejection rejection,
        String detail) {
      this.item = item;
      this.agreementId = agreementId;
      this.outcome = outcome;
      this.row = row;
      this.rejection = rejection;
      this.detail = detail;
    }

    /** The item's feed sequence. */
    public long sequence() {
      return item.getSequence();
    }

    FeedItem item() {
      return item;
    }

    String agreementId() {
      return agreementId;
    }

    Outcome outcome() {
      return outcome;
    }

    AlertStore.Row row() {
      return row;
    }

    Rejection rejection() {
      return rejection;
    }

    String detail() {
      return detail;
    }
  }

  /** The checks of FEED-8, in order; the first failure decides. */
  private Checked check(NodeId from, Grant grant, FeedItem item, long now) {
    String agreement = grant.agreementId();
    if (!item.hasAlert() || !item.getUnknownFields().asMap().isEmpty()) {
      return rejected(item, agreement, Rejection.ITEM_MALFORMED, null);
    }
    if (!grant.agreementId().equals(item.getAgreementId())) {
      return rejected(item, agreement, Rejection.AGREEMENT_MISMATCH, null);
    }
    long relayHops = Integer.toUnsignedLong(item.getRelayHops());
    long hopsLeft = Integer.toUnsignedLong(item.getHopsLeft());
    VerifiedAlert v;
    try {
      // Not relayed: the sender must be the origin (SIG-7.5). Relayed: any origin, checked below.
      v = verifier.verify(item.getAlert(), relayHops == 0 ? from : null);
    } catch (VerificationException e) {
      return rejected(item, agreement, Rejection.VERIFICATION_FAILED, e.reason().name());
    }
    String origin = v.header().getOriginNodeId();
    if (self != null && origin.equals(self.value())) {
      // Our own genuine alert came back round a loop: never stored, whatever its hop counts.
      return outcome(item, agreement, Outcome.IGNORED);
    }
    long maxHops = Integer.toUnsignedLong(v.header().getMaxHops());
    if (!RelayHops.acceptable(relayHops, hopsLeft, maxHops, origin.equals(from.value()))) {
      return rejected(item, agreement, Rejection.RELAY_NOT_ALLOWED, null);
    }
    Set<String> granted = Set.copyOf(grant.terms().getFieldPathsList());
    if (!granted.containsAll(v.disclosedPaths())) {
      return rejected(item, agreement, Rejection.FIELD_NOT_GRANTED, null);
    }
    AlertHeader h = v.header();
    // A header-only item (retraction or withdrawal, VER-6) carries no content to check against
    // the grant; it only makes us delete what we hold, so the policy check does not apply.
    if (!v.disclosedPaths().isEmpty()) {
      Optional<SortedSet<String>> allowed =
          SharingPolicy.disclose(h.getStatus(), h.getAudience(), v.fields(), grant.terms());
      if (allowed.isEmpty() || !allowed.get().containsAll(v.disclosedPaths())) {
        return rejected(item, agreement, Rejection.NOT_GRANTED, null);
      }
    }
    int days = grant.terms().getRetentionDays();
    if (days < 1) {
      return rejected(item, agreement, Rejection.NO_RETENTION, null);
    }
    if (h.getIssuedAt() > now + maxSkewSeconds) {
      // Dated beyond the tolerated skew: a wrong clock at the origin, or a forged date.
      return rejected(item, agreement, Rejection.FUTURE_DATED, null);
    }
    if (h.getExpiresAt() <= now) {
      return outcome(item, agreement, Outcome.EXPIRED);
    }
    long purgeAt = Math.min(h.getExpiresAt(), now + Math.min(days, MAX_RETENTION_DAYS) * DAY);
    StoredAlert a =
        new StoredAlert(
            h.getOriginNodeId(),
            h.getAlertId(),
            h.getVersion(),
            h.getStatus(),
            h.getIssuedAt(),
            h.getExpiresAt(),
            h.getAudience(),
            v.fields(),
            List.copyOf(v.disclosedPaths()),
            v.envelope(),
            false,
            now,
            from.value(),
            grant.agreementId(),
            purgeAt);
    AlertStore.Row row;
    try {
      // Validation and every column value, computed here rather than under the database lock.
      row = alerts.row(a, new AlertStore.Hops(relayHops, hopsLeft));
    } catch (IllegalArgumentException e) {
      return rejected(item, agreement, Rejection.ITEM_MALFORMED, null);
    }
    return new Checked(item, agreement, Outcome.ACCEPTED, row, null, null);
  }

  private static Checked rejected(FeedItem item, String agreement, Rejection r, String detail) {
    return new Checked(item, agreement, Outcome.REJECTED, null, r, detail);
  }

  private static Checked outcome(FeedItem item, String agreement, Outcome o) {
    return new Checked(item, agreement, o, null, null, null);
  }

  /** A header-only version that is not a retraction: the origin no longer shares the alert. */
  private static boolean isWithdrawal(StoredAlert a) {
    return a.disclosedPaths().isEmpty() && a.status() != AlertStatus.ALERT_STATUS_RETRACTED;
  }

  private static void reject(NodeId from, long seq, Rejection reason, String detail) {
    // Reason only: no alert content, no alert id.
    LOG.warning(
        "feed item rejected: partner="
            + from.fingerprint()
            + " seq="
            + seq
            + " reason="
            + reason
            + (detail == null ? "" : " (" + detail + ")"));
  }

  /**
   * Deletes every alert received under {@code agreementId} and its search index rows (the agreement
   * was terminated).
   *
   * @return how many alerts were deleted
   */
  public int purgeAgreement(String agreementId) {
    Objects.requireNonNull(agreementId, "agreementId");
    return alerts.deleteByAgreement(agreementId);
  }

  /** Deletes received alerts whose purge time has come; run it periodically. */
  public int purgeDue() {
    return alerts.purgeDue(clock.instant().getEpochSecond());
  }

  /** The last feed sequence of {@code partner} this node durably stored (0 = none). */
  public long cursor(NodeId partner) {
    return syncState.inboundCursor(partner);
  }

  /** How many items from {@code partner} were rejected, in all. */
  public long rejected(NodeId partner) {
    return syncState.inboundRejected(partner);
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
