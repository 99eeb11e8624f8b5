package org.bdx.node.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bdx.node.agreement.AgreementFixtures.proposed;

import java.util.List;
import org.bdx.node.error.BdxException;
import org.bdx.node.error.BdxException.Kind;
import org.bdx.node.store.AgreementRecord;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.ProposedTerms;
import org.junit.jupiter.api.Test;

/** What a coordinator does: propose, accept, suspend, resume, terminate. */
class CoordinatorActionsTest extends TwoNodes {
  @Test
  void propose_unknownPartner_notFound() {
    assertKind(
        () -> a.coordinator.propose("nobody", proposed(PEER), b.keys.publicKey()), Kind.NOT_FOUND);
  }

  @Test
  void propose_byNodeId() {
    AgreementRecord r =
        a.coordinator.propose(b.keys.nodeId().value(), proposed(PEER), b.keys.publicKey());
    assertThat(r.partner()).isEqualTo(b.keys.nodeId());
  }

  @Test
  void propose_keyNotThePartners_invalid() {
    assertKind(
        () -> a.coordinator.propose("bravo", proposed(PEER), a.keys.publicKey()),
        Kind.INVALID_ARGUMENT);
    assertKind(() -> a.coordinator.propose("bravo", proposed(PEER), null), Kind.INVALID_ARGUMENT);
  }

  @Test
  void propose_withoutKnownKey_failedPrecondition_thenKnownFromEarlierAgreement() {
    assertKind(() -> a.coordinator.propose("bravo", proposed(PEER)), Kind.FAILED_PRECONDITION);
    String first = propose().agreementId();
    a.coordinator.terminate(first);
    AgreementRecord second = a.coordinator.propose("bravo", proposed(PEER));
    assertThat(second.terms().getVersion()).isEqualTo(2);
    assertThat(second.terms().getAcceptorPublicKey().toByteArray()).isEqualTo(b.keys.publicKey());
  }

  @Test
  void propose_weSendClassMismatch_invalid() {
    ProposedTerms t =
        proposed(PEER).toBuilder()
            .setWeSend(proposed(PEER).getWeSend().toBuilder().setReceiverClass(POLICE))
            .build();
    assertThatThrownBy(() -> a.coordinator.propose("bravo", t, b.keys.publicKey()))
        .isInstanceOfSatisfying(
            BdxException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.INVALID_ARGUMENT);
              assertThat(e.getMessage()).contains("registered here as support, not police");
            });
    assertThat(a.book.list()).isEmpty();
  }

  @Test
  void propose_weReceiveClassUnspecified_invalid_andEveryProblemNamed() {
    ProposedTerms t =
        ProposedTerms.newBuilder()
            .setWeSend(proposed(PEER).getWeSend().toBuilder().setRetentionDays(0))
            .setWeReceive(
                proposed(PEER).getWeReceive().toBuilder()
                    .setReceiverClass(PartnerClass.PARTNER_CLASS_UNSPECIFIED)
                    .addFieldPaths("narrative"))
            .build();
    assertThatThrownBy(() -> a.coordinator.propose("bravo", t, b.keys.publicKey()))
        .isInstanceOfSatisfying(
            BdxException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.INVALID_ARGUMENT);
              assertThat(e.getMessage())
                  .contains("we_receive.receiver_class: must say how the partner classifies")
                  .contains("we_send.retention_days")
                  .contains("we_receive.field_paths[3]");
            });
  }

  @Test
  void propose_secondWhileLive_refused() {
    propose();
    assertThatThrownBy(this::propose)
        .isInstanceOfSatisfying(
            BdxException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.FAILED_PRECONDITION);
              assertThat(e.getMessage()).contains("terminate the old one first");
            });
    assertThat(a.book.list()).hasSize(1);
  }

  @Test
  void propose_secondWhileActive_refused() {
    activate();
    assertKind(this::propose, Kind.FAILED_PRECONDITION);
    assertKind(
        () -> b.coordinator.propose("alpha", proposed(SUPPORT), a.keys.publicKey()),
        Kind.FAILED_PRECONDITION);
  }

  @Test
  void accept_onlyPendingOffersFromThePartner() {
    AgreementRecord offer = propose();
    assertKind(() -> a.coordinator.accept(offer.agreementId()), Kind.FAILED_PRECONDITION);
    assertKind(() -> b.coordinator.accept(offer.agreementId()), Kind.NOT_FOUND);
    assertKind(() -> b.coordinator.accept("not-an-id"), Kind.INVALID_ARGUMENT);
    b.partnerActions.receiveOffer(a.keys.nodeId(), offer.signed());
    b.coordinator.accept(offer.agreementId());
    assertKind(() -> b.coordinator.accept(offer.agreementId()), Kind.FAILED_PRECONDITION);
  }

  @Test
  void declinedOffer_cannotBeAccepted() {
    AgreementRecord offer = propose();
    b.partnerActions.receiveOffer(a.keys.nodeId(), offer.signed());
    b.coordinator.terminate(offer.agreementId());
    assertKind(() -> b.coordinator.accept(offer.agreementId()), Kind.FAILED_PRECONDITION);
    a.partnerActions.receiveStateChange(
        b.keys.nodeId(), offer.agreementId(), AgreementState.AGREEMENT_STATE_TERMINATED);
    assertThat(a.book.get(offer.agreementId()).orElseThrow().state())
        .isEqualTo(AgreementState.AGREEMENT_STATE_TERMINATED);
  }

  @Test
  void suspendResume_onlyTheSuspenderResumes() {
    String id = activate();
    AgreementRecord s = a.coordinator.suspend(id);
    assertThat(s.state()).isEqualTo(AgreementState.AGREEMENT_STATE_SUSPENDED);
    assertThat(s.suspendedByUs()).isTrue();
    assertThat(a.grants.outbound()).isEmpty();
    assertThat(a.grants.inbound(b.keys.nodeId())).isEmpty();

    AgreementRecord seen =
        b.partnerActions.receiveStateChange(
            a.keys.nodeId(), id, AgreementState.AGREEMENT_STATE_SUSPENDED);
    assertThat(seen.state()).isEqualTo(AgreementState.AGREEMENT_STATE_SUSPENDED);
    assertThat(seen.suspendedByUs()).isFalse();
    assertThat(b.grants.outbound()).isEmpty();
    assertThat(b.grants.inbound(a.keys.nodeId())).isEmpty();

    // B may not resume A's suspension, neither locally nor by notice.
    assertKind(() -> b.coordinator.resume(id), Kind.PERMISSION_DENIED);
    assertKind(
        () ->
            a.partnerActions.receiveStateChange(
                b.keys.nodeId(), id, AgreementState.AGREEMENT_STATE_ACTIVE),
        Kind.PERMISSION_DENIED);
    // Nor suspend again.
    assertKind(() -> b.coordinator.suspend(id), Kind.FAILED_PRECONDITION);
    assertKind(() -> a.coordinator.suspend(id), Kind.FAILED_PRECONDITION);
    // A repeated notice is harmless.
    b.partnerActions.receiveStateChange(
        a.keys.nodeId(), id, AgreementState.AGREEMENT_STATE_SUSPENDED);

    AgreementRecord resumed = a.coordinator.resume(id);
    assertThat(resumed.state()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
    assertThat(resumed.suspendedByUs()).isFalse();
    b.partnerActions.receiveStateChange(a.keys.nodeId(), id, AgreementState.AGREEMENT_STATE_ACTIVE);
    assertThat(a.grants.outbound(b.keys.nodeId())).isPresent();
    assertThat(b.grants.inbound(a.keys.nodeId())).isPresent();
    assertKind(() -> a.coordinator.resume(id), Kind.FAILED_PRECONDITION);
  }

  @Test
  void suspend_onlyActive() {
    AgreementRecord offer = propose();
    assertKind(() -> a.coordinator.suspend(offer.agreementId()), Kind.FAILED_PRECONDITION);
    assertKind(() -> a.coordinator.resume(offer.agreementId()), Kind.FAILED_PRECONDITION);
    b.partnerActions.receiveOffer(a.keys.nodeId(), offer.signed());
    assertKind(
        () ->
            b.partnerActions.receiveStateChange(
                a.keys.nodeId(), offer.agreementId(), AgreementState.AGREEMENT_STATE_SUSPENDED),
        Kind.FAILED_PRECONDITION);
    // A pending agreement becomes active only by a signed confirmation.
    assertKind(
        () ->
            a.partnerActions.receiveStateChange(
                b.keys.nodeId(), offer.agreementId(), AgreementState.AGREEMENT_STATE_ACTIVE),
        Kind.FAILED_PRECONDITION);
  }

  @Test
  void terminateOnlyIfProposed_afterThePartnerAccepted_changesNothing() {
    AgreementRecord offer = propose();
    b.partnerActions.receiveOffer(a.keys.nodeId(), offer.signed());
    AgreementRecord accepted = b.coordinator.accept(offer.agreementId());
    a.partnerActions.receiveConfirmation(b.keys.nodeId(), accepted.signed());

    // A withdrawal that raced the acceptance: it must not end the agreement just accepted.
    assertKind(() -> a.coordinator.terminate(offer.agreementId(), true), Kind.FAILED_PRECONDITION);
    assertThat(a.book.get(offer.agreementId()).orElseThrow().state())
        .isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
  }

  @Test
  void terminateOnlyIfProposed_ofAProposal_withdrawsIt() {
    AgreementRecord offer = propose();
    assertThat(a.coordinator.terminate(offer.agreementId(), true).state())
        .isEqualTo(AgreementState.AGREEMENT_STATE_TERMINATED);
  }

  @Test
  void terminate_isFinal_andDropsGrants() {
    String id = activate();
    a.coordinator.suspend(id);
    AgreementRecord t = a.coordinator.terminate(id);
    assertThat(t.state()).isEqualTo(AgreementState.AGREEMENT_STATE_TERMINATED);
    assertThat(a.grants.outbound()).isEmpty();
    assertThat(a.grants.inbound(b.keys.nodeId())).isEmpty();
    b.partnerActions.receiveStateChange(
        a.keys.nodeId(), id, AgreementState.AGREEMENT_STATE_TERMINATED);
    assertThat(b.grants.outbound()).isEmpty();
    assertThat(b.grants.inbound(a.keys.nodeId())).isEmpty();

    assertKind(() -> a.coordinator.terminate(id), Kind.FAILED_PRECONDITION);
    assertKind(() -> a.coordinator.resume(id), Kind.FAILED_PRECONDITION);
    assertKind(() -> a.coordinator.suspend(id), Kind.FAILED_PRECONDITION);
    for (AgreementState s :
        List.of(AgreementState.AGREEMENT_STATE_ACTIVE, AgreementState.AGREEMENT_STATE_SUSPENDED)) {
      assertKind(
          () -> b.partnerActions.receiveStateChange(a.keys.nodeId(), id, s),
          Kind.FAILED_PRECONDITION);
    }
    // A repeated termination notice is harmless.
    b.partnerActions.receiveStateChange(
        a.keys.nodeId(), id, AgreementState.AGREEMENT_STATE_TERMINATED);

    // A new agreement may follow.
    AgreementRecord next = propose();
    assertThat(next.terms().getVersion()).isEqualTo(2);
    assertThat(a.book.latestWith(b.keys.nodeId()).orElseThrow().agreementId())
        .isEqualTo(next.agreementId());
  }
}
