package org.bdx.node.agreement;

import static org.bdx.node.agreement.AgreementBook.checkId;
import static org.bdx.node.agreement.AgreementBook.checkPartnerReceivesAsRegistered;
import static org.bdx.node.agreement.AgreementBook.className;
import static org.bdx.node.agreement.AgreementBook.stateName;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bdx.node.agreement.AgreementBook.Change;
import org.bdx.node.error.BdxException;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.signing.SigningKeys;
import org.bdx.node.store.AgreementRecord;
import org.bdx.node.store.AmendmentRecord;
import org.bdx.node.store.Ids;
import org.bdx.node.store.PartnerRecord;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.ProposedTerms;
import org.bdx.proto.v1.SignedAgreement;

/**
 * What this node's coordinator does to agreements (spec AGR-5 to AGR-9): propose, accept, suspend,
 * resume and terminate. Each action checks and changes the agreement in one transaction through the
 * {@link AgreementBook} it was built on, whose listeners hear of the change after the commit.
 *
 * <p>Nothing here contacts the partner: the admin layer sends what an action produced (the
 * proposal, the countersigned agreement, the new state) with {@code PartnerCalls}.
 */
public final class CoordinatorActions {
  private final AgreementBook book;
  private final NodeKeys self;
  private final SigningKeys keys;
  private final Partners partners;
  private final SecureRandom rng;

  /**
   * @param book the node's one agreement book (its grants cache sees only changes made through it)
   * @param self this node's keys, which sign proposals and acceptances
   * @param partners the registered partners
   * @param rng for new agreement ids
   */
  public CoordinatorActions(
      AgreementBook book, NodeKeys self, Partners partners, SecureRandom rng) {
    this(book, self, partners, rng, SigningKeys.NONE);
  }

  /**
   * As above, with the key logs this node holds (spec KEY-18): terms name a partner's current key
   * by its log, and a countersignature by a later key of the partner verifies.
   */
  public CoordinatorActions(
      AgreementBook book, NodeKeys self, Partners partners, SecureRandom rng, SigningKeys keys) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.book = Objects.requireNonNull(book, "book");
    this.self = Objects.requireNonNull(self, "self");
    this.partners = Objects.requireNonNull(partners, "partners");
    this.rng = Objects.requireNonNull(rng, "rng");
  }

  /**
   * Proposes an agreement to a registered partner whose public key this node already knows from an
   * earlier agreement (see {@link AgreementBook#knownPublicKey}); otherwise use {@link
   * #propose(String, ProposedTerms, byte[])}.
   *
   * @throws BdxException as {@link #propose(String, ProposedTerms, byte[])}, and
   *     FAILED_PRECONDITION when the partner's public key is not known yet
   */
  public AgreementRecord propose(String partnerNameOrId, ProposedTerms t) {
    PartnerRecord partner =
        partners.find(partnerNameOrId).orElseThrow(() -> BdxException.notFound("no such partner"));
    byte[] key =
        book.knownPublicKey(partner.nodeId())
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
    // After a rotation the partner's key is the current key of its held log, whatever key an
    // earlier agreement or the caller names (KEY-18).
    byte[] current = keys.currentKey(partner.nodeId());
    if (current == null
        && (partnerPublicKey == null || !partner.nodeId().matches(partnerPublicKey))) {
      throw BdxException.invalid("the public key given is not the partner's key");
    }
    byte[] acceptorKey = current != null ? current : partnerPublicKey.clone();
    Directions d = directions(partner, t);
    return book.change(
        () -> {
          book.requireNoLiveAgreement(partner);
          String id = newAgreementId();
          long now = book.now();
          AgreementTerms terms =
              AgreementTerms.newBuilder()
                  .setAgreementId(id)
                  .setVersion(book.countWith(partner.nodeId()) + 1)
                  .setProposerNodeId(self.nodeId().value())
                  .setProposerPublicKey(ByteString.copyFrom(self.publicKey()))
                  .setAcceptorNodeId(partner.nodeId().value())
                  .setAcceptorPublicKey(ByteString.copyFrom(acceptorKey))
                  .setProposerToAcceptor(d.weSend())
                  .setAcceptorToProposer(d.weReceive())
                  .setProposedAt(now)
                  .build();
          SignedAgreement signed = SignedAgreements.propose(self, terms, keys);
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
          book.insert(r);
          return Change.inserted(r);
        });
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
    return book.change(
        () -> {
          AgreementRecord r = book.require(agreementId);
          if (r.proposedByUs()) {
            throw BdxException.failedPrecondition(
                "this node proposed the agreement; only the partner can accept it");
          }
          if (r.state() != AgreementState.AGREEMENT_STATE_PROPOSED) {
            throw BdxException.failedPrecondition(
                "only a pending agreement can be accepted; this one is " + stateName(r));
          }
          PartnerRecord partner = partnerOf(r);
          checkPartnerReceivesAsRegistered(self.nodeId(), r.terms(), partner);
          SignedAgreement signed = SignedAgreements.countersign(self, r.signed(), keys);
          AgreementRecord updated =
              new AgreementRecord(
                  r.agreementId(),
                  r.partner(),
                  false,
                  AgreementState.AGREEMENT_STATE_ACTIVE,
                  false,
                  signed,
                  r.terms(),
                  book.now());
          book.update(updated);
          return Change.changed(updated, r.state());
        });
  }

  /**
   * Suspends an ACTIVE agreement; nothing flows either way until this node resumes it.
   *
   * @throws BdxException NOT_FOUND, FAILED_PRECONDITION (not active), INVALID_ARGUMENT
   */
  public AgreementRecord suspend(String agreementId) {
    return book.transition(
        agreementId,
        r -> {
          if (r.state() != AgreementState.AGREEMENT_STATE_ACTIVE) {
            throw BdxException.failedPrecondition(
                "only an active agreement can be suspended; this one is " + stateName(r));
          }
          return book.withState(r, AgreementState.AGREEMENT_STATE_SUSPENDED, true);
        });
  }

  /**
   * Resumes an agreement this node suspended.
   *
   * @throws BdxException NOT_FOUND, FAILED_PRECONDITION (not suspended), PERMISSION_DENIED (the
   *     partner suspended it), INVALID_ARGUMENT
   */
  public AgreementRecord resume(String agreementId) {
    return book.transition(
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
          return book.withState(r, AgreementState.AGREEMENT_STATE_ACTIVE, false);
        });
  }

  /**
   * Ends an agreement for good, from any state but TERMINATED (for a pending one: withdraws or
   * declines it).
   *
   * @throws BdxException NOT_FOUND, FAILED_PRECONDITION (already terminated), INVALID_ARGUMENT
   */
  public AgreementRecord terminate(String agreementId) {
    return terminate(agreementId, false);
  }

  /**
   * As {@link #terminate(String)}; with {@code onlyIfProposed}, only a PROPOSED agreement (a
   * proposal withdrawn or declined), checked in the same transaction, so a withdrawal never ends an
   * agreement the partner accepted a moment before.
   *
   * @throws BdxException as {@link #terminate(String)}, and FAILED_PRECONDITION if {@code
   *     onlyIfProposed} and the agreement is not PROPOSED
   */
  public AgreementRecord terminate(String agreementId, boolean onlyIfProposed) {
    return book.transition(
        agreementId,
        r -> {
          if (!r.live()) {
            throw BdxException.failedPrecondition("the agreement is already terminated");
          }
          if (onlyIfProposed && r.state() != AgreementState.AGREEMENT_STATE_PROPOSED) {
            throw BdxException.failedPrecondition(
                "the agreement is no longer a proposal (it is "
                    + stateName(r)
                    + "); nothing was changed, and to end it use terminate");
          }
          return book.withState(r, AgreementState.AGREEMENT_STATE_TERMINATED, false);
        });
  }

  /**
   * Proposes new terms for an ACTIVE agreement (spec AGR-12.1): signs them, with the agreement's
   * id, the same two nodes and keys, this node as proposer and the version in force + 1, and stores
   * them as its pending amendment; the terms in force stay until the partner accepts. The caller
   * sends {@code amendment.signed()} to the partner (OfferAgreement), and withdraws it with {@link
   * #cancelAmendment} if the partner does not take it.
   *
   * @param t the new terms from this node's side, as for {@link #propose}
   * @throws BdxException NOT_FOUND, INVALID_ARGUMENT (malformed id, every problem of the terms),
   *     FAILED_PRECONDITION (the agreement is not active, an amendment is already pending, or the
   *     new terms are the ones in force)
   */
  public AmendmentRecord amend(String agreementId, ProposedTerms t) {
    Objects.requireNonNull(t, "terms");
    checkId(agreementId);
    AgreementRecord current = book.require(agreementId);
    PartnerRecord partner = partnerOf(current);
    Directions d = directions(partner, t);
    AmendmentRecord[] out = new AmendmentRecord[1];
    book.change(
        () -> {
          AgreementRecord r = book.require(agreementId);
          requireActive(r, "amended");
          if (book.pendingAmendment(agreementId).isPresent()) {
            throw BdxException.failedPrecondition(
                "an amendment of this agreement is already pending; accept or decline it, or"
                    + " withdraw yours, first");
          }
          if (d.weSend().equals(r.weSend()) && d.weReceive().equals(r.weReceive())) {
            throw BdxException.failedPrecondition("the new terms are the terms in force");
          }
          AgreementTerms old = r.terms();
          boolean wasProposer = r.proposedByUs();
          long now = book.now();
          AgreementTerms terms =
              AgreementTerms.newBuilder()
                  .setAgreementId(agreementId)
                  .setVersion(old.getVersion() + 1)
                  .setProposerNodeId(self.nodeId().value())
                  .setProposerPublicKey(ByteString.copyFrom(self.publicKey()))
                  .setAcceptorNodeId(r.partner().value())
                  .setAcceptorPublicKey(partnerKey(r.partner(), wasProposer, old))
                  .setProposerToAcceptor(d.weSend())
                  .setAcceptorToProposer(d.weReceive())
                  .setProposedAt(now)
                  .build();
          AmendmentRecord a =
              new AmendmentRecord(
                  agreementId, true, SignedAgreements.propose(self, terms, keys), terms, now);
          book.putAmendment(a);
          out[0] = a;
          return Change.amended(r, AgreementBook.Amendment.PROPOSED);
        });
    return out[0];
  }

  /**
   * Countersigns the amendment the partner proposed for an ACTIVE agreement (spec AGR-12.4),
   * changing nothing here: the caller sends the result to the partner (ConfirmAgreement) and only
   * then puts it in force with {@link #amendmentConfirmed}, so this node never applies terms the
   * partner does not hold.
   *
   * @throws BdxException NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION (not active, no amendment
   *     from the partner pending, or it no longer fits the partner's registered class)
   */
  public SignedAgreement countersignAmendment(String agreementId) {
    checkId(agreementId);
    AgreementRecord r = book.require(agreementId);
    requireActive(r, "amended");
    AmendmentRecord a = partnersAmendment(agreementId);
    checkPartnerReceivesAsRegistered(self.nodeId(), a.terms(), partnerOf(r));
    return SignedAgreements.countersign(self, a.signed(), keys);
  }

  /**
   * Puts the partner's amendment in force after the partner took the confirmation (spec AGR-12.4):
   * the countersigned terms replace the old ones, and the work added with {@link
   * AgreementBook#onAmendment} runs in the same transaction.
   *
   * @param countersigned what {@link #countersignAmendment} returned
   * @throws BdxException FAILED_PRECONDITION if the agreement is no longer active or the amendment
   *     no longer pending (then nothing changes here)
   */
  public AgreementRecord amendmentConfirmed(String agreementId, SignedAgreement countersigned) {
    checkId(agreementId);
    return book.change(
        () -> {
          AgreementRecord r = book.require(agreementId);
          requireActive(r, "amended");
          AmendmentRecord a = partnersAmendment(agreementId);
          if (!a.signed().getTerms().equals(countersigned.getTerms())) {
            throw BdxException.failedPrecondition(
                "the amendment pending here changed; nothing was put in force");
          }
          AgreementTerms terms = SignedAgreements.verify(countersigned, true, keys);
          AgreementRecord amended = book.amended(r, countersigned, terms, false);
          book.replaceTerms(amended);
          return Change.amended(amended, AgreementBook.Amendment.IN_FORCE);
        });
  }

  /**
   * Declines the partner's pending amendment, or withdraws this node's (spec AGR-12.6). The caller
   * tells the partner (CloseAmendment) with the version returned.
   *
   * @return the amendment dropped
   * @throws BdxException NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION (none is pending)
   */
  public AmendmentRecord cancelAmendment(String agreementId) {
    checkId(agreementId);
    AmendmentRecord[] out = new AmendmentRecord[1];
    book.change(
        () -> {
          AgreementRecord r = book.require(agreementId);
          AmendmentRecord a =
              book.pendingAmendment(agreementId)
                  .orElseThrow(
                      () ->
                          BdxException.failedPrecondition(
                              "no amendment of this agreement is pending"));
          book.dropAmendment(agreementId);
          out[0] = a;
          return Change.amended(r, AgreementBook.Amendment.CLOSED);
        });
    return out[0];
  }

  private AmendmentRecord partnersAmendment(String agreementId) {
    AmendmentRecord a =
        book.pendingAmendment(agreementId)
            .orElseThrow(
                () -> BdxException.failedPrecondition("no amendment of this agreement is pending"));
    if (a.proposedByUs()) {
      throw BdxException.failedPrecondition(
          "this node proposed the pending amendment; only the partner can accept it");
    }
    return a;
  }

  private static void requireActive(AgreementRecord r, String what) {
    if (r.state() != AgreementState.AGREEMENT_STATE_ACTIVE) {
      throw BdxException.failedPrecondition(
          "only an active agreement can be " + what + "; this one is " + stateName(r));
    }
  }

  /** The two directions, seen from this node. */
  private record Directions(DirectionTerms weSend, DirectionTerms weReceive) {}

  /**
   * The directions of {@code t} checked as a proposal to {@code partner}: {@code we_send} takes the
   * partner's registered class if it names none, and must otherwise name it.
   *
   * @throws BdxException INVALID_ARGUMENT naming every problem
   */
  private static Directions directions(PartnerRecord partner, ProposedTerms t) {
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
    return new Directions(weSend, weReceive);
  }

  private PartnerRecord partnerOf(AgreementRecord r) {
    return partners
        .get(r.partner())
        .orElseThrow(() -> BdxException.failedPrecondition("the partner is not registered"));
  }

  private String newAgreementId() {
    while (true) {
      String id = Ids.newId(rng);
      if (book.find(id).isEmpty()) {
        return id;
      }
    }
  }

  /** The partner's key for new terms: the current key of its held log, else the one it signed. */
  private ByteString partnerKey(NodeId partner, boolean wasProposer, AgreementTerms old) {
    byte[] current = keys.currentKey(partner);
    if (current != null) {
      return ByteString.copyFrom(current);
    }
    return wasProposer ? old.getAcceptorPublicKey() : old.getProposerPublicKey();
  }
}
