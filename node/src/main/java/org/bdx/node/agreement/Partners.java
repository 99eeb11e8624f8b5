package org.bdx.node.agreement;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bdx.node.audit.AuditAction;
import org.bdx.node.audit.AuditDetail;
import org.bdx.node.audit.AuditLog;
import org.bdx.node.error.BdxException;
import org.bdx.node.identity.NodeId;
import org.bdx.node.store.AgreementStore;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.PartnerRecord;
import org.bdx.node.store.PartnerStore;
import org.bdx.proto.v1.PartnerClass;

/**
 * The registered partner nodes, pinned by node id. Only a registered partner may connect over
 * federation TLS, offer an agreement or receive a feed. The rows are kept by {@link PartnerStore};
 * a {@link PartnerRecord} checks its own fields.
 *
 * <p>{@link #isPartner} is answered from an in-memory set that every change made through this
 * object refreshes inside its transaction. The node MUST therefore use one {@code Partners} per
 * database for all changes (the node assembly shares one instance); a change made through another
 * instance is seen here only after {@link #reload()}.
 *
 * <p>Adding, updating and removing a partner is recorded in the audit log in the same transaction
 * (spec ADM-12.2). Listeners added with {@link #addListener} hear of every committed update, so
 * that connections to an old endpoint are replaced without a restart.
 */
public final class Partners {
  private static final Logger LOG = Logger.getLogger(Partners.class.getName());

  private final NodeDatabase db;
  private final PartnerStore store;
  private final AgreementStore agreements;
  private final Clock clock;
  private final AuditLog audit;
  private final PartnerLabels labels;
  private final List<Consumer<PartnerRecord>> listeners = new CopyOnWriteArrayList<>();
  private volatile Set<NodeId> ids;

  public Partners(NodeDatabase db) {
    this(db, Clock.systemUTC());
  }

  /** Partners whose changes are recorded in {@code db}'s audit log. */
  public Partners(NodeDatabase db, Clock clock) {
    this(db, clock, new AuditLog(db, clock));
  }

  public Partners(NodeDatabase db, Clock clock, AuditLog audit) {
    this.db = Objects.requireNonNull(db, "db");
    this.store = new PartnerStore(db);
    this.agreements = new AgreementStore(db);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.labels = new PartnerLabels(db, store);
  }

  /** How the node's log names partners; kept current by every change made here. */
  public PartnerLabels labels() {
    return labels;
  }

  /**
   * Registers a partner.
   *
   * @throws BdxException INVALID_ARGUMENT naming every invalid input; ALREADY_EXISTS if the name
   *     (ignoring case) or the node id is taken
   */
  public PartnerRecord add(String name, NodeId nodeId, String endpoint, PartnerClass partnerClass) {
    if (nodeId == null) {
      throw BdxException.invalid("invalid partner: node id is missing");
    }
    PartnerRecord p =
        new PartnerRecord(nodeId, name, endpoint, partnerClass, clock.instant().getEpochSecond());
    return db.atomically(
        () -> {
          if (store.get(p.nodeId()).isPresent()) {
            throw BdxException.alreadyExists(
                "a partner with node id " + p.nodeId() + " is already registered");
          }
          if (store.byName(p.name()).isPresent()) {
            throw BdxException.alreadyExists(
                "the partner name \"" + p.name() + "\" is already taken");
          }
          store.insert(p);
          ids = null;
          labels.forget(p.nodeId());
          audit.record(
              AuditAction.PARTNER_ADD,
              AuditDetail.of()
                  .add("partner", p.nodeId().value())
                  .add("partner_name", p.name())
                  .add("class", AgreementBook.className(p.partnerClass())));
          return p;
        });
  }

  /** Calls {@code listener} with the partner after every committed update that changed it. */
  public void addListener(Consumer<PartnerRecord> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Changes a partner's endpoint and/or local name in place (spec ADM-4.3). Its node id, class and
   * {@code added_at} stay, and so do its agreements, what it sent and what is queued for it: all of
   * them refer to the node id. A change is recorded in the audit log, and passed to the listeners
   * after the commit; an update to the values already held records nothing.
   *
   * @param newEndpoint HOST:PORT, or null or empty to keep the endpoint
   * @param newName the new name, or null or empty to keep the name
   * @throws BdxException INVALID_ARGUMENT if neither is given, or naming every invalid input;
   *     NOT_FOUND if unknown; ALREADY_EXISTS if another partner has the name (ignoring case)
   */
  public PartnerRecord update(String nameOrNodeId, String newEndpoint, String newName) {
    boolean endpointGiven = newEndpoint != null && !newEndpoint.isEmpty();
    boolean nameGiven = newName != null && !newName.isEmpty();
    if (!endpointGiven && !nameGiven) {
      throw BdxException.invalid("invalid partner update: give a new endpoint, a new name or both");
    }
    Updated u =
        db.atomically(
            () -> {
              PartnerRecord old =
                  find(nameOrNodeId).orElseThrow(() -> BdxException.notFound("no such partner"));
              PartnerRecord p =
                  new PartnerRecord(
                      old.nodeId(),
                      nameGiven ? newName : old.name(),
                      endpointGiven ? newEndpoint : old.endpoint(),
                      old.partnerClass(),
                      old.addedAt());
              if (nameGiven) {
                Optional<PartnerRecord> holder = store.byName(p.name());
                if (holder.isPresent() && !holder.get().nodeId().equals(p.nodeId())) {
                  throw BdxException.alreadyExists(
                      "the partner name \"" + p.name() + "\" is already taken");
                }
              }
              List<String> what = new ArrayList<>();
              if (!p.name().equals(old.name())) {
                what.add("name");
              }
              if (!p.endpoint().equals(old.endpoint())) {
                what.add("endpoint");
              }
              if (what.isEmpty()) {
                return new Updated(old, false);
              }
              store.update(p);
              labels.forget(p.nodeId()); // log lines name it by its new name from now on
              // The endpoint is never recorded, as for partner.add: only names and ids (ADM-12.2).
              AuditDetail detail =
                  AuditDetail.of()
                      .add("partner", p.nodeId().value())
                      .add("partner_name", p.name())
                      .list("changed", what, "none");
              if (what.contains("name")) {
                detail.add("previous_name", old.name());
              }
              audit.record(AuditAction.PARTNER_UPDATE, detail);
              return new Updated(p, true);
            });
    if (u.changed()) {
      for (Consumer<PartnerRecord> l : listeners) {
        try {
          l.accept(u.partner());
        } catch (RuntimeException e) {
          // The change is committed; a failing listener must not undo or hide it.
          LOG.log(Level.WARNING, "a partner listener failed: {0}", e.getClass().getSimpleName());
        }
      }
    }
    return u.partner();
  }

  private record Updated(PartnerRecord partner, boolean changed) {}

  /** Every partner, by name. */
  public List<PartnerRecord> list() {
    return store.list();
  }

  /**
   * The partner named {@code nameOrNodeId} (ignoring case), or whose node id it is (surrounding
   * white space and case ignored). Empty for anything else, including malformed input.
   */
  public Optional<PartnerRecord> find(String nameOrNodeId) {
    if (nameOrNodeId == null) {
      return Optional.empty();
    }
    String s = nameOrNodeId.strip();
    Optional<NodeId> id = parseNodeId(s);
    if (id.isPresent()) {
      return get(id.get());
    }
    if (!PartnerRecord.nameShaped(s)) {
      return Optional.empty();
    }
    return store.byName(s);
  }

  /** The partner with this node id. */
  public Optional<PartnerRecord> get(NodeId nodeId) {
    if (nodeId == null) {
      return Optional.empty();
    }
    return store.get(nodeId);
  }

  /** Whether {@code nodeId} is a registered partner; answered from memory after the first call. */
  public boolean isPartner(NodeId nodeId) {
    if (nodeId == null) {
      return false;
    }
    Set<NodeId> snapshot = ids;
    if (snapshot == null) {
      snapshot =
          db.atomically(
              () -> {
                Set<NodeId> current = ids;
                if (current == null) {
                  current = store.ids();
                  ids = current;
                }
                return current;
              });
    }
    return snapshot.contains(nodeId);
  }

  /**
   * Drops the in-memory set of partner ids and names; the next {@link #isPartner} and {@link
   * PartnerLabels#of} read the database.
   */
  public void reload() {
    db.atomically(
        () -> {
          ids = null;
          labels.clear();
          return null;
        });
  }

  /**
   * Removes a partner and the rows of its terminated agreements.
   *
   * @throws BdxException NOT_FOUND if unknown; FAILED_PRECONDITION while an agreement with it is
   *     not terminated
   */
  public void remove(String nameOrNodeId) {
    db.atomically(
        () -> {
          PartnerRecord p =
              find(nameOrNodeId).orElseThrow(() -> BdxException.notFound("no such partner"));
          if (agreements.hasLiveWith(p.nodeId())) {
            throw BdxException.failedPrecondition(
                "partner \""
                    + p.name()
                    + "\" still has an agreement that is not terminated; terminate it first");
          }
          agreements.deleteTerminatedWith(p.nodeId());
          store.delete(p.nodeId());
          ids = null;
          labels.forget(p.nodeId());
          audit.record(
              AuditAction.PARTNER_REMOVE,
              AuditDetail.of().add("partner", p.nodeId().value()).add("partner_name", p.name()));
          return null;
        });
  }

  private static Optional<NodeId> parseNodeId(String s) {
    try {
      return Optional.of(NodeId.parse(s));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
