package org.bdx.node.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Logger;
import org.bdx.node.identity.NodeId;
import org.bdx.node.policy.SharingPolicy;
import org.bdx.node.signing.Disclosures;
import org.bdx.node.store.AlertCopies;
import org.bdx.node.store.AlertCopies.AlertKey;
import org.bdx.node.store.AlertCopies.Copy;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.StoredAlert;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.SignedAlert;

/**
 * Copies of one received alert that come by several paths (spec FEED-9): the held alert is the
 * union of the verified claims of its newest content version, each remembered with the partner it
 * came from ({@link AlertCopies}). A header-only item from a partner withdraws only what that
 * partner gave; only the origin's retraction or a newer version with content replaces what every
 * path gave. So a relay that can only send a withdrawal (out of hops or grants) never silences the
 * copy that came from the origin, and a copy that discloses fewer fields never hides the claims of
 * another.
 *
 * <p>Every method runs inside the caller's transaction.
 */
final class ReceivedCopies {
  private static final Logger LOG = Logger.getLogger(ReceivedCopies.class.getName());
  private static final long DAY = 86_400L;

  /** What one accepted item did. */
  enum Kept {
    /** The held alert changed. */
    STORED,
    /** Already applied: this path sent this or a newer version, or a newer one is held. */
    STALE,
    /** Nothing to apply: this node's own alert, or a withdrawal of nothing held from the sender. */
    IGNORED
  }

  /**
   * @param kept what the item did
   * @param relay the held alert to relay onward (spec RELAY-4), or null
   */
  record Outcome(Kept kept, StoredAlert relay) {
    static Outcome of(Kept kept) {
      return new Outcome(kept, null);
    }
  }

  private final AlertStore alerts;
  private final AlertCopies copies;
  private final Function<NodeId, String> nodeLabels;

  /** {@code nodeLabels}: how the log names a node (its local name if it is a partner). */
  ReceivedCopies(AlertStore alerts, AlertCopies copies, Function<NodeId, String> nodeLabels) {
    this.alerts = Objects.requireNonNull(alerts, "alerts");
    this.copies = Objects.requireNonNull(copies, "copies");
    this.nodeLabels = Objects.requireNonNull(nodeLabels, "nodeLabels");
  }

  /** Applies one accepted item, received from {@code row.alert().receivedFrom()}. */
  Outcome keep(AlertStore.Row row) {
    StoredAlert a = row.alert();
    NodeId origin = a.originNodeId();
    NodeId from = Objects.requireNonNull(a.receivedFrom(), "receivedFrom");
    Optional<AlertStore.Held> held = alerts.held(origin, a.alertId());
    if (held.isPresent() && held.get().local()) {
      return Outcome.of(Kept.IGNORED); // our own alert sent back: never replaces it (RELAY-5)
    }
    boolean retraction = a.status() == AlertStatus.ALERT_STATUS_RETRACTED;
    boolean headerOnly = a.disclosedPaths().isEmpty();
    if (held.isEmpty()) {
      if (headerOnly && !retraction) {
        return Outcome.of(Kept.IGNORED); // withdrawn before we held it (VER-6)
      }
      alerts.put(row, held);
      copies.put(origin, a.alertId(), copyOf(row, a.disclosedPaths()));
      return new Outcome(Kept.STORED, a);
    }
    List<Copy> all = copies.of(origin, a.alertId());
    Copy mine = all.stream().filter(c -> c.sender().equals(from)).findFirst().orElse(null);
    if (mine != null
        && (mine.version() > a.version() || (mine.version() == a.version() && !mine.reopened()))) {
      // This path sent this or a newer version before; after an amendment (AGR-12.7) the copy's
      // own version may come once more, checked against the new terms.
      return Outcome.of(Kept.STALE);
    }
    if (held.get().status() == AlertStatus.ALERT_STATUS_RETRACTED) {
      return Outcome.of(Kept.STALE); // no version follows a retraction (VER-3)
    }
    long v = a.version();
    long heldVersion = held.get().version();
    if (retraction || (!headerOnly && v > heldVersion)) {
      if (v <= heldVersion) {
        return Outcome.of(Kept.STALE);
      }
      // The origin's newer version or retraction: what every path gave of older ones goes.
      alerts.put(row, held);
      for (Copy c : all) {
        if (!c.sender().equals(from) && !c.paths().isEmpty()) {
          copies.put(origin, a.alertId(), c.withoutPaths());
        }
      }
      copies.put(origin, a.alertId(), copyOf(row, a.disclosedPaths()));
      return new Outcome(Kept.STORED, a);
    }
    if (!headerOnly && v < heldVersion) {
      copies.put(origin, a.alertId(), copyOf(row, List.of()));
      return Outcome.of(Kept.STALE); // a newer version came first by another path
    }
    // Only a merge or a withdrawal needs the held content itself.
    StoredAlert h =
        alerts
            .get(origin, a.alertId())
            .orElseThrow(() -> new IllegalStateException("held alert vanished"));
    return headerOnly ? withdraw(row, h, held.get(), all, mine) : union(row, h, held.get());
  }

  /** A second copy of the held version: its claims join the held ones. */
  private Outcome union(AlertStore.Row row, StoredAlert h, AlertStore.Held held) {
    StoredAlert a = row.alert();
    copies.put(a.originNodeId(), a.alertId(), copyOf(row, a.disclosedPaths()));
    SortedSet<String> paths = new TreeSet<>(h.disclosedPaths());
    if (paths.containsAll(a.disclosedPaths())) {
      return Outcome.of(Kept.STALE); // nothing new; the path is remembered for its claims
    }
    SignedAlert envelope;
    try {
      envelope = Disclosures.union(h.envelope(), a.envelope());
    } catch (IllegalArgumentException e) {
      // Two different signed headers for one version: only a faulty origin does that. Keep the
      // first; the log names the origin, never the alert (its id or content).
      LOG.warning(
          "two signed headers for one version of an alert from origin "
              + nodeLabels.apply(a.originNodeId())
              + "; kept the first");
      return Outcome.of(Kept.STALE);
    }
    boolean wasTombstone = h.tombstone();
    paths.addAll(a.disclosedPaths());
    StoredAlert merged =
        new StoredAlert(
            a.originNodeId(),
            a.alertId(),
            a.version(),
            a.status(),
            a.issuedAt(),
            a.expiresAt(),
            a.audience(),
            Disclosures.merge(
                h.fields(),
                new TreeSet<>(h.disclosedPaths()),
                a.fields(),
                new TreeSet<>(a.disclosedPaths())),
            List.copyOf(paths),
            envelope,
            false,
            wasTombstone ? a.storedAt() : h.storedAt(),
            wasTombstone ? a.receivedFrom() : h.receivedFrom(),
            wasTombstone ? a.agreementId() : h.agreementId(),
            Math.max(h.purgeAt(), a.purgeAt()));
    AlertStore.Hops hops = wasTombstone ? row.hops() : alerts.hops(a.originNodeId(), a.alertId());
    alerts.rewrite(alerts.row(merged, hops), held, false);
    return new Outcome(Kept.STORED, merged);
  }

  /** A header-only version from one path: that path's claims go, the others' stay. */
  private Outcome withdraw(
      AlertStore.Row row, StoredAlert h, AlertStore.Held held, List<Copy> all, Copy mine) {
    StoredAlert a = row.alert();
    copies.put(a.originNodeId(), a.alertId(), copyOf(row, List.of()));
    if (mine == null || mine.paths().isEmpty()) {
      return Outcome.of(Kept.IGNORED); // it gave nothing we hold (VER-6)
    }
    List<Copy> others = new ArrayList<>();
    for (Copy c : all) {
      if (!c.sender().equals(mine.sender())) {
        others.add(c);
      }
    }
    SortedSet<String> remaining = pathsOf(others);
    if (remaining.isEmpty()) {
      // Nothing is vouched for any more: the newer header-only version replaces the copy by its
      // tombstone. A copy of that version with content, by another path, still joins it later.
      if (a.version() > h.version()) {
        alerts.put(row, Optional.of(held));
      } else {
        // Not reached while copies give claims of the held version only; fail closed if not.
        alerts.stripToTombstone(a.originNodeId(), a.alertId());
      }
      return new Outcome(Kept.STORED, a);
    }
    rewriteKeeping(h, held, remaining, others);
    return Outcome.of(Kept.STORED);
  }

  /**
   * Forgets the copies that came under {@code agreementId} (terminated, spec FEED-10): an alert
   * that no other path gave is deleted; one that another path gave keeps only that path's claims.
   *
   * @return how many alerts were deleted or lost claims
   */
  int removeAgreement(String agreementId) {
    Objects.requireNonNull(agreementId, "agreementId");
    int n = 0;
    for (AlertKey k : copies.underAgreement(agreementId)) {
      n += remove(k, c -> c.agreementId().equals(agreementId)) ? 1 : 0;
    }
    return n;
  }

  /**
   * Applies amended inbound terms to what {@code sender} gave under {@code agreementId} (spec
   * AGR-12.7): each of its copies keeps only the claim paths the new terms grant, none if what it
   * gave no longer passes their policy (FEED-8 checks 4 to 6 as the receiver can see them), and is
   * purged by the new retention; a claim no other path gives goes with it, and an alert left with
   * no claim becomes a tombstone. Each copy is then open to one re-send of its version (FEED-9.1),
   * so what the new terms newly grant can arrive. Runs inside the caller's transaction.
   *
   * @param knows whether this node has an active agreement with a node (RELAY-8.4)
   * @return how many alerts lost claims
   */
  int amend(
      String agreementId, NodeId sender, DirectionTerms terms, Predicate<NodeId> knows, long now) {
    Objects.requireNonNull(terms, "terms");
    Set<String> granted = Set.copyOf(terms.getFieldPathsList());
    long keepFor = Math.min(terms.getRetentionDays(), FeedChecks.MAX_RETENTION_DAYS) * DAY;
    int n = 0;
    for (AlertKey k : copies.underAgreement(agreementId)) {
      Optional<AlertStore.Held> held = alerts.held(k.originNodeId(), k.alertId());
      if (held.isEmpty() || held.get().local()) {
        continue;
      }
      StoredAlert h = alerts.get(k.originNodeId(), k.alertId()).orElseThrow();
      List<Copy> all = copies.of(k.originNodeId(), k.alertId());
      List<Copy> after = new ArrayList<>();
      for (Copy c : all) {
        if (!c.sender().equals(sender) || !c.agreementId().equals(agreementId)) {
          after.add(c);
          continue;
        }
        SortedSet<String> kept = new TreeSet<>(c.paths());
        kept.retainAll(granted);
        boolean relayedFromStranger =
            c.hops().relayHops() > 0 && !terms.getAcceptRelayed() && !knows.test(k.originNodeId());
        if (!kept.isEmpty() && relayedFromStranger) {
          kept.clear();
        }
        if (!kept.isEmpty()) {
          Optional<SortedSet<String>> allowed =
              SharingPolicy.disclose(
                  h.status(), h.audience(), Disclosures.retain(h.fields(), kept), terms);
          if (allowed.isEmpty() || !allowed.get().containsAll(kept)) {
            kept.clear(); // fail closed, as FEED-8 check 6
          }
        }
        long purgeAt = Math.min(h.expiresAt(), c.storedAt() + keepFor);
        Copy amended = c.amended(kept, purgeAt);
        copies.put(k.originNodeId(), k.alertId(), amended);
        after.add(amended);
      }
      SortedSet<String> remaining = pathsOf(after);
      remaining.retainAll(h.disclosedPaths());
      long purgeAt = after.stream().mapToLong(Copy::purgeAt).max().orElse(h.purgeAt());
      if (remaining.size() == h.disclosedPaths().size()) {
        if (purgeAt != h.purgeAt()) {
          rewriteKeeping(h, held.get(), remaining, after); // same claims, new purge time
        }
        continue;
      }
      n++;
      if (remaining.isEmpty()) {
        alerts.stripToTombstone(k.originNodeId(), k.alertId());
      } else {
        rewriteKeeping(h, held.get(), remaining, after);
      }
    }
    return n;
  }

  /**
   * Forgets the copies whose purge time is at or before {@code now} (FEED-10), as {@link
   * #removeAgreement} does.
   *
   * @return how many alerts were deleted or lost claims
   */
  int purgeDue(long now) {
    int n = 0;
    for (AlertKey k : copies.due(now)) {
      n += remove(k, c -> c.purgeAt() <= now) ? 1 : 0;
    }
    return n;
  }

  private boolean remove(AlertKey k, Predicate<Copy> gone) {
    List<Copy> all = copies.of(k.originNodeId(), k.alertId());
    List<Copy> kept = new ArrayList<>();
    for (Copy c : all) {
      if (gone.test(c)) {
        copies.delete(k.originNodeId(), k.alertId(), c.sender());
      } else {
        kept.add(c);
      }
    }
    if (kept.size() == all.size()) {
      return false;
    }
    Optional<AlertStore.Held> held = alerts.held(k.originNodeId(), k.alertId());
    if (held.isEmpty() || held.get().local()) {
      return false;
    }
    if (kept.isEmpty()) {
      return alerts.delete(k.originNodeId(), k.alertId());
    }
    StoredAlert h = alerts.get(k.originNodeId(), k.alertId()).orElseThrow();
    SortedSet<String> remaining = pathsOf(kept);
    remaining.retainAll(h.disclosedPaths());
    rewriteKeeping(h, held.get(), remaining, kept);
    return true;
  }

  /**
   * Rewrites the held alert with only {@code remaining} claim paths (possibly none: a tombstone),
   * its provenance taken from the first of {@code kept} that still gives claims (or the first).
   */
  private void rewriteKeeping(
      StoredAlert h, AlertStore.Held held, SortedSet<String> remaining, List<Copy> kept) {
    Copy primary = kept.stream().filter(c -> !c.paths().isEmpty()).findFirst().orElse(kept.get(0));
    long purgeAt = kept.stream().mapToLong(Copy::purgeAt).max().orElse(h.purgeAt());
    StoredAlert less =
        new StoredAlert(
            h.originNodeId(),
            h.alertId(),
            h.version(),
            h.status(),
            h.issuedAt(),
            h.expiresAt(),
            h.audience(),
            Disclosures.retain(h.fields(), remaining),
            List.copyOf(remaining),
            Disclosures.select(h.envelope(), remaining),
            false,
            h.storedAt(),
            primary.sender(),
            primary.agreementId(),
            purgeAt);
    alerts.rewrite(alerts.row(less, primary.hops()), held, true);
  }

  private static SortedSet<String> pathsOf(List<Copy> cs) {
    SortedSet<String> out = new TreeSet<>();
    for (Copy c : cs) {
      out.addAll(c.paths());
    }
    return out;
  }

  private static Copy copyOf(AlertStore.Row row, List<String> paths) {
    StoredAlert a = row.alert();
    return new Copy(
        a.receivedFrom(),
        a.agreementId(),
        a.version(),
        new TreeSet<>(paths),
        a.storedAt(),
        a.purgeAt(),
        row.hops());
  }
}
