package org.bdx.node.signing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.util.JsonFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.bdx.node.agreement.SignedAgreements;
import org.bdx.node.error.BdxException;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.SignedAgreement;

/**
 * Signed agreements for spec/vectors/agreement-signature.json (spec AGR-2, AGR-5), positive and
 * negative, each with the AGR-5 outcome name. Deterministic: fixed seeds and an agreement id from
 * {@link DeterministicRandom}.
 */
final class AgreementVectors {
  static final HexFormat HEX = HexFormat.of();

  /** Proposer seed: bytes 0x40..0x5f. */
  static final byte[] PROPOSER_SEED =
      HEX.parseHex("404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f");

  /** Acceptor seed: bytes 0x60..0x7f. */
  static final byte[] ACCEPTOR_SEED =
      HEX.parseHex("606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f");

  static final String DRBG_LABEL = "bdx/v1 agreement-signature vectors";

  /** AGR-5 outcome names, in the order of the checks. */
  static final List<String> OUTCOMES =
      List.of(
          "VALID",
          "AGREEMENT_MALFORMED",
          "TERMS_MALFORMED",
          "PROPOSER_KEY_MISMATCH",
          "ACCEPTOR_KEY_MISMATCH",
          "BAD_PROPOSER_SIGNATURE",
          "ACCEPTOR_SIGNATURE_MISSING",
          "BAD_ACCEPTOR_SIGNATURE",
          "TERMS_INVALID");

  /**
   * One vector. {@code terms} is null for cases that only give the signed agreement; otherwise the
   * case spells out the terms bytes and both signatures.
   */
  record Case(
      String name,
      String description,
      byte[] terms,
      SignedAgreement signed,
      boolean requireAcceptor,
      String outcome) {}

  final NodeKeys proposer = NodeKeys.fromSeed(PROPOSER_SEED);
  final NodeKeys acceptor = NodeKeys.fromSeed(ACCEPTOR_SEED);
  final NodeKeys other = Fixtures.other();
  final AgreementTerms terms;

  AgreementVectors() {
    String id = AlertDraft.newAlertId(new DeterministicRandom(DRBG_LABEL));
    terms =
        AgreementTerms.newBuilder()
            .setAgreementId(id)
            .setVersion(1)
            .setProposerNodeId(proposer.nodeId().value())
            .setProposerPublicKey(ByteString.copyFrom(proposer.publicKey()))
            .setAcceptorNodeId(acceptor.nodeId().value())
            .setAcceptorPublicKey(ByteString.copyFrom(acceptor.publicKey()))
            .setProposerToAcceptor(
                DirectionTerms.newBuilder()
                    .setReceiverClass(PartnerClass.PARTNER_CLASS_PEER)
                    .setAllHarms(true)
                    .addAreas("Downtown Eastside")
                    .addAreas("Strathcona")
                    .setMinSeverity(Severity.SEVERITY_MODERATE)
                    .addFieldPaths("area")
                    .addFieldPaths("harms")
                    .addFieldPaths("severity")
                    .addFieldPaths("phone_numbers")
                    .setRetentionDays(90))
            .setAcceptorToProposer(
                DirectionTerms.newBuilder()
                    .setReceiverClass(PartnerClass.PARTNER_CLASS_SUPPORT)
                    .addHarms(HarmCategory.HARM_CATEGORY_PHYSICAL_ASSAULT)
                    .addHarms(HarmCategory.HARM_CATEGORY_SEXUAL_ASSAULT)
                    .setAllAreas(true)
                    .addFieldPaths("area")
                    .addFieldPaths("harms")
                    .setRetentionDays(30))
            .setProposedAt(Fixtures.ISSUED_AT)
            .build();
  }

  List<Case> all() {
    List<Case> out = new ArrayList<>();
    SignedAgreement proposed = SignedAgreements.propose(proposer, terms);
    SignedAgreement accepted = SignedAgreements.countersign(acceptor, proposed);
    byte[] bytes = proposed.getTerms().toByteArray();
    out.add(
        new Case(
            "proposed",
            "signed by the proposer only, as offered (AGR-7.3)",
            bytes,
            proposed,
            false,
            "VALID"));
    out.add(
        new Case(
            "accepted",
            "countersigned by the acceptor over the same bytes, as confirmed (AGR-8)",
            bytes,
            accepted,
            true,
            "VALID"));
    byte[] reordered = reversedFieldOrder(terms);
    SignedAgreement reorderedProposed = signBy(reordered, proposer, null);
    out.add(
        new Case(
            "accepted_noncanonical_bytes",
            "terms with their fields in descending field-number order (valid protobuf, not what"
                + " most encoders emit); both parties sign these exact bytes",
            reordered,
            SignedAgreements.countersign(acceptor, reorderedProposed),
            true,
            "VALID"));

    // AGR-12.1: an amendment is signed and verified like any terms; either party may propose it.
    AgreementTerms amendment =
        terms.toBuilder()
            .setVersion(2)
            .setProposerNodeId(acceptor.nodeId().value())
            .setProposerPublicKey(ByteString.copyFrom(acceptor.publicKey()))
            .setAcceptorNodeId(proposer.nodeId().value())
            .setAcceptorPublicKey(ByteString.copyFrom(proposer.publicKey()))
            .setProposerToAcceptor(terms.getAcceptorToProposer())
            .setAcceptorToProposer(
                terms.getProposerToAcceptor().toBuilder()
                    .clearFieldPaths()
                    .addAllFieldPaths(List.of("area", "harms", "severity"))
                    .addAreas("Mount Pleasant"))
            .setProposedAt(Fixtures.ISSUED_AT + 86_400)
            .build();
    SignedAgreement amendmentProposed = SignedAgreements.propose(acceptor, amendment);
    out.add(
        new Case(
            "amendment_accepted",
            "an amendment (AGR-12.1): the same agreement id, version 2, proposed by the party that"
                + " accepted version 1 (the roles swap), one more area and no phone numbers in the"
                + " direction it receives; countersigned by the other party, as confirmed"
                + " (AGR-12.5)",
            amendmentProposed.getTerms().toByteArray(),
            SignedAgreements.countersign(proposer, amendmentProposed),
            true,
            "VALID"));

    // AGR-5.1
    out.add(
        new Case(
            "signed_agreement_unknown_field",
            "SignedAgreement carries an unsigned field 99",
            null,
            accepted.toBuilder().setUnknownFields(unknown(99)).build(),
            true,
            "AGREEMENT_MALFORMED"));
    out.add(
        new Case(
            "acceptor_signature_63_bytes",
            "acceptor_signature truncated to 63 bytes",
            null,
            accepted.toBuilder()
                .setAcceptorSignature(accepted.getAcceptorSignature().substring(0, 63))
                .build(),
            true,
            "AGREEMENT_MALFORMED"));
    // AGR-5.2
    out.add(
        new Case(
            "terms_garbage",
            "terms bytes that do not parse as AgreementTerms",
            null,
            signBy(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}, proposer, acceptor),
            true,
            "TERMS_MALFORMED"));
    AgreementTerms unknownInDirection =
        terms.toBuilder()
            .setAcceptorToProposer(
                terms.getAcceptorToProposer().toBuilder().setUnknownFields(unknown(99)))
            .build();
    out.add(
        new Case(
            "terms_unknown_field_in_direction",
            "acceptor_to_proposer carries an unknown field 99, signed by both",
            null,
            signBy(unknownInDirection.toByteArray(), proposer, acceptor),
            true,
            "TERMS_MALFORMED"));
    // AGR-5.3
    out.add(
        new Case(
            "proposer_key_not_node_id",
            "proposer_public_key replaced by another node's key, proposer_node_id unchanged;"
                + " signed by both",
            null,
            signBy(
                terms.toBuilder()
                    .setProposerPublicKey(ByteString.copyFrom(other.publicKey()))
                    .build()
                    .toByteArray(),
                proposer,
                acceptor),
            true,
            "PROPOSER_KEY_MISMATCH"));
    out.add(
        new Case(
            "acceptor_key_not_node_id",
            "acceptor_public_key replaced by another node's key, acceptor_node_id unchanged;"
                + " signed by both",
            null,
            signBy(
                terms.toBuilder()
                    .setAcceptorPublicKey(ByteString.copyFrom(other.publicKey()))
                    .build()
                    .toByteArray(),
                proposer,
                acceptor),
            true,
            "ACCEPTOR_KEY_MISMATCH"));
    // AGR-5.4
    byte[] tampered = bytes.clone();
    tampered[tampered.length - 1] ^= 0x01; // last byte of proposed_at
    out.add(
        new Case(
            "terms_tampered_byte",
            "last terms byte (inside proposed_at) flipped after both signed",
            null,
            accepted.toBuilder().setTerms(ByteString.copyFrom(tampered)).build(),
            true,
            "BAD_PROPOSER_SIGNATURE"));
    out.add(
        new Case(
            "signatures_swapped",
            "proposer_signature and acceptor_signature exchanged",
            null,
            accepted.toBuilder()
                .setProposerSignature(accepted.getAcceptorSignature())
                .setAcceptorSignature(accepted.getProposerSignature())
                .build(),
            true,
            "BAD_PROPOSER_SIGNATURE"));
    byte[] identity = new byte[32];
    identity[0] = 1;
    byte[] forged = new byte[64];
    forged[0] = 1; // R = identity point, S = 0: accepted by verifiers that allow small-order keys
    AgreementTerms identityProposer =
        terms.toBuilder()
            .setProposerNodeId(NodeId.fromPublicKey(identity).value())
            .setProposerPublicKey(ByteString.copyFrom(identity))
            .build();
    out.add(
        new Case(
            "proposer_identity_key_forgery",
            "proposer key is the identity point, proposer id derived from it, proposer signature"
                + " R = identity, S = 0",
            null,
            SignedAgreement.newBuilder()
                .setTerms(identityProposer.toByteString())
                .setProposerSignature(ByteString.copyFrom(forged))
                .build(),
            false,
            "BAD_PROPOSER_SIGNATURE"));
    // AGR-5.5
    out.add(
        new Case(
            "acceptor_signature_missing",
            "the proposal, where both signatures are required (a confirmation)",
            null,
            proposed,
            true,
            "ACCEPTOR_SIGNATURE_MISSING"));
    out.add(
        new Case(
            "acceptor_signed_reserialized",
            "the acceptor parsed the non-canonical terms of accepted_noncanonical_bytes and signed"
                + " them re-serialized, not the bytes it received",
            null,
            reorderedProposed.toBuilder()
                .setAcceptorSignature(
                    sign(
                        acceptor,
                        SigningInput.AGREEMENT_TERMS_TYPE,
                        parse(reordered).toByteArray()))
                .build(),
            true,
            "BAD_ACCEPTOR_SIGNATURE"));
    out.add(
        new Case(
            "acceptor_signature_by_proposer_key",
            "acceptor_signature made with the proposer's key",
            null,
            accepted.toBuilder()
                .setAcceptorSignature(sign(proposer, SigningInput.AGREEMENT_TERMS_TYPE, bytes))
                .build(),
            true,
            "BAD_ACCEPTOR_SIGNATURE"));
    out.add(
        new Case(
            "acceptor_signature_alert_payload_type",
            "the acceptor signed the terms bytes under payload type bdx.v1.AlertHeader",
            null,
            accepted.toBuilder()
                .setAcceptorSignature(sign(acceptor, SigningInput.ALERT_HEADER_TYPE, bytes))
                .build(),
            true,
            "BAD_ACCEPTOR_SIGNATURE"));
    // AGR-5.6
    out.add(
        new Case(
            "terms_retention_zero",
            "acceptor_to_proposer.retention_days is 0 (AGR-4), signed by both",
            null,
            signBy(
                terms.toBuilder()
                    .setAcceptorToProposer(
                        terms.getAcceptorToProposer().toBuilder().setRetentionDays(0))
                    .build()
                    .toByteArray(),
                proposer,
                acceptor),
            true,
            "TERMS_INVALID"));

    // Readings settled later (issue 14).
    // PB-3: uint32 varints wider than 32 bits hold their low 32 bits: retention_days 2^32 + 30
    // is 30 and max_relay_hops 2^32 is 0, so the terms are valid (a reader that refused, clamped
    // or kept 64 bits would find them malformed or invalid).
    byte[] wideDirection =
        concat(
            terms.getAcceptorToProposer().toBuilder().clearRetentionDays().build().toByteArray(),
            new byte[] {0x48, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x10},
            new byte[] {0x50, (byte) 0x9e, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x10});
    byte[] wideTerms =
        concat(
            terms.toBuilder().clearAcceptorToProposer().build().toByteArray(),
            new byte[] {0x42, (byte) wideDirection.length},
            wideDirection);
    if (!parse(wideTerms).equals(terms)) {
      throw new IllegalStateException("wide uint32 terms do not read as the terms");
    }
    out.add(
        new Case(
            "accepted_uint32_wider_than_32_bits",
            "acceptor_to_proposer carries max_relay_hops as a varint of 2^32 and retention_days"
                + " of 2^32 + 30, which hold 0 and 30 (PB-3); signed by both",
            wideTerms,
            signBy(wideTerms, proposer, acceptor),
            true,
            "VALID"));
    // AGR-4: an empty field_paths is valid (a direction that carries no content).
    byte[] oneWay =
        terms.toBuilder()
            .setAcceptorToProposer(terms.getAcceptorToProposer().toBuilder().clearFieldPaths())
            .build()
            .toByteArray();
    out.add(
        new Case(
            "accepted_no_field_paths",
            "acceptor_to_proposer has no field_paths: a one-way agreement (AGR-4); signed by"
                + " both",
            oneWay,
            signBy(oneWay, proposer, acceptor),
            true,
            "VALID"));
    // AGR-4: a list beside its "all" flag.
    out.add(
        new Case(
            "terms_all_harms_with_harms",
            "proposer_to_acceptor sets all_harms and lists HARM_CATEGORY_ROBBERY (AGR-4), signed"
                + " by both",
            null,
            signBy(
                terms.toBuilder()
                    .setProposerToAcceptor(
                        terms.getProposerToAcceptor().toBuilder()
                            .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY))
                    .build()
                    .toByteArray(),
                proposer,
                acceptor),
            true,
            "TERMS_INVALID"));
    out.add(
        new Case(
            "terms_all_areas_with_areas",
            "acceptor_to_proposer sets all_areas and lists \"Strathcona\" (AGR-4), signed by"
                + " both",
            null,
            signBy(
                terms.toBuilder()
                    .setAcceptorToProposer(
                        terms.getAcceptorToProposer().toBuilder().addAreas("Strathcona"))
                    .build()
                    .toByteArray(),
                proposer,
                acceptor),
            true,
            "TERMS_INVALID"));
    // AGR-4.2: the full lower-case mapping, so U+0130 lower-cases to "i" + U+0307.
    out.add(
        new Case(
            "terms_areas_equal_after_full_lower_case",
            "proposer_to_acceptor lists \"\u0130zmir\" and \"i\u0307zmir\", equal after the full"
                + " lower-case mapping of Unicode 16.0 (AGR-4.2), signed by both",
            null,
            signBy(
                terms.toBuilder()
                    .setProposerToAcceptor(
                        terms.getProposerToAcceptor().toBuilder()
                            .addAreas("\u0130zmir")
                            .addAreas("i\u0307zmir"))
                    .build()
                    .toByteArray(),
                proposer,
                acceptor),
            true,
            "TERMS_INVALID"));
    return out;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /**
   * The AGR-5 outcome of {@code signedAgreement} under {@link SignedAgreements#verify}: "VALID" or
   * the name of the failed check, mapped from the reference node's error message.
   */
  static String outcome(byte[] signedAgreement, boolean requireAcceptor) {
    SignedAgreement s;
    try {
      s = SignedAgreement.parseFrom(signedAgreement);
    } catch (InvalidProtocolBufferException e) {
      return "AGREEMENT_MALFORMED";
    }
    try {
      SignedAgreements.verify(s, requireAcceptor);
      return "VALID";
    } catch (BdxException e) {
      if (e.kind() != BdxException.Kind.INVALID_ARGUMENT) {
        throw new IllegalStateException("AGR-5 failures are INVALID_ARGUMENT: " + e.kind());
      }
      return outcomeOf(e.getMessage());
    }
  }

  private static String outcomeOf(String message) {
    String[][] table = {
      {"the signed agreement has unknown fields", "AGREEMENT_MALFORMED"},
      {"the signed agreement carries no terms", "AGREEMENT_MALFORMED"},
      {"agreement terms exceed", "AGREEMENT_MALFORMED"},
      {"the proposer's signature must be 64 bytes", "AGREEMENT_MALFORMED"},
      {"the acceptor's signature must be 64 bytes", "AGREEMENT_MALFORMED"},
      {"the agreement terms do not parse", "TERMS_MALFORMED"},
      {"the agreement terms have fields unknown", "TERMS_MALFORMED"},
      {"the proposer's public key", "PROPOSER_KEY_MISMATCH"},
      {"the proposer's node id", "PROPOSER_KEY_MISMATCH"},
      {"the acceptor's public key", "ACCEPTOR_KEY_MISMATCH"},
      {"the acceptor's node id", "ACCEPTOR_KEY_MISMATCH"},
      {"the proposer's signature does not verify", "BAD_PROPOSER_SIGNATURE"},
      {"the acceptor's signature is missing", "ACCEPTOR_SIGNATURE_MISSING"},
      {"the acceptor's signature does not verify", "BAD_ACCEPTOR_SIGNATURE"},
      {"invalid agreement terms:", "TERMS_INVALID"},
    };
    for (String[] row : table) {
      if (message.startsWith(row[0])) {
        return row[1];
      }
    }
    throw new IllegalStateException("no AGR-5 outcome for: " + message);
  }

  /** {@code termsBytes} signed by {@code p} and, unless null, countersigned by {@code a}. */
  static SignedAgreement signBy(byte[] termsBytes, NodeKeys p, NodeKeys a) {
    SignedAgreement.Builder b =
        SignedAgreement.newBuilder()
            .setTerms(ByteString.copyFrom(termsBytes))
            .setProposerSignature(sign(p, SigningInput.AGREEMENT_TERMS_TYPE, termsBytes));
    if (a != null) {
      b.setAcceptorSignature(sign(a, SigningInput.AGREEMENT_TERMS_TYPE, termsBytes));
    }
    return b.build();
  }

  static ByteString sign(NodeKeys k, String payloadType, byte[] body) {
    return ByteString.copyFrom(k.sign(SigningInput.of(payloadType, body)));
  }

  static AgreementTerms parse(byte[] b) {
    try {
      return AgreementTerms.parseFrom(b);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code t} serialized with its fields in descending field-number order. */
  static byte[] reversedFieldOrder(AgreementTerms t) {
    List<byte[]> fields = new ArrayList<>();
    byte[] canonical = t.toByteArray();
    // Split the canonical encoding into one chunk per top-level field (all fields of
    // AgreementTerms are singular, so each appears once, in ascending order).
    try {
      CodedInputStream in = CodedInputStream.newInstance(canonical);
      int start = 0;
      while (!in.isAtEnd()) {
        int tag = in.readTag();
        in.skipField(tag);
        int end = in.getTotalBytesRead();
        fields.add(Arrays.copyOfRange(canonical, start, end));
        start = end;
      }
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      for (int i = fields.size() - 1; i >= 0; i--) {
        buf.write(fields.get(i));
      }
      byte[] out = buf.toByteArray();
      if (Arrays.equals(out, canonical) || !parse(out).equals(t)) {
        throw new IllegalStateException("reordering failed");
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static UnknownFieldSet unknown(int number) {
    return UnknownFieldSet.newBuilder()
        .addField(number, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
        .build();
  }

  /** Proto3 JSON of {@code t}, with bytes as hex and 64-bit integers as numbers (README). */
  static JsonObject termsJson(AgreementTerms t) {
    JsonObject o;
    try {
      o =
          JsonParser.parseString(JsonFormat.printer().preservingProtoFieldNames().print(t))
              .getAsJsonObject();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
    o.addProperty("version", t.getVersion());
    o.addProperty("proposer_public_key", HEX.formatHex(t.getProposerPublicKey().toByteArray()));
    o.addProperty("acceptor_public_key", HEX.formatHex(t.getAcceptorPublicKey().toByteArray()));
    o.addProperty("proposed_at", t.getProposedAt());
    return o;
  }
}
