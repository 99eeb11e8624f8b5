package org.bdx.node.sync;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.function.BiFunction;
import org.bdx.node.identity.NodeId;
import org.bdx.node.policy.Grant;
import org.bdx.node.policy.RelayHops;
import org.bdx.node.policy.SharingGrants;
import org.bdx.node.policy.SharingPolicy;
import org.bdx.node.signing.Disclosures;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.OutboxStore;
import org.bdx.node.store.StoredAlert;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.SignedAlert;

/**
 * Whether a queued item may still leave (spec FEED-5.10): consent is checked when sending, not only
 * when queuing, so an item queued before the reporter narrowed consent, the alert was retracted,
 * purged or expired, or the partner's grant changed, is never sent. A header-only item passes: it
 * discloses nothing.
 *
 * <p>It runs for every item, so it reads the alert's held state with one indexed lookup and no
 * decryption ({@link OutboxStore#heldAlert}). An item of the held version was redacted under the
 * same agreement's terms from the same fields, so for it only what can change without a new version
 * is checked again: the status and audience against the partner's class, the field paths against
 * the grant, that the held copy still has them, expiry, and for a relayed alert that relaying is
 * still allowed. Only an item of an older version (rare: a newer one was stored after it was
 * queued) needs the held version's fields opened and section 9 evaluated again.
 */
final class SendCheck {
  /**
   * What to do with one item.
   *
   * @param send whether it may leave as it is
   * @param replaceWith when it may not: the held version of its alert, whose admitted form is
   *     queued in its place (empty: nothing is)
   */
  record Verdict(boolean send, Optional<StoredAlert> replaceWith) {
    static final Verdict SEND = new Verdict(true, Optional.empty());
    static final Verdict WITHHOLD = new Verdict(false, Optional.empty());

    Verdict {
      Objects.requireNonNull(replaceWith, "replaceWith");
    }

    static Verdict replaceWith(StoredAlert current) {
      return new Verdict(false, Optional.of(current));
    }
  }

  private final AlertStore alerts;
  private final OutboxStore rows;
  private final SharingGrants grants;
  private final BiFunction<Grant, StoredAlert, SortedSet<String>> admitted;

  /**
   * @param admitted the paths of an alert that may be queued for a grant's partner now, as the
   *     outbox decides when queuing
   */
  SendCheck(
      AlertStore alerts,
      OutboxStore rows,
      SharingGrants grants,
      BiFunction<Grant, StoredAlert, SortedSet<String>> admitted) {
    this.alerts = Objects.requireNonNull(alerts, "alerts");
    this.rows = Objects.requireNonNull(rows, "rows");
    this.grants = Objects.requireNonNull(grants, "grants");
    this.admitted = Objects.requireNonNull(admitted, "admitted");
  }

  /** The verdict on {@code item}, about to be sent at {@code now} under {@code grant}. */
  Verdict check(Grant grant, FeedItem item, long now) {
    SignedAlert envelope = item.getAlert();
    if (envelope.getDisclosuresCount() == 0) {
      return Verdict.SEND;
    }
    AlertHeader header;
    NodeId origin;
    try {
      header = AlertHeader.parseFrom(envelope.getHeader());
      origin = new NodeId(header.getOriginNodeId());
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      return Verdict.WITHHOLD; // not one of the envelopes this node queues: fail closed
    }
    Optional<Set<String>> paths = Disclosures.paths(envelope);
    Optional<OutboxStore.HeldAlert> found = rows.heldAlert(origin, header.getAlertId());
    if (paths.isEmpty()) {
      return Verdict.WITHHOLD; // a claim this node cannot read: fail closed
    }
    if (found.isEmpty()) {
      return Verdict.WITHHOLD; // no longer held: a purge queued its retraction, if one was owed
    }
    OutboxStore.HeldAlert held = found.get();
    NodeId partner = grant.partner();
    if (held.expiresAt() <= now
        || partner.equals(origin)
        || partner.equals(held.receivedFrom())
        || header.getVersion() > held.version()) {
      return Verdict.WITHHOLD;
    }
    if (header.getVersion() == held.version()) {
      return stillAdmitted(grant, held, paths.get(), header.getMaxHops())
          ? Verdict.SEND
          : Verdict.WITHHOLD; // this version is what it was queued from: nothing newer to send
    }
    // A newer version is held: what the partner may have of it now decides.
    Optional<StoredAlert> current = alerts.get(origin, header.getAlertId());
    if (current.isEmpty()) {
      return Verdict.WITHHOLD;
    }
    SortedSet<String> admittedNow = admitted.apply(grant, current.get());
    if (!admittedNow.isEmpty() && admittedNow.containsAll(paths.get())) {
      return Verdict.SEND; // still consented to; the newer version follows in the feed
    }
    return Verdict.replaceWith(current.get());
  }

  /**
   * Whether an item of the held version, disclosing {@code paths}, is still admitted: what can
   * change without a new version, checked without opening the held fields.
   */
  private boolean stillAdmitted(
      Grant grant, OutboxStore.HeldAlert held, Set<String> paths, int maxHopsSigned) {
    if (held.status() != AlertStatus.ALERT_STATUS_ACTIVE
        && held.status() != AlertStatus.ALERT_STATUS_UPDATED) {
      return false;
    }
    if (!SharingPolicy.reaches(held.audience(), grant.terms().getReceiverClass())
        || !grant.terms().getFieldPathsList().containsAll(paths)
        || !held.disclosedPaths().containsAll(paths)) {
      return false;
    }
    if (held.local()) {
      return true;
    }
    Optional<Grant> in =
        held.receivedFrom() == null ? Optional.empty() : grants.inbound(held.receivedFrom());
    return RelayHops.relayed(
            grant, in, held.relayHops(), held.hopsLeft(), Integer.toUnsignedLong(maxHopsSigned))
        .content();
  }
}
