package org.bdx.node.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.bdx.node.agreement.AgreementFixtures.Side;
import org.bdx.node.error.BdxException.Kind;
import org.bdx.node.policy.Grant;
import org.bdx.node.store.AgreementRecord;
import org.bdx.proto.v1.AgreementState;
import org.junit.jupiter.api.Test;

/** The whole handshake, the grants it yields, the listeners and the reads. */
class AgreementBookTest extends TwoNodes {
  @Test
  void handshake_bothActive_grantsMirror() {
    AgreementRecord offer = propose();
    assertThat(offer.state()).isEqualTo(AgreementState.AGREEMENT_STATE_PROPOSED);
    assertThat(offer.proposedByUs()).isTrue();
    assertThat(offer.signed().getAcceptorSignature().isEmpty()).isTrue();
    assertThat(offer.terms().getVersion()).isEqualTo(1);
    assertThat(a.grants.outbound()).isEmpty();

    AgreementRecord pending = b.partnerActions.receiveOffer(a.keys.nodeId(), offer.signed());
    assertThat(pending.state()).isEqualTo(AgreementState.AGREEMENT_STATE_PROPOSED);
    assertThat(pending.proposedByUs()).isFalse();
    assertThat(pending.agreementId()).isEqualTo(offer.agreementId());
    assertThat(b.grants.inbound(a.keys.nodeId())).isEmpty();

    AgreementRecord accepted = b.coordinator.accept(offer.agreementId());
    assertThat(accepted.state()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
    assertThat(accepted.signed().getTerms()).isEqualTo(offer.signed().getTerms());
    assertThat(accepted.signed().getProposerSignature())
        .isEqualTo(offer.signed().getProposerSignature());

    AgreementRecord confirmed =
        a.partnerActions.receiveConfirmation(b.keys.nodeId(), accepted.signed());
    assertThat(confirmed.state()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
    assertThat(confirmed.signed()).isEqualTo(accepted.signed());
    SignedAgreements.verify(confirmed.signed(), true);

    Grant aOut = a.grants.outbound(b.keys.nodeId()).orElseThrow();
    Grant bIn = b.grants.inbound(a.keys.nodeId()).orElseThrow();
    assertThat(bIn.terms()).isEqualTo(aOut.terms());
    assertThat(bIn.agreementId()).isEqualTo(aOut.agreementId());
    assertThat(aOut.partner()).isEqualTo(b.keys.nodeId());
    assertThat(bIn.partner()).isEqualTo(a.keys.nodeId());
    Grant aIn = a.grants.inbound(b.keys.nodeId()).orElseThrow();
    Grant bOut = b.grants.outbound(a.keys.nodeId()).orElseThrow();
    assertThat(aIn.terms()).isEqualTo(bOut.terms());
    assertThat(aOut.terms().getReceiverClass()).isEqualTo(SUPPORT); // filled in from the partner
    assertThat(bOut.terms().getReceiverClass()).isEqualTo(PEER);
    assertThat(aOut.terms()).isNotEqualTo(aIn.terms());
    assertThat(a.grants.outbound()).containsExactly(aOut);
    assertThat(b.grants.outbound()).containsExactly(bOut);
  }

  @Test
  void grants_surviveReopen() throws Exception {
    String id = activate();
    a.close();
    a = new Side(dir, "alpha", 1);
    assertThat(a.grants.outbound(b.keys.nodeId()).orElseThrow().agreementId()).isEqualTo(id);
    assertThat(a.book.get(id).orElseThrow().state())
        .isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
  }

  @Test
  void listener_firesAfterCommit_onEveryChange_only() {
    List<AgreementState> seenInDb = new ArrayList<>();
    a.book.addListener(r -> seenInDb.add(stateFromFreshBook(r.agreementId())));
    a.book.addListener(
        r -> {
          throw new IllegalStateException("a broken listener");
        });
    String id = activate();
    a.coordinator.suspend(id);
    assertKind(() -> a.coordinator.suspend(id), Kind.FAILED_PRECONDITION);
    a.coordinator.resume(id);
    a.coordinator.terminate(id);

    List<AgreementState> expected =
        List.of(
            AgreementState.AGREEMENT_STATE_PROPOSED,
            AgreementState.AGREEMENT_STATE_ACTIVE,
            AgreementState.AGREEMENT_STATE_SUSPENDED,
            AgreementState.AGREEMENT_STATE_ACTIVE,
            AgreementState.AGREEMENT_STATE_TERMINATED);
    assertThat(a.events).extracting(AgreementRecord::state).containsExactlyElementsOf(expected);
    // Each listener call saw the change already committed, through another reader.
    assertThat(seenInDb).containsExactlyElementsOf(expected);
    assertThat(b.events)
        .extracting(AgreementRecord::state)
        .containsExactly(
            AgreementState.AGREEMENT_STATE_PROPOSED, AgreementState.AGREEMENT_STATE_ACTIVE);
  }

  @Test
  void activation_runsInTheTransactionThatMakesTheAgreementActive() {
    List<String> seen = new ArrayList<>();
    // Inside the change: the new state is stored and granted; another reader would wait.
    a.book.onActivation(
        r ->
            seen.add(
                a.book.get(r.agreementId()).orElseThrow().state()
                    + " "
                    + a.grants.outbound(b.keys.nodeId()).isPresent()
                    + " "
                    + a.events.size()));
    String id = activate(); // confirmed: PROPOSED -> ACTIVE
    a.coordinator.suspend(id);
    assertThat(a.grants.outbound(b.keys.nodeId())).isEmpty();
    assertThat(a.grants.suspended()).extracting(Grant::agreementId).containsExactly(id);
    a.coordinator.resume(id);
    // A repeated notice changes nothing and runs nothing; neither do the other changes.
    a.partnerActions.receiveStateChange(
        b.keys.nodeId(), id, AgreementState.AGREEMENT_STATE_TERMINATED);
    a.partnerActions.receiveStateChange(
        b.keys.nodeId(), id, AgreementState.AGREEMENT_STATE_TERMINATED);

    // Each ran before the listeners were told (1 event: the proposal; 3: proposal, active,
    // suspended), so before the commit.
    assertThat(seen)
        .containsExactly("AGREEMENT_STATE_ACTIVE true 1", "AGREEMENT_STATE_ACTIVE true 3");
    assertThat(a.grants.suspended()).isEmpty();
  }

  @Test
  void activationThatFails_undoesTheResumption_andGrantsNothing() {
    String id = activate();
    a.coordinator.suspend(id);
    int events = a.events.size();
    a.book.onActivation(
        r -> {
          // Written in the same transaction, and the grants read (and cached) inside it.
          a.partners.add("charlie", AgreementFixtures.keys(3).nodeId(), "127.0.0.1:7403", PEER);
          assertThat(a.grants.outbound(b.keys.nodeId())).isPresent();
          throw new IllegalStateException("could not queue");
        });

    assertThatThrownBy(() -> a.coordinator.resume(id))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("could not queue");

    assertThat(a.book.get(id).orElseThrow().state())
        .isEqualTo(AgreementState.AGREEMENT_STATE_SUSPENDED);
    assertThat(a.partners.find("charlie")).isEmpty();
    assertThat(a.grants.outbound(b.keys.nodeId())).isEmpty();
    assertThat(a.grants.suspended()).extracting(Grant::agreementId).containsExactly(id);
    assertThat(a.events).hasSize(events);
  }

  @Test
  void latestWith_andList() {
    assertThat(a.book.latestWith(b.keys.nodeId())).isEmpty();
    String id = activate();
    assertThat(a.book.latestWith(b.keys.nodeId()).orElseThrow().agreementId()).isEqualTo(id);
    assertThat(a.book.list()).extracting(AgreementRecord::agreementId).containsExactly(id);
    assertThat(a.book.get("bad")).isEmpty();
  }

  // --- helpers ----------------------------------------------------------------------------------

  /**
   * The state as another thread reads it. The database allows one transaction at a time, so if the
   * listener ran inside the changing transaction, this read would block until the timeout.
   */
  private AgreementState stateFromFreshBook(String id) {
    AgreementBook other =
        new AgreementBook(a.db, Clock.fixed(AgreementFixtures.T0, ZoneOffset.UTC));
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try {
      return reader.submit(() -> other.get(id).orElseThrow().state()).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the listener ran before the change was committed", e);
    } finally {
      reader.shutdownNow();
    }
  }
}
