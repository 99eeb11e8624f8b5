package org.bdx.node.store;

import java.util.Objects;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.SignedAgreement;

/**
 * New terms proposed for an agreement that is in force, not yet accepted (spec AGR-12; a row of
 * table {@code agreement_amendments}). At most one per agreement.
 *
 * @param agreementId the agreement they would amend (the terms carry the same id)
 * @param proposedByUs whether this node proposed them
 * @param signed the proposal, signed by its proposer only
 * @param terms the parsed terms of {@code signed}
 * @param proposedAt Unix seconds when this node stored them
 */
public record AmendmentRecord(
    String agreementId,
    boolean proposedByUs,
    SignedAgreement signed,
    AgreementTerms terms,
    long proposedAt) {
  public AmendmentRecord {
    Objects.requireNonNull(agreementId, "agreementId");
    Objects.requireNonNull(signed, "signed");
    Objects.requireNonNull(terms, "terms");
    if (!terms.getAgreementId().equals(agreementId)) {
      throw new IllegalArgumentException("an amendment carries its agreement's id");
    }
    if (!signed.getAcceptorSignature().isEmpty()) {
      throw new IllegalArgumentException("a pending amendment is signed by its proposer only");
    }
  }

  /** The version of the new terms. */
  public long version() {
    return terms.getVersion();
  }

  /** What this node would send to the partner under the new terms. */
  public DirectionTerms weSend() {
    return proposedByUs ? terms.getProposerToAcceptor() : terms.getAcceptorToProposer();
  }

  /** What the partner would send to this node under the new terms. */
  public DirectionTerms weReceive() {
    return proposedByUs ? terms.getAcceptorToProposer() : terms.getProposerToAcceptor();
  }
}
