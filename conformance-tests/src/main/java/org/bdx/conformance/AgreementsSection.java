package org.bdx.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.conformance.ConformanceFixture.GRANTED;

import org.bdx.proto.v1.Agreement;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.GetAgreementRequest;
import org.bdx.proto.v1.SignedAgreement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** The agreements the fixture made with the suite's PEER, SUPPORT and POLICE nodes (section 8). */
abstract class AgreementsSection extends ConformanceSection {
  AgreementsSection(ConformanceFixture fixture) {
    super(fixture);
  }

  @Test
  @Order(20)
  @DisplayName(
      "AGR-2, AGR-8.1, ADM-7: accepting countersigns the exact offered bytes and confirms to the proposer")
  void agreementConfirmed() throws Exception {
    federation();
    for (SuiteNode n : partners.values()) {
      Agreement held =
          admin()
              .getAgreement(GetAgreementRequest.newBuilder().setAgreementId(n.agreementId).build())
              .getAgreement();
      assertThat(held.getState()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
      assertThat(held.getPartnerNodeId()).isEqualTo(n.keys.nodeId());
      assertThat(held.getWeSend().getReceiverClass()).isEqualTo(n.registeredAs);
      assertThat(held.getWeSend().getFieldPathsList())
          .containsExactlyInAnyOrderElementsOf(GRANTED.get(n.registeredAs));
      SignedAgreement signed = n.confirmed;
      assertThat(signed).as("ConfirmAgreement received").isNotNull();
      assertThat(signed.getTerms()).isEqualTo(n.offered.getTerms());
      assertThat(signed.getProposerSignature()).isEqualTo(n.offered.getProposerSignature());
      assertThat(
              SpecCrypto.verify(
                  info.getPublicKey().toByteArray(),
                  SpecCrypto.AGREEMENT_TERMS_TYPE,
                  signed.getTerms().toByteArray(),
                  signed.getAcceptorSignature().toByteArray()))
          .as("acceptor signature (AGR-2)")
          .isTrue();
    }
  }
}
