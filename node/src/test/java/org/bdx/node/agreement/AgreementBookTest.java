package org.bdx.node.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bdx.node.agreement.AgreementFixtures.proposed;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.bdx.node.agreement.AgreementFixtures.Side;
import org.bdx.node.error.BdxException;
import org.bdx.node.error.BdxException.Kind;
import org.bdx.node.policy.Grant;
import org.bdx.node.signing.SigningInput;
import org.bdx.node.store.AgreementRecord;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.ProposedTerms;
import org.bdx.proto.v1.SignedAgreement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgreementBookTest {
  private static final PartnerClass PEER = PartnerClass.PARTNER_CLASS_PEER;
  private static final PartnerClass SUPPORT = PartnerClass.PARTNER_CLASS_SUPPORT;
  private static final PartnerClass POLICE = PartnerClass.PARTNER_CLASS_POLICE;

  @TempDir Path dir;

  /** A peer organization. */
  Side a;

  /** A support service: A registers B as SUPPORT, B registers A as PEER. */
  Side b;

  @BeforeEach
  void open() throws Exception {
    a = new Side(dir, "alpha", 1);
    b = new Side(dir, "bravo", 2);
    a.register(b, SUPPORT);
    b.register(a, PEER);
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
  }

  private AgreementRecord propose() {
    return a.book.propose("bravo", proposed(PEER), b.keys.publicKey());
  }

  /** Runs the whole handshake; returns the agreement id. */
  private String activate() {
    AgreementRecord offer = propose();
    b.book.receiveOffer(a.keys.nodeId(), offer.signed());
    AgreementRecord accepted = b.book.accept(offer.agreementId());
    a.book.receiveConfirmation(b.keys.nodeId(), accepted.signed());
    return offer.agreementId();
  }

  private static void assertKind(ThrowingCallable call, Kind kind) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(BdxException.class, e -> assertThat(e.kind()).isEqualTo(kind));
  }

  // --- the handshake ----------------------------------------------------------------------------

  @Test
  void handshake_bothActive_grantsMirror() {
    AgreementRecord offer = propose();
    assertThat(offer.state()).isEqualTo(AgreementState.AGREEMENT_STATE_PROPOSED);
    assertThat(offer.proposedByUs()).isTrue();
    assertThat(offer.signed().getAcceptorSignature().isEmpty()).isTrue();
    assertThat(offer.terms().getVersion()).isEqualTo(1);
    assertThat(a.book.outbound()).isEmpty();

    AgreementRecord pending = b.book.receiveOffer(a.keys.nodeId(), offer.signed());
    assertThat(pending.state()).isEqualTo(AgreementState.AGREEMENT_STATE_PROPOSED);
    assertThat(pending.proposedByUs()).isFalse();
    assertThat(pending.agreementId()).isEqualTo(offer.agreementId());
    assertThat(b.book.inbound(a.keys.nodeId())).isEmpty();

    AgreementRecord accepted = b.book.accept(offer.agreementId());
    assertThat(accepted.state()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
    assertThat(accepted.signed().getTerms()).isEqualTo(offer.signed().getTerms());
    assertThat(accepted.signed().getProposerSignature())
        .isEqualTo(offer.signed().getProposerSignature());

    AgreementRecord confirmed = a.book.receiveConfirmation(b.keys.nodeId(), accepted.signed());
    assertThat(confirmed.state()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
    assertThat(confirmed.signed()).isEqualTo(accepted.signed());
    SignedAgreements.verify(confirmed.signed(), true);

    Grant aOut = a.book.outbound(b.keys.nodeId()).orElseThrow();
    Grant bIn = b.book.inbound(a.keys.nodeId()).orElseThrow();
    assertThat(bIn.terms()).isEqualTo(aOut.terms());
    assertThat(bIn.agreementId()).isEqualTo(aOut.agreementId());
    assertThat(aOut.partner()).isEqualTo(b.keys.nodeId());
    assertThat(bIn.partner()).isEqualTo(a.keys.nodeId());
    Grant aIn = a.book.inbound(b.keys.nodeId()).orElseThrow();
    Grant bOut = b.book.outbound(a.keys.nodeId()).orElseThrow();
    assertThat(aIn.terms()).isEqualTo(bOut.terms());
    assertThat(aOut.terms().getReceiverClass()).isEqualTo(SUPPORT); // filled in from the partner
    assertThat(bOut.terms().getReceiverClass()).isEqualTo(PEER);
    assertThat(aOut.terms()).isNotEqualTo(aIn.terms());
    assertThat(a.book.outbound()).containsExactly(aOut);
    assertThat(b.book.outbound()).containsExactly(bOut);
  }

  @Test
  void grants_surviveReopen() throws Exception {
    String id = activate();
    a.close();
    a = new Side(dir, "alpha", 1);
    assertThat(a.book.outbound(b.keys.nodeId()).orElseThrow().agreementId()).isEqualTo(id);
    assertThat(a.book.get(id).orElseThrow().state())
        .isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
  }

  // --- propose ----------------------------------------------------------------------------------

  @Test
  void propose_unknownPartner_notFound() {
    assertKind(() -> a.book.propose("nobody", proposed(PEER), b.keys.publicKey()), Kind.NOT_FOUND);
  }

  @Test
  void propose_byNodeId() {
    AgreementRecord r = a.book.propose(b.keys.nodeId().value(), proposed(PEER), b.keys.publicKey());
    assertThat(r.partner()).isEqualTo(b.keys.nodeId());
  }

  @Test
  void propose_keyNotThePartners_invalid() {
    assertKind(
        () -> a.book.propose("bravo", proposed(PEER), a.keys.publicKey()), Kind.INVALID_ARGUMENT);
    assertKind(() -> a.book.propose("bravo", proposed(PEER), null), Kind.INVALID_ARGUMENT);
  }

  @Test
  void propose_withoutKnownKey_failedPrecondition_thenKnownFromEarlierAgreement() {
    assertKind(() -> a.book.propose("bravo", proposed(PEER)), Kind.FAILED_PRECONDITION);
    String first = propose().agreementId();
    a.book.terminate(first);
    AgreementRecord second = a.book.propose("bravo", proposed(PEER));
    assertThat(second.terms().getVersion()).isEqualTo(2);
    assertThat(second.terms().getAcceptorPublicKey().toByteArray()).isEqualTo(b.keys.publicKey());
  }

  @Test
  void propose_weSendClassMismatch_invalid() {
    ProposedTerms t =
        proposed(PEER).toBuilder()
            .setWeSend(proposed(PEER).getWeSend().toBuilder().setReceiverClass(POLICE))
            .build();
    assertThatThrownBy(() -> a.book.propose("bravo", t, b.keys.publicKey()))
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
    assertThatThrownBy(() -> a.book.propose("bravo", t, b.keys.publicKey()))
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
        () -> b.book.propose("alpha", proposed(SUPPORT), a.keys.publicKey()),
        Kind.FAILED_PRECONDITION);
  }

  @Test
  void receiveOffer_whileLive_refused() throws Exception {
    activate();
    // B's key on a fresh database, so it can sign a second offer to A.
    try (Side b2 = new Side(dir, "bravo2", 2)) {
      b2.partners.add("alpha", a.keys.nodeId(), "127.0.0.1:7400", PEER);
      AgreementRecord offer = b2.book.propose("alpha", proposed(SUPPORT), a.keys.publicKey());
      assertKind(
          () -> a.book.receiveOffer(b.keys.nodeId(), offer.signed()), Kind.FAILED_PRECONDITION);
    }
  }

  // --- receiveOffer -----------------------------------------------------------------------------

  @Test
  void receiveOffer_idempotentForSameBytes() {
    AgreementRecord offer = propose();
    AgreementRecord first = b.book.receiveOffer(a.keys.nodeId(), offer.signed());
    int events = b.events.size();
    AgreementRecord again = b.book.receiveOffer(a.keys.nodeId(), offer.signed());
    assertThat(again).isEqualTo(first);
    assertThat(b.events).hasSize(events);
    assertThat(b.book.list()).hasSize(1);
  }

  @Test
  void receiveOffer_tamperedTerms_invalid() {
    SignedAgreement s = propose().signed();
    byte[] bytes = s.getTerms().toByteArray();
    bytes[bytes.length - 1] ^= 1; // proposed_at is the last field
    SignedAgreement tampered = s.toBuilder().setTerms(ByteString.copyFrom(bytes)).build();
    assertKind(() -> b.book.receiveOffer(a.keys.nodeId(), tampered), Kind.INVALID_ARGUMENT);
    assertThat(b.book.list()).isEmpty();
  }

  @Test
  void receiveOffer_wrongSignature_invalid() {
    SignedAgreement s = propose().signed();
    // Signed by B over the right bytes: not the proposer's key.
    byte[] sig = b.keys.sign(SigningInput.of("bdx.v1.AgreementTerms", s.getTerms().toByteArray()));
    SignedAgreement forged = s.toBuilder().setProposerSignature(ByteString.copyFrom(sig)).build();
    assertKind(() -> b.book.receiveOffer(a.keys.nodeId(), forged), Kind.INVALID_ARGUMENT);
    // Signed by A under another payload type (domain separation).
    byte[] other = a.keys.sign(SigningInput.ofAlertHeader(s.getTerms().toByteArray()));
    SignedAgreement crossType =
        s.toBuilder().setProposerSignature(ByteString.copyFrom(other)).build();
    assertKind(() -> b.book.receiveOffer(a.keys.nodeId(), crossType), Kind.INVALID_ARGUMENT);
    assertThat(b.book.list()).isEmpty();
  }

  @Test
  void receiveOffer_fromNodeThatIsNotTheProposer_denied() throws Exception {
    SignedAgreement s = propose().signed();
    try (Side c = new Side(dir, "charlie", 3)) {
      b.register(c, PEER);
      assertKind(() -> b.book.receiveOffer(c.keys.nodeId(), s), Kind.PERMISSION_DENIED);
    }
    assertThat(b.book.list()).isEmpty();
  }

  @Test
  void receiveOffer_fromNonPartner_denied() {
    SignedAgreement s = propose().signed();
    b.partners.remove("alpha");
    assertKind(() -> b.book.receiveOffer(a.keys.nodeId(), s), Kind.PERMISSION_DENIED);
  }

  @Test
  void receiveOffer_partnerReceivesAsOtherClass_invalid() throws Exception {
    // A asks to receive as POLICE, but B registered A as PEER.
    SignedAgreement s = a.book.propose("bravo", proposed(POLICE), b.keys.publicKey()).signed();
    assertThatThrownBy(() -> b.book.receiveOffer(a.keys.nodeId(), s))
        .isInstanceOfSatisfying(
            BdxException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.INVALID_ARGUMENT);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "the partner proposes to receive as police but is registered here as peer");
            });
    assertThat(b.book.list()).isEmpty();
  }

  @Test
  void receiveOffer_addressedToAnotherNode_invalid() throws Exception {
    try (Side c = new Side(dir, "charlie", 3)) {
      a.register(c, PEER);
      c.register(a, PEER);
      SignedAgreement toC = a.book.propose("charlie", proposed(PEER), c.keys.publicKey()).signed();
      assertKind(() -> b.book.receiveOffer(a.keys.nodeId(), toC), Kind.INVALID_ARGUMENT);
    }
  }

  @Test
  void receiveOffer_alreadyCountersigned_invalid() {
    AgreementRecord offer = propose();
    SignedAgreement both = SignedAgreements.countersign(b.keys, offer.signed());
    assertKind(() -> b.book.receiveOffer(a.keys.nodeId(), both), Kind.INVALID_ARGUMENT);
  }

  // --- accept and confirm -----------------------------------------------------------------------

  @Test
  void accept_onlyPendingOffersFromThePartner() {
    AgreementRecord offer = propose();
    assertKind(() -> a.book.accept(offer.agreementId()), Kind.FAILED_PRECONDITION);
    assertKind(() -> b.book.accept(offer.agreementId()), Kind.NOT_FOUND);
    assertKind(() -> b.book.accept("not-an-id"), Kind.INVALID_ARGUMENT);
    b.book.receiveOffer(a.keys.nodeId(), offer.signed());
    b.book.accept(offer.agreementId());
    assertKind(() -> b.book.accept(offer.agreementId()), Kind.FAILED_PRECONDITION);
  }

  @Test
  void declinedOffer_cannotBeAccepted() {
    AgreementRecord offer = propose();
    b.book.receiveOffer(a.keys.nodeId(), offer.signed());
    b.book.terminate(offer.agreementId());
    assertKind(() -> b.book.accept(offer.agreementId()), Kind.FAILED_PRECONDITION);
    a.book.receiveStateChange(
        b.keys.nodeId(), offer.agreementId(), AgreementState.AGREEMENT_STATE_TERMINATED);
    assertThat(a.book.get(offer.agreementId()).orElseThrow().state())
        .isEqualTo(AgreementState.AGREEMENT_STATE_TERMINATED);
  }

  @Test
  void confirmation_withReserializedBytes_rejected() {
    AgreementRecord offer = propose();
    AgreementTerms terms = offer.terms();
    // The same message, encoded with proposed_at first: parses equal, different bytes.
    byte[] reordered =
        concat(
            AgreementTerms.newBuilder().setProposedAt(terms.getProposedAt()).build().toByteArray(),
            terms.toBuilder().clearProposedAt().build().toByteArray());
    assertThat(reordered).isNotEqualTo(offer.signed().getTerms().toByteArray());
    assertThat(parse(reordered)).isEqualTo(terms);

    // An acceptor that re-serialized and signed its own bytes.
    SignedAgreement sloppy = withSignatures(reordered, offer.signed().getProposerSignature(), b);
    assertKind(() -> a.book.receiveConfirmation(b.keys.nodeId(), sloppy), Kind.INVALID_ARGUMENT);
    // Even with valid signatures of both over the other bytes: not what A proposed.
    SignedAgreement bothSigned = withSignatures(reordered, sign(a, reordered), b);
    SignedAgreements.verify(bothSigned, true);
    assertThatThrownBy(() -> a.book.receiveConfirmation(b.keys.nodeId(), bothSigned))
        .isInstanceOfSatisfying(
            BdxException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.INVALID_ARGUMENT);
              assertThat(e.getMessage()).contains("byte for byte");
            });
    assertThat(a.book.get(offer.agreementId()).orElseThrow().state())
        .isEqualTo(AgreementState.AGREEMENT_STATE_PROPOSED);
  }

  @Test
  void confirmation_needsTheAcceptorsValidSignature() {
    AgreementRecord offer = propose();
    assertKind(
        () -> a.book.receiveConfirmation(b.keys.nodeId(), offer.signed()), Kind.INVALID_ARGUMENT);
    byte[] bytes = offer.signed().getTerms().toByteArray();
    SignedAgreement wrongSigner =
        offer.signed().toBuilder().setAcceptorSignature(sign(a, bytes)).build();
    assertKind(
        () -> a.book.receiveConfirmation(b.keys.nodeId(), wrongSigner), Kind.INVALID_ARGUMENT);
    assertThat(a.book.outbound()).isEmpty();
  }

  @Test
  void confirmation_fromAnotherPartner_denied() throws Exception {
    AgreementRecord offer = propose();
    SignedAgreement both = SignedAgreements.countersign(b.keys, offer.signed());
    try (Side c = new Side(dir, "charlie", 3)) {
      a.register(c, PEER);
      assertKind(() -> a.book.receiveConfirmation(c.keys.nodeId(), both), Kind.PERMISSION_DENIED);
    }
    assertThat(a.book.get(offer.agreementId()).orElseThrow().state())
        .isEqualTo(AgreementState.AGREEMENT_STATE_PROPOSED);
  }

  @Test
  void confirmation_repeated_isIdempotent_andWithdrawnOfferCannotBeConfirmed() {
    String id = activate();
    int events = a.events.size();
    AgreementRecord accepted = b.book.get(id).orElseThrow();
    a.book.receiveConfirmation(b.keys.nodeId(), accepted.signed());
    assertThat(a.events).hasSize(events);

    a.book.terminate(id);
    assertKind(
        () -> a.book.receiveConfirmation(b.keys.nodeId(), accepted.signed()),
        Kind.FAILED_PRECONDITION);
  }

  @Test
  void confirmation_ofAnOfferTheyMade_refused() {
    AgreementRecord offer = propose();
    b.book.receiveOffer(a.keys.nodeId(), offer.signed());
    SignedAgreement both = SignedAgreements.countersign(b.keys, offer.signed());
    // A (the proposer) sends B a "confirmation" of B's pending copy.
    assertKind(() -> b.book.receiveConfirmation(a.keys.nodeId(), both), Kind.FAILED_PRECONDITION);
  }

  // --- suspend, resume, terminate ---------------------------------------------------------------

  @Test
  void suspendResume_onlyTheSuspenderResumes() {
    String id = activate();
    AgreementRecord s = a.book.suspend(id);
    assertThat(s.state()).isEqualTo(AgreementState.AGREEMENT_STATE_SUSPENDED);
    assertThat(s.suspendedByUs()).isTrue();
    assertThat(a.book.outbound()).isEmpty();
    assertThat(a.book.inbound(b.keys.nodeId())).isEmpty();

    AgreementRecord seen =
        b.book.receiveStateChange(a.keys.nodeId(), id, AgreementState.AGREEMENT_STATE_SUSPENDED);
    assertThat(seen.state()).isEqualTo(AgreementState.AGREEMENT_STATE_SUSPENDED);
    assertThat(seen.suspendedByUs()).isFalse();
    assertThat(b.book.outbound()).isEmpty();
    assertThat(b.book.inbound(a.keys.nodeId())).isEmpty();

    // B may not resume A's suspension, neither locally nor by notice.
    assertKind(() -> b.book.resume(id), Kind.PERMISSION_DENIED);
    assertKind(
        () -> a.book.receiveStateChange(b.keys.nodeId(), id, AgreementState.AGREEMENT_STATE_ACTIVE),
        Kind.PERMISSION_DENIED);
    // Nor suspend again.
    assertKind(() -> b.book.suspend(id), Kind.FAILED_PRECONDITION);
    assertKind(() -> a.book.suspend(id), Kind.FAILED_PRECONDITION);
    // A repeated notice is harmless.
    b.book.receiveStateChange(a.keys.nodeId(), id, AgreementState.AGREEMENT_STATE_SUSPENDED);

    AgreementRecord resumed = a.book.resume(id);
    assertThat(resumed.state()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
    assertThat(resumed.suspendedByUs()).isFalse();
    b.book.receiveStateChange(a.keys.nodeId(), id, AgreementState.AGREEMENT_STATE_ACTIVE);
    assertThat(a.book.outbound(b.keys.nodeId())).isPresent();
    assertThat(b.book.inbound(a.keys.nodeId())).isPresent();
    assertKind(() -> a.book.resume(id), Kind.FAILED_PRECONDITION);
  }

  @Test
  void suspend_onlyActive() {
    AgreementRecord offer = propose();
    assertKind(() -> a.book.suspend(offer.agreementId()), Kind.FAILED_PRECONDITION);
    assertKind(() -> a.book.resume(offer.agreementId()), Kind.FAILED_PRECONDITION);
    b.book.receiveOffer(a.keys.nodeId(), offer.signed());
    assertKind(
        () ->
            b.book.receiveStateChange(
                a.keys.nodeId(), offer.agreementId(), AgreementState.AGREEMENT_STATE_SUSPENDED),
        Kind.FAILED_PRECONDITION);
    // A pending agreement becomes active only by a signed confirmation.
    assertKind(
        () ->
            a.book.receiveStateChange(
                b.keys.nodeId(), offer.agreementId(), AgreementState.AGREEMENT_STATE_ACTIVE),
        Kind.FAILED_PRECONDITION);
  }

  @Test
  void terminate_isFinal_andDropsGrants() {
    String id = activate();
    a.book.suspend(id);
    AgreementRecord t = a.book.terminate(id);
    assertThat(t.state()).isEqualTo(AgreementState.AGREEMENT_STATE_TERMINATED);
    assertThat(a.book.outbound()).isEmpty();
    assertThat(a.book.inbound(b.keys.nodeId())).isEmpty();
    b.book.receiveStateChange(a.keys.nodeId(), id, AgreementState.AGREEMENT_STATE_TERMINATED);
    assertThat(b.book.outbound()).isEmpty();
    assertThat(b.book.inbound(a.keys.nodeId())).isEmpty();

    assertKind(() -> a.book.terminate(id), Kind.FAILED_PRECONDITION);
    assertKind(() -> a.book.resume(id), Kind.FAILED_PRECONDITION);
    assertKind(() -> a.book.suspend(id), Kind.FAILED_PRECONDITION);
    for (AgreementState s :
        List.of(AgreementState.AGREEMENT_STATE_ACTIVE, AgreementState.AGREEMENT_STATE_SUSPENDED)) {
      assertKind(() -> b.book.receiveStateChange(a.keys.nodeId(), id, s), Kind.FAILED_PRECONDITION);
    }
    // A repeated termination notice is harmless.
    b.book.receiveStateChange(a.keys.nodeId(), id, AgreementState.AGREEMENT_STATE_TERMINATED);

    // A new agreement may follow.
    AgreementRecord next = propose();
    assertThat(next.terms().getVersion()).isEqualTo(2);
    assertThat(a.book.latestWith(b.keys.nodeId()).orElseThrow().agreementId())
        .isEqualTo(next.agreementId());
  }

  @Test
  void stateNotice_onlyFromTheAgreementsPartner() throws Exception {
    String id = activate();
    try (Side c = new Side(dir, "charlie", 3)) {
      b.register(c, PEER);
      assertKind(
          () ->
              b.book.receiveStateChange(
                  c.keys.nodeId(), id, AgreementState.AGREEMENT_STATE_TERMINATED),
          Kind.PERMISSION_DENIED);
      assertKind(
          () ->
              a.book.receiveStateChange(
                  c.keys.nodeId(), id, AgreementState.AGREEMENT_STATE_TERMINATED),
          Kind.PERMISSION_DENIED); // not even a partner of A
    }
    assertKind(
        () ->
            b.book.receiveStateChange(a.keys.nodeId(), id, AgreementState.AGREEMENT_STATE_PROPOSED),
        Kind.INVALID_ARGUMENT);
    assertKind(
        () -> b.book.receiveStateChange(a.keys.nodeId(), id, AgreementState.UNRECOGNIZED),
        Kind.INVALID_ARGUMENT);
    assertKind(
        () ->
            b.book.receiveStateChange(
                a.keys.nodeId(),
                "aaaaaaaaaaaaaaaaaaaaaaaaaa",
                AgreementState.AGREEMENT_STATE_TERMINATED),
        Kind.NOT_FOUND);
    assertThat(b.book.get(id).orElseThrow().state())
        .isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
  }

  // --- listeners --------------------------------------------------------------------------------

  @Test
  void listener_firesAfterCommit_onEveryChange_only() {
    List<AgreementState> seenInDb = new ArrayList<>();
    a.book.addListener(r -> seenInDb.add(stateFromFreshBook(r.agreementId())));
    a.book.addListener(
        r -> {
          throw new IllegalStateException("a broken listener");
        });
    String id = activate();
    a.book.suspend(id);
    assertKind(() -> a.book.suspend(id), Kind.FAILED_PRECONDITION);
    a.book.resume(id);
    a.book.terminate(id);

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
        new AgreementBook(
            a.db,
            a.keys,
            a.partners,
            Clock.fixed(AgreementFixtures.T0, ZoneOffset.UTC),
            new SecureRandom());
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try {
      return reader.submit(() -> other.get(id).orElseThrow().state()).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the listener ran before the change was committed", e);
    } finally {
      reader.shutdownNow();
    }
  }

  private static ByteString sign(Side s, byte[] terms) {
    return ByteString.copyFrom(s.keys.sign(SigningInput.of("bdx.v1.AgreementTerms", terms)));
  }

  private static SignedAgreement withSignatures(
      byte[] terms, ByteString proposerSig, Side acceptor) {
    return SignedAgreement.newBuilder()
        .setTerms(ByteString.copyFrom(terms))
        .setProposerSignature(proposerSig)
        .setAcceptorSignature(sign(acceptor, terms))
        .build();
  }

  private static AgreementTerms parse(byte[] bytes) {
    try {
      return AgreementTerms.parseFrom(bytes);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] concat(byte[] x, byte[] y) {
    byte[] out = new byte[x.length + y.length];
    System.arraycopy(x, 0, out, 0, x.length);
    System.arraycopy(y, 0, out, x.length, y.length);
    return out;
  }
}
