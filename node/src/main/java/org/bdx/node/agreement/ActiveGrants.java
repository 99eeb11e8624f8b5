package org.bdx.node.agreement;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.bdx.node.identity.NodeId;
import org.bdx.node.policy.Grant;
import org.bdx.node.policy.SharingGrants;
import org.bdx.node.store.AgreementRecord;
import org.bdx.node.store.AgreementStore;
import org.bdx.node.store.NodeDatabase;

/**
 * The {@link SharingGrants} of this node: only ACTIVE agreements grant anything; SUSPENDED ones
 * only let the origin withdraw ({@link #suspended}). The feed asks on every item, so the ACTIVE and
 * SUSPENDED agreements are kept in memory, read once and again after each change.
 *
 * <p>The cache is right only if every change of an agreement clears it: {@link AgreementBook} calls
 * {@link #clear} in the transaction of each insert and update. That is why the node MUST use one
 * {@code AgreementBook} per database; a change made through another instance is not seen here.
 */
final class ActiveGrants implements SharingGrants {
  private static final Logger LOG = Logger.getLogger(ActiveGrants.class.getName());

  private final NodeDatabase db;
  private final AgreementStore store;

  /** The ACTIVE and SUSPENDED agreements; null when they must be read again (the db lock). */
  private volatile Snapshot cached;

  /**
   * The ACTIVE agreements by partner, the outbound grants of the SUSPENDED ones, and the inbound
   * terms of amendments pending for ACTIVE ones.
   */
  private record Snapshot(
      Map<NodeId, AgreementRecord> active, List<Grant> suspended, Map<NodeId, Grant> pending) {}

  ActiveGrants(NodeDatabase db, AgreementStore store) {
    this.db = db;
    this.store = store;
  }

  @Override
  public List<Grant> outbound() {
    List<AgreementRecord> records = new ArrayList<>(activeAgreements().values());
    records.sort(Comparator.comparing(r -> r.partner().value()));
    List<Grant> out = new ArrayList<>(records.size());
    for (AgreementRecord r : records) {
      out.add(new Grant(r.partner(), r.agreementId(), r.weSend()));
    }
    return Collections.unmodifiableList(out);
  }

  @Override
  public Optional<Grant> outbound(NodeId partner) {
    return Optional.ofNullable(partner == null ? null : activeAgreements().get(partner))
        .map(r -> new Grant(r.partner(), r.agreementId(), r.weSend()));
  }

  @Override
  public Optional<Grant> inbound(NodeId partner) {
    return Optional.ofNullable(partner == null ? null : activeAgreements().get(partner))
        .map(r -> new Grant(r.partner(), r.agreementId(), r.weReceive()));
  }

  @Override
  public List<Grant> suspended() {
    return snapshot().suspended();
  }

  @Override
  public Optional<Grant> pendingInbound(NodeId partner) {
    return Optional.ofNullable(partner == null ? null : snapshot().pending().get(partner));
  }

  /**
   * Drops the cache. Called inside the transaction of every change, before it commits; the call
   * joins that transaction, so it holds the database lock a concurrent load needs.
   */
  void clear() {
    db.atomically(
        () -> {
          cached = null;
          return null;
        });
  }

  private Map<NodeId, AgreementRecord> activeAgreements() {
    return snapshot().active();
  }

  private Snapshot snapshot() {
    Snapshot snapshot = cached;
    if (snapshot != null) {
      return snapshot;
    }
    // Loaded under the database lock, and every change clears the cache under the same lock
    // before it commits, so a load can never store a state older than a committed change.
    return db.atomically(
        () -> {
          Snapshot current = cached;
          if (current == null) {
            Map<NodeId, AgreementRecord> active = loadActive();
            current = new Snapshot(active, loadSuspended(), loadPending(active));
            cached = current;
          }
          return current;
        });
  }

  private List<Grant> loadSuspended() {
    List<AgreementRecord> records = new ArrayList<>(store.suspended());
    records.sort(Comparator.comparing(r -> r.partner().value()));
    List<Grant> out = new ArrayList<>(records.size());
    for (AgreementRecord r : records) {
      out.add(new Grant(r.partner(), r.agreementId(), r.weSend()));
    }
    return List.copyOf(out);
  }

  private Map<NodeId, Grant> loadPending(Map<NodeId, AgreementRecord> active) {
    Map<NodeId, Grant> out = new HashMap<>();
    for (AgreementRecord r : active.values()) {
      store
          .amendment(r.agreementId())
          .ifPresent(
              a -> out.put(r.partner(), new Grant(r.partner(), r.agreementId(), a.weReceive())));
    }
    return Map.copyOf(out);
  }

  private Map<NodeId, AgreementRecord> loadActive() {
    Map<NodeId, AgreementRecord> byPartner = new HashMap<>();
    Set<NodeId> conflicted = new HashSet<>();
    for (AgreementRecord r : store.active()) {
      if (byPartner.putIfAbsent(r.partner(), r) != null) {
        conflicted.add(r.partner());
      }
    }
    for (NodeId p : conflicted) {
      // Cannot happen through AgreementBook; fail closed rather than pick one.
      LOG.warning("two active agreements with one partner; granting nothing to it");
      byPartner.remove(p);
    }
    return Map.copyOf(byPartner);
  }
}
