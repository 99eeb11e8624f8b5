package org.bdx.node.agreement;

import static org.bdx.node.agreement.AgreementBook.checkPartnerReceivesAsRegistered;
import static org.bdx.node.agreement.AgreementBook.stateName;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.bdx.node.agreement.AgreementBook.Change;
import org.bdx.node.audit.AuditLog;
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
import org.bdx.proto.v1.SignedAgreement;

/**
 * What a partner sends about agreements (spec AGR-5 to AGR-9): an offer, the confirmation of this
 * node's proposal, a suspension, resumption or termination. The federation layer calls these with
 * the partner's node id from its TLS certificate, never from the request. Each call checks and
 * changes the agreement in one transaction through the {@link AgreementBook} it was built on; a
 * repeated call that changes nothing succeeds and calls no listener. The audit log names the
 * partner as the actor of each change ("partner NAME").
 */
public final class PartnerActions {
  private final AgreementBook book;
  private final NodeKeys self;
  private final SigningKeys keys;
  private final Partners partners;

  /**
   * @param book the node's one agreement book (its grants cache sees only changes made through it)
   * @param self this node's keys (an offer must be addressed to this node)
   * @param partners the registered partners: only they may call
   */
  public PartnerActions(AgreementBook book, NodeKeys self, Partners partners) {
    this(book, self, partners, SigningKeys.NONE);
  }

  /** As above, verifying partners' signatures with the key logs this node holds (KEY-18). */
  public PartnerActions(AgreementBook book, NodeKeys self, Partners partners, SigningKeys keys) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.book = Objects.requireNonNull(book, "book");
    this.self = Objects.requireNonNull(self, "self");
    this.partners = Objects.requireNonNull(partners, "partners");
  }

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
    AgreementTerms terms = SignedAgreements.verify(s, false, keys);
    if (!s.getAcceptorSignature().isEmpty()) {
      throw BdxException.invalid("an offer must not carry the acceptor's signature");
    }
    if (!from.value().equals(terms.getProposerNodeId())) {
      throw BdxException.denied("the offer was not proposed by the calling node");
    }
    if (!self.nodeId().value().equals(terms.getAcceptorNodeId())) {
      throw BdxException.invalid("the offer is addressed to another node");
    }
    checkPartnerReceivesAsRegistered(self.nodeId(), terms, partner);
    return byPartner(
        partner,
        () -> {
          Optional<AgreementRecord> existing = book.find(terms.getAgreementId());
          if (existing.isPresent()) {
            AgreementRecord r = existing.get();
            if (!r.proposedByUs()
                && r.partner().equals(from)
                && r.signed().getTerms().equals(s.getTerms())) {
              return Change.none(r);
            }
            if (r.partner().equals(from) && terms.getVersion() > r.terms().getVersion()) {
              return amendmentOffered(r, s, terms);
            }
            throw BdxException.alreadyExists(
                "an agreement with this id already exists with other terms");
          }
          book.requireNoLiveAgreement(partner);
          AgreementRecord r =
              new AgreementRecord(
                  terms.getAgreementId(),
                  from,
                  false,
                  AgreementState.AGREEMENT_STATE_PROPOSED,
                  false,
                  s.toBuilder().clearAcceptorSignature().build(),
                  terms,
                  book.now());
          book.insert(r);
          return Change.inserted(r);
        });
  }

  /**
   * New terms the partner proposes for an agreement with it (spec AGR-12.2), already verified and
   * addressed to this node: stored as the pending amendment if the agreement is ACTIVE and none is
   * pending; the same offer again changes nothing.
   */
  private Change amendmentOffered(AgreementRecord r, SignedAgreement s, AgreementTerms terms) {
    if (r.state() != AgreementState.AGREEMENT_STATE_ACTIVE) {
      throw BdxException.failedPrecondition(
          "only an active agreement can be amended; it is " + stateName(r) + " here");
    }
    Optional<AmendmentRecord> pending = book.pendingAmendment(r.agreementId());
    if (pending.isPresent()) {
      if (!pending.get().proposedByUs() && pending.get().signed().getTerms().equals(s.getTerms())) {
        return Change.none(r);
      }
      throw BdxException.failedPrecondition(
          "an amendment of this agreement is already pending here; it must be accepted, declined"
              + " or withdrawn first");
    }
    book.putAmendment(
        new AmendmentRecord(
            r.agreementId(),
            false,
            s.toBuilder().clearAcceptorSignature().build(),
            terms,
            book.now()));
    return Change.amended(r, AgreementBook.Amendment.PROPOSED);
  }

  /**
   * The partner declined an amendment this node proposed, or withdrew one it proposed (spec
   * AGR-12.6): the pending amendment of that version is dropped. Closing one that is not pending
   * changes nothing.
   *
   * @param from the authenticated node at the other end of the call
   * @throws BdxException PERMISSION_DENIED ({@code from} is not the agreement's partner),
   *     INVALID_ARGUMENT (malformed id, version 0), NOT_FOUND, FAILED_PRECONDITION (that version is
   *     the one in force: it was accepted)
   */
  public AgreementRecord receiveAmendmentClosed(NodeId from, String agreementId, long version) {
    PartnerRecord partner = requirePartner(from);
    AgreementBook.checkId(agreementId);
    if (version < 1) {
      throw BdxException.invalid("the amendment's version must be at least 1");
    }
    return byPartner(
        partner,
        () -> {
          AgreementRecord r = book.require(agreementId);
          if (!r.partner().equals(from)) {
            throw BdxException.denied("the agreement is not with the calling node");
          }
          Optional<AmendmentRecord> pending = book.pendingAmendment(agreementId);
          if (pending.isPresent() && pending.get().version() == version) {
            book.dropAmendment(agreementId);
            return Change.amended(r, AgreementBook.Amendment.CLOSED);
          }
          if (r.terms().getVersion() == version) {
            throw BdxException.failedPrecondition(
                "that amendment was accepted and is in force here");
          }
          return Change.none(r);
        });
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
    PartnerRecord partner = requirePartner(from);
    String id = SignedAgreements.parseTerms(s).getAgreementId();
    if (!Ids.isValid(id)) {
      throw BdxException.invalid("the agreement id is malformed");
    }
    return byPartner(
        partner,
        () -> {
          AgreementRecord r = book.require(id);
          if (!r.partner().equals(from)) {
            throw BdxException.denied("the agreement is not with the calling node");
          }
          Optional<AmendmentRecord> pending = book.pendingAmendment(id);
          if (pending.isPresent()
              && pending.get().proposedByUs()
              && pending.get().signed().getTerms().equals(s.getTerms())) {
            return amendmentAccepted(from, r, s);
          }
          AgreementTerms confirmed = SignedAgreements.parseTerms(s);
          if (!r.signed().getTerms().equals(s.getTerms())
              && confirmed.getVersion() > r.terms().getVersion()) {
            throw BdxException.failedPrecondition(
                "that amendment is not pending here (withdrawn, or the agreement is not active)");
          }
          if (!r.proposedByUs()) {
            throw BdxException.failedPrecondition(
                "the calling node proposed this agreement; it cannot confirm it");
          }
          if (!r.signed().getTerms().equals(s.getTerms())) {
            throw BdxException.invalid(
                "the confirmed terms are not byte for byte the terms this node proposed");
          }
          AgreementTerms terms = SignedAgreements.verify(s, true, keys);
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
                      r.signed().toBuilder().setAcceptorSignature(s.getAcceptorSignature()).build(),
                      r.terms(),
                      book.now());
              book.update(updated);
              return Change.changed(updated, r.state());
            }
            case AGREEMENT_STATE_ACTIVE, AGREEMENT_STATE_SUSPENDED -> {
              return Change.none(r); // a repeated confirmation
            }
            default ->
                throw BdxException.failedPrecondition(
                    "the agreement is " + stateName(r) + " and can no longer be confirmed");
          }
        });
  }

  /** The partner accepted this node's pending amendment (spec AGR-12.5): it is put in force. */
  private Change amendmentAccepted(NodeId from, AgreementRecord r, SignedAgreement s) {
    AgreementTerms terms = SignedAgreements.verify(s, true, keys);
    if (!from.value().equals(terms.getAcceptorNodeId())) {
      throw BdxException.denied("the calling node is not the acceptor");
    }
    if (r.state() != AgreementState.AGREEMENT_STATE_ACTIVE) {
      throw BdxException.failedPrecondition(
          "only an active agreement can be amended; it is " + stateName(r) + " here");
    }
    AgreementRecord amended = book.amended(r, s, terms, true);
    book.replaceTerms(amended);
    return Change.amended(amended, AgreementBook.Amendment.IN_FORCE);
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
    PartnerRecord partner = requirePartner(from);
    if (state != AgreementState.AGREEMENT_STATE_SUSPENDED
        && state != AgreementState.AGREEMENT_STATE_ACTIVE
        && state != AgreementState.AGREEMENT_STATE_TERMINATED) {
      throw BdxException.invalid("a state notice must be suspended, active or terminated");
    }
    return AuditLog.as(
        AuditLog.partner(partner.name()), () -> applyStateChange(from, agreementId, state));
  }

  private AgreementRecord applyStateChange(NodeId from, String agreementId, AgreementState state) {
    return book.transition(
        agreementId,
        r -> {
          if (!r.partner().equals(from)) {
            throw BdxException.denied("the agreement is not with the calling node");
          }
          AgreementState now = r.state();
          return switch (state) {
            case AGREEMENT_STATE_SUSPENDED -> {
              if (now == AgreementState.AGREEMENT_STATE_ACTIVE) {
                yield book.withState(r, AgreementState.AGREEMENT_STATE_SUSPENDED, false);
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
                yield book.withState(r, AgreementState.AGREEMENT_STATE_ACTIVE, false);
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
              yield book.withState(r, AgreementState.AGREEMENT_STATE_TERMINATED, false);
            }
          };
        });
  }

  /** A change the partner made: the audit log names it as the actor. */
  private AgreementRecord byPartner(PartnerRecord partner, Supplier<Change> work) {
    return AuditLog.as(AuditLog.partner(partner.name()), () -> book.change(work));
  }

  private PartnerRecord requirePartner(NodeId from) {
    if (from == null) {
      throw BdxException.denied("the calling node is not authenticated");
    }
    return partners
        .get(from)
        .orElseThrow(() -> BdxException.denied("the calling node is not a registered partner"));
  }
}
