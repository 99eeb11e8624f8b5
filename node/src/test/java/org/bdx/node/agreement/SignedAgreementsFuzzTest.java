package org.bdx.node.agreement;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.List;
import org.bdx.node.error.BdxException;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.SignedAgreement;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@link SignedAgreements#verify} (spec AGR-5) with hostile bytes, as a partner's {@code
 * OfferAgreement} or {@code ConfirmAgreement} would carry them.
 *
 * <p>Invariants: parsing fails only with {@link InvalidProtocolBufferException}; verification fails
 * only with {@link BdxException} of kind INVALID_ARGUMENT (never a crash, which the federation API
 * would answer with INTERNAL); whatever verifies carries the exact terms bytes and signatures of a
 * known-good agreement (no forged acceptance).
 *
 * <p>Regression mode replays {@code src/test/resources/org/bdx/node/agreement/
 * SignedAgreementsFuzzTestInputs/}; to fuzz: {@code JAZZER_FUZZ=1 ./mvnw -pl node test
 * -Dtest=SignedAgreementsFuzzTest#verifyArbitraryBytes}.
 */
class SignedAgreementsFuzzTest {
  /** A proposal by A to B and the same agreement countersigned (Ed25519 is deterministic). */
  static final SignedAgreement PROPOSED =
      SignedAgreements.propose(SignedAgreementsTest.A, AgreementTermsValidatorTest.valid().build());

  static final SignedAgreement COUNTERSIGNED =
      SignedAgreements.countersign(SignedAgreementsTest.B, PROPOSED);

  private static final List<SignedAgreement> KNOWN_GOOD = List.of(PROPOSED, COUNTERSIGNED);

  @FuzzTest(maxDuration = "5m")
  void verifyArbitraryBytes(byte[] data) {
    SignedAgreement s;
    try {
      s = SignedAgreement.parseFrom(data);
    } catch (InvalidProtocolBufferException e) {
      return;
    }
    check(s);
  }

  /** A known-good agreement with bytes flipped, deleted or inserted; unedited, it verifies. */
  @FuzzTest(maxDuration = "5m")
  void verifyEditedAgreement(FuzzedDataProvider data) {
    SignedAgreement base = KNOWN_GOOD.get(data.consumeInt(0, KNOWN_GOOD.size() - 1));
    byte[] bytes = base.toByteArray();
    int edits = data.consumeInt(0, 8);
    for (int i = 0; i < edits && bytes.length > 0; i++) {
      int at = data.consumeInt(0, bytes.length - 1);
      switch (data.consumeInt(0, 2)) {
        case 0 -> bytes[at] ^= (byte) data.consumeInt(1, 255);
        case 1 -> {
          byte[] out = new byte[bytes.length - 1];
          System.arraycopy(bytes, 0, out, 0, at);
          System.arraycopy(bytes, at + 1, out, at, bytes.length - at - 1);
          bytes = out;
        }
        default -> {
          byte[] out = new byte[bytes.length + 1];
          System.arraycopy(bytes, 0, out, 0, at);
          out[at] = data.consumeByte();
          System.arraycopy(bytes, at, out, at + 1, bytes.length - at);
          bytes = out;
        }
      }
    }
    SignedAgreement s;
    try {
      s = SignedAgreement.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      return;
    }
    AgreementTerms verified = check(s);
    if (edits == 0) {
      assertThat(verified).as("an unedited known-good agreement verifies").isNotNull();
    }
  }

  @Test
  void knownGood_verify() {
    assertThat(SignedAgreements.verify(PROPOSED, false)).isNotNull();
    assertThat(SignedAgreements.verify(COUNTERSIGNED, true)).isNotNull();
  }

  /** Verifies as an offer and as a confirmation; returns the terms if the offer form verified. */
  private static AgreementTerms check(SignedAgreement s) {
    AgreementTerms asOffer = verifyOrNull(s, false);
    AgreementTerms asConfirmation = verifyOrNull(s, true);
    if (asConfirmation != null && asOffer == null) {
      throw new AssertionError("verified with both signatures but not with one");
    }
    if (asOffer != null) {
      assertGenuine(s);
    }
    return asOffer;
  }

  private static AgreementTerms verifyOrNull(SignedAgreement s, boolean requireBoth) {
    try {
      return SignedAgreements.verify(s, requireBoth);
    } catch (BdxException e) {
      if (e.kind() != BdxException.Kind.INVALID_ARGUMENT) {
        throw new AssertionError("verification failed with " + e.kind(), e);
      }
      return null;
    }
  }

  private static void assertGenuine(SignedAgreement s) {
    if (!s.getTerms().equals(PROPOSED.getTerms())
        || !s.getProposerSignature().equals(PROPOSED.getProposerSignature())) {
      throw new AssertionError("terms or a proposer signature that nobody made were accepted");
    }
    if (!s.getAcceptorSignature().isEmpty()
        && !s.getAcceptorSignature().equals(COUNTERSIGNED.getAcceptorSignature())) {
      throw new AssertionError("an acceptor signature that nobody made was accepted");
    }
  }
}
