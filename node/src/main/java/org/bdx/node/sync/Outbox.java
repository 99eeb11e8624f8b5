package org.bdx.node.sync;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bdx.node.audit.AuditAction;
import org.bdx.node.audit.AuditDetail;
import org.bdx.node.audit.AuditLog;
import org.bdx.node.identity.NodeId;
import org.bdx.node.policy.Grant;
import org.bdx.node.policy.RelayHops;
import org.bdx.node.policy.SharingGrants;
import org.bdx.node.policy.SharingPolicy;
import org.bdx.node.signing.Disclosures;
import org.bdx.node.signing.HopChain;
import org.bdx.node.signing.HopSigner;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.OutboxStore;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.store.SyncStateStore;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.SignedAlert;

/**
 * The per-partner outbox (table {@code outbox}): for each partner with an active outbound grant, an
 * ordered queue of alert versions (this node's own, and received ones it relays), each already
 * redacted to what that partner may see (agreement ∩ consent, {@link SharingPolicy#disclose}). The
 * row's {@code seq} is the feed sequence a partner's cursor points into.
 *
 * <p><b>Rows and decisions.</b> This class decides who gets what; {@link OutboxStore} reads and
 * writes the rows of {@code outbox} and {@code shared_with}, and {@link SyncStateStore} what the
 * partners acknowledged.
 *
 * <p><b>Transactions.</b> {@link #enqueue} joins the caller's transaction when called inside {@link
 * NodeDatabase#atomically} (or {@code inTransaction}) on the same thread, so the node stores an
 * alert and its outbox rows atomically: {@code db.atomically(() -> { alerts.put(a);
 * outbox.enqueue(a); return null; })}.
 *
 * <p><b>Wake-ups.</b> Listeners ({@link #addListener}) are told which partner got new rows. They
 * may be told before the enclosing transaction commits; that is safe because the database has one
 * connection behind a lock, so a reader woken early blocks until the commit (or sees nothing if it
 * rolled back). Listeners must not block.
 *
 * <p><b>Minimization.</b> Rows a partner acknowledged are deleted; queuing a newer version of an
 * alert deletes the partner's queued older versions (so a retraction removes queued content).
 *
 * <p><b>Relay.</b> A received alert is queued like a local one, after the receiver stored it (spec
 * 10.8): content only as far as the hops and both grants allow ({@link RelayHops}), each row
 * carrying its {@code relay_hops} and {@code hops_left}. A row with content carries the signed path
 * (spec RELAY-8): the statements the held version arrived with, and this node's own statement to
 * the partner, signed here when the row is queued ({@link HopSigner}); a row of this node's own
 * alert with hops left carries its first statement. Header-only rows carry none.
 *
 * <p><b>Withdrawal.</b> Table {@code shared_with} records, per partner and alert, the newest
 * version queued and whether it carried content. A partner holding content of an earlier version
 * that is no longer entitled to the alert (consent narrowed, or the alert moved outside its grant,
 * or it was retracted) is queued the new version header-only, so it deletes its copy (spec VER-5).
 * A partner that never held content gets nothing about the alert.
 *
 * <p><b>Suspended partners.</b> Nothing with content is queued for a partner whose agreement is
 * suspended, but VER-5.2 holds: a partner that holds or has queued content of an alert the new
 * version no longer admits for it is queued the header-only version at once, and its queued older
 * versions are deleted in any case, so its queue never keeps what the reporter withdrew.
 *
 * <p><b>Before sending.</b> The feed asks {@link #beforeSending} for every item with content just
 * before it leaves (spec FEED-5.10, {@link SendCheck}): one that the alert's current version and
 * the partner's grant no longer admit is withheld and deleted, and what the partner may have of the
 * current version is queued in its place.
 *
 * <p><b>Audit.</b> Every row queued is a disclosure and is recorded in the audit log in the same
 * transaction (spec ADM-12.2): the alert id and version, the field paths sent (or header-only), the
 * partner's node id and name; never a value. The actor is whoever caused the version (the staff
 * account for intake and changes; the node for relaying and for {@link #backfill}).
 */
public final class Outbox {
  private static final Logger LOG = Logger.getLogger(Outbox.class.getName());

  /** Most rows one {@link #read} returns. */
  public static final int MAX_READ = 1000;

  private static final int BACKFILL_PAGE = 200;

  private final NodeDatabase db;
  private final AlertStore alerts;
  private final OutboxStore rows;
  private final SyncStateStore syncState;
  private final SharingGrants grants;
  private final Clock clock;
  private final AuditLog audit;
  private final Function<NodeId, String> partnerNames;
  private final Function<NodeId, String> partnerLabels;
  private final HopSigner hopSigner;
  private final List<Consumer<NodeId>> listeners = new CopyOnWriteArrayList<>();
  private final SendCheck sendCheck;

  /**
   * @param alerts the node's alerts, for the hop counts a received alert arrived with
   * @param rows the rows of {@code outbox} and {@code shared_with}
   * @param syncState where partners' acknowledgements are recorded
   * @param audit where each disclosure is recorded
   * @param partnerNames a partner's local name, for the audit log
   * @param hopSigner signs this node's hop statements (RELAY-8) with its node key
   */
  public Outbox(
      NodeDatabase db,
      AlertStore alerts,
      OutboxStore rows,
      SyncStateStore syncState,
      SharingGrants grants,
      Clock clock,
      AuditLog audit,
      Function<NodeId, String> partnerNames,
      HopSigner hopSigner) {
    this(
        db,
        alerts,
        rows,
        syncState,
        grants,
        clock,
        audit,
        partnerNames,
        hopSigner,
        NodeId::fingerprint);
  }

  /**
   * As above, naming partners in the node's log by {@code partnerLabels} (name and fingerprint).
   */
  public Outbox(
      NodeDatabase db,
      AlertStore alerts,
      OutboxStore rows,
      SyncStateStore syncState,
      SharingGrants grants,
      Clock clock,
      AuditLog audit,
      Function<NodeId, String> partnerNames,
      HopSigner hopSigner,
      Function<NodeId, String> partnerLabels) {
    this.partnerLabels = Objects.requireNonNull(partnerLabels, "partnerLabels");
    this.db = Objects.requireNonNull(db, "db");
    this.alerts = Objects.requireNonNull(alerts, "alerts");
    this.rows = Objects.requireNonNull(rows, "rows");
    this.syncState = Objects.requireNonNull(syncState, "syncState");
    this.grants = Objects.requireNonNull(grants, "grants");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.partnerNames = Objects.requireNonNull(partnerNames, "partnerNames");
    this.sendCheck = new SendCheck(alerts, rows, grants, this::admittedPaths);
    this.hopSigner = Objects.requireNonNull(hopSigner, "hopSigner");
  }

  /**
   * Queues {@code alert} for every partner with an active outbound grant that may see it (redacted
   * per partner), and header-only for every partner that holds content of an earlier version and
   * may no longer see it, whether its agreement is active or suspended. Call it in the transaction
   * that stored the alert.
   *
   * <p>A received alert is relayed (spec 10.8): with content only where the partner that sent it
   * granted relaying and hops are left ({@link AlertStore#hops}, recorded before this call),
   * redacted to what this node holds ∩ the next partner's grant; header-only (a retraction or
   * withdrawal) to every partner it relayed content of an earlier version to. Never to the origin,
   * never back to the partner it came from (FEED-3).
   *
   * @return the partners something was queued for
   */
  public List<NodeId> enqueue(StoredAlert alert) {
    Objects.requireNonNull(alert, "alert");
    List<Grant> outbound = grants.outbound();
    long now = now();
    List<NodeId> woken =
        db.atomically(
            () -> {
              List<NodeId> partners = new ArrayList<>();
              for (Grant g : outbound) {
                if (queue(g, alert, now, false)) {
                  partners.add(g.partner());
                }
              }
              for (Grant g : grants.suspended()) {
                if (whileSuspended(g, alert, now)) {
                  partners.add(g.partner());
                }
              }
              return partners;
            });
    woken.forEach(this::fire);
    return woken;
  }

  /**
   * Queues every current alert (newest version, not expired, not retracted) that {@code grant} lets
   * its partner see, oldest first, so a new (or resumed) partner gets the existing warnings
   * (received alerts only as far as relaying allows them, spec RELAY-4); and the retractions and
   * withdrawals a resumed partner missed while suspended. Reads in pages; each page is its own
   * transaction unless called inside one, as the node does, in the transaction that makes the
   * agreement ACTIVE (so no partner sees it ACTIVE before this is queued). A version already queued
   * for the partner is not queued twice. The node does this by itself: the audit log names the node
   * as the actor, whoever changed the agreement.
   *
   * @return how many rows were queued
   */
  public int backfill(Grant grant) {
    Objects.requireNonNull(grant, "grant");
    return AuditLog.as(AuditLog.NODE, () -> backfillPages(grant));
  }

  /**
   * Queues again, for a partner that started its feed below what it had acknowledged (so it lost
   * what it stored: a restore from a backup, spec FEED-13), the newest version of every current
   * alert it may see, with content, and header-only the newest version of every alert it was ever
   * queued anything of and may no longer see (retracted, or withdrawn from it), so it gets back
   * every warning and deletes again what it must not hold. Unlike {@link #backfill}, a version
   * queued before is queued again: the rows it was queued in were acknowledged and deleted. A row
   * of that version still queued is not doubled. Runs in pages; the audit log names the node.
   *
   * @return how many rows were queued
   */
  public int resync(Grant grant) {
    Objects.requireNonNull(grant, "grant");
    return AuditLog.as(AuditLog.NODE, () -> pages(grant, true));
  }

  /**
   * Queues the partner's feed again under amended terms (spec AGR-12.7), in the transaction that
   * puts them in force: drops what is queued for it, then queues, as {@link #resync} does, the
   * newest version of every current alert the new terms let it see, with what they let it see, and
   * header-only the newest version of every alert it was queued anything of and may no longer see.
   * The receiver accepts each of these once more (FEED-9.1), so widened terms reach what it holds
   * and narrowed ones withdraw it. The audit log names the node.
   *
   * @return how many rows were queued
   */
  public int reissue(Grant grant) {
    Objects.requireNonNull(grant, "grant");
    return AuditLog.as(
        AuditLog.NODE,
        () ->
            db.atomically(
                () -> {
                  rows.dropQueue(grant.partner());
                  return pages(grant, true);
                }));
  }

  private int backfillPages(Grant grant) {
    return pages(grant, false);
  }

  private int pages(Grant grant, boolean resync) {
    long now = now();
    long after = 0;
    int queued = 0;
    while (true) {
      long from = after;
      Page page =
          db.atomically(
              () -> {
                OutboxStore.Candidates candidates =
                    resync
                        ? rows.resyncPage(grant.partner(), from, now, BACKFILL_PAGE)
                        : rows.backfillPage(grant.partner(), from, now, BACKFILL_PAGE);
                int n = 0;
                for (StoredAlert a : candidates.alerts()) {
                  if (queue(grant, a, now, resync)) {
                    n++;
                  }
                }
                return new Page(candidates.lastSeq(), candidates.alerts().size(), n);
              });
      queued += page.queued();
      after = page.last();
      if (page.read() < BACKFILL_PAGE) {
        break;
      }
    }
    if (queued > 0) {
      fire(grant.partner());
    }
    return queued;
  }

  private record Page(long last, int read, int queued) {}

  /**
   * The hop counts for queuing {@code a} for the partner of {@code out} ({@link RelayHops}), and
   * the signed path the held version arrived with: for a received alert, from its statements and
   * the inbound grant of the partner it came from; a version held without statements (header-only,
   * or stored before statements existed) is relayed header-only at most.
   */
  private Hops rowHops(Grant out, StoredAlert a) {
    long maxHops = RelayHops.maxHops(a.envelope());
    if (a.local()) {
      return new Hops(RelayHops.fromOrigin(out, maxHops), HopChain.empty());
    }
    AlertStore.Hops held = alerts.hops(a.originNodeId(), a.alertId());
    HopChain chain = HopChain.read(held.statements());
    long left = chain.isEmpty() ? 0 : chain.hopsLeft();
    return new Hops(
        RelayHops.relayed(out, inboundOf(a.receivedFrom()), held.relayHops(), left, maxHops),
        chain);
  }

  private record Hops(RelayHops counts, HopChain held) {}

  private Optional<Grant> inboundOf(NodeId from) {
    return from == null ? Optional.empty() : grants.inbound(from);
  }

  /**
   * Queues the row for one partner: redacted to what it may see, or header-only when it may see
   * nothing of this version but holds content of an earlier one (a withdrawal or retraction, spec
   * VER-5). False if nothing is queued. Runs inside the caller's transaction.
   *
   * <p>For a {@code resync} the partner lost what it stored: what it was queued before no longer
   * counts as held, and any record of the alert (content or header-only) means it may hold content
   * again, from before its loss, so it is sent the header-only version if it may see nothing now.
   */
  private boolean queue(Grant g, StoredAlert a, long now, boolean resync) {
    NodeId partner = g.partner();
    if (partner.equals(a.originNodeId())
        || partner.equals(a.receivedFrom())
        || (!a.local() && alerts.cameFrom(a.originNodeId(), a.alertId(), partner))) {
      return false; // never back to where it came from, by any path (FEED-3)
    }
    if (a.expiresAt() <= now) {
      return false; // receivers delete at expiry; nothing to send or withdraw
    }
    Optional<OutboxStore.Shared> prev = rows.shared(partner, a.originNodeId(), a.alertId());
    if (!resync && prev.isPresent() && prev.get().version() >= a.version()) {
      return false; // this or a newer version was already queued
    }
    Hops rowHops = rowHops(g, a);
    RelayHops hops = rowHops.counts();
    SortedSet<String> paths = admittedPaths(g, a, hops);
    boolean withContent = !paths.isEmpty();
    long hopsLeft = withContent ? hops.hopsLeft() : 0;
    boolean mayHold =
        resync ? prev.isPresent() : prev.map(OutboxStore.Shared::withContent).orElse(false);
    if (!withContent && !mayHold) {
      return false; // nothing it may see, and nothing of ours it must delete
    }
    if (rows.isQueued(partner, g.agreementId(), a.originNodeId(), a.alertId(), a.version())) {
      return false; // this or a newer version is already queued
    }
    rows.deleteOlderVersions(partner, a.originNodeId(), a.alertId(), a.version());
    SignedAlert redacted = Disclosures.select(a.envelope(), paths);
    // The signed path (RELAY-8): this node's statement to the partner after those it received;
    // none from an origin that grants no hop, none in a header-only item.
    HopChain chain =
        !withContent || (a.local() && hopsLeft == 0)
            ? HopChain.empty()
            : hopSigner.extend(rowHops.held(), a.envelope().getHeader(), partner, hopsLeft);
    rows.queue(
        new OutboxStore.Entry(
            partner,
            g.agreementId(),
            a.originNodeId(),
            a.alertId(),
            a.version(),
            redacted,
            now,
            hops.relayHops(),
            hopsLeft,
            chain.hops(),
            withContent));
    AuditDetail detail = AuditDetail.of().add("alert", a.alertId()).add("version", a.version());
    if (!a.local()) {
      detail.add("origin", a.originNodeId().value());
    }
    audit.record(
        AuditAction.DISCLOSURE,
        detail
            .add("partner", partner.value())
            .add("partner_name", partnerNames.apply(partner))
            .list("fields", paths, "header-only"));
    return true;
  }

  /**
   * For a partner whose agreement is suspended (VER-5): nothing with content is queued. If it holds
   * or has queued content of an earlier version of {@code a} and {@code a} admits none for it (a
   * narrowed consent, a retraction), the header-only version is queued now, deleting the queued
   * older ones. If {@code a} still admits content, its queued older versions are deleted: what it
   * may see of the newest is queued by the backfill when the agreement is ACTIVE again. True if a
   * row was queued. Runs inside the caller's transaction.
   */
  private boolean whileSuspended(Grant g, StoredAlert a, long now) {
    NodeId partner = g.partner();
    if (partner.equals(a.originNodeId())
        || partner.equals(a.receivedFrom())
        || a.expiresAt() <= now) {
      return false;
    }
    Optional<OutboxStore.Shared> prev = rows.shared(partner, a.originNodeId(), a.alertId());
    if (prev.isEmpty() || !prev.get().withContent() || prev.get().version() >= a.version()) {
      return false; // nothing of ours it holds or waits for, or it was queued this version already
    }
    if (!admittedPaths(g, a).isEmpty()) {
      rows.deleteOlderVersions(partner, a.originNodeId(), a.alertId(), a.version());
      return false;
    }
    return queue(g, a, now, false);
  }

  /** The paths of {@code a} that may be queued for the partner of {@code g} now. */
  private SortedSet<String> admittedPaths(Grant g, StoredAlert a) {
    return admittedPaths(g, a, rowHops(g, a).counts());
  }

  /**
   * The paths of {@code a} that may be queued for the partner of {@code g} with {@code hops}:
   * section 9 for its status, audience and fields, none for a retraction or where hops allow no
   * content, and for a received alert no more than this node holds.
   */
  private static SortedSet<String> admittedPaths(Grant g, StoredAlert a, RelayHops hops) {
    SortedSet<String> paths =
        a.status() == AlertStatus.ALERT_STATUS_RETRACTED || !hops.content()
            ? Collections.emptySortedSet()
            : SharingPolicy.disclose(a.status(), a.audience(), a.fields(), g.terms())
                .orElse(Collections.emptySortedSet());
    if (!a.local()) {
      // A relay sends at most what it holds: the intersection of both grants (SIG-8, POL-2).
      SortedSet<String> held = new TreeSet<>(paths);
      held.retainAll(a.disclosedPaths());
      paths = held;
    }
    return paths;
  }

  /**
   * The check of one queued {@code item} just before the feed sends it to the partner of {@code
   * grant}, its current ACTIVE grant (spec FEED-5.10): the item itself if it is header-only or its
   * disclosures are still admitted by the alert's current version and the grant; otherwise empty,
   * and the item is deleted and what the partner may have of the current version (its content as
   * far as it is admitted, else its header-only withdrawal if the partner may hold content) is
   * queued in its place, unless that is queued already. Nothing replaces an item of an alert that
   * expired or is no longer held: receivers delete expired alerts, and a purge queued its
   * retraction.
   */
  public Optional<FeedItem> beforeSending(Grant grant, FeedItem item) {
    Objects.requireNonNull(grant, "grant");
    Objects.requireNonNull(item, "item");
    long now = now();
    SendCheck.Verdict v = sendCheck.check(grant, item, now);
    if (v.send()) {
      return Optional.of(item);
    }
    NodeId partner = grant.partner();
    boolean queued =
        AuditLog.as(
            AuditLog.NODE,
            () ->
                db.atomically(
                    () -> {
                      rows.deleteQueued(partner, item.getSequence());
                      return v.replaceWith().map(a -> queue(grant, a, now, false)).orElse(false);
                    }));
    LOG.info(
        () ->
            "withheld queued item "
                + item.getSequence()
                + " from partner "
                + partnerLabels.apply(partner)
                + ": no longer allowed"
                + (queued ? "; queued its replacement" : ""));
    if (queued) {
      fire(partner);
    }
    return Optional.empty();
  }

  /**
   * Deletes every queued row of the alert older than {@code keepFromVersion} (they may carry
   * content) and the record of whom it was shared with. For purging a report: the retraction rows
   * ({@code keepFromVersion}) stay queued. Joins the caller's transaction.
   *
   * @return how many queued rows were deleted
   */
  public int forgetAlert(NodeId originNodeId, String alertId, long keepFromVersion) {
    return rows.forgetAlert(originNodeId, alertId, keepFromVersion);
  }

  /**
   * Up to {@code max} (1..{@link #MAX_READ}) items queued for {@code partner} with a sequence
   * greater than {@code afterSeq}, ascending.
   */
  public List<FeedItem> read(NodeId partner, long afterSeq, int max) {
    Objects.requireNonNull(partner, "partner");
    return rows.readAfter(partner, afterSeq, Math.max(1, Math.min(max, MAX_READ)));
  }

  /** The highest sequence queued for {@code partner}, 0 if none is queued. */
  public long latestSeq(NodeId partner) {
    return rows.latestSeq(partner);
  }

  /** How many rows queued for {@code partner} have a sequence greater than {@code afterSeq}. */
  public long countAfter(NodeId partner, long afterSeq) {
    return rows.countAfter(partner, afterSeq);
  }

  /** How many rows wait for {@code partner}: queued after what it acknowledged. */
  public long waiting(NodeId partner) {
    return countAfter(partner, ackedThrough(partner));
  }

  /** The highest sequence {@code partner} acknowledged, 0 if none. */
  public long ackedThrough(NodeId partner) {
    return syncState.outboundAcked(partner);
  }

  /**
   * Records that {@code partner} durably stored everything through {@code throughSeq} (monotonic: a
   * lower value changes nothing) and deletes those rows.
   */
  public void acked(NodeId partner, long throughSeq) {
    Objects.requireNonNull(partner, "partner");
    if (throughSeq <= 0) {
      return;
    }
    // An acknowledgement is a successful sync in the outbound direction.
    long at = clock.instant().getEpochSecond();
    db.atomically(
        () -> {
          syncState.recordOutboundAcked(partner, throughSeq, at);
          rows.deleteThrough(partner, throughSeq);
          return null;
        });
  }

  /**
   * Drops everything queued for {@code partner} and the record of what it was sent (its agreement
   * ended, so it deleted what it held: a later agreement starts afresh).
   */
  public void purgePartner(NodeId partner) {
    Objects.requireNonNull(partner, "partner");
    rows.purgePartner(partner);
    fire(partner);
  }

  /**
   * Registers {@code listener}, told the partner whenever rows are queued for it (or its queue was
   * purged). It must return quickly and not block. Returns a handle that unregisters it.
   */
  public Runnable addListener(Consumer<NodeId> listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  private void fire(NodeId partner) {
    for (Consumer<NodeId> l : listeners) {
      try {
        l.accept(partner);
      } catch (RuntimeException e) {
        // Type only: an exception message could carry alert content.
        LOG.log(Level.WARNING, "outbox listener failed: {0}", e.getClass().getName());
      }
    }
  }

  private long now() {
    return clock.instant().getEpochSecond();
  }
}
