package org.bdx.node.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import org.bdx.node.error.BdxException;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.signing.SigningInput;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.SignedAgreement;
import org.junit.jupiter.api.Test;

class SignedAgreementsTest {
  static final NodeKeys A = AgreementTermsValidatorTest.A;
  static final NodeKeys B = AgreementTermsValidatorTest.B;
  static final NodeKeys C = AgreementFixtures.keys(3);

  static AgreementTerms terms() {
    return AgreementTermsValidatorTest.valid().build();
  }

  static void assertInvalid(Runnable call, String fragment) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            BdxException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(BdxException.Kind.INVALID_ARGUMENT);
              assertThat(e.getMessage()).contains(fragment);
            });
  }

  static ByteString sign(NodeKeys k, ByteString terms) {
    return ByteString.copyFrom(
        k.sign(SigningInput.of(SigningInput.AGREEMENT_TERMS_TYPE, terms.toByteArray())));
  }

  @Test
  void proposeCountersignVerify_roundTrip_overTheSameBytes() {
    SignedAgreement proposed = SignedAgreements.propose(A, terms());
    assertThat(proposed.getTerms()).isEqualTo(terms().toByteString());
    assertThat(SignedAgreements.verify(proposed, false)).isEqualTo(terms());
    assertInvalid(() -> SignedAgreements.verify(proposed, true), "acceptor's signature is missing");

    SignedAgreement both = SignedAgreements.countersign(B, proposed);
    assertThat(both.getTerms()).isEqualTo(proposed.getTerms());
    assertThat(both.getProposerSignature()).isEqualTo(proposed.getProposerSignature());
    assertThat(SignedAgreements.verify(both, true)).isEqualTo(terms());
    assertThat(
            NodeKeys.verify(
                B.publicKey(),
                SigningInput.of("bdx.v1.AgreementTerms", proposed.getTerms().toByteArray()),
                both.getAcceptorSignature().toByteArray()))
        .isTrue();
  }

  @Test
  void countersign_keepsNonCanonicalBytes() {
    AgreementTerms t = terms();
    ByteString reordered =
        AgreementTerms.newBuilder()
            .setProposedAt(t.getProposedAt())
            .build()
            .toByteString()
            .concat(t.toBuilder().clearProposedAt().build().toByteString());
    assertThat(reordered).isNotEqualTo(t.toByteString());
    SignedAgreement proposed =
        SignedAgreement.newBuilder()
            .setTerms(reordered)
            .setProposerSignature(sign(A, reordered))
            .build();
    SignedAgreement both = SignedAgreements.countersign(B, proposed);
    assertThat(both.getTerms()).isEqualTo(reordered);
    assertThat(SignedAgreements.verify(both, true)).isEqualTo(t);
  }

  @Test
  void propose_checksTermsAndProposer() {
    assertInvalid(() -> SignedAgreements.propose(B, terms()), "another node as proposer");
    assertInvalid(
        () -> SignedAgreements.propose(A, terms().toBuilder().setVersion(0).build()), "version");
  }

  @Test
  void countersign_byAnotherNode_orTwice_refused() {
    SignedAgreement proposed = SignedAgreements.propose(A, terms());
    assertInvalid(() -> SignedAgreements.countersign(C, proposed), "another node as acceptor");
    SignedAgreement both = SignedAgreements.countersign(B, proposed);
    assertInvalid(() -> SignedAgreements.countersign(B, both), "already countersigned");
  }

  @Test
  void verify_rejectsTamperingAndForgery() {
    SignedAgreement both = SignedAgreements.countersign(B, SignedAgreements.propose(A, terms()));
    byte[] bytes = both.getTerms().toByteArray();
    bytes[bytes.length - 1] ^= 1;
    assertInvalid(
        () ->
            SignedAgreements.verify(
                both.toBuilder().setTerms(ByteString.copyFrom(bytes)).build(), false),
        "proposer's signature does not verify");
    assertInvalid(
        () ->
            SignedAgreements.verify(
                both.toBuilder().setAcceptorSignature(sign(C, both.getTerms())).build(), false),
        "acceptor's signature does not verify");
    assertInvalid(
        () ->
            SignedAgreements.verify(
                both.toBuilder().setProposerSignature(sign(B, both.getTerms())).build(), true),
        "proposer's signature does not verify");
    // The right key under another payload type.
    ByteString asHeader =
        ByteString.copyFrom(A.sign(SigningInput.ofAlertHeader(both.getTerms().toByteArray())));
    assertInvalid(
        () ->
            SignedAgreements.verify(both.toBuilder().setProposerSignature(asHeader).build(), true),
        "proposer's signature does not verify");
    // Wrong lengths.
    assertInvalid(
        () ->
            SignedAgreements.verify(
                both.toBuilder().setProposerSignature(ByteString.copyFrom(new byte[63])).build(),
                true),
        "64 bytes");
    assertInvalid(
        () ->
            SignedAgreements.verify(
                both.toBuilder().setAcceptorSignature(ByteString.copyFrom(new byte[65])).build(),
                true),
        "64 bytes");
    // A key that does not belong to the id (signed correctly by that other key).
    AgreementTerms swapped =
        terms().toBuilder().setProposerPublicKey(ByteString.copyFrom(C.publicKey())).build();
    SignedAgreement byC =
        SignedAgreement.newBuilder()
            .setTerms(swapped.toByteString())
            .setProposerSignature(sign(C, swapped.toByteString()))
            .build();
    assertInvalid(() -> SignedAgreements.verify(byC, false), "not the id of the proposer's");
  }

  @Test
  void verify_rejectsUnknownFields_oversize_garbage_andEmpty() {
    AgreementTerms withUnknown =
        terms().toBuilder()
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                    .build())
            .build();
    ByteString t = withUnknown.toByteString();
    SignedAgreement s =
        SignedAgreement.newBuilder().setTerms(t).setProposerSignature(sign(A, t)).build();
    assertInvalid(() -> SignedAgreements.verify(s, false), "unknown to bdx.v1");

    AgreementTerms nestedUnknown =
        terms().toBuilder()
            .setAcceptorToProposer(
                terms().getAcceptorToProposer().toBuilder()
                    .setUnknownFields(
                        UnknownFieldSet.newBuilder()
                            .addField(77, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                            .build()))
            .build();
    ByteString n = nestedUnknown.toByteString();
    assertInvalid(
        () ->
            SignedAgreements.verify(
                SignedAgreement.newBuilder().setTerms(n).setProposerSignature(sign(A, n)).build(),
                false),
        "unknown to bdx.v1");

    SignedAgreement envelopeUnknown =
        SignedAgreements.propose(A, terms()).toBuilder()
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(9, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                    .build())
            .build();
    assertInvalid(() -> SignedAgreements.verify(envelopeUnknown, false), "unknown fields");

    AgreementTerms.Builder big = terms().toBuilder();
    big.setProposerToAcceptor(
        big.getProposerToAcceptor().toBuilder().addAreas("a".repeat(16 * 1024)));
    ByteString bigBytes = big.build().toByteString();
    assertInvalid(
        () ->
            SignedAgreements.verify(
                SignedAgreement.newBuilder()
                    .setTerms(bigBytes)
                    .setProposerSignature(sign(A, bigBytes))
                    .build(),
                false),
        "exceed");

    ByteString garbage = ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff, 0x01});
    assertInvalid(
        () ->
            SignedAgreements.verify(
                SignedAgreement.newBuilder()
                    .setTerms(garbage)
                    .setProposerSignature(sign(A, garbage))
                    .build(),
                false),
        "do not parse");
    assertInvalid(
        () -> SignedAgreements.verify(SignedAgreement.getDefaultInstance(), false), "no terms");
  }

  @Test
  void verify_validatesTermsAfterSignatures() {
    AgreementTerms invalid = terms().toBuilder().setVersion(0).build();
    ByteString t = invalid.toByteString();
    assertInvalid(
        () ->
            SignedAgreements.verify(
                SignedAgreement.newBuilder().setTerms(t).setProposerSignature(sign(A, t)).build(),
                false),
        "version: must be");
  }
}
