package org.bdx.node.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Disclosure;
import org.bdx.proto.v1.SignedAlert;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AlertVerifierTest {
  private final NegativeCases cases = new NegativeCases();
  private final NodeKeys origin = cases.origin;
  private final SignedAlert valid = cases.valid;
  private final AlertVerifier verifier = new AlertVerifier();

  private VerificationException.Reason reasonOf(SignedAlert e) {
    return reasonOf(e, null);
  }

  private VerificationException.Reason reasonOf(SignedAlert e, NodeId expected) {
    VerificationException ex =
        catchThrowableOfType(VerificationException.class, () -> verifier.verify(e, expected));
    assertThat(ex).as("verification must fail").isNotNull();
    return ex.reason();
  }

  @Test
  @DisplayName("SIG-7: sign -> verify roundtrip exposes every field")
  void verify_roundtrip_returnsAllFields() throws Exception {
    VerifiedAlert v = verifier.verify(valid);
    assertThat(v.fields()).isEqualTo(Fixtures.twelveFields());
    assertThat(v.disclosedPaths()).hasSize(12);
    assertThat(v.originNodeId()).isEqualTo(origin.nodeId());
    assertThat(v.alertId()).isEqualTo(cases.alertId);
    assertThat(v.version()).isEqualTo(1);
    assertThat(v.status()).isEqualTo(AlertStatus.ALERT_STATUS_ACTIVE);
    assertThat(v.envelope()).isEqualTo(valid);
    assertThat(verifier.verify(valid, origin.nodeId()).alertId()).isEqualTo(cases.alertId);
  }

  @Test
  @DisplayName("SIG-7.6: modified header byte -> BAD_SIGNATURE")
  void verify_modifiedHeader_throws() {
    byte[] h = valid.getHeader().toByteArray();
    for (int i : new int[] {h.length - 1, h.length - 20, 60}) {
      byte[] t = h.clone();
      t[i] ^= 0x40;
      reasonOf(NegativeCases.withHeaderBytes(valid, t)); // fails, whichever check catches it
    }
    byte[] t = h.clone();
    t[t.length - 1] ^= 1;
    assertThat(reasonOf(NegativeCases.withHeaderBytes(valid, t)))
        .isEqualTo(VerificationException.Reason.BAD_SIGNATURE);
  }

  @Test
  @DisplayName("SIG-7.6: modified signature -> BAD_SIGNATURE")
  void verify_modifiedSignature_throws() {
    for (int i = 0; i < 64; i += 7) {
      byte[] s = valid.getSignature().toByteArray();
      s[i] ^= 0x01;
      assertThat(reasonOf(valid.toBuilder().setSignature(ByteString.copyFrom(s)).build()))
          .isEqualTo(VerificationException.Reason.BAD_SIGNATURE);
    }
  }

  @Test
  @DisplayName("SIG-7.10: altered claim bytes -> DIGEST_NOT_IN_HEADER")
  void verify_modifiedFieldValue_throws() {
    Disclosure phone = NegativeCases.find(valid, "phone_numbers");
    byte[] claim =
        NegativeCases.claim(
            "phone_numbers", AlertFields.newBuilder().addPhoneNumbers("+16045550124").build());
    SignedAlert t =
        NegativeCases.replaceDisclosure(
            valid, phone, NegativeCases.disclosure(phone.getSalt().toByteArray(), claim));
    assertThat(reasonOf(t)).isEqualTo(VerificationException.Reason.DIGEST_NOT_IN_HEADER);
    // a changed salt is as bad as a changed value
    byte[] salt = phone.getSalt().toByteArray();
    salt[0] ^= 1;
    SignedAlert s =
        NegativeCases.replaceDisclosure(
            valid, phone, NegativeCases.disclosure(salt, phone.getClaim().toByteArray()));
    assertThat(reasonOf(s)).isEqualTo(VerificationException.Reason.DIGEST_NOT_IN_HEADER);
  }

  @Test
  @DisplayName("SIG-7.4: origin key swapped for another node's key -> ORIGIN_ID_MISMATCH")
  void verify_originKeySwapped_throwsIdMismatch() {
    AlertHeader h =
        NegativeCases.parse(valid.getHeader()).toBuilder()
            .setOriginPublicKey(ByteString.copyFrom(cases.other.publicKey()))
            .build();
    assertThat(reasonOf(NegativeCases.withHeaderBytes(valid, h.toByteArray())))
        .isEqualTo(VerificationException.Reason.ORIGIN_ID_MISMATCH);
  }

  @Test
  @DisplayName("SIG-7.6: id+key swapped consistently, signature from another key -> BAD_SIGNATURE")
  void verify_wrongKeyConsistentId_throwsBadSignature() {
    AlertHeader h =
        NegativeCases.parse(valid.getHeader()).toBuilder()
            .setOriginNodeId(cases.other.nodeId().value())
            .setOriginPublicKey(ByteString.copyFrom(cases.other.publicKey()))
            .build();
    SignedAlert forged =
        AlertSigner.signHeader(origin, h.toByteArray(), valid.getDisclosuresList());
    assertThat(reasonOf(forged)).isEqualTo(VerificationException.Reason.BAD_SIGNATURE);
    // and the same header signed by the right key verifies
    SignedAlert honest =
        AlertSigner.signHeader(cases.other, h.toByteArray(), valid.getDisclosuresList());
    assertThat(catchThrowableOfType(VerificationException.class, () -> verifier.verify(honest)))
        .isNull();
  }

  @Test
  @DisplayName("SIG-7.5: expected origin differs -> UNEXPECTED_ORIGIN")
  void verify_unexpectedOrigin_throws() {
    assertThat(reasonOf(valid, cases.other.nodeId()))
        .isEqualTo(VerificationException.Reason.UNEXPECTED_ORIGIN);
  }

  @Test
  @DisplayName("SIG-8: a subset of disclosures verifies and exposes only those paths")
  void verify_subsetOfDisclosures_exposesOnlyThosePaths() throws Exception {
    SignedAlert subset =
        Disclosures.select(valid, Set.of("area", "harms", "severity", "no_such_path"));
    assertThat(subset.getHeader()).isEqualTo(valid.getHeader());
    assertThat(subset.getSignature()).isEqualTo(valid.getSignature());
    VerifiedAlert v = verifier.verify(subset);
    assertThat(v.disclosedPaths()).containsExactly("area", "harms", "severity");
    assertThat(v.fields())
        .isEqualTo(
            AlertFields.newBuilder()
                .setArea(Fixtures.twelveFields().getArea())
                .addAllHarms(Fixtures.twelveFields().getHarmsList())
                .setSeverity(Fixtures.twelveFields().getSeverity())
                .build());
    assertThat(subset.toByteString().toStringUtf8()).doesNotContain("+16045550123");
    SignedAlert none = Disclosures.select(valid, Set.of());
    assertThat(verifier.verify(none).disclosedPaths()).isEmpty();
  }

  @Test
  @DisplayName(
      "SIG-7.10: an extra disclosure the header does not commit to -> DIGEST_NOT_IN_HEADER")
  void verify_extraDisclosure_throws() {
    SignedAlert extra =
        valid.toBuilder()
            .addDisclosures(
                NegativeCases.disclosure(
                    new byte[16],
                    NegativeCases.claim(
                        "online_handles", AlertFields.newBuilder().addOnlineHandles("@x").build())))
            .build();
    assertThat(reasonOf(extra)).isEqualTo(VerificationException.Reason.DIGEST_NOT_IN_HEADER);
  }

  @Test
  @DisplayName("SIG-7.10: the same path disclosed twice -> DUPLICATE_PATH")
  void verify_duplicatePath_throws() {
    Disclosure a =
        NegativeCases.disclosure(
            cases.salt(),
            NegativeCases.claim("area", AlertFields.newBuilder().setArea("Strathcona").build()));
    Disclosure b =
        NegativeCases.disclosure(
            cases.salt(),
            NegativeCases.claim("area", AlertFields.newBuilder().setArea("Gastown").build()));
    assertThat(reasonOf(cases.committing(List.of(a, b), List.of(a, b))))
        .isEqualTo(VerificationException.Reason.DUPLICATE_PATH);
    assertThat(reasonOf(valid.toBuilder().addDisclosures(valid.getDisclosures(0)).build()))
        .isEqualTo(VerificationException.Reason.DUPLICATE_PATH);
  }

  @Test
  @DisplayName(
      "SIG-7.10: a claim value sets exactly its path's field, for singular and repeated,"
          + " enum and string fields")
  void verify_claimValueShapes_acceptOnlyExactlyThePathsField() throws Exception {
    // Accepted: one field set, whatever its kind.
    for (AlertFields ok :
        List.of(
            AlertFields.newBuilder().setSeverityValue(3).build(),
            AlertFields.newBuilder().addHarmsValue(1).addHarmsValue(2).build(),
            AlertFields.newBuilder().addLanguages("en").addLanguages("fr").build(),
            AlertFields.newBuilder().setArea("Strathcona").build())) {
      String path = ok.getAllFields().keySet().iterator().next().getName();
      Disclosure d = NegativeCases.disclosure(cases.salt(), NegativeCases.claim(path, ok));
      VerifiedAlert v = verifier.verify(cases.committing(List.of(d), List.of(d)));
      assertThat(v.fields()).as(path).isEqualTo(ok);
      assertThat(v.disclosedPaths()).containsExactly(path);
    }
    // Refused: the path's field and another; another field only; an unknown singular enum number.
    record Refused(String path, AlertFields value, VerificationException.Reason reason) {}
    for (Refused r :
        List.of(
            new Refused(
                "severity",
                AlertFields.newBuilder().setSeverityValue(3).addLanguages("en").build(),
                VerificationException.Reason.CLAIM_VALUE_MISMATCH),
            new Refused(
                "languages",
                AlertFields.newBuilder().setSeverityValue(3).build(),
                VerificationException.Reason.CLAIM_VALUE_MISMATCH),
            new Refused(
                "severity",
                AlertFields.newBuilder().setSeverityValue(42).build(),
                VerificationException.Reason.CLAIM_INVALID_VALUE))) {
      assertThat(reasonOf(single(NegativeCases.claim(r.path(), r.value()))))
          .as("%s: %s", r.path(), r.value())
          .isEqualTo(r.reason());
    }
    // Severity written on the wire with its default value 0: proto3 does not hold it as set.
    byte[] explicitZero =
        concat(
            org.bdx.proto.v1.Claim.newBuilder().setPath("severity").build().toByteArray(),
            new byte[] {0x12, 0x02, 0x30, 0x00});
    assertThat(reasonOf(single(explicitZero)))
        .isEqualTo(VerificationException.Reason.CLAIM_VALUE_MISMATCH);
  }

  private SignedAlert single(byte[] claim) {
    Disclosure d = NegativeCases.disclosure(cases.salt(), claim);
    return cases.committing(List.of(d), List.of(d));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  @DisplayName("SIG-7.9: a retraction carrying a disclosure -> RETRACTION_WITH_DISCLOSURES")
  void verify_retractionWithDisclosure_throws() throws Exception {
    SignedAlert retraction =
        new AlertSigner(origin, cases.rng).sign(Fixtures.retraction(cases.alertId, 2));
    assertThat(verifier.verify(retraction).disclosedPaths()).isEmpty();
    SignedAlert leaky = retraction.toBuilder().addDisclosures(valid.getDisclosures(0)).build();
    assertThat(reasonOf(leaky)).isEqualTo(VerificationException.Reason.RETRACTION_WITH_DISCLOSURES);
  }

  @Test
  @DisplayName("SIG-7.6: all-zero origin key -> BAD_SIGNATURE, no exception escapes")
  void verify_allZeroPublicKey_throwsBadSignature() {
    assertThat(reasonOf(byName("origin_all_zero_key").envelope()))
        .isEqualTo(VerificationException.Reason.BAD_SIGNATURE);
    assertThat(reasonOf(byName("origin_identity_key_forgery").envelope()))
        .isEqualTo(VerificationException.Reason.BAD_SIGNATURE);
  }

  @Test
  @DisplayName("SIG-7.6: non-canonical S (S + L) -> BAD_SIGNATURE")
  void verify_nonCanonicalS_throwsBadSignature() {
    byte[] sig = NegativeCases.nonCanonicalS(valid.getSignature().toByteArray());
    assertThat(sig).isNotEqualTo(valid.getSignature().toByteArray());
    assertThat(reasonOf(valid.toBuilder().setSignature(ByteString.copyFrom(sig)).build()))
        .isEqualTo(VerificationException.Reason.BAD_SIGNATURE);
  }

  @Test
  @DisplayName("SIG-7: messages never contain field values")
  void verify_messages_doNotContainValues() {
    for (NegativeCases.Case c : cases.all()) {
      VerificationException ex =
          catchThrowableOfType(
              VerificationException.class, () -> verifier.verify(c.envelope(), c.expectedOrigin()));
      assertThat(ex.getMessage())
          .doesNotContain(
              "+1604", "Downtown", "ABC123", "Mike", "Strathcona", "narrative", cases.alertId);
    }
  }

  static Stream<Named<NegativeCases.Case>> negativeCases() {
    return new NegativeCases().all().stream().map(c -> Named.of(c.name(), c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("negativeCases")
  @DisplayName("SIG-7: every negative case fails with its named reason")
  void verify_negativeCase_throwsNamedReason(NegativeCases.Case c) {
    assertThat(reasonOf(c.envelope(), c.expectedOrigin())).isEqualTo(c.reason());
  }

  @Test
  @DisplayName("SIG-7: every Reason has at least one negative case")
  void negativeCases_coverEveryReason() {
    EnumSet<VerificationException.Reason> seen = EnumSet.noneOf(VerificationException.Reason.class);
    cases.all().forEach(c -> seen.add(c.reason()));
    // Reasons reached only against a held key log have their cases in key-time.json.
    new KeyTimeVectors()
        .all()
        .forEach(
            c -> {
              if (!c.outcome().equals("VALID")) {
                seen.add(VerificationException.Reason.valueOf(c.outcome()));
              }
            });
    assertThat(seen).containsExactlyInAnyOrder(VerificationException.Reason.values());
  }

  @Test
  @DisplayName("PB-1: a header tag wider than 32 bits -> HEADER_MALFORMED, not read modulo 2^32")
  void verify_tagWiderThan32Bits_isRejected() {
    byte[] h = valid.getHeader().toByteArray();
    // 0x1a (alert_id) + 2^32 as a 5-byte varint, then a 1-byte string.
    byte[] wide = NegativeCases.bytes(0x9a, 0x80, 0x80, 0x80, 0x10, 0x01, 0x78);
    assertThat(reasonOf(cases.signedBytes(NegativeCases.concat(h, wide))))
        .isEqualTo(VerificationException.Reason.HEADER_MALFORMED);
    // The same tag as an overlong varint whose value fits 32 bits is field 3: a second alert_id.
    byte[] overlong = NegativeCases.bytes(0x9a, 0x80, 0x80, 0x80, 0x00, 0x01, 0x78);
    assertThat(reasonOf(cases.signedBytes(NegativeCases.concat(h, overlong))))
        .isEqualTo(VerificationException.Reason.INVALID_ALERT_ID);
    NegativeCases.Case c = byName("header_tag_wider_than_32_bits");
    assertThat(reasonOf(c.envelope())).isEqualTo(VerificationException.Reason.HEADER_MALFORMED);
  }

  @Test
  @DisplayName("PB-1: a claim field number above 2^29 - 1 -> CLAIM_MALFORMED")
  void verify_fieldNumberAbove2To29_isRejected() {
    NegativeCases.Case c = byName("claim_field_number_above_max");
    assertThat(reasonOf(c.envelope())).isEqualTo(VerificationException.Reason.CLAIM_MALFORMED);
  }

  @Test
  @DisplayName("SIG-7.7: issued_at 0 or negative -> INVALID_VALIDITY")
  void verify_negativeIssuedAt_isRejected() {
    AlertHeader h = cases.header;
    for (long issuedAt : new long[] {-1, 0, Long.MIN_VALUE}) {
      assertThat(reasonOf(cases.resign(h.toBuilder().setIssuedAt(issuedAt).build(), List.of())))
          .isEqualTo(VerificationException.Reason.INVALID_VALIDITY);
    }
  }

  @Test
  @DisplayName("PB-4: a claim value split across two occurrences -> CLAIM_MALFORMED")
  void verify_messageSplitAcrossOccurrences_isRejected() {
    assertThat(reasonOf(byName("claim_value_split_across_occurrences").envelope()))
        .isEqualTo(VerificationException.Reason.CLAIM_MALFORMED);
  }

  @Test
  @DisplayName("SIG-7.10: an enum explicitly 0 beside the claimed field is accepted")
  void verify_otherEnumExplicitZero_isAccepted() throws Exception {
    NegativeCases.Case c = byName("claim_other_enum_explicit_zero");
    SignedAlert once =
        c.envelope().toBuilder()
            .clearDisclosures()
            .addDisclosures(c.envelope().getDisclosures(0))
            .build();
    VerifiedAlert v = verifier.verify(once);
    assertThat(v.disclosedPaths()).containsExactly("severity");
  }

  @Test
  void verify_null_throwsNpe() {
    assertThatThrownBy(() -> verifier.verify(null)).isInstanceOf(NullPointerException.class);
  }

  private NegativeCases.Case byName(String name) {
    return cases.all().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }
}
