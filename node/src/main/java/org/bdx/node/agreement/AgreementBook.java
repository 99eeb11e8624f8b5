package org.bdx.node.agreement;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bdx.node.error.BdxException;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.policy.Grant;
import org.bdx.node.policy.SharingGrants;
import org.bdx.node.store.AgreementRecord;
import org.bdx.node.store.AgreementStore;
import org.bdx.node.store.Ids;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.PartnerRecord;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.ProposedTerms;
import org.bdx.proto.v1.SignedAgreement;

/**
 * The sharing agreements of this node (table {@code agreements}) and their lifecycle (spec AGR-5 to
 * AGR-9). It also answers {@link SharingGrants}: only ACTIVE agreements grant anything.
 *
 * <p>This class never contacts a partner. The admin layer sends what a local action produced (the
 * proposal, the countersigned agreement, the new state) with {@code FederationService}; the
 * federation layer passes what a partner sent, with the partner's authenticated node id, to the
 * {@code receive*} methods.
 *
 * <p>Listeners added with {@link #addListener} are called on the calling thread after the
 * transaction that changed an agreement has committed, once per change (a repeated notice that
 * changes nothing calls no listener). Do not call the mutating methods from inside another {@link
 * NodeDatabase#inTransaction} (the listener would run before the outer commit).
 *
 * <p>Thread-safe: every read-check-write runs in one database transaction. The grants are cached in
 * memory and the cache is cleared by every change made through this object, so the node MUST use
 * one {@code AgreementBook} per database (changes through another instance are not seen by this
 * one's grants).
 */
public final class AgreementBook implements SharingGrants {
  private static final Logger LOG = Logger.getLogger(AgreementBook.class.getName());

  private record Change(AgreementRecord record, boolean changed) {}

  private final NodeDatabase db;
  private final AgreementStore store;
  private final NodeKeys self;
  private final Partners partners;
  private final Clock clock;
  private final SecureRandom rng;
  private final List<Consumer<AgreementRecord>> listeners = new CopyOnWriteArrayList<>();

  /** The ACTIVE agreements by partner; null when it must be read again. Guarded by the db lock. */
  private volatile Map<NodeId, AgreementRecord> active;

  public AgreementBook(
      NodeDatabase db, NodeKeys self, Partners partners, Clock clock, SecureRandom rng) {
    this.db = Objects.requireNonNull(db, "db");
    this.store = new AgreementStore(db);
    this.self = Objects.requireNonNull(self, "self");
    this.partners = Objects.requireNonNull(partners, "partners");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.rng = Objects.requireNonNull(rng, "rng");
  }

  /** Calls {@code listener} after every committed change of an agreement. */
  public void addListener(Consumer<AgreementRecord> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public void removeListener(Consumer<AgreementRecord> listener) {
    listeners.remove(listener);
  }

  // --- local coordinator actions --------------------------------------------------------------

  /**
   * Proposes an agreement to a registered partner whose public key this node already knows from an
   * earlier agreement (see {@link #knownPublicKey}); otherwise use {@link #propose(String,
   * ProposedTerms, byte[])}.
   *
   * @throws BdxException as {@link #propose(String, ProposedTerms, byte[])}, and
   *     FAILED_PRECONDITION when the partner's public key is not known yet
   */
  public AgreementRecord propose(String partnerNameOrId, ProposedTerms t) {
    PartnerRecord partner =
        partners.find(partnerNameOrId).orElseThrow(() -> BdxException.notFound("no such partner"));
    byte[] key =
        knownPublicKey(partner.nodeId())
            .orElseThrow(
                () ->
                    BdxException.failedPrecondition(
                        "this node does not know the public key of partner \""
                            + partner.name()
                            + "\" yet; it is learned from a TLS connection to the partner"));
    return propose(partner.nodeId().value(), t, key);
  }

  /**
   * Proposes an agreement to a registered partner: builds the terms, signs them and stores them as
   * PROPOSED. The caller sends {@code record.signed()} to the partner (OfferAgreement).
   *
   * @param partnerNameOrId the partner's name or node id
   * @param t the terms from this node's side; {@code we_send.receiver_class} may be unspecified
   *     (the partner's registered class is used) and must otherwise equal it; {@code
   *     we_receive.receiver_class} is how the partner classifies this node and must be set
   * @param partnerPublicKey the partner's 32-byte Ed25519 key, whose node id must be the partner's
   *     (terms carry both keys, AGR-3); e.g. from the partner's TLS certificate
   * @throws BdxException NOT_FOUND (no such partner), INVALID_ARGUMENT (every problem of the terms,
   *     or a key that is not the partner's), FAILED_PRECONDITION (an agreement with the partner is
   *     not terminated yet)
   */
  public AgreementRecord propose(String partnerNameOrId, ProposedTerms t, byte[] partnerPublicKey) {
    Objects.requireNonNull(t, "terms");
    PartnerRecord partner =
        partners.find(partnerNameOrId).orElseThrow(() -> BdxException.notFound("no such partner"));
    if (partner.nodeId().equals(self.nodeId())) {
      throw BdxException.invalid("a node cannot make an agreement with itself");
    }
    if (partnerPublicKey == null || !partner.nodeId().matches(partnerPublicKey)) {
      throw BdxException.invalid("the public key given is not the partner's key");
    }
    byte[] acceptorKey = partnerPublicKey.clone();
    List<String> problems = new ArrayList<>();
    if (!t.getUnknownFields().asMap().isEmpty()
        || !t.getWeSend().getUnknownFields().asMap().isEmpty()
        || !t.getWeReceive().getUnknownFields().asMap().isEmpty()) {
      problems.add("terms: have fields unknown to bdx.v1");
    }
    PartnerClass registered = partner.partnerClass();
    DirectionTerms weSend = t.getWeSend();
    if (weSend.getReceiverClass() == PartnerClass.PARTNER_CLASS_UNSPECIFIED) {
      weSend = weSend.toBuilder().setReceiverClass(registered).build();
    }
    DirectionTerms weReceive = t.getWeReceive();
    if (weSend.getReceiverClass() != registered) {
      problems.add(
          "we_send.receiver_class: the partner is registered here as "
              + className(registered)
              + ", not "
              + className(weSend.getReceiverClass()));
    }
    if (weReceive.getReceiverClass() == PartnerClass.PARTNER_CLASS_UNSPECIFIED
        || weReceive.getReceiverClass() == PartnerClass.UNRECOGNIZED) {
      problems.add(
          "we_receive.receiver_class: must say how the partner classifies this node"
              + " (peer, support or police)");
    }
    List<String> directionProblems = new ArrayList<>();
    AgreementTermsValidator.directionProblems("we_send", weSend, directionProblems);
    AgreementTermsValidator.directionProblems("we_receive", weReceive, directionProblems);
    // The receiver classes were checked above, with messages that say more.
    directionProblems.removeIf(p -> p.matches("we_(send|receive)\\.receiver_class:.*"));
    problems.addAll(directionProblems);
    if (!problems.isEmpty()) {
      throw BdxException.invalid("invalid agreement terms: " + String.join("; ", problems));
    }
    DirectionTerms send = weSend;
    Change change =
        db.atomically(
            () -> {
              requireNoLiveAgreement(partner);
              String id = newAgreementId();
              long now = now();
              AgreementTerms terms =
                  AgreementTerms.newBuilder()
                      .setAgreementId(id)
                      .setVersion(store.countWith(partner.nodeId()) + 1)
                      .setProposerNodeId(self.nodeId().value())
                      .setProposerPublicKey(ByteString.copyFrom(self.publicKey()))
                      .setAcceptorNodeId(partner.nodeId().value())
                      .setAcceptorPublicKey(ByteString.copyFrom(acceptorKey))
                      .setProposerToAcceptor(send)
                      .setAcceptorToProposer(weReceive)
                      .setProposedAt(now)
                      .build();
              SignedAgreement signed = SignedAgreements.propose(self, terms);
              AgreementRecord r =
                  new AgreementRecord(
                      id,
                      partner.nodeId(),
                      true,
                      AgreementState.AGREEMENT_STATE_PROPOSED,
                      false,
                      signed,
                      terms,
                      now);
              insert(r);
              return new Change(r, true);
            });
    return notify(change);
  }

  /**
   * Accepts a pending agreement the partner proposed: countersigns the same bytes and makes it
   * ACTIVE. The caller sends {@code record.signed()} back to the proposer (ConfirmAgreement).
   *
   * @throws BdxException NOT_FOUND, FAILED_PRECONDITION (not pending, or proposed by us),
   *     INVALID_ARGUMENT (malformed id, or the stored proposal no longer fits the partner)
   */
  public AgreementRecord accept(String agreementId) {
    checkId(agreementId);
    Change change =
        db.atomically(
            () -> {
              AgreementRecord r = require(agreementId);
              if (r.proposedByUs()) {
                throw BdxException.failedPrecondition(
                    "this node proposed the agreement; only the partner can accept it");
              }
              if (r.state() != AgreementState.AGREEMENT_STATE_PROPOSED) {
                throw BdxException.failedPrecondition(
                    "only a pending agreement can be accepted; this one is " + stateName(r));
              }
              PartnerRecord partner = partnerOf(r);
              checkPartnerReceivesAsRegistered(r.terms(), partner);
              SignedAgreement signed = SignedAgreements.countersign(self, r.signed());
              AgreementRecord updated =
                  new AgreementRecord(
                      r.agreementId(),
                      r.partner(),
                      false,
                      AgreementState.AGREEMENT_STATE_ACTIVE,
                      false,
                      signed,
                      r.terms(),
                      now());
              update(updated);
              return new Change(updated, true);
            });
    return notify(change);
  }

  /**
   * Suspends an ACTIVE agreement; nothing flows either way until this node resumes it.
   *
   * @throws BdxException NOT_FOUND, FAILED_PRECONDITION (not active), INVALID_ARGUMENT
   */
  public AgreementRecord suspend(String agreementId) {
    return transition(
        agreementId,
        r -> {
          if (r.state() != AgreementState.AGREEMENT_STATE_ACTIVE) {
            throw BdxException.failedPrecondition(
                "only an active agreement can be suspended; this one is " + stateName(r));
          }
          return withState(r, AgreementState.AGREEMENT_STATE_SUSPENDED, true);
        });
  }

  /**
   * Resumes an agreement this node suspended.
   *
   * @throws BdxException NOT_FOUND, FAILED_PRECONDITION (not suspended), PERMISSION_DENIED (the
   *     partner suspended it), INVALID_ARGUMENT
   */
  public AgreementRecord resume(String agreementId) {
    return transition(
        agreementId,
        r -> {
          if (r.state() != AgreementState.AGREEMENT_STATE_SUSPENDED) {
            throw BdxException.failedPrecondition(
                "only a suspended agreement can be resumed; this one is " + stateName(r));
          }
          if (!r.suspendedByUs()) {
            throw BdxException.denied(
                "the partner suspended this agreement; only the partner can resume it");
          }
          return withState(r, AgreementState.AGREEMENT_STATE_ACTIVE, false);
        });
  }

  /**
   * Ends an agreement for good, from any state but TERMINATED (for a pending one: withdraws or
   * declines it).
   *
   * @throws BdxException NOT_FOUND, FAILED_PRECONDITION (already terminated), INVALID_ARGUMENT
   */
  public AgreementRecord terminate(String agreementId) {
    return transition(
        agreementId,
        r -> {
          if (!r.live()) {
            throw BdxException.failedPrecondition("the agreement is already terminated");
          }
          return withState(r, AgreementState.AGREEMENT_STATE_TERMINATED, false);
        });
  }

  // --- what partners send ---------------------------------------------------------------------

  /**
   * Stores an agreement a partner offers, as pending. Idempotent for the same terms bytes.
   *
   * @param from the authenticated node at the other end of the call
   * @throws BdxException PERMISSION_DENIED ({@code from} is not a registered partner, or not the
   *     proposer), INVALID_ARGUMENT (signature, terms, addressed to another node, the partner wants
   *     to receive as another class than it is registered as), ALREADY_EXISTS (the id is taken by
   *     other terms), FAILED_PRECONDITION (an agreement with the partner is not terminated yet)
   */
  public AgreementRecord receiveOffer(NodeId from, SignedAgreement s) {
    Objects.requireNonNull(s, "signed agreement");
    PartnerRecord partner = requirePartner(from);
    AgreementTerms terms = SignedAgreements.verify(s, false);
    if (!s.getAcceptorSignature().isEmpty()) {
      throw BdxException.invalid("an offer must not carry the acceptor's signature");
    }
    if (!from.value().equals(terms.getProposerNodeId())) {
      throw BdxException.denied("the offer was not proposed by the calling node");
    }
    if (!self.nodeId().value().equals(terms.getAcceptorNodeId())) {
      throw BdxException.invalid("the offer is addressed to another node");
    }
    checkPartnerReceivesAsRegistered(terms, partner);
    Change change =
        db.atomically(
            () -> {
              Optional<AgreementRecord> existing = store.get(terms.getAgreementId());
              if (existing.isPresent()) {
                AgreementRecord r = existing.get();
                if (!r.proposedByUs()
                    && r.partner().equals(from)
                    && r.signed().getTerms().equals(s.getTerms())) {
                  return new Change(r, false);
                }
                throw BdxException.alreadyExists(
                    "an agreement with this id already exists with other terms");
              }
              requireNoLiveAgreement(partner);
              AgreementRecord r =
                  new AgreementRecord(
                      terms.getAgreementId(),
                      from,
                      false,
                      AgreementState.AGREEMENT_STATE_PROPOSED,
                      false,
                      s.toBuilder().clearAcceptorSignature().build(),
                      terms,
                      now());
              insert(r);
              return new Change(r, true);
            });
    return notify(change);
  }

  /**
   * The partner accepted an agreement this node proposed: the terms bytes must be exactly those
   * this node signed, and both signatures must verify. Makes it ACTIVE; idempotent once active.
   *
   * @param from the authenticated node at the other end of the call
   * @throws BdxException PERMISSION_DENIED ({@code from} is not a partner, or not the acceptor),
   *     NOT_FOUND, INVALID_ARGUMENT (terms bytes differ, a signature fails), FAILED_PRECONDITION
   *     (not our proposal, or already terminated)
   */
  public AgreementRecord receiveConfirmation(NodeId from, SignedAgreement s) {
    Objects.requireNonNull(s, "signed agreement");
    requirePartner(from);
    String id = SignedAgreements.parseTerms(s).getAgreementId();
    if (!Ids.isValid(id)) {
      throw BdxException.invalid("the agreement id is malformed");
    }
    Change change =
        db.atomically(
            () -> {
              AgreementRecord r = require(id);
              if (!r.partner().equals(from)) {
                throw BdxException.denied("the agreement is not with the calling node");
              }
              if (!r.proposedByUs()) {
                throw BdxException.failedPrecondition(
                    "the calling node proposed this agreement; it cannot confirm it");
              }
              if (!r.signed().getTerms().equals(s.getTerms())) {
                throw BdxException.invalid(
                    "the confirmed terms are not byte for byte the terms this node proposed");
              }
              AgreementTerms terms = SignedAgreements.verify(s, true);
              if (!from.value().equals(terms.getAcceptorNodeId())) {
                throw BdxException.denied("the calling node is not the acceptor");
              }
              switch (r.state()) {
                case AGREEMENT_STATE_PROPOSED -> {
                  AgreementRecord updated =
                      new AgreementRecord(
                          r.agreementId(),
                          r.partner(),
                          true,
                          AgreementState.AGREEMENT_STATE_ACTIVE,
                          false,
                          r.signed().toBuilder()
                              .setAcceptorSignature(s.getAcceptorSignature())
                              .build(),
                          r.terms(),
                          now());
                  update(updated);
                  return new Change(updated, true);
                }
                case AGREEMENT_STATE_ACTIVE, AGREEMENT_STATE_SUSPENDED -> {
                  return new Change(r, false); // a repeated confirmation
                }
                default ->
                    throw BdxException.failedPrecondition(
                        "the agreement is " + stateName(r) + " and can no longer be confirmed");
              }
            });
    return notify(change);
  }

  /**
   * The partner suspended (SUSPENDED), resumed (ACTIVE) or terminated (TERMINATED) an agreement. A
   * repeated notice that changes nothing succeeds.
   *
   * @param from the authenticated node at the other end of the call
   * @throws BdxException INVALID_ARGUMENT (malformed id or state), NOT_FOUND, PERMISSION_DENIED
   *     ({@code from} is not the agreement's partner, or resumes a suspension this node made),
   *     FAILED_PRECONDITION (the change does not fit the state)
   */
  public AgreementRecord receiveStateChange(NodeId from, String agreementId, AgreementState state) {
    requirePartner(from);
    if (state != AgreementState.AGREEMENT_STATE_SUSPENDED
        && state != AgreementState.AGREEMENT_STATE_ACTIVE
        && state != AgreementState.AGREEMENT_STATE_TERMINATED) {
      throw BdxException.invalid("a state notice must be suspended, active or terminated");
    }
    return transition(
        agreementId,
        r -> {
          if (!r.partner().equals(from)) {
            throw BdxException.denied("the agreement is not with the calling node");
          }
          AgreementState now = r.state();
          return switch (state) {
            case AGREEMENT_STATE_SUSPENDED -> {
              if (now == AgreementState.AGREEMENT_STATE_ACTIVE) {
                yield withState(r, AgreementState.AGREEMENT_STATE_SUSPENDED, false);
              }
              if (now == AgreementState.AGREEMENT_STATE_SUSPENDED && !r.suspendedByUs()) {
                yield r;
              }
              throw BdxException.failedPrecondition(
                  "the agreement is " + stateName(r) + " here and cannot be suspended");
            }
            case AGREEMENT_STATE_ACTIVE -> {
              if (now == AgreementState.AGREEMENT_STATE_SUSPENDED) {
                if (r.suspendedByUs()) {
                  throw BdxException.denied(
                      "this node suspended the agreement; only this node can resume it");
                }
                yield withState(r, AgreementState.AGREEMENT_STATE_ACTIVE, false);
              }
              if (now == AgreementState.AGREEMENT_STATE_ACTIVE) {
                yield r;
              }
              throw BdxException.failedPrecondition(
                  "the agreement is " + stateName(r) + " here and cannot be resumed");
            }
            default -> {
              if (!r.live()) {
                yield r;
              }
              yield withState(r, AgreementState.AGREEMENT_STATE_TERMINATED, false);
            }
          };
        });
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

  // --- SharingGrants --------------------------------------------------------------------------

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

  private Map<NodeId, AgreementRecord> activeAgreements() {
    Map<NodeId, AgreementRecord> snapshot = active;
    if (snapshot != null) {
      return snapshot;
    }
    // Loaded under the database lock, and every change clears the cache under the same lock
    // before it commits, so a load can never store a state older than a committed change.
    return db.atomically(
        () -> {
          Map<NodeId, AgreementRecord> current = active;
          if (current == null) {
            current = loadActive();
            active = current;
          }
          return current;
        });
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
      // Cannot happen through this class; fail closed rather than pick one.
      LOG.warning("two active agreements with one partner; granting nothing to it");
      byPartner.remove(p);
    }
    return Map.copyOf(byPartner);
  }

  // --- internals ------------------------------------------------------------------------------

  private interface Step {
    AgreementRecord apply(AgreementRecord current);
  }

  /** Loads, applies {@code step} (which returns the same record for "no change"), stores. */
  private AgreementRecord transition(String agreementId, Step step) {
    checkId(agreementId);
    Change change =
        db.atomically(
            () -> {
              AgreementRecord r = require(agreementId);
              AgreementRecord next = step.apply(r);
              if (next == r) {
                return new Change(r, false);
              }
              update(next);
              return new Change(next, true);
            });
    return notify(change);
  }

  private AgreementRecord withState(AgreementRecord r, AgreementState state, boolean byUs) {
    return new AgreementRecord(
        r.agreementId(), r.partner(), r.proposedByUs(), state, byUs, r.signed(), r.terms(), now());
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

  private PartnerRecord requirePartner(NodeId from) {
    if (from == null) {
      throw BdxException.denied("the calling node is not authenticated");
    }
    return partners
        .get(from)
        .orElseThrow(() -> BdxException.denied("the calling node is not a registered partner"));
  }

  private PartnerRecord partnerOf(AgreementRecord r) {
    return partners
        .get(r.partner())
        .orElseThrow(() -> BdxException.failedPrecondition("the partner is not registered"));
  }

  /** The partner's receiving direction must use the class this node registered it with. */
  private void checkPartnerReceivesAsRegistered(AgreementTerms terms, PartnerRecord partner) {
    PartnerClass proposed =
        terms.getProposerNodeId().equals(self.nodeId().value())
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

  private void requireNoLiveAgreement(PartnerRecord partner) {
    if (store.hasLiveWith(partner.nodeId())) {
      throw BdxException.failedPrecondition(
          "there is already an agreement with partner \""
              + partner.name()
              + "\" that is not terminated; terminate the old one first");
    }
  }

  private String newAgreementId() {
    while (true) {
      String id = Ids.newId(rng);
      if (store.get(id).isEmpty()) {
        return id;
      }
    }
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

  private static void checkId(String agreementId) {
    if (!Ids.isValid(agreementId)) {
      throw BdxException.invalid("the agreement id is malformed");
    }
  }

  private AgreementRecord require(String agreementId) {
    return store.get(agreementId).orElseThrow(() -> BdxException.notFound("no such agreement"));
  }

  private void insert(AgreementRecord r) {
    store.insert(r);
    active = null;
  }

  private void update(AgreementRecord r) {
    store.update(r);
    active = null;
  }

  private long now() {
    return clock.instant().getEpochSecond();
  }

  private static String stateName(AgreementRecord r) {
    return r.state().name().replace("AGREEMENT_STATE_", "").toLowerCase(Locale.ROOT);
  }

  private static String className(PartnerClass c) {
    if (c == null || c == PartnerClass.UNRECOGNIZED) {
      return "an unknown class";
    }
    return c.name().replace("PARTNER_CLASS_", "").toLowerCase(Locale.ROOT);
  }
}
