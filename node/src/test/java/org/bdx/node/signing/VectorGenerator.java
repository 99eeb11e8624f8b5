package org.bdx.node.signing;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.bdx.node.identity.LengthPrefixed;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.sync.FeedVectorGenerator;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.Claim;
import org.bdx.proto.v1.Disclosure;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.SignedAlert;
import org.bdx.proto.v1.TimeOfDay;

/**
 * Writes the test vectors of spec/vectors/ (format in spec/vectors/README.md). Deterministic: fixed
 * seeds, and salts/decoys/alert ids from {@link DeterministicRandom}.
 *
 * <p>Regenerate: run {@code main} with the vectors directory as argument (default {@code
 * spec/vectors}), from the test classpath. {@link SpecVectorsTest} fails if the files differ.
 */
final class VectorGenerator {
  static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  private VectorGenerator() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "spec/vectors");
    Files.createDirectories(dir);
    for (Map.Entry<String, String> f : files().entrySet()) {
      Files.writeString(dir.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
      System.out.println("wrote " + dir.resolve(f.getKey()));
    }
  }

  /** File name → exact file content. */
  static Map<String, String> files() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("node-id.json", GSON.toJson(nodeIds()) + "\n");
    out.put("claim-digest.json", GSON.toJson(claimDigests()) + "\n");
    out.put("alert-signature.json", GSON.toJson(alertSignatures()) + "\n");
    out.put("negative.json", GSON.toJson(negatives()) + "\n");
    out.put("agreement-signature.json", GSON.toJson(agreementSignatures()) + "\n");
    out.put(FeedVectorGenerator.FILE, FeedVectorGenerator.file());
    out.put("hop-statement.json", GSON.toJson(hopStatements()) + "\n");
    out.put(org.bdx.node.keys.KeyEventVectors.FILE, org.bdx.node.keys.KeyEventVectors.file());
    out.put(KeyTimeVectors.FILE, KeyTimeVectors.file());
    return out;
  }

  static JsonObject nodeIds() {
    JsonObject root = new JsonObject();
    root.addProperty(
        "description", "spec ID-1..ID-3: seed -> Ed25519 public key -> node id -> fingerprint");
    root.addProperty("context", org.bdx.node.identity.NodeId.CONTEXT);
    JsonArray cases = new JsonArray();
    String[][] seeds = {
      {"zero_seed", "0000000000000000000000000000000000000000000000000000000000000000"},
      {"vector_origin", Fixtures.HEX.formatHex(Fixtures.ORIGIN_SEED)},
      {"vector_other", Fixtures.HEX.formatHex(Fixtures.OTHER_SEED)},
      {"rfc8032_test1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"},
    };
    for (String[] s : seeds) {
      NodeKeys k = NodeKeys.fromSeed(Fixtures.HEX.parseHex(s[1]));
      JsonObject c = new JsonObject();
      c.addProperty("name", s[0]);
      c.addProperty("seed", s[1]);
      c.addProperty("public_key", hex(k.publicKey()));
      c.addProperty(
          "hash_input",
          hex(
              LengthPrefixed.concat(
                  LengthPrefixed.ascii(org.bdx.node.identity.NodeId.CONTEXT), k.publicKey())));
      c.addProperty("node_id", k.nodeId().value());
      c.addProperty("fingerprint", k.nodeId().fingerprint());
      cases.add(c);
    }
    root.add("cases", cases);
    return root;
  }

  static JsonObject claimDigests() {
    JsonObject root = new JsonObject();
    root.addProperty("description", "spec SIG-4: salted claim digests");
    root.addProperty("context", ClaimDigest.CONTEXT);
    JsonArray cases = new JsonArray();
    byte[] salt16 = Fixtures.HEX.parseHex("000102030405060708090a0b0c0d0e0f");
    byte[] salt64 = new byte[64];
    for (int i = 0; i < 64; i++) {
      salt64[i] = (byte) (0xc0 + i);
    }
    cases.add(
        claimCase(
            "string_area",
            "area",
            AlertFields.newBuilder().setArea("Downtown Eastside").build(),
            salt16));
    cases.add(
        claimCase(
            "repeated_string_phone_numbers",
            "phone_numbers",
            AlertFields.newBuilder()
                .addPhoneNumbers("+16045550123")
                .addPhoneNumbers("+16045550199")
                .build(),
            salt16));
    cases.add(
        claimCase(
            "repeated_enum_harms",
            "harms",
            AlertFields.newBuilder()
                .addHarms(HarmCategory.HARM_CATEGORY_PHYSICAL_ASSAULT)
                .addHarms(HarmCategory.HARM_CATEGORY_STEALTHING)
                .build(),
            salt16));
    cases.add(
        claimCase(
            "enum_time_of_day",
            "time_of_day",
            AlertFields.newBuilder().setTimeOfDay(TimeOfDay.TIME_OF_DAY_EVENING).build(),
            salt16));
    cases.add(
        claimCase(
            "salt_64_bytes_severity",
            "severity",
            AlertFields.newBuilder().setSeverity(Severity.SEVERITY_CRITICAL).build(),
            salt64));
    cases.add(
        claimCase(
            "non_ascii_utf8_area",
            "area",
            AlertFields.newBuilder().setArea("Montréal – Centre-Sud").build(),
            salt16));
    // harms [PHYSICAL_ASSAULT, STEALTHING] unpacked (tag 0x28 per value) where encoders
    // usually pack: a parser must accept both (spec 1.4 PB-2), and the bytes are digested as is.
    byte[] unpacked =
        NegativeCases.concat(
            Claim.newBuilder().setPath("harms").build().toByteArray(),
            NegativeCases.bytes(0x12, 0x04, 0x28, 0x01, 0x28, 0x03));
    cases.add(
        claimCase(
            "repeated_enum_harms_unpacked",
            "harms",
            AlertFields.newBuilder()
                .addHarms(HarmCategory.HARM_CATEGORY_PHYSICAL_ASSAULT)
                .addHarms(HarmCategory.HARM_CATEGORY_STEALTHING)
                .build(),
            salt16,
            unpacked));
    root.add("cases", cases);
    return root;
  }

  private static JsonObject claimCase(String name, String path, AlertFields value, byte[] salt) {
    return claimCase(
        name,
        path,
        value,
        salt,
        Claim.newBuilder().setPath(path).setValue(value).build().toByteArray());
  }

  private static JsonObject claimCase(
      String name, String path, AlertFields value, byte[] salt, byte[] claim) {
    try {
      Claim parsed = Claim.parseFrom(claim);
      if (!parsed.getPath().equals(path) || !parsed.getValue().equals(value)) {
        throw new IllegalStateException(name + ": the claim bytes do not hold the value");
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
    JsonObject c = new JsonObject();
    c.addProperty("name", name);
    c.addProperty("path", path);
    c.add("value_json", protoJson(value));
    c.addProperty("salt", hex(salt));
    c.addProperty("claim", hex(claim));
    c.addProperty("digest_input", hex(ClaimDigest.input(salt, claim)));
    c.addProperty("digest", hex(ClaimDigest.compute(salt, claim)));
    return c;
  }

  static JsonObject alertSignatures() {
    JsonObject root = new JsonObject();
    root.addProperty("description", "spec SIG-2..SIG-8: signed alert envelopes that MUST verify");
    root.addProperty("signature_context", SigningInput.CONTEXT);
    root.addProperty("payload_type", SigningInput.ALERT_HEADER_TYPE);
    NodeKeys origin = Fixtures.origin();
    String label = "bdx/v1 alert-signature vectors";
    DeterministicRandom rng = new DeterministicRandom(label);
    String alertId = AlertDraft.newAlertId(rng);
    AlertSigner signer = new AlertSigner(origin, rng);
    SignedAlert full = signer.sign(Fixtures.draft(alertId, Fixtures.twelveFields()));
    SignedAlert subset = Disclosures.select(full, Set.of("area", "harms", "severity"));
    SignedAlert retracted = signer.sign(Fixtures.retraction(alertId, 2));
    JsonArray cases = new JsonArray();
    cases.add(
        alertCase("active_twelve_fields", "every disclosure of an active alert", origin, full));
    cases.add(
        alertCase(
            "active_subset",
            "the same envelope with only area, harms and severity disclosed",
            origin,
            subset));
    cases.add(
        alertCase(
            "retracted", "version 2: a retraction, no digests, no disclosures", origin, retracted));
    // PB-3: a second max_hops, the varint 2^32 + 2, holds 2 (low 32 bits) and wins (PB-4).
    byte[] wideHops =
        NegativeCases.concat(
            full.getHeader().toByteArray(),
            NegativeCases.bytes(0x48, 0x82, 0x80, 0x80, 0x80, 0x10));
    cases.add(
        alertCase(
            "active_max_hops_wider_than_32_bits",
            "the header of active_twelve_fields followed by max_hops as the varint 2^32 + 2,"
                + " which holds 2 (PB-3); re-signed, with the disclosures of active_subset",
            origin,
            AlertSigner.signHeader(origin, wideHops, subset.getDisclosuresList())));
    root.addProperty("drbg_label", label);
    root.add("cases", cases);
    return root;
  }

  private static JsonObject alertCase(
      String name, String description, NodeKeys origin, SignedAlert e) {
    AlertHeader h = parseHeader(e.getHeader());
    VerifiedAlert v;
    try {
      v = new AlertVerifier().verify(e);
    } catch (VerificationException ex) {
      throw new IllegalStateException("a positive vector does not verify: " + ex.getMessage());
    }
    JsonObject c = new JsonObject();
    c.addProperty("name", name);
    c.addProperty("description", description);
    c.addProperty("seed", hex(origin.exportSeed(org.bdx.node.vault.SecretAccess.INSECURE)));
    c.addProperty("public_key", hex(origin.publicKey()));
    c.addProperty("node_id", origin.nodeId().value());
    JsonObject hf = new JsonObject();
    hf.addProperty("origin_node_id", h.getOriginNodeId());
    hf.addProperty("origin_public_key", hex(h.getOriginPublicKey()));
    hf.addProperty("alert_id", h.getAlertId());
    hf.addProperty("version", h.getVersion());
    hf.addProperty("status", h.getStatus().name());
    hf.addProperty("issued_at", h.getIssuedAt());
    hf.addProperty("expires_at", h.getExpiresAt());
    hf.addProperty("audience", h.getAudience().name());
    hf.addProperty("max_hops", h.getMaxHops());
    hf.addProperty("digest_algorithm", h.getDigestAlgorithm());
    JsonArray digests = new JsonArray();
    h.getClaimDigestsList().forEach(d -> digests.add(hex(d)));
    hf.add("claim_digests", digests);
    c.add("header_fields", hf);
    c.addProperty("header", hex(e.getHeader()));
    c.addProperty("signing_input", hex(SigningInput.ofAlertHeader(e.getHeader().toByteArray())));
    c.addProperty("signature", hex(e.getSignature()));
    JsonArray ds = new JsonArray();
    for (Disclosure d : e.getDisclosuresList()) {
      JsonObject o = new JsonObject();
      o.addProperty("path", Disclosures.pathOf(d).orElseThrow());
      o.addProperty("salt", hex(d.getSalt()));
      o.addProperty("claim", hex(d.getClaim()));
      o.addProperty(
          "digest",
          hex(ClaimDigest.compute(d.getSalt().toByteArray(), d.getClaim().toByteArray())));
      ds.add(o);
    }
    c.add("disclosures", ds);
    c.addProperty("envelope", hex(e.toByteArray()));
    JsonArray paths = new JsonArray();
    v.disclosedPaths().forEach(paths::add);
    c.add("disclosed_paths", paths);
    c.add("fields_json", protoJson(v.fields()));
    return c;
  }

  static JsonObject negatives() {
    JsonObject root = new JsonObject();
    root.addProperty(
        "description",
        "spec SIG-7: envelopes that MUST fail, with the reason of the first" + " failing check");
    NegativeCases nc = new NegativeCases();
    root.addProperty("origin_seed", hex(Fixtures.ORIGIN_SEED));
    root.addProperty("origin_node_id", nc.origin.nodeId().value());
    JsonArray cases = new JsonArray();
    for (NegativeCases.Case c : nc.all()) {
      JsonObject o = new JsonObject();
      o.addProperty("name", c.name());
      o.addProperty("description", c.description());
      if (c.expectedOrigin() != null) {
        o.addProperty("expected_origin", c.expectedOrigin().value());
      }
      o.addProperty("reason", c.reason().name());
      o.addProperty("envelope", hex(c.envelope().toByteArray()));
      cases.add(o);
    }
    root.add("cases", cases);
    return root;
  }

  static JsonObject agreementSignatures() {
    JsonObject root = new JsonObject();
    root.addProperty(
        "description",
        "spec AGR-2, AGR-5: signed sharing agreements, with the outcome of AGR-5 verification");
    root.addProperty("signature_context", SigningInput.CONTEXT);
    root.addProperty("payload_type", SigningInput.AGREEMENT_TERMS_TYPE);
    root.addProperty("drbg_label", AgreementVectors.DRBG_LABEL);
    AgreementVectors av = new AgreementVectors();
    root.addProperty("proposer_seed", hex(AgreementVectors.PROPOSER_SEED));
    root.addProperty("proposer_public_key", hex(av.proposer.publicKey()));
    root.addProperty("proposer_node_id", av.proposer.nodeId().value());
    root.addProperty("acceptor_seed", hex(AgreementVectors.ACCEPTOR_SEED));
    root.addProperty("acceptor_public_key", hex(av.acceptor.publicKey()));
    root.addProperty("acceptor_node_id", av.acceptor.nodeId().value());
    JsonArray cases = new JsonArray();
    for (AgreementVectors.Case c : av.all()) {
      byte[] signed = c.signed().toByteArray();
      String outcome = AgreementVectors.outcome(signed, c.requireAcceptor());
      if (!outcome.equals(c.outcome())) {
        throw new IllegalStateException(
            c.name() + ": SignedAgreements gives " + outcome + ", the case says " + c.outcome());
      }
      JsonObject o = new JsonObject();
      o.addProperty("name", c.name());
      o.addProperty("description", c.description());
      if (c.terms() != null) {
        o.add("terms_fields", AgreementVectors.termsJson(AgreementVectors.parse(c.terms())));
        o.addProperty("terms", hex(c.terms()));
        o.addProperty(
            "signing_input", hex(SigningInput.of(SigningInput.AGREEMENT_TERMS_TYPE, c.terms())));
        o.addProperty("proposer_signature", hex(c.signed().getProposerSignature()));
        o.addProperty("acceptor_signature", hex(c.signed().getAcceptorSignature()));
      }
      o.addProperty("signed_agreement", hex(signed));
      o.addProperty("require_acceptor", c.requireAcceptor());
      o.addProperty("outcome", c.outcome());
      cases.add(o);
    }
    root.add("cases", cases);
    return root;
  }

  static JsonObject hopStatements() {
    JsonObject root = new JsonObject();
    root.addProperty(
        "description",
        "spec RELAY-8: hop statement chains of feed items with content, with the outcome the"
            + " receiver reaches and the check that decided");
    root.addProperty("signature_context", SigningInput.CONTEXT);
    root.addProperty("payload_type", SigningInput.HOP_STATEMENT_TYPE);
    root.addProperty("digest_context", HopChain.DIGEST_CONTEXT);
    root.addProperty("drbg_label", HopVectors.DRBG_LABEL);
    HopVectors hv = new HopVectors();
    JsonObject nodes = new JsonObject();
    for (Object[] n :
        new Object[][] {
          {"origin", Fixtures.ORIGIN_SEED},
          {"relay", HopVectors.RELAY_SEED},
          {"sender", HopVectors.SENDER_SEED},
          {"receiver", HopVectors.RECEIVER_SEED},
          {"forger", HopVectors.FORGER_SEED}
        }) {
      NodeKeys k = NodeKeys.fromSeed((byte[]) n[1]);
      JsonObject o = new JsonObject();
      o.addProperty("seed", hex((byte[]) n[1]));
      o.addProperty("public_key", hex(k.publicKey()));
      o.addProperty("node_id", k.nodeId().value());
      nodes.add((String) n[0], o);
    }
    root.add("nodes", nodes);
    root.addProperty("receiver", hv.receiverId().value());
    JsonArray cases = new JsonArray();
    for (HopVectors.Case c : hv.all()) {
      String[] outcome = hv.outcome(c);
      if (!outcome[0].equals(c.outcome()) || !java.util.Objects.equals(outcome[1], c.detail())) {
        throw new IllegalStateException(
            c.name()
                + ": HopChain gives "
                + String.join("/", outcome)
                + ", the case says "
                + c.outcome()
                + "/"
                + c.detail());
      }
      JsonObject o = new JsonObject();
      o.addProperty("name", c.name());
      o.addProperty("description", c.description());
      o.addProperty("envelope", hex(c.envelope().toByteArray()));
      o.addProperty("header_digest", hex(HopChain.headerDigest(c.envelope().getHeader())));
      o.addProperty("relay_hops", c.relayHops());
      o.addProperty("hops_left", c.hopsLeft());
      JsonArray hops = new JsonArray();
      JsonArray fields = new JsonArray();
      for (org.bdx.proto.v1.SignedHop h : c.hops()) {
        hops.add(hex(h.toByteArray()));
        org.bdx.proto.v1.HopStatement st = HopVectors.statement(h);
        JsonObject f = new JsonObject();
        f.addProperty("header_digest", hex(st.getHeaderDigest()));
        f.addProperty("from_node_id", st.getFromNodeId());
        f.addProperty("from_public_key", hex(st.getFromPublicKey()));
        f.addProperty("to_node_id", st.getToNodeId());
        f.addProperty("hops_left", Integer.toUnsignedLong(st.getHopsLeft()));
        fields.add(f);
      }
      o.add("statements", hops);
      o.add("statement_fields", fields);
      o.addProperty("sender", c.sender().nodeId().value());
      o.addProperty("receiver_limit", c.limit());
      o.addProperty("receiver_knows_origin", c.knowsOrigin());
      o.addProperty("accept_relayed", c.acceptRelayed());
      o.addProperty("outcome", c.outcome());
      if (c.detail() != null) {
        o.addProperty("detail", c.detail());
      }
      cases.add(o);
    }
    root.add("cases", cases);
    return root;
  }

  static AlertHeader parseHeader(ByteString b) {
    try {
      return AlertHeader.parseFrom(b);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonElement protoJson(MessageOrBuilder m) {
    try {
      return JsonParser.parseString(JsonFormat.printer().preservingProtoFieldNames().print(m));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hex(byte[] b) {
    return Fixtures.HEX.formatHex(b);
  }

  static String hex(ByteString b) {
    return Fixtures.HEX.formatHex(b.toByteArray());
  }
}
