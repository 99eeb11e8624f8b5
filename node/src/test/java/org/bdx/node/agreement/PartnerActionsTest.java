package org.bdx.node.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bdx.node.agreement.AgreementFixtures.proposed;

import com.google.protobuf.ByteString;
import org.bdx.node.agreement.AgreementFixtures.Side;
import org.bdx.node.error.BdxException;
import org.bdx.node.error.BdxException.Kind;
import org.bdx.node.signing.SigningInput;
import org.bdx.node.store.AgreementRecord;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.SignedAgreement;
import org.junit.jupiter.api.Test;

/**
 * What a partner sends: offers, confirmations and state notices, checked before anything changes.
 */
class PartnerActionsTest extends TwoNodes {
  @Test
  void receiveOffer_whileLive_refused() throws Exception {
    activate();
    // B's key on a fresh database, so it can sign a second offer to A.
    try (Side b2 = new Side(dir, "bravo2", 2)) {
      b2.partners.add("alpha", a.keys.nodeId(), "127.0.0.1:7400", PEER);
      AgreementRecord offer =
          b2.coordinator.propose("alpha", proposed(SUPPORT), a.keys.publicKey());
      assertKind(
          () -> a.partnerActions.receiveOffer(b.keys.nodeId(), offer.signed()),
          Kind.FAILED_PRECONDITION);
    }
  }

  @Test
  void receiveOffer_idempotentForSameBytes() {
    AgreementRecord offer = propose();
    AgreementRecord first = b.partnerActions.receiveOffer(a.keys.nodeId(), offer.signed());
    int events = b.events.size();
    AgreementRecord again = b.partnerActions.receiveOffer(a.keys.nodeId(), offer.signed());
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
    assertKind(
        () -> b.partnerActions.receiveOffer(a.keys.nodeId(), tampered), Kind.INVALID_ARGUMENT);
    assertThat(b.book.list()).isEmpty();
  }

  @Test
  void receiveOffer_wrongSignature_invalid() {
    SignedAgreement s = propose().signed();
    // Signed by B over the right bytes: not the proposer's key.
    byte[] sig = b.keys.sign(SigningInput.of("bdx.v1.AgreementTerms", s.getTerms().toByteArray()));
    SignedAgreement forged = s.toBuilder().setProposerSignature(ByteString.copyFrom(sig)).build();
    assertKind(() -> b.partnerActions.receiveOffer(a.keys.nodeId(), forged), Kind.INVALID_ARGUMENT);
    // Signed by A under another payload type (domain separation).
    byte[] other = a.keys.sign(SigningInput.ofAlertHeader(s.getTerms().toByteArray()));
    SignedAgreement crossType =
        s.toBuilder().setProposerSignature(ByteString.copyFrom(other)).build();
    assertKind(
        () -> b.partnerActions.receiveOffer(a.keys.nodeId(), crossType), Kind.INVALID_ARGUMENT);
    assertThat(b.book.list()).isEmpty();
  }

  @Test
  void receiveOffer_fromNodeThatIsNotTheProposer_denied() throws Exception {
    SignedAgreement s = propose().signed();
    try (Side c = new Side(dir, "charlie", 3)) {
      b.register(c, PEER);
      assertKind(() -> b.partnerActions.receiveOffer(c.keys.nodeId(), s), Kind.PERMISSION_DENIED);
    }
    assertThat(b.book.list()).isEmpty();
  }

  @Test
  void receiveOffer_fromNonPartner_denied() {
    SignedAgreement s = propose().signed();
    b.partners.remove("alpha");
    assertKind(() -> b.partnerActions.receiveOffer(a.keys.nodeId(), s), Kind.PERMISSION_DENIED);
  }

  @Test
  void receiveOffer_partnerReceivesAsOtherClass_invalid() throws Exception {
    // A asks to receive as POLICE, but B registered A as PEER.
    SignedAgreement s =
        a.coordinator.propose("bravo", proposed(POLICE), b.keys.publicKey()).signed();
    assertThatThrownBy(() -> b.partnerActions.receiveOffer(a.keys.nodeId(), s))
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
      SignedAgreement toC =
          a.coordinator.propose("charlie", proposed(PEER), c.keys.publicKey()).signed();
      assertKind(() -> b.partnerActions.receiveOffer(a.keys.nodeId(), toC), Kind.INVALID_ARGUMENT);
    }
  }

  @Test
  void receiveOffer_alreadyCountersigned_invalid() {
    AgreementRecord offer = propose();
    SignedAgreement both = SignedAgreements.countersign(b.keys, offer.signed());
    assertKind(() -> b.partnerActions.receiveOffer(a.keys.nodeId(), both), Kind.INVALID_ARGUMENT);
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
    assertKind(
        () -> a.partnerActions.receiveConfirmation(b.keys.nodeId(), sloppy), Kind.INVALID_ARGUMENT);
    // Even with valid signatures of both over the other bytes: not what A proposed.
    SignedAgreement bothSigned = withSignatures(reordered, sign(a, reordered), b);
    SignedAgreements.verify(bothSigned, true);
    assertThatThrownBy(() -> a.partnerActions.receiveConfirmation(b.keys.nodeId(), bothSigned))
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
        () -> a.partnerActions.receiveConfirmation(b.keys.nodeId(), offer.signed()),
        Kind.INVALID_ARGUMENT);
    byte[] bytes = offer.signed().getTerms().toByteArray();
    SignedAgreement wrongSigner =
        offer.signed().toBuilder().setAcceptorSignature(sign(a, bytes)).build();
    assertKind(
        () -> a.partnerActions.receiveConfirmation(b.keys.nodeId(), wrongSigner),
        Kind.INVALID_ARGUMENT);
    assertThat(a.grants.outbound()).isEmpty();
  }

  @Test
  void confirmation_fromAnotherPartner_denied() throws Exception {
    AgreementRecord offer = propose();
    SignedAgreement both = SignedAgreements.countersign(b.keys, offer.signed());
    try (Side c = new Side(dir, "charlie", 3)) {
      a.register(c, PEER);
      assertKind(
          () -> a.partnerActions.receiveConfirmation(c.keys.nodeId(), both),
          Kind.PERMISSION_DENIED);
    }
    assertThat(a.book.get(offer.agreementId()).orElseThrow().state())
        .isEqualTo(AgreementState.AGREEMENT_STATE_PROPOSED);
  }

  @Test
  void confirmation_repeated_isIdempotent_andWithdrawnOfferCannotBeConfirmed() {
    String id = activate();
    int events = a.events.size();
    AgreementRecord accepted = b.book.get(id).orElseThrow();
    a.partnerActions.receiveConfirmation(b.keys.nodeId(), accepted.signed());
    assertThat(a.events).hasSize(events);

    a.coordinator.terminate(id);
    assertKind(
        () -> a.partnerActions.receiveConfirmation(b.keys.nodeId(), accepted.signed()),
        Kind.FAILED_PRECONDITION);
  }

  @Test
  void confirmation_ofAnOfferTheyMade_refused() {
    AgreementRecord offer = propose();
    b.partnerActions.receiveOffer(a.keys.nodeId(), offer.signed());
    SignedAgreement both = SignedAgreements.countersign(b.keys, offer.signed());
    // A (the proposer) sends B a "confirmation" of B's pending copy.
    assertKind(
        () -> b.partnerActions.receiveConfirmation(a.keys.nodeId(), both),
        Kind.FAILED_PRECONDITION);
  }

  @Test
  void stateNotice_onlyFromTheAgreementsPartner() throws Exception {
    String id = activate();
    try (Side c = new Side(dir, "charlie", 3)) {
      b.register(c, PEER);
      assertKind(
          () ->
              b.partnerActions.receiveStateChange(
                  c.keys.nodeId(), id, AgreementState.AGREEMENT_STATE_TERMINATED),
          Kind.PERMISSION_DENIED);
      assertKind(
          () ->
              a.partnerActions.receiveStateChange(
                  c.keys.nodeId(), id, AgreementState.AGREEMENT_STATE_TERMINATED),
          Kind.PERMISSION_DENIED); // not even a partner of A
    }
    assertKind(
        () ->
            b.partnerActions.receiveStateChange(
                a.keys.nodeId(), id, AgreementState.AGREEMENT_STATE_PROPOSED),
        Kind.INVALID_ARGUMENT);
    assertKind(
        () -> b.partnerActions.receiveStateChange(a.keys.nodeId(), id, AgreementState.UNRECOGNIZED),
        Kind.INVALID_ARGUMENT);
    assertKind(
        () ->
            b.partnerActions.receiveStateChange(
                a.keys.nodeId(),
                "aaaaaaaaaaaaaaaaaaaaaaaaaa",
                AgreementState.AGREEMENT_STATE_TERMINATED),
        Kind.NOT_FOUND);
    assertThat(b.book.get(id).orElseThrow().state())
        .isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
  }

  // --- helpers ----------------------------------------------------------------------------------

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
