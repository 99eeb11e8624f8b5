package org.bdx.node.signing;

import static org.bdx.node.signing.VerificationException.Reason.*;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.Claim;
import org.bdx.proto.v1.Disclosure;
import org.bdx.proto.v1.SignedAlert;

/**
 * Envelopes that MUST fail verification, each with the reason of the first failing SIG-7 check.
 * Deterministic: used both by unit tests and to write spec/vectors/negative.json.
 */
final class NegativeCases {
  record Case(
      String name,
      String description,
      SignedAlert envelope,
      NodeId expectedOrigin,
      VerificationException.Reason reason) {}

  /** Group order L of edwards25519. */
  static final BigInteger L =
      BigInteger.ONE.shiftLeft(252).add(new BigInteger("27742317777372353535851937790883648493"));

  final NodeKeys origin = Fixtures.origin();
  final NodeKeys other = Fixtures.other();
  final DeterministicRandom rng = new DeterministicRandom("bdx/v1 negative vectors");
  final String alertId = AlertDraft.newAlertId(rng);
  final SignedAlert valid =
      new AlertSigner(origin, rng).sign(Fixtures.draft(alertId, Fixtures.twelveFields()));
  final AlertHeader header = parse(valid.getHeader());

  List<Case> all() {
    List<Case> out = new ArrayList<>();

    // SIG-7.1 envelope bounds
    out.add(
        new Case(
            "envelope_unknown_field",
            "SignedAlert carries an unsigned field 99",
            valid.toBuilder().setUnknownFields(unknown(99)).build(),
            null,
            ENVELOPE_MALFORMED));
    out.add(
        new Case(
            "signature_truncated",
            "signature is 63 bytes",
            valid.toBuilder().setSignature(valid.getSignature().substring(0, 63)).build(),
            null,
            SIGNATURE_LENGTH));
    out.add(
        new Case(
            "header_too_large",
            "header is 4097 bytes",
            valid.toBuilder().setHeader(ByteString.copyFrom(new byte[4097])).build(),
            null,
            HEADER_TOO_LARGE));
    out.add(
        new Case(
            "too_many_disclosures",
            "33 disclosures",
            valid.toBuilder()
                .clearDisclosures()
                .addAllDisclosures(Collections.nCopies(33, valid.getDisclosures(0)))
                .build(),
            null,
            TOO_MANY_DISCLOSURES));
    out.add(
        new Case(
            "claim_too_large",
            "a claim of 16385 bytes",
            valid.toBuilder().addDisclosures(disclosure(salt(), new byte[16385])).build(),
            null,
            CLAIM_TOO_LARGE));

    // SIG-7.2 .. 7.5 header, origin
    out.add(
        new Case(
            "header_garbage",
            "header bytes are not an AlertHeader",
            withHeaderBytes(valid, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}),
            null,
            HEADER_MALFORMED));
    out.add(
        new Case(
            "header_unknown_field",
            "signed header with an unknown field 99",
            resign(
                header.toBuilder().setUnknownFields(unknown(99)).build(),
                valid.getDisclosuresList()),
            null,
            HEADER_UNKNOWN_FIELDS));
    out.add(
        new Case(
            "digest_algorithm_unsupported",
            "signed header names sha-512",
            resign(
                header.toBuilder().setDigestAlgorithm("sha-512").build(),
                valid.getDisclosuresList()),
            null,
            UNSUPPORTED_DIGEST_ALGORITHM));
    out.add(
        new Case(
            "origin_key_31_bytes",
            "origin_public_key is 31 bytes",
            resign(
                header.toBuilder()
                    .setOriginPublicKey(header.getOriginPublicKey().substring(1))
                    .build(),
                valid.getDisclosuresList()),
            null,
            ORIGIN_KEY_MALFORMED));
    out.add(
        new Case(
            "origin_key_swapped",
            "origin_public_key replaced by another node's key," + " origin_node_id unchanged",
            withHeaderBytes(
                valid,
                header.toBuilder()
                    .setOriginPublicKey(ByteString.copyFrom(other.publicKey()))
                    .build()
                    .toByteArray()),
            null,
            ORIGIN_ID_MISMATCH));
    out.add(
        new Case(
            "unexpected_origin",
            "valid envelope, but the caller expected another origin",
            valid,
            other.nodeId(),
            UNEXPECTED_ORIGIN));

    // SIG-7.6 signature
    byte[] flipped = valid.getHeader().toByteArray();
    flipped[flipped.length - 1] ^= 0x01;
    out.add(
        new Case(
            "header_tampered_byte",
            "last header byte (inside a claim digest) flipped",
            withHeaderBytes(valid, flipped),
            null,
            BAD_SIGNATURE));
    out.add(
        new Case(
            "header_audience_widened",
            "audience re-serialized as POLICE, old signature",
            withHeaderBytes(
                valid,
                header.toBuilder().setAudience(Audience.AUDIENCE_POLICE).build().toByteArray()),
            null,
            BAD_SIGNATURE));
    out.add(
        new Case(
            "header_hops_extended",
            "max_hops raised to 5, old signature",
            withHeaderBytes(valid, header.toBuilder().setMaxHops(5).build().toByteArray()),
            null,
            BAD_SIGNATURE));
    byte[] sig = valid.getSignature().toByteArray();
    sig[10] ^= 0x01;
    out.add(
        new Case(
            "signature_bit_flipped",
            "one bit of R flipped",
            valid.toBuilder().setSignature(ByteString.copyFrom(sig)).build(),
            null,
            BAD_SIGNATURE));
    out.add(
        new Case(
            "signature_non_canonical_s",
            "S replaced by S + L (same point, S >= L)",
            valid.toBuilder()
                .setSignature(
                    ByteString.copyFrom(nonCanonicalS(valid.getSignature().toByteArray())))
                .build(),
            null,
            BAD_SIGNATURE));
    out.add(
        new Case(
            "origin_id_and_key_swapped",
            "origin id and key consistently replaced by another node's, signature by the original key",
            resign(
                header.toBuilder()
                    .setOriginNodeId(other.nodeId().value())
                    .setOriginPublicKey(ByteString.copyFrom(other.publicKey()))
                    .build(),
                valid.getDisclosuresList()),
            null,
            BAD_SIGNATURE));
    byte[] zero = new byte[32];
    out.add(
        new Case(
            "origin_all_zero_key",
            "origin key all zero (a small-order point), id derived"
                + " from it, signature by the original key",
            resign(
                header.toBuilder()
                    .setOriginNodeId(NodeId.fromPublicKey(zero).value())
                    .setOriginPublicKey(ByteString.copyFrom(zero))
                    .build(),
                valid.getDisclosuresList()),
            null,
            BAD_SIGNATURE));
    byte[] identity = new byte[32];
    identity[0] = 1;
    byte[] forged = new byte[64];
    forged[0] = 1; // R = identity point, S = 0: accepted by verifiers that allow small-order keys
    out.add(
        new Case(
            "origin_identity_key_forgery",
            "origin key is the identity point, id derived"
                + " from it, signature R = identity, S = 0",
            signedWith(
                header.toBuilder()
                    .setOriginNodeId(NodeId.fromPublicKey(identity).value())
                    .setOriginPublicKey(ByteString.copyFrom(identity))
                    .build(),
                forged,
                valid.getDisclosuresList()),
            null,
            BAD_SIGNATURE));

    // SIG-7.7 header sanity (all signed by the origin)
    out.add(
        new Case(
            "alert_id_upper_case",
            "alert_id in upper case",
            resign(
                header.toBuilder().setAlertId(alertId.toUpperCase(java.util.Locale.ROOT)).build(),
                List.of()),
            null,
            INVALID_ALERT_ID));
    out.add(
        new Case(
            "version_zero",
            "version 0",
            resign(header.toBuilder().setVersion(0).build(), List.of()),
            null,
            INVALID_VERSION));
    out.add(
        new Case(
            "version_above_int63",
            "version 2^63",
            resign(header.toBuilder().setVersion(Long.MIN_VALUE).build(), List.of()),
            null,
            INVALID_VERSION));
    out.add(
        new Case(
            "status_unspecified",
            "status ALERT_STATUS_UNSPECIFIED",
            resign(
                header.toBuilder().setStatus(AlertStatus.ALERT_STATUS_UNSPECIFIED).build(),
                List.of()),
            null,
            INVALID_STATUS));
    out.add(
        new Case(
            "status_unknown",
            "status number 9",
            resign(header.toBuilder().setStatusValue(9).build(), List.of()),
            null,
            INVALID_STATUS));
    out.add(
        new Case(
            "audience_unspecified",
            "audience AUDIENCE_UNSPECIFIED",
            resign(
                header.toBuilder().setAudience(Audience.AUDIENCE_UNSPECIFIED).build(), List.of()),
            null,
            INVALID_AUDIENCE));
    out.add(
        new Case(
            "expires_equals_issued",
            "expires_at == issued_at",
            resign(header.toBuilder().setExpiresAt(header.getIssuedAt()).build(), List.of()),
            null,
            INVALID_VALIDITY));

    // SIG-7.8 digests
    List<ByteString> digests = header.getClaimDigestsList();
    out.add(
        new Case(
            "digest_31_bytes",
            "one claim digest is 31 bytes",
            resign(withDigests(replace(digests, 0, digests.get(0).substring(1))), List.of()),
            null,
            DIGEST_MALFORMED));
    out.add(
        new Case(
            "digest_duplicate",
            "one digest repeated in place of another",
            resign(withDigests(replace(digests, 1, digests.get(0))), List.of()),
            null,
            DUPLICATE_DIGEST));
    List<ByteString> reversed = new ArrayList<>(digests);
    Collections.reverse(reversed);
    out.add(
        new Case(
            "digests_unsorted",
            "digests in descending order",
            resign(withDigests(reversed), List.of()),
            null,
            DIGESTS_NOT_SORTED));
    out.add(
        new Case(
            "digest_count_15",
            "15 digests in an active alert (one decoy dropped)",
            resign(withDigests(dropUndisclosed(digests, valid)), valid.getDisclosuresList()),
            null,
            DIGEST_COUNT));
    AlertHeader retractedHeader =
        header.toBuilder().setStatus(AlertStatus.ALERT_STATUS_RETRACTED).setVersion(2).build();
    out.add(
        new Case(
            "retraction_with_digests",
            "a retraction header with 16 digests",
            resign(retractedHeader, List.of()),
            null,
            DIGEST_COUNT));

    // SIG-7.9
    Disclosure area = find(valid, "area");
    out.add(
        new Case(
            "retraction_with_disclosure",
            "a correctly signed retraction (0 digests) carrying one old disclosure",
            resign(retractedHeader.toBuilder().clearClaimDigests().build(), List.of(area)),
            null,
            RETRACTION_WITH_DISCLOSURES));

    // SIG-7.10 disclosures
    Disclosure phone = find(valid, "phone_numbers");
    byte[] shortSalt = Arrays.copyOf(salt(), 15);
    Disclosure shortSalted =
        disclosure(
            shortSalt,
            claim("area", AlertFields.newBuilder().setArea("Downtown Eastside").build()));
    out.add(
        new Case(
            "salt_15_bytes",
            "a committed claim with a 15-byte salt",
            committing(List.of(shortSalted), List.of(shortSalted)),
            null,
            SALT_LENGTH));
    byte[] tamperedClaim = phone.getClaim().toByteArray();
    tamperedClaim[tamperedClaim.length - 1] ^= 0x01; // last digit of the phone number
    out.add(
        new Case(
            "claim_value_tampered",
            "the phone number in a disclosed claim altered",
            replaceDisclosure(
                valid, phone, disclosure(phone.getSalt().toByteArray(), tamperedClaim)),
            null,
            DIGEST_NOT_IN_HEADER));
    out.add(
        new Case(
            "disclosure_not_committed",
            "an extra disclosure (online_handles) that the header does not commit to",
            valid.toBuilder()
                .addDisclosures(
                    disclosure(
                        salt(),
                        claim(
                            "online_handles",
                            AlertFields.newBuilder().addOnlineHandles("@someone").build())))
                .build(),
            null,
            DIGEST_NOT_IN_HEADER));
    Disclosure garbage = disclosure(salt(), new byte[] {(byte) 0xff, 0x01});
    out.add(
        new Case(
            "claim_malformed",
            "committed claim bytes that do not parse",
            committing(List.of(garbage), List.of(garbage)),
            null,
            CLAIM_MALFORMED));
    Disclosure unknownInValue =
        disclosure(
            salt(),
            Claim.newBuilder()
                .setPath("area")
                .setValue(
                    AlertFields.newBuilder().setArea("Strathcona").setUnknownFields(unknown(99)))
                .build()
                .toByteArray());
    out.add(
        new Case(
            "claim_value_unknown_field",
            "committed claim whose value has field 99",
            committing(List.of(unknownInValue), List.of(unknownInValue)),
            null,
            CLAIM_UNKNOWN_FIELDS));
    Disclosure unknownPath =
        disclosure(
            salt(), claim("narrative", AlertFields.newBuilder().setModusOperandi("x").build()));
    out.add(
        new Case(
            "claim_unknown_path",
            "committed claim with path \"narrative\"",
            committing(List.of(unknownPath), List.of(unknownPath)),
            null,
            UNKNOWN_PATH));
    Disclosure wrongField =
        disclosure(
            salt(), claim("area", AlertFields.newBuilder().setVehiclePlate("ABC123").build()));
    out.add(
        new Case(
            "claim_value_other_field",
            "path \"area\" but the value sets vehicle_plate",
            committing(List.of(wrongField), List.of(wrongField)),
            null,
            CLAIM_VALUE_MISMATCH));
    Disclosure twoFields =
        disclosure(
            salt(),
            claim(
                "area",
                AlertFields.newBuilder().setArea("Strathcona").setVehiclePlate("ABC123").build()));
    out.add(
        new Case(
            "claim_value_two_fields",
            "path \"area\" and the value sets two fields",
            committing(List.of(twoFields), List.of(twoFields)),
            null,
            CLAIM_VALUE_MISMATCH));
    Disclosure unknownEnum =
        disclosure(salt(), claim("harms", AlertFields.newBuilder().addHarmsValue(99).build()));
    out.add(
        new Case(
            "claim_enum_unknown",
            "harms holds enum number 99",
            committing(List.of(unknownEnum), List.of(unknownEnum)),
            null,
            CLAIM_INVALID_VALUE));
    Disclosure phone2 =
        disclosure(
            salt(),
            claim(
                "phone_numbers", AlertFields.newBuilder().addPhoneNumbers("+16045550188").build()));
    Disclosure phone3 =
        disclosure(
            salt(),
            claim(
                "phone_numbers", AlertFields.newBuilder().addPhoneNumbers("+16045550177").build()));
    out.add(
        new Case(
            "duplicate_path",
            "two committed claims both with path phone_numbers",
            committing(List.of(phone2, phone3), List.of(phone2, phone3)),
            null,
            DUPLICATE_PATH));
    out.add(
        new Case(
            "same_disclosure_twice",
            "one valid disclosure repeated",
            valid.toBuilder().addDisclosures(phone).build(),
            null,
            DUPLICATE_PATH));

    // Cases that pin down how the spec's parsing and ordering rules read (spec 1.4 PB-1..PB-5,
    // SIG-7 steps 8 and 10). Appended last so the draws of the cases above stay unchanged.
    out.add(
        new Case(
            "header_known_field_wrong_wire_type",
            "signed header that also carries field 3 (alert_id) as a varint: an unknown field"
                + " (PB-2)",
            signedBytes(concat(valid.getHeader().toByteArray(), bytes(0x18, 0x01))),
            null,
            HEADER_UNKNOWN_FIELDS));
    out.add(
        new Case(
            "header_invalid_utf8",
            "signed header whose alert_id is the byte ff, not UTF-8: malformed (PB-1)",
            signedBytes(concat(valid.getHeader().toByteArray(), bytes(0x1a, 0x01, 0xff))),
            null,
            HEADER_MALFORMED));
    List<ByteString> dupThenShort = replace(digests, 1, digests.get(0));
    dupThenShort.set(15, digests.get(15).substring(1));
    out.add(
        new Case(
            "digest_duplicate_before_short",
            "entry 1 repeats entry 0 and entry 15 is 31 bytes: entry by entry, the duplicate"
                + " comes first",
            resign(withDigests(dupThenShort), List.of()),
            null,
            DUPLICATE_DIGEST));
    Disclosure wrongFirst =
        disclosure(
            salt(), claim("area", AlertFields.newBuilder().setVehiclePlate("XYZ789").build()));
    Disclosure shortSecond =
        disclosure(
            Arrays.copyOf(salt(), 15),
            claim("area", AlertFields.newBuilder().setArea("Strathcona").build()));
    out.add(
        new Case(
            "disclosures_checked_in_order",
            "the first disclosure's value sets another field, the second has a 15-byte salt:"
                + " disclosure by disclosure, the first fails first",
            committing(List.of(wrongFirst, shortSecond), List.of(wrongFirst, shortSecond)),
            null,
            CLAIM_VALUE_MISMATCH));
    Disclosure noValue =
        disclosure(salt(), Claim.newBuilder().setPath("area").build().toByteArray());
    out.add(
        new Case(
            "claim_value_absent",
            "committed claim with path \"area\" and no value: no field set",
            committing(List.of(noValue), List.of(noValue)),
            null,
            CLAIM_VALUE_MISMATCH));
    Disclosure emptyArea =
        disclosure(
            salt(),
            concat(
                Claim.newBuilder().setPath("area").build().toByteArray(),
                bytes(0x12, 0x02, 0x1a, 0x00)));
    out.add(
        new Case(
            "claim_value_explicit_default",
            "committed claim whose value carries area as an empty string on the wire: no field"
                + " set (PB-5)",
            committing(List.of(emptyArea), List.of(emptyArea)),
            null,
            CLAIM_VALUE_MISMATCH));

    // Readings settled later (issue 14); appended so the draws above stay unchanged.
    // PB-1: tag 0x1a (field 3, alert_id, length-delimited) plus 2^63, a 10-byte varint; read
    // modulo 2^32 it would be a second alert_id "x", which would win (PB-4).
    out.add(
        new Case(
            "header_tag_wider_than_32_bits",
            "signed header that ends with a tag of value 2^63 + 0x1a (a 10-byte varint) and a"
                + " 1-byte string: malformed, not a second alert_id (PB-1)",
            signedBytes(
                concat(
                    valid.getHeader().toByteArray(),
                    bytes(0x9a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x01, 0x78))),
            null,
            HEADER_MALFORMED));
    // PB-1: field number 2^29 + 3, length-delimited (tag 2^32 + 0x1a, 5 bytes); the low 29 bits
    // are field 3, area.
    Disclosure wideField =
        disclosure(
            salt(),
            concat(
                Claim.newBuilder().setPath("area").build().toByteArray(),
                bytes(0x12, 0x08, 0x9a, 0x80, 0x80, 0x80, 0x10, 0x02, 0x41, 0x42)));
    out.add(
        new Case(
            "claim_field_number_above_max",
            "committed claim whose value carries field number 2^29 + 3 (length-delimited); read"
                + " modulo 2^29 it would be area: malformed (PB-1)",
            committing(List.of(wideField), List.of(wideField)),
            null,
            CLAIM_MALFORMED));
    // PB-4: value occurs twice, area's length in the first and its bytes in the second. Parsing
    // the joined bytes would read area "ABCDE"; the first occurrence alone is truncated.
    Disclosure split =
        disclosure(
            salt(),
            concat(
                Claim.newBuilder().setPath("area").build().toByteArray(),
                bytes(0x12, 0x03, 0x1a, 0x05, 0x41, 0x12, 0x04, 0x42, 0x43, 0x44, 0x45)));
    out.add(
        new Case(
            "claim_value_split_across_occurrences",
            "committed claim whose value occurs twice, one area string split between them: each"
                + " occurrence must parse on its own (PB-4)",
            committing(List.of(split), List.of(split)),
            null,
            CLAIM_MALFORMED));
    // SIG-7.10: time_of_day explicitly 0 beside severity sets no field (PB-5) and is not an enum
    // number the check looks at; the claim is valid, so the repeat fails as DUPLICATE_PATH.
    Disclosure zeroBeside =
        disclosure(
            salt(),
            concat(
                Claim.newBuilder().setPath("severity").build().toByteArray(),
                bytes(0x12, 0x04, 0x10, 0x00, 0x30, 0x03)));
    out.add(
        new Case(
            "claim_other_enum_explicit_zero",
            "committed claim with path \"severity\" whose value also carries time_of_day"
                + " explicitly as 0 (valid: not set, not checked), disclosed twice",
            committing(List.of(zeroBeside), List.of(zeroBeside, zeroBeside)),
            null,
            DUPLICATE_PATH));
    // SIG-7.7 / ALR-7: issued_at is positive.
    out.add(
        new Case(
            "issued_at_negative",
            "issued_at -1 (before 1970), expires_at later",
            resign(header.toBuilder().setIssuedAt(-1).build(), List.of()),
            null,
            INVALID_VALIDITY));
    return out;
  }

  /** The origin's envelope over exact {@code headerBytes}, with no disclosures. */
  SignedAlert signedBytes(byte[] headerBytes) {
    return AlertSigner.signHeader(origin, headerBytes, List.of());
  }

  static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  // ---- helpers ----

  static byte[] nonCanonicalS(byte[] signature) {
    byte[] le = Arrays.copyOfRange(signature, 32, 64);
    byte[] be = reverse(le);
    BigInteger s = new BigInteger(1, be).add(L);
    byte[] sBe = s.toByteArray();
    byte[] padded = new byte[32];
    System.arraycopy(
        sBe,
        Math.max(0, sBe.length - 32),
        padded,
        32 - Math.min(32, sBe.length),
        Math.min(32, sBe.length));
    byte[] out = signature.clone();
    System.arraycopy(reverse(padded), 0, out, 32, 32);
    return out;
  }

  private static byte[] reverse(byte[] b) {
    byte[] r = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      r[i] = b[b.length - 1 - i];
    }
    return r;
  }

  static AlertHeader parse(ByteString b) {
    try {
      return AlertHeader.parseFrom(b);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  static UnknownFieldSet unknown(int number) {
    return UnknownFieldSet.newBuilder()
        .addField(number, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
        .build();
  }

  static SignedAlert withHeaderBytes(SignedAlert e, byte[] headerBytes) {
    return e.toBuilder().setHeader(ByteString.copyFrom(headerBytes)).build();
  }

  static Disclosure disclosure(byte[] salt, byte[] claim) {
    return Disclosure.newBuilder()
        .setSalt(ByteString.copyFrom(salt))
        .setClaim(ByteString.copyFrom(claim))
        .build();
  }

  static byte[] claim(String path, AlertFields value) {
    return Claim.newBuilder().setPath(path).setValue(value).build().toByteArray();
  }

  static Disclosure find(SignedAlert e, String path) {
    return e.getDisclosuresList().stream()
        .filter(d -> Disclosures.pathOf(d).orElse("").equals(path))
        .findFirst()
        .orElseThrow();
  }

  static SignedAlert replaceDisclosure(SignedAlert e, Disclosure old, Disclosure replacement) {
    SignedAlert.Builder b = e.toBuilder().clearDisclosures();
    for (Disclosure d : e.getDisclosuresList()) {
      b.addDisclosures(d.equals(old) ? replacement : d);
    }
    return b.build();
  }

  byte[] salt() {
    byte[] s = new byte[16];
    rng.nextBytes(s);
    return s;
  }

  SignedAlert resign(AlertHeader h, List<Disclosure> disclosures) {
    return AlertSigner.signHeader(origin, h.toByteArray(), disclosures);
  }

  static SignedAlert signedWith(AlertHeader h, byte[] signature, List<Disclosure> disclosures) {
    return SignedAlert.newBuilder()
        .setHeader(h.toByteString())
        .setSignature(ByteString.copyFrom(signature))
        .addAllDisclosures(disclosures)
        .build();
  }

  AlertHeader withDigests(List<ByteString> digests) {
    return header.toBuilder().clearClaimDigests().addAllClaimDigests(digests).build();
  }

  static List<ByteString> replace(List<ByteString> list, int index, ByteString value) {
    List<ByteString> copy = new ArrayList<>(list);
    copy.set(index, value);
    return copy;
  }

  /** Drops the first digest that no disclosure of {@code e} uses (a decoy). */
  static List<ByteString> dropUndisclosed(List<ByteString> digests, SignedAlert e) {
    List<ByteString> used =
        e.getDisclosuresList().stream()
            .map(
                d ->
                    ByteString.copyFrom(
                        ClaimDigest.compute(d.getSalt().toByteArray(), d.getClaim().toByteArray())))
            .toList();
    List<ByteString> copy = new ArrayList<>(digests);
    copy.remove(copy.stream().filter(d -> !used.contains(d)).findFirst().orElseThrow());
    return copy;
  }

  /**
   * An envelope signed by the origin whose header commits to {@code committed} (padded with decoys
   * to 16, sorted) and which discloses {@code disclosed}.
   */
  SignedAlert committing(List<Disclosure> committed, List<Disclosure> disclosed) {
    List<ByteString> digests = new ArrayList<>();
    for (Disclosure d : committed) {
      digests.add(
          ByteString.copyFrom(
              ClaimDigest.compute(d.getSalt().toByteArray(), d.getClaim().toByteArray())));
    }
    while (digests.size() < AlertSigner.DIGEST_SLOTS) {
      byte[] decoy = new byte[32];
      rng.nextBytes(decoy);
      digests.add(ByteString.copyFrom(decoy));
    }
    digests.sort(ByteString.unsignedLexicographicalComparator());
    return resign(withDigests(digests), disclosed);
  }
}
