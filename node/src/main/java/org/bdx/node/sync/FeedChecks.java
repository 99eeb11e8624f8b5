package org.bdx.node.sync;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import org.bdx.node.error.BdxException;
import org.bdx.node.identity.NodeId;
import org.bdx.node.policy.Grant;
import org.bdx.node.policy.RelayHops;
import org.bdx.node.policy.SharingGrants;
import org.bdx.node.policy.SharingPolicy;
import org.bdx.node.signing.AlertVerifier;
import org.bdx.node.signing.HopChain;
import org.bdx.node.signing.HopChainException;
import org.bdx.node.signing.VerificationException;
import org.bdx.node.signing.VerifiedAlert;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.StoredAlert;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.SignedHop;

/**
 * The checks of spec FEED-8 that need no database, for one feed item from one partner: agreement,
 * signature and origin, the signed path of an item with content ({@link HopChain}, RELAY-8) or the
 * hop counts of a header-only one (RELAY-2), granted fields, the grant's policy, retention, dates
 * (TIME-2, TIME-3). The outcome ({@link Checked}) carries the row to store, computed here, so that
 * the {@link FeedReceiver} only writes under the database lock.
 *
 * <p>Writes nothing and holds no state between items, so it runs on any thread: the feed client
 * checks items on gRPC's thread while its own thread stores earlier ones (verification is the
 * costliest part of receiving).
 */
public final class FeedChecks {
  /** Retention is capped at this many days whatever the terms say (AGR-4: 1..3650). */
  public static final int MAX_RETENTION_DAYS = 3650;

  /** Default tolerated clock difference between nodes (spec TIME-1). */
  public static final Duration DEFAULT_MAX_SKEW = Duration.ofMinutes(5);

  private static final long DAY = 86_400L;

  /** The message of {@link FeedReceiver#NO_AGREEMENT}; defined here, where check 1 is made. */
  static final String NO_AGREEMENT = "no active inbound agreement with this partner";

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
     * Hop counts the origin's signed {@code max_hops} or a grant on the way does not allow, or a
     * relay count that does not fit the sender (spec RELAY-2, RELAY-8.3).
     */
    RELAY_NOT_ALLOWED,
    /** Hop statements that are not a valid signed path back to the origin (spec RELAY-8.1, 8.2). */
    HOP_STATEMENT_INVALID,
    /**
     * A relayed alert of an origin this node has no active agreement with, from a partner whose
     * terms do not set {@code accept_relayed} (spec RELAY-8.4).
     */
    RELAYED_ORIGIN_NOT_ACCEPTED
  }

  /** What to do with a checked item. */
  enum Outcome {
    ACCEPTED,
    EXPIRED,
    IGNORED,
    REJECTED,
    /**
     * Not granted by the terms in force, but by an amendment pending here that the partner already
     * applies (spec AGR-12.8): neither stored nor rejected; the cursor stays before it.
     */
    WAITING
  }

  /**
   * One feed item after {@link #check}: what to do with it, and the agreement it was checked under.
   * Immutable; only {@link FeedReceiver#store} reads it.
   */
  public static final class Checked {
    private final FeedItem item;
    private final String agreementId;
    private final DirectionTerms terms;
    private final Outcome outcome;
    private final AlertStore.Row row;
    private final Rejection rejection;
    private final String detail;

    private Checked(
        FeedItem item,
        String agreementId,
        DirectionTerms terms,
        Outcome outcome,
        AlertStore.Row row,
        Rejection rejection,
        String detail) {
      this.item = item;
      this.agreementId = agreementId;
      this.terms = terms;
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

    /** The inbound terms it was checked under. */
    DirectionTerms terms() {
      return terms;
    }

    /** Whether it was checked under {@code grant}, so that its outcome stands. */
    boolean checkedUnder(Grant grant) {
      return agreementId.equals(grant.agreementId()) && terms.equals(grant.terms());
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

  private final AlertStore alerts;
  private final AlertVerifier verifier;
  private final SharingGrants grants;
  private final Clock clock;
  private final long maxSkewSeconds;
  private final NodeId self;

  /** With the default skew. */
  public FeedChecks(
      AlertStore alerts, AlertVerifier verifier, SharingGrants grants, Clock clock, NodeId self) {
    this(alerts, verifier, grants, clock, DEFAULT_MAX_SKEW, self);
  }

  /**
   * @param alerts computes the row of an accepted item ({@link AlertStore#row}; no database access)
   * @param clock this node's time, for the dates and for the store step that follows
   * @param maxSkew how far ahead of {@code clock} an item's {@code issued_at} may be (0..1 day)
   * @param self this node's id: the receiver every hop statement path must end at (RELAY-8), and an
   *     item whose origin is this node is ignored
   */
  public FeedChecks(
      AlertStore alerts,
      AlertVerifier verifier,
      SharingGrants grants,
      Clock clock,
      Duration maxSkew,
      NodeId self) {
    Objects.requireNonNull(maxSkew, "maxSkew");
    if (maxSkew.isNegative() || maxSkew.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("maxSkew must be between 0 and 1 day");
    }
    this.maxSkewSeconds = maxSkew.toSeconds();
    this.alerts = Objects.requireNonNull(alerts, "alerts");
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.grants = Objects.requireNonNull(grants, "grants");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.self = Objects.requireNonNull(self, "self");
  }

  /**
   * The checks of FEED-8 for {@code item} from {@code from}, under the inbound grant active now.
   *
   * @throws BdxException FAILED_PRECONDITION ({@link FeedReceiver#NO_AGREEMENT}) if {@code from}
   *     has no active inbound grant
   */
  public Checked check(NodeId from, FeedItem item) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(item, "item");
    return check(from, inbound(from), item, now());
  }

  /**
   * The active inbound grant of {@code from} (FEED-8, check 1).
   *
   * @throws BdxException FAILED_PRECONDITION ({@link FeedReceiver#NO_AGREEMENT}) if there is none
   */
  Grant inbound(NodeId from) {
    return grants.inbound(from).orElseThrow(() -> BdxException.failedPrecondition(NO_AGREEMENT));
  }

  /**
   * This node's time, Unix seconds. The store step reads it here too, so that an item checked again
   * there is judged by the same clock.
   */
  long now() {
    return clock.instant().getEpochSecond();
  }

  /**
   * The checks of FEED-8 after the first, in order; the first failure decides. An item that fails
   * only because the terms in force do not grant it, and that an amendment pending here would
   * grant, is {@link Outcome#WAITING}: the partner already applies the amendment (AGR-12.8).
   */
  Checked check(NodeId from, Grant grant, FeedItem item, long now) {
    Checked c = checkUnder(from, grant, item, now);
    if (c.outcome() != Outcome.REJECTED || !GRANT_REJECTIONS.contains(c.rejection())) {
      return c;
    }
    Optional<Grant> pending = grants.pendingInbound(from);
    if (pending.isPresent() && pending.get().agreementId().equals(grant.agreementId())) {
      Checked underPending = checkUnder(from, pending.get(), item, now);
      if (underPending.outcome() == Outcome.ACCEPTED) {
        return new Checked(
            item, grant.agreementId(), grant.terms(), Outcome.WAITING, null, null, null);
      }
    }
    return c;
  }

  /** The rejections that new terms may lift. */
  private static final Set<Rejection> GRANT_REJECTIONS =
      Set.of(
          Rejection.FIELD_NOT_GRANTED,
          Rejection.NOT_GRANTED,
          Rejection.RELAYED_ORIGIN_NOT_ACCEPTED,
          Rejection.RELAY_NOT_ALLOWED,
          Rejection.NO_RETENTION);

  /**
   * Whether this node holds the item's alert at its version or a newer one. Read from the
   * unverified header only to ignore the item, never to store anything of it.
   */
  private boolean heldAlready(FeedItem item) {
    try {
      org.bdx.proto.v1.AlertHeader h =
          org.bdx.proto.v1.AlertHeader.parseFrom(item.getAlert().getHeader());
      NodeId origin = NodeId.parse(h.getOriginNodeId());
      return alerts
          .held(origin, h.getAlertId())
          .map(held -> Long.compareUnsigned(held.version(), h.getVersion()) >= 0)
          .orElse(false);
    } catch (com.google.protobuf.InvalidProtocolBufferException | IllegalArgumentException e) {
      return false;
    }
  }

  private Checked checkUnder(NodeId from, Grant grant, FeedItem item, long now) {
    String agreement = grant.agreementId();
    DirectionTerms terms = grant.terms();
    if (!item.hasAlert() || !item.getUnknownFields().asMap().isEmpty()) {
      return rejected(item, agreement, terms, Rejection.ITEM_MALFORMED, null);
    }
    if (!grant.agreementId().equals(item.getAgreementId())) {
      return rejected(item, agreement, terms, Rejection.AGREEMENT_MISMATCH, null);
    }
    long relayHops = Integer.toUnsignedLong(item.getRelayHops());
    long hopsLeft = Integer.toUnsignedLong(item.getHopsLeft());
    VerifiedAlert v;
    try {
      // Not relayed: the sender must be the origin (SIG-7.5). Relayed: any origin, checked below.
      v = verifier.verify(item.getAlert(), relayHops == 0 ? from : null);
    } catch (VerificationException e) {
      if (e.reason() == VerificationException.Reason.KEY_NOT_TRUSTED && heldAlready(item)) {
        // A version held from before its key was replaced, sent again (a partner reading the
        // feed from its start after a revocation, KEY-19.5): nothing new, so not rejected.
        return outcome(item, agreement, terms, Outcome.IGNORED);
      }
      return rejected(item, agreement, terms, Rejection.VERIFICATION_FAILED, e.reason().name());
    }
    NodeId origin;
    try {
      origin = v.originNodeId();
    } catch (IllegalArgumentException e) {
      return rejected(item, agreement, terms, Rejection.ITEM_MALFORMED, null);
    }
    if (origin.equals(self)) {
      // Our own genuine alert came back round a loop: never stored, whatever its hop counts.
      return outcome(item, agreement, terms, Outcome.IGNORED);
    }
    List<SignedHop> statements = List.of();
    if (v.disclosedPaths().isEmpty()) {
      // Header-only (a retraction or withdrawal): it only deletes, so it carries no statements
      // and only its unsigned counts are checked (RELAY-2, RELAY-3.3).
      long maxHops = Integer.toUnsignedLong(v.header().getMaxHops());
      if (item.getHopsCount() > 0) {
        return rejected(
            item,
            agreement,
            terms,
            Rejection.HOP_STATEMENT_INVALID,
            HopChainException.Reason.STATEMENT_COUNT.name());
      }
      if (!RelayHops.acceptable(relayHops, hopsLeft, maxHops, origin.equals(from))) {
        return rejected(item, agreement, terms, Rejection.RELAY_NOT_ALLOWED, null);
      }
    } else {
      try {
        statements =
            HopChain.verify(
                    item.getHopsList(),
                    v,
                    relayHops,
                    hopsLeft,
                    from,
                    self,
                    RelayHops.onward(grant.terms()),
                    verifier.signingKeys())
                .hops();
      } catch (HopChainException e) {
        return switch (e.reason().outcome()) {
          case IGNORED -> outcome(item, agreement, terms, Outcome.IGNORED); // a loop (RELAY-5)
          case RELAY_NOT_ALLOWED ->
              rejected(item, agreement, terms, Rejection.RELAY_NOT_ALLOWED, e.reason().name());
          case HOP_STATEMENT_INVALID ->
              rejected(item, agreement, terms, Rejection.HOP_STATEMENT_INVALID, e.reason().name());
        };
      }
      if (!RelayHops.originAccepted(relayHops, knows(origin), grant.terms().getAcceptRelayed())) {
        return rejected(item, agreement, terms, Rejection.RELAYED_ORIGIN_NOT_ACCEPTED, null);
      }
    }
    Set<String> granted = Set.copyOf(grant.terms().getFieldPathsList());
    if (!granted.containsAll(v.disclosedPaths())) {
      return rejected(item, agreement, terms, Rejection.FIELD_NOT_GRANTED, null);
    }
    AlertHeader h = v.header();
    // A header-only item (retraction or withdrawal, VER-6) carries no content to check against
    // the grant; it only makes us delete what we hold, so the policy check does not apply.
    if (!v.disclosedPaths().isEmpty()) {
      Optional<SortedSet<String>> allowed =
          SharingPolicy.disclose(h.getStatus(), h.getAudience(), v.fields(), grant.terms());
      if (allowed.isEmpty() || !allowed.get().containsAll(v.disclosedPaths())) {
        return rejected(item, agreement, terms, Rejection.NOT_GRANTED, null);
      }
    }
    int days = grant.terms().getRetentionDays();
    if (days < 1) {
      return rejected(item, agreement, terms, Rejection.NO_RETENTION, null);
    }
    if (h.getIssuedAt() > now + maxSkewSeconds) {
      // Dated beyond the tolerated skew: a wrong clock at the origin, or a forged date.
      return rejected(item, agreement, terms, Rejection.FUTURE_DATED, null);
    }
    if (h.getExpiresAt() <= now) {
      return outcome(item, agreement, terms, Outcome.EXPIRED);
    }
    long purgeAt = Math.min(h.getExpiresAt(), now + Math.min(days, MAX_RETENTION_DAYS) * DAY);
    StoredAlert a =
        new StoredAlert(
            origin,
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
            from,
            grant.agreementId(),
            purgeAt);
    AlertStore.Row row;
    try {
      // Validation and every column value, computed here rather than under the database lock.
      row = alerts.row(a, new AlertStore.Hops(relayHops, hopsLeft, statements));
    } catch (IllegalArgumentException e) {
      return rejected(item, agreement, terms, Rejection.ITEM_MALFORMED, null);
    }
    return new Checked(item, agreement, terms, Outcome.ACCEPTED, row, null, null);
  }

  /** Whether this node has an active agreement with {@code node} (RELAY-8.4). */
  private boolean knows(NodeId node) {
    return grants.inbound(node).isPresent() || grants.outbound(node).isPresent();
  }

  private static Checked rejected(
      FeedItem item, String agreement, DirectionTerms terms, Rejection r, String detail) {
    return new Checked(item, agreement, terms, Outcome.REJECTED, null, r, detail);
  }

  private static Checked outcome(FeedItem item, String agreement, DirectionTerms terms, Outcome o) {
    return new Checked(item, agreement, terms, o, null, null, null);
  }
}
