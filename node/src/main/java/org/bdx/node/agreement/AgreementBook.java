package org.bdx.node.agreement;

import com.google.protobuf.ByteString;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bdx.node.audit.AuditAction;
import org.bdx.node.audit.AuditDetail;
import org.bdx.node.audit.AuditLog;
import org.bdx.node.error.BdxException;
import org.bdx.node.identity.NodeId;
import org.bdx.node.policy.SharingGrants;
import org.bdx.node.store.AgreementRecord;
import org.bdx.node.store.AgreementStore;
import org.bdx.node.store.AmendmentRecord;
import org.bdx.node.store.Ids;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.PartnerRecord;
import org.bdx.node.store.PartnerStore;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.SignedAgreement;

/**
 * The sharing agreements of this node (spec AGR-5 to AGR-9): what the rest of the node reads, and
 * the one way an agreement changes. The lifecycle itself is in two classes that change agreements
 * only through this one:
 *
 * <ul>
 *   <li>{@link CoordinatorActions}: what the coordinator does here (propose, accept, suspend,
 *       resume, terminate);
 *   <li>{@link PartnerActions}: what a partner sent, with its authenticated node id (an offer, a
 *       confirmation, a state change).
 * </ul>
 *
 * <p>{@link #grants()} answers {@link SharingGrants} from the ACTIVE agreements. The grants are
 * cached in memory and every change made through this object clears the cache before it commits, so
 * the node MUST use one {@code AgreementBook} per database, and build its {@code
 * CoordinatorActions} and {@code PartnerActions} on it (changes through another instance are not
 * seen by this one's grants).
 *
 * <p>Work added with {@link #onActivation} runs inside the transaction of every change that makes
 * an agreement ACTIVE, so what it queues for the partner commits with the new state, or neither
 * does (spec FEED-2, VER-5.4).
 *
 * <p>Listeners added with {@link #addListener} are called on the calling thread after the
 * transaction that changed an agreement has committed, once per change (a repeated notice that
 * changes nothing calls no listener). Do not call the actions from inside another {@link
 * NodeDatabase#inTransaction} or {@link NodeDatabase#atomically} (the listener would run before the
 * outer commit).
 *
 * <p>Every change is recorded in the audit log in its transaction (spec ADM-12.2): the agreement,
 * the partner's node id and name and the new state, by the current actor ({@link AuditLog#as}: the
 * coordinator here, "partner NAME" for what {@code PartnerActions} applies).
 *
 * <p>None of these classes contacts a partner: the admin layer sends what a local action produced
 * with {@code PartnerCalls}; the federation layer passes what a partner sent to {@code
 * PartnerActions}. Thread-safe: every read-check-write runs in one database transaction.
 */
public final class AgreementBook {
  private static final Logger LOG = Logger.getLogger(AgreementBook.class.getName());

  private final NodeDatabase db;
  private final AgreementStore store;
  private final ActiveGrants grants;
  private final PartnerStore partnerNames;
  private final Clock clock;
  private final AuditLog audit;
  private final List<Consumer<AgreementRecord>> listeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<AgreementRecord>> activations = new CopyOnWriteArrayList<>();
  private final List<Consumer<AgreementRecord>> amendments = new CopyOnWriteArrayList<>();

  /** A book whose changes are recorded in {@code db}'s audit log. */
  public AgreementBook(NodeDatabase db, Clock clock) {
    this(db, clock, new AuditLog(db, clock));
  }

  public AgreementBook(NodeDatabase db, Clock clock, AuditLog audit) {
    this.db = Objects.requireNonNull(db, "db");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.store = new AgreementStore(db);
    this.grants = new ActiveGrants(db, store);
    this.partnerNames = new PartnerStore(db);
  }

  /** What the ACTIVE agreements grant; the feed and the receiver ask it. */
  public SharingGrants grants() {
    return grants;
  }

  /** Calls {@code listener} after every committed change of an agreement. */
  public void addListener(Consumer<AgreementRecord> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public void removeListener(Consumer<AgreementRecord> listener) {
    listeners.remove(listener);
  }

  /**
   * Runs {@code work} inside the transaction of every change that makes an agreement ACTIVE (an
   * acceptance, a confirmation, a resumption), after the new state is stored and before it commits,
   * with the ACTIVE record. What it writes commits with the change; if it throws, neither commits
   * and the action fails with its exception. For queuing what the partner is owed when its
   * agreement becomes ACTIVE (spec FEED-2, VER-5.4): a partner that subscribes as soon as it may
   * never finds the agreement ACTIVE and its queue not yet brought up to date.
   */
  public void onActivation(Consumer<AgreementRecord> work) {
    activations.add(Objects.requireNonNull(work, "work"));
  }

  /**
   * Runs {@code work} inside the transaction that puts an amendment in force (spec AGR-12.7), after
   * the new terms are stored and before it commits, with the record under the new terms. What it
   * writes commits with the new terms, or neither does: the receiver's narrowing of what it holds
   * and the sender's new queue must never lag the terms.
   */
  public void onAmendment(Consumer<AgreementRecord> work) {
    amendments.add(Objects.requireNonNull(work, "work"));
  }

  // --- reading --------------------------------------------------------------------------------

  /** Every agreement, oldest first. */
  public List<AgreementRecord> list() {
    return store.list();
  }

  /** The agreement with this id; empty if unknown or malformed. */
  public Optional<AgreementRecord> get(String agreementId) {
    if (!Ids.isValid(agreementId)) {
      return Optional.empty();
    }
    return store.get(agreementId);
  }

  /** The live agreement with {@code partner} if there is one, else the newest terminated one. */
  public Optional<AgreementRecord> latestWith(NodeId partner) {
    if (partner == null) {
      return Optional.empty();
    }
    return store.latestWith(partner);
  }

  /**
   * The partner's public key, if an agreement with it (in any state) names it. Node ids pin keys,
   * so a stored agreement whose key matches the id is as good as the partner's own word.
   */
  public Optional<byte[]> knownPublicKey(NodeId partner) {
    if (partner == null) {
      return Optional.empty();
    }
    for (AgreementTerms t : store.termsWith(partner)) {
      for (ByteString key : List.of(t.getProposerPublicKey(), t.getAcceptorPublicKey())) {
        if (partner.matches(key.toByteArray())) {
          return Optional.of(key.toByteArray());
        }
      }
    }
    return Optional.empty();
  }

  // --- the one way an agreement changes (for the actions) -------------------------------------

  /**
   * The record after a change, the state before it ({@code UNSPECIFIED} for a new agreement), and
   * whether anything changed (if not, nothing is recorded and no listener is called).
   */
  record Change(
      AgreementRecord record, AgreementState previous, boolean changed, Amendment amendment) {
    /** A new agreement. */
    static Change inserted(AgreementRecord r) {
      return new Change(r, AgreementState.AGREEMENT_STATE_UNSPECIFIED, true, null);
    }

    /** An agreement that was in state {@code previous}. */
    static Change changed(AgreementRecord r, AgreementState previous) {
      return new Change(r, previous, true, null);
    }

    /** Nothing changed. */
    static Change none(AgreementRecord r) {
      return new Change(r, r.state(), false, null);
    }

    /** A change of the agreement's amendment (spec AGR-12); its state stays. */
    static Change amended(AgreementRecord r, Amendment what) {
      return new Change(r, r.state(), true, what);
    }
  }

  /** What happened to an agreement's amendment. */
  enum Amendment {
    /** New terms proposed (here or by the partner), pending. */
    PROPOSED,
    /** The pending terms put in force. */
    IN_FORCE,
    /** The pending terms declined or withdrawn. */
    CLOSED
  }

  /** One step of a lifecycle: returns the next record, or {@code current} itself for no change. */
  interface Step {
    AgreementRecord apply(AgreementRecord current);
  }

  /**
   * Runs {@code work} (which reads, checks and calls {@link #insert} or {@link #update}) in one
   * transaction; after the commit, passes a real change to the listeners.
   */
  AgreementRecord change(Supplier<Change> work) {
    Change done;
    try {
      done =
          db.atomically(
              () -> {
                Change c = work.get();
                if (c.changed()) {
                  record(c);
                  if (c.amendment() == Amendment.IN_FORCE) {
                    for (Consumer<AgreementRecord> a : amendments) {
                      a.accept(c.record());
                    }
                  } else if (c.amendment() == null
                      && c.record().state() == AgreementState.AGREEMENT_STATE_ACTIVE) {
                    for (Consumer<AgreementRecord> a : activations) {
                      a.accept(c.record());
                    }
                  }
                }
                return c;
              });
    } catch (RuntimeException | Error e) {
      // Work inside the transaction may have read the grants, caching a state now rolled back.
      try {
        grants.clear();
      } catch (RuntimeException cleared) {
        e.addSuppressed(cleared);
      }
      throw e;
    }
    return notify(done);
  }

  /** Records a committed-to-be change in the audit log; runs in the change's transaction. */
  private void record(Change c) {
    AgreementRecord r = c.record();
    if (c.amendment() != null) {
      AuditAction action =
          switch (c.amendment()) {
            case PROPOSED -> AuditAction.AGREEMENT_AMEND;
            case IN_FORCE -> AuditAction.AGREEMENT_AMENDMENT_ACCEPT;
            case CLOSED -> AuditAction.AGREEMENT_AMENDMENT_CLOSE;
          };
      audit.record(
          action,
          AuditDetail.of()
              .add("agreement", r.agreementId())
              .add("partner", r.partner().value())
              .add("partner_name", partnerName(r.partner()))
              .add("state", stateName(r))
              .add("terms_version", r.terms().getVersion()));
      return;
    }
    AuditAction action =
        switch (r.state()) {
          case AGREEMENT_STATE_PROPOSED -> AuditAction.AGREEMENT_PROPOSE;
          case AGREEMENT_STATE_ACTIVE ->
              c.previous() == AgreementState.AGREEMENT_STATE_SUSPENDED
                  ? AuditAction.AGREEMENT_RESUME
                  : AuditAction.AGREEMENT_ACCEPT;
          case AGREEMENT_STATE_SUSPENDED -> AuditAction.AGREEMENT_SUSPEND;
          default -> AuditAction.AGREEMENT_TERMINATE;
        };
    audit.record(
        action,
        AuditDetail.of()
            .add("agreement", r.agreementId())
            .add("partner", r.partner().value())
            .add("partner_name", partnerName(r.partner()))
            .add("state", stateName(r)));
  }

  private String partnerName(NodeId partner) {
    return partnerNames.get(partner).map(PartnerRecord::name).orElse("(removed)");
  }

  /** Loads, applies {@code step} (which returns the same record for "no change"), stores. */
  AgreementRecord transition(String agreementId, Step step) {
    checkId(agreementId);
    return change(
        () -> {
          AgreementRecord r = require(agreementId);
          AgreementRecord next = step.apply(r);
          if (next == r) {
            return Change.none(r);
          }
          update(next);
          return Change.changed(next, r.state());
        });
  }

  /** Stores a new agreement; only inside {@link #change}. */
  void insert(AgreementRecord r) {
    store.insert(r);
    grants.clear();
  }

  /**
   * Stores an agreement's new state; only inside {@link #change}. Leaving ACTIVE drops a pending
   * amendment (spec AGR-12.2: amendments are made to, and only to, an ACTIVE agreement).
   */
  void update(AgreementRecord r) {
    store.update(r);
    if (r.state() != AgreementState.AGREEMENT_STATE_ACTIVE) {
      store.deleteAmendment(r.agreementId());
    }
    grants.clear();
  }

  /** Puts amended terms in force and drops the pending amendment; only inside {@link #change}. */
  void replaceTerms(AgreementRecord r) {
    store.replaceTerms(r);
    store.deleteAmendment(r.agreementId());
    grants.clear();
  }

  /** Stores a pending amendment, replacing any other; only inside {@link #change}. */
  void putAmendment(AmendmentRecord a) {
    store.putAmendment(a);
    grants.clear();
  }

  /** Drops the pending amendment, if any; only inside {@link #change}. */
  boolean dropAmendment(String agreementId) {
    boolean had = store.deleteAmendment(agreementId);
    grants.clear();
    return had;
  }

  /** The amendment pending for an agreement, if any (spec AGR-12). */
  public Optional<AmendmentRecord> pendingAmendment(String agreementId) {
    if (!Ids.isValid(agreementId)) {
      return Optional.empty();
    }
    return store.amendment(agreementId);
  }

  /** The stored agreement with this id, for an id already known to be well formed. */
  Optional<AgreementRecord> find(String agreementId) {
    return store.get(agreementId);
  }

  AgreementRecord require(String agreementId) {
    return store.get(agreementId).orElseThrow(() -> BdxException.notFound("no such agreement"));
  }

  /** How many agreements this node has had with {@code partner}: the next one's version - 1. */
  long countWith(NodeId partner) {
    return store.countWith(partner);
  }

  /** One live agreement per partner: a second one waits until the first is terminated. */
  void requireNoLiveAgreement(PartnerRecord partner) {
    if (store.hasLiveWith(partner.nodeId())) {
      throw BdxException.failedPrecondition(
          "there is already an agreement with partner \""
              + partner.name()
              + "\" that is not terminated; terminate the old one first");
    }
  }

  /**
   * {@code r} under amended terms both parties signed (spec AGR-12.7): ACTIVE, with {@code
   * proposedByUs} saying whether this node proposed the amendment; the id and partner stay.
   */
  AgreementRecord amended(
      AgreementRecord r, SignedAgreement signed, AgreementTerms terms, boolean proposedByUs) {
    return new AgreementRecord(
        r.agreementId(),
        r.partner(),
        proposedByUs,
        AgreementState.AGREEMENT_STATE_ACTIVE,
        false,
        signed,
        terms,
        now());
  }

  AgreementRecord withState(AgreementRecord r, AgreementState state, boolean byUs) {
    return new AgreementRecord(
        r.agreementId(), r.partner(), r.proposedByUs(), state, byUs, r.signed(), r.terms(), now());
  }

  long now() {
    return clock.instant().getEpochSecond();
  }

  private AgreementRecord notify(Change change) {
    if (change.changed()) {
      for (Consumer<AgreementRecord> l : listeners) {
        try {
          l.accept(change.record());
        } catch (RuntimeException e) {
          // The change is committed; a failing listener must not undo or hide it.
          LOG.log(Level.WARNING, "an agreement listener failed: {0}", e.getClass().getSimpleName());
        }
      }
    }
    return change.record();
  }

  // --- checks and wording both actions share --------------------------------------------------

  static void checkId(String agreementId) {
    if (!Ids.isValid(agreementId)) {
      throw BdxException.invalid("the agreement id is malformed");
    }
  }

  /** The partner's receiving direction must use the class this node registered it with. */
  static void checkPartnerReceivesAsRegistered(
      NodeId self, AgreementTerms terms, PartnerRecord partner) {
    PartnerClass proposed =
        terms.getProposerNodeId().equals(self.value())
            ? terms.getProposerToAcceptor().getReceiverClass()
            : terms.getAcceptorToProposer().getReceiverClass();
    if (proposed != partner.partnerClass()) {
      throw BdxException.invalid(
          "the partner proposes to receive as "
              + className(proposed)
              + " but is registered here as "
              + className(partner.partnerClass()));
    }
  }

  static String stateName(AgreementRecord r) {
    return r.state().name().replace("AGREEMENT_STATE_", "").toLowerCase(Locale.ROOT);
  }

  static String className(PartnerClass c) {
    if (c == null || c == PartnerClass.UNRECOGNIZED) {
      return "an unknown class";
    }
    return c.name().replace("PARTNER_CLASS_", "").toLowerCase(Locale.ROOT);
  }
}
