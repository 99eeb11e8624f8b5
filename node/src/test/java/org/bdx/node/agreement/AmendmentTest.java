package org.bdx.node.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.node.agreement.AgreementFixtures.direction;
import static org.bdx.node.agreement.AgreementFixtures.proposed;

import org.bdx.node.error.BdxException.Kind;
import org.bdx.node.store.AgreementRecord;
import org.bdx.node.store.AmendmentRecord;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.ProposedTerms;
import org.bdx.proto.v1.SignedAgreement;
import org.junit.jupiter.api.Test;

/**
 * Amending an agreement in force (spec AGR-12): either party proposes new terms under the same
 * agreement id with a higher version; the old terms stay in force until the other accepts; the
 * acceptor countersigns and the proposer puts them in force on the confirmation; either side can
 * decline or withdraw a pending amendment; leaving ACTIVE drops it.
 */
class AmendmentTest extends TwoNodes {

  /** B's new terms: it also sends phone numbers' neighbour field, vehicle, to A. */
  private static ProposedTerms widerFromB() {
    return ProposedTerms.newBuilder()
        .setWeSend(
            direction(PEER)
                .setAllHarms(false)
                .addHarms(robbery())
                .addFieldPaths("vehicle_description"))
        .setWeReceive(direction(SUPPORT).setMayRelay(true).setMaxRelayHops(2))
        .build();
  }

  private static org.bdx.proto.v1.HarmCategory robbery() {
    return org.bdx.proto.v1.HarmCategory.HARM_CATEGORY_ROBBERY;
  }

  /** B proposes, A receives the offer. */
  private AmendmentRecord bAmends(String id) {
    AmendmentRecord amendment = b.coordinator.amend(id, widerFromB());
    a.partnerActions.receiveOffer(b.keys.nodeId(), amendment.signed());
    return amendment;
  }

  @Test
  void amend_byTheAcceptor_keepsIdRaisesVersionSwapsRoles_andOldTermsStayInForce() {
    String id = activate();
    AgreementRecord before = a.book.get(id).orElseThrow();

    AmendmentRecord amendment = bAmends(id);

    AgreementTerms t = amendment.terms();
    assertThat(t.getAgreementId()).isEqualTo(id);
    assertThat(t.getVersion()).isEqualTo(before.terms().getVersion() + 1);
    assertThat(t.getProposerNodeId()).isEqualTo(b.keys.nodeId().value());
    assertThat(t.getAcceptorNodeId()).isEqualTo(a.keys.nodeId().value());
    // Pending on both sides, listed like a proposal; nothing in force has changed.
    assertThat(a.book.pendingAmendment(id))
        .hasValueSatisfying(p -> assertThat(p.proposedByUs()).isFalse());
    assertThat(b.book.pendingAmendment(id))
        .hasValueSatisfying(p -> assertThat(p.proposedByUs()).isTrue());
    assertThat(a.book.get(id).orElseThrow().signed()).isEqualTo(before.signed());
    assertThat(a.grants.inbound(b.keys.nodeId()).orElseThrow().terms().getFieldPathsList())
        .doesNotContain("vehicle_description");
    assertThat(a.grants.pendingInbound(b.keys.nodeId()).orElseThrow().terms().getFieldPathsList())
        .contains("vehicle_description");
  }

  @Test
  void accept_thenConfirm_putsTheNewTermsInForceOnBothSides() {
    String id = activate();
    bAmends(id);

    SignedAgreement countersigned = a.coordinator.countersignAmendment(id);
    // Partner first: B takes the confirmation before A changes anything.
    assertThat(a.book.pendingAmendment(id)).isPresent();
    b.partnerActions.receiveConfirmation(a.keys.nodeId(), countersigned);
    AgreementRecord atA = a.coordinator.amendmentConfirmed(id, countersigned);
    AgreementRecord atB = b.book.get(id).orElseThrow();

    assertThat(atA.signed()).isEqualTo(atB.signed()).isEqualTo(countersigned);
    assertThat(atA.state()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
    assertThat(atB.state()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
    assertThat(atB.proposedByUs()).isTrue();
    assertThat(atA.proposedByUs()).isFalse();
    assertThat(a.grants.inbound(b.keys.nodeId()).orElseThrow().terms().getFieldPathsList())
        .contains("vehicle_description");
    assertThat(b.grants.outbound(a.keys.nodeId()).orElseThrow().terms().getFieldPathsList())
        .contains("vehicle_description");
    assertThat(a.book.pendingAmendment(id)).isEmpty();
    assertThat(b.book.pendingAmendment(id)).isEmpty();
    assertThat(a.grants.pendingInbound(b.keys.nodeId())).isEmpty();

    // A repeated confirmation (the acceptor retrying after a crash) changes nothing.
    int events = b.events.size();
    b.partnerActions.receiveConfirmation(a.keys.nodeId(), countersigned);
    assertThat(b.events).hasSize(events);
  }

  @Test
  void confirmation_ofAWithdrawnAmendment_isRefused_andChangesNothing() {
    String id = activate();
    bAmends(id);
    SignedAgreement countersigned = a.coordinator.countersignAmendment(id);
    AgreementRecord before = b.book.get(id).orElseThrow();

    b.coordinator.cancelAmendment(id); // withdrawn before the confirmation arrived

    assertKind(
        () -> b.partnerActions.receiveConfirmation(a.keys.nodeId(), countersigned),
        Kind.FAILED_PRECONDITION);
    assertThat(b.book.get(id).orElseThrow().signed()).isEqualTo(before.signed());
  }

  @Test
  void secondAmendment_whilePending_isRefused_onBothPaths() {
    String id = activate();
    bAmends(id);

    assertKind(() -> b.coordinator.amend(id, widerFromB()), Kind.FAILED_PRECONDITION);
    assertKind(() -> a.coordinator.amend(id, proposed(PEER)), Kind.FAILED_PRECONDITION);
  }

  @Test
  void offer_repeated_isIdempotent_andAnotherWhilePending_isRefused() {
    String id = activate();
    AmendmentRecord first = bAmends(id);
    int events = a.events.size();

    a.partnerActions.receiveOffer(b.keys.nodeId(), first.signed());
    assertThat(a.events).hasSize(events);

    b.coordinator.cancelAmendment(id); // B withdraws, but A was not told
    AmendmentRecord second =
        b.coordinator.amend(
            id, widerFromB().toBuilder().setWeSend(direction(PEER).setRetentionDays(7)).build());
    assertKind(
        () -> a.partnerActions.receiveOffer(b.keys.nodeId(), second.signed()),
        Kind.FAILED_PRECONDITION);
  }

  @Test
  void amendmentClosed_byThePartner_dropsIt_andARepeatChangesNothing() {
    String id = activate();
    AmendmentRecord amendment = bAmends(id);

    a.coordinator.cancelAmendment(id); // A declines
    b.partnerActions.receiveAmendmentClosed(a.keys.nodeId(), id, amendment.version());
    assertThat(b.book.pendingAmendment(id)).isEmpty();

    int events = b.events.size();
    b.partnerActions.receiveAmendmentClosed(a.keys.nodeId(), id, amendment.version());
    assertThat(b.events).hasSize(events);
  }

  @Test
  void amendmentClosed_ofTheTermsInForce_isRefused() {
    String id = activate();
    long inForce = a.book.get(id).orElseThrow().terms().getVersion();
    assertKind(
        () -> a.partnerActions.receiveAmendmentClosed(b.keys.nodeId(), id, inForce),
        Kind.FAILED_PRECONDITION);
  }

  @Test
  void suspending_dropsThePendingAmendment_onBothSides() {
    String id = activate();
    bAmends(id);

    a.coordinator.suspend(id);
    b.partnerActions.receiveStateChange(
        a.keys.nodeId(), id, AgreementState.AGREEMENT_STATE_SUSPENDED);

    assertThat(a.book.pendingAmendment(id)).isEmpty();
    assertThat(b.book.pendingAmendment(id)).isEmpty();
    assertKind(() -> b.coordinator.amend(id, widerFromB()), Kind.FAILED_PRECONDITION);
  }

  @Test
  void amend_ofAPendingProposal_isRefused() {
    AgreementRecord offer = propose();
    assertKind(
        () -> a.coordinator.amend(offer.agreementId(), proposed(PEER)), Kind.FAILED_PRECONDITION);
  }

  @Test
  void offer_ofTheSupersededVersion_isAlreadyExists() {
    AgreementRecord offer = propose();
    String id = offer.agreementId();
    b.partnerActions.receiveOffer(a.keys.nodeId(), offer.signed());
    a.partnerActions.receiveConfirmation(b.keys.nodeId(), b.coordinator.accept(id).signed());
    AmendmentRecord amendment = b.coordinator.amend(id, widerFromB());
    a.partnerActions.receiveOffer(b.keys.nodeId(), amendment.signed());
    SignedAgreement countersigned = a.coordinator.countersignAmendment(id);
    b.partnerActions.receiveConfirmation(a.keys.nodeId(), countersigned);
    a.coordinator.amendmentConfirmed(id, countersigned);

    // The superseded version-1 offer, replayed, cannot come back.
    assertKind(
        () -> b.partnerActions.receiveOffer(a.keys.nodeId(), offer.signed()), Kind.ALREADY_EXISTS);
    assertThat(b.book.get(id).orElseThrow().terms().getVersion()).isEqualTo(amendment.version());
  }

  @Test
  void amend_withTheTermsInForce_isRefused() {
    String id = activate();
    ProposedTerms same = proposed(PEER);
    assertKind(() -> a.coordinator.amend(id, same), Kind.FAILED_PRECONDITION);
  }

  @Test
  void acceptingOwnAmendment_isRefused() {
    String id = activate();
    bAmends(id);
    assertKind(() -> b.coordinator.countersignAmendment(id), Kind.FAILED_PRECONDITION);
  }
}
