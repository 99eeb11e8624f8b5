package org.bdx.node.store;

import java.util.Objects;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.SignedAgreement;

/**
 * One sharing agreement as this node holds it (a row of table {@code agreements}).
 *
 * @param agreementId the agreement id
 * @param partner the other party
 * @param proposedByUs whether this node proposed it
 * @param state where it is in its life
 * @param suspendedByUs for SUSPENDED: whether this node suspended it (only the suspender resumes)
 * @param signed the signed document; {@code acceptor_signature} is empty while PROPOSED
 * @param terms the parsed terms of {@code signed}
 * @param updatedAt Unix seconds of the last change
 */
public record AgreementRecord(
    String agreementId,
    NodeId partner,
    boolean proposedByUs,
    AgreementState state,
    boolean suspendedByUs,
    SignedAgreement signed,
    AgreementTerms terms,
    long updatedAt) {
  public AgreementRecord {
    Objects.requireNonNull(agreementId, "agreementId");
    Objects.requireNonNull(partner, "partner");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(signed, "signed");
    Objects.requireNonNull(terms, "terms");
  }

  /** What this node sends to the partner. */
  public DirectionTerms weSend() {
    return proposedByUs ? terms.getProposerToAcceptor() : terms.getAcceptorToProposer();
  }

  /** What the partner sends to this node. */
  public DirectionTerms weReceive() {
    return proposedByUs ? terms.getAcceptorToProposer() : terms.getProposerToAcceptor();
  }

  /** Whether it is not yet terminated. */
  public boolean live() {
    return state != AgreementState.AGREEMENT_STATE_TERMINATED;
  }
}
