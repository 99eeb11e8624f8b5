package org.bdx.node.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bdx.node.agreement.SignedAgreements;
import org.bdx.node.identity.LengthPrefixed;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.Claim;
import org.bdx.proto.v1.SignedAgreement;
import org.bdx.proto.v1.SignedAlert;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Checks spec/vectors/ against this implementation (directory from system property bdx.spec.dir).
 */
class SpecVectorsTest {
  private static final HexFormat HEX = HexFormat.of();

  private static Path vectors() {
    String dir = System.getProperty("bdx.spec.dir");
    assertThat(dir).as("system property bdx.spec.dir").isNotNull();
    return Path.of(dir).resolve("vectors");
  }

  private static JsonObject load(String name) throws IOException {
    return JsonParser.parseString(Files.readString(vectors().resolve(name), StandardCharsets.UTF_8))
        .getAsJsonObject();
  }

  private static byte[] hex(JsonObject o, String key) {
    return HEX.parseHex(o.get(key).getAsString());
  }

  private static List<JsonObject> cases(JsonObject root) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonElement e : root.getAsJsonArray("cases")) {
      out.add(e.getAsJsonObject());
    }
    assertThat(out).isNotEmpty();
    return out;
  }

  @Test
  @DisplayName("ID-1..ID-3: node-id.json")
  void nodeIdVectors_reproduce() throws Exception {
    JsonObject root = load("node-id.json");
    assertThat(root.get("context").getAsString()).isEqualTo(NodeId.CONTEXT);
    List<JsonObject> cs = cases(root);
    assertThat(cs).hasSizeGreaterThanOrEqualTo(2);
    for (JsonObject c : cs) {
      NodeKeys k = NodeKeys.fromSeed(hex(c, "seed"));
      assertThat(HEX.formatHex(k.publicKey())).isEqualTo(c.get("public_key").getAsString());
      assertThat(LengthPrefixed.concat(LengthPrefixed.ascii(NodeId.CONTEXT), k.publicKey()))
          .isEqualTo(hex(c, "hash_input"));
      assertThat(k.nodeId().value()).isEqualTo(c.get("node_id").getAsString());
      assertThat(NodeId.parse(c.get("node_id").getAsString()).fingerprint())
          .isEqualTo(c.get("fingerprint").getAsString());
    }
  }

  @Test
  @DisplayName("SIG-4: claim-digest.json")
  void claimDigestVectors_reproduce() throws Exception {
    JsonObject root = load("claim-digest.json");
    assertThat(root.get("context").getAsString()).isEqualTo(ClaimDigest.CONTEXT);
    for (JsonObject c : cases(root)) {
      byte[] salt = hex(c, "salt");
      byte[] claim = hex(c, "claim");
      Claim parsed = Claim.parseFrom(claim);
      assertThat(parsed.getPath()).isEqualTo(c.get("path").getAsString());
      AlertFields.Builder value = AlertFields.newBuilder();
      JsonFormat.parser().merge(c.get("value_json").toString(), value);
      assertThat(parsed.getValue()).isEqualTo(value.build());
      assertThat(ClaimDigest.input(salt, claim)).isEqualTo(hex(c, "digest_input"));
      assertThat(ClaimDigest.compute(salt, claim)).isEqualTo(hex(c, "digest"));
    }
  }

  @Test
  @DisplayName("SIG-2..SIG-8: alert-signature.json verifies and reproduces")
  void alertSignatureVectors_reproduceAndVerify() throws Exception {
    JsonObject root = load("alert-signature.json");
    assertThat(root.get("signature_context").getAsString()).isEqualTo(SigningInput.CONTEXT);
    assertThat(root.get("payload_type").getAsString()).isEqualTo(SigningInput.ALERT_HEADER_TYPE);
    for (JsonObject c : cases(root)) {
      NodeKeys k = NodeKeys.fromSeed(hex(c, "seed"));
      assertThat(k.publicKey()).isEqualTo(hex(c, "public_key"));
      assertThat(k.nodeId().value()).isEqualTo(c.get("node_id").getAsString());
      byte[] header = hex(c, "header");
      byte[] input = SigningInput.ofAlertHeader(header);
      assertThat(input).isEqualTo(hex(c, "signing_input"));
      // Ed25519 is deterministic: the signature reproduces byte for byte.
      assertThat(k.sign(input)).isEqualTo(hex(c, "signature"));
      assertThat(NodeKeys.verify(k.publicKey(), input, hex(c, "signature"))).isTrue();

      AlertHeader h = AlertHeader.parseFrom(header);
      JsonObject hf = c.getAsJsonObject("header_fields");
      assertThat(h.getOriginNodeId()).isEqualTo(hf.get("origin_node_id").getAsString());
      assertThat(h.getAlertId()).isEqualTo(hf.get("alert_id").getAsString());
      assertThat(h.getVersion()).isEqualTo(hf.get("version").getAsLong());
      assertThat(h.getStatus().name()).isEqualTo(hf.get("status").getAsString());
      assertThat(h.getAudience().name()).isEqualTo(hf.get("audience").getAsString());
      assertThat(h.getMaxHops()).isEqualTo(hf.get("max_hops").getAsInt());
      assertThat(h.getIssuedAt()).isEqualTo(hf.get("issued_at").getAsLong());
      assertThat(h.getExpiresAt()).isEqualTo(hf.get("expires_at").getAsLong());
      List<String> digests = new ArrayList<>();
      hf.getAsJsonArray("claim_digests").forEach(d -> digests.add(d.getAsString()));
      assertThat(h.getClaimDigestsList().stream().map(b -> HEX.formatHex(b.toByteArray())).toList())
          .isEqualTo(digests);

      SignedAlert e = SignedAlert.parseFrom(hex(c, "envelope"));
      assertThat(e.getHeader().toByteArray()).isEqualTo(header);
      assertThat(e.getSignature().toByteArray()).isEqualTo(hex(c, "signature"));
      JsonArray ds = c.getAsJsonArray("disclosures");
      assertThat(e.getDisclosuresCount()).isEqualTo(ds.size());
      for (int i = 0; i < ds.size(); i++) {
        JsonObject d = ds.get(i).getAsJsonObject();
        assertThat(e.getDisclosures(i).getSalt().toByteArray()).isEqualTo(hex(d, "salt"));
        assertThat(e.getDisclosures(i).getClaim().toByteArray()).isEqualTo(hex(d, "claim"));
        assertThat(Claim.parseFrom(hex(d, "claim")).getPath())
            .isEqualTo(d.get("path").getAsString());
        byte[] digest = ClaimDigest.compute(hex(d, "salt"), hex(d, "claim"));
        assertThat(digest).isEqualTo(hex(d, "digest"));
        assertThat(h.getClaimDigestsList()).contains(ByteString.copyFrom(digest));
      }

      VerifiedAlert v = new AlertVerifier().verify(e, k.nodeId());
      List<String> paths = new ArrayList<>();
      c.getAsJsonArray("disclosed_paths").forEach(p -> paths.add(p.getAsString()));
      assertThat(List.copyOf(v.disclosedPaths())).isEqualTo(paths);
      AlertFields.Builder fields = AlertFields.newBuilder();
      JsonFormat.parser().merge(c.get("fields_json").toString(), fields);
      assertThat(v.fields()).isEqualTo(fields.build());
    }
  }

  @Test
  @DisplayName("SIG-7: negative.json envelopes fail with the named reason")
  void negativeVectors_failWithNamedReason() throws Exception {
    List<JsonObject> cs = cases(load("negative.json"));
    for (JsonObject c : cs) {
      SignedAlert e = SignedAlert.parseFrom(hex(c, "envelope"));
      NodeId expected =
          c.has("expected_origin") ? NodeId.parse(c.get("expected_origin").getAsString()) : null;
      VerificationException ex =
          catchThrowableOfType(
              VerificationException.class, () -> new AlertVerifier().verify(e, expected));
      assertThat(ex).as(c.get("name").getAsString()).isNotNull();
      assertThat(ex.reason().name())
          .as(c.get("name").getAsString())
          .isEqualTo(c.get("reason").getAsString());
    }
  }

  @Test
  @DisplayName("AGR-2, AGR-5: agreement-signature.json reproduces, and each outcome matches")
  void agreementSignatureVectors_reproduceAndHaveTheirOutcome() throws Exception {
    JsonObject root = load("agreement-signature.json");
    assertThat(root.get("signature_context").getAsString()).isEqualTo(SigningInput.CONTEXT);
    assertThat(root.get("payload_type").getAsString()).isEqualTo(SigningInput.AGREEMENT_TERMS_TYPE);
    NodeKeys proposer = NodeKeys.fromSeed(hex(root, "proposer_seed"));
    NodeKeys acceptor = NodeKeys.fromSeed(hex(root, "acceptor_seed"));
    assertThat(proposer.publicKey()).isEqualTo(hex(root, "proposer_public_key"));
    assertThat(proposer.nodeId().value()).isEqualTo(root.get("proposer_node_id").getAsString());
    assertThat(acceptor.publicKey()).isEqualTo(hex(root, "acceptor_public_key"));
    assertThat(acceptor.nodeId().value()).isEqualTo(root.get("acceptor_node_id").getAsString());
    Set<String> outcomes = new HashSet<>();
    for (JsonObject c : cases(root)) {
      String name = c.get("name").getAsString();
      byte[] signed = hex(c, "signed_agreement");
      String outcome = c.get("outcome").getAsString();
      outcomes.add(outcome);
      assertThat(AgreementVectors.outcome(signed, c.get("require_acceptor").getAsBoolean()))
          .as(name)
          .isEqualTo(outcome);
      if (!c.has("terms")) {
        continue;
      }
      byte[] terms = hex(c, "terms");
      byte[] input = SigningInput.of(SigningInput.AGREEMENT_TERMS_TYPE, terms);
      assertThat(input).as(name).isEqualTo(hex(c, "signing_input"));
      SignedAgreement s = SignedAgreement.parseFrom(signed);
      assertThat(s.getTerms().toByteArray()).as(name).isEqualTo(terms);
      assertThat(s.getProposerSignature().toByteArray())
          .as(name)
          .isEqualTo(hex(c, "proposer_signature"));
      assertThat(s.getAcceptorSignature().toByteArray())
          .as(name)
          .isEqualTo(hex(c, "acceptor_signature"));
      AgreementTerms t = AgreementTerms.parseFrom(terms);
      assertThat(AgreementVectors.termsJson(t)).as(name).isEqualTo(c.get("terms_fields"));
      // An amendment may be proposed by the version-1 acceptor (AGR-12.1): the roles swap.
      boolean swapped =
          Arrays.equals(t.getProposerPublicKey().toByteArray(), acceptor.publicKey())
              && outcome.equals("VALID");
      NodeKeys by = swapped ? acceptor : proposer;
      NodeKeys countersigner = swapped ? proposer : acceptor;
      // Ed25519 is deterministic: each party's signature reproduces byte for byte.
      assertThat(by.sign(input)).as(name).isEqualTo(hex(c, "proposer_signature"));
      SignedAgreement proposed =
          SignedAgreement.newBuilder()
              .setTerms(ByteString.copyFrom(terms))
              .setProposerSignature(s.getProposerSignature())
              .build();
      if (Arrays.equals(t.toByteArray(), terms)) {
        assertThat(SignedAgreements.propose(by, t)).as(name).isEqualTo(proposed);
      }
      if (s.getAcceptorSignature().isEmpty()) {
        assertThat(proposed.toByteArray()).as(name).isEqualTo(signed);
      } else {
        // The acceptor countersigns the bytes it received, whatever their field order.
        assertThat(SignedAgreements.countersign(countersigner, proposed).toByteArray())
            .as(name)
            .isEqualTo(signed);
      }
    }
    assertThat(outcomes).containsExactlyInAnyOrderElementsOf(AgreementVectors.OUTCOMES);
  }

  @Test
  @DisplayName("RELAY-8: hop-statement.json reproduces, and each outcome matches")
  void hopStatementVectors_reproduceAndHaveTheirOutcome() throws Exception {
    JsonObject root = load("hop-statement.json");
    assertThat(root.get("signature_context").getAsString()).isEqualTo(SigningInput.CONTEXT);
    assertThat(root.get("payload_type").getAsString()).isEqualTo(SigningInput.HOP_STATEMENT_TYPE);
    assertThat(root.get("digest_context").getAsString()).isEqualTo(HopChain.DIGEST_CONTEXT);
    Map<String, NodeKeys> byId = new java.util.HashMap<>();
    for (Map.Entry<String, JsonElement> n : root.getAsJsonObject("nodes").entrySet()) {
      JsonObject o = n.getValue().getAsJsonObject();
      NodeKeys k = NodeKeys.fromSeed(hex(o, "seed"));
      assertThat(k.publicKey()).isEqualTo(hex(o, "public_key"));
      assertThat(k.nodeId().value()).isEqualTo(o.get("node_id").getAsString());
      byId.put(k.nodeId().value(), k);
    }
    NodeId receiver = NodeId.parse(root.get("receiver").getAsString());
    Set<String> outcomes = new HashSet<>();
    for (JsonObject c : cases(root)) {
      String name = c.get("name").getAsString();
      SignedAlert e = SignedAlert.parseFrom(hex(c, "envelope"));
      VerifiedAlert alert = new AlertVerifier().verify(e);
      assertThat(HopChain.headerDigest(e.getHeader())).as(name).isEqualTo(hex(c, "header_digest"));
      List<org.bdx.proto.v1.SignedHop> hops = new ArrayList<>();
      for (JsonElement h : c.getAsJsonArray("statements")) {
        hops.add(org.bdx.proto.v1.SignedHop.parseFrom(HEX.parseHex(h.getAsString())));
      }
      String outcome = c.get("outcome").getAsString();
      outcomes.add(outcome);
      String got;
      try {
        HopChain.verify(
            hops,
            alert,
            c.get("relay_hops").getAsLong(),
            c.get("hops_left").getAsLong(),
            NodeId.parse(c.get("sender").getAsString()),
            receiver,
            c.get("receiver_limit").getAsLong());
        got =
            org.bdx.node.policy.RelayHops.originAccepted(
                    c.get("relay_hops").getAsLong(),
                    c.get("receiver_knows_origin").getAsBoolean(),
                    c.get("accept_relayed").getAsBoolean())
                ? "VALID"
                : "RELAYED_ORIGIN_NOT_ACCEPTED/ORIGIN_NOT_ACCEPTED";
      } catch (HopChainException ex) {
        got = ex.reason().outcome().name() + "/" + ex.reason().name();
      }
      assertThat(got)
          .as(name)
          .isEqualTo(c.has("detail") ? outcome + "/" + c.get("detail").getAsString() : outcome);
      if (outcome.equals("VALID")) {
        // Ed25519 is deterministic: each statement's signature reproduces from its signer's seed.
        for (org.bdx.proto.v1.SignedHop h : hops) {
          String from = org.bdx.proto.v1.HopStatement.parseFrom(h.getStatement()).getFromNodeId();
          assertThat(
                  byId.get(from)
                      .sign(
                          SigningInput.of(
                              SigningInput.HOP_STATEMENT_TYPE, h.getStatement().toByteArray())))
              .as(name)
              .isEqualTo(h.getSignature().toByteArray());
        }
      }
    }
    assertThat(outcomes).containsExactlyInAnyOrderElementsOf(HopVectors.OUTCOMES);
  }

  @Test
  @DisplayName("KEY-1..KEY-9: key-event.json logs have their outcome, key at a time and trust")
  void keyEventVectors_haveTheirOutcomeAndQueries() throws Exception {
    JsonObject root = load("key-event.json");
    assertThat(root.get("signature_context").getAsString()).isEqualTo(SigningInput.CONTEXT);
    assertThat(root.get("payload_type").getAsString()).isEqualTo(SigningInput.KEY_EVENT_TYPE);
    assertThat(root.get("next_key_context").getAsString())
        .isEqualTo(org.bdx.node.keys.KeyEvents.NEXT_KEY_CONTEXT);
    assertThat(root.get("event_digest_context").getAsString())
        .isEqualTo(org.bdx.node.keys.KeyEvents.EVENT_DIGEST_CONTEXT);
    for (Map.Entry<String, JsonElement> k : root.getAsJsonObject("keys").entrySet()) {
      JsonObject o = k.getValue().getAsJsonObject();
      NodeKeys keys = NodeKeys.fromSeed(hex(o, "seed"));
      assertThat(keys.publicKey()).as(k.getKey()).isEqualTo(hex(o, "public_key"));
      assertThat(keys.nodeId().value()).as(k.getKey()).isEqualTo(o.get("node_id").getAsString());
      assertThat(org.bdx.node.keys.KeyEvents.nextKeyDigest(keys.publicKey()))
          .as(k.getKey())
          .isEqualTo(hex(o, "next_key_digest"));
    }
    Set<String> outcomes = new HashSet<>();
    for (JsonObject c : cases(root)) {
      String name = c.get("name").getAsString();
      List<org.bdx.proto.v1.SignedKeyEvent> events = new ArrayList<>();
      for (JsonElement e : c.getAsJsonArray("events")) {
        events.add(org.bdx.proto.v1.SignedKeyEvent.parseFrom(HEX.parseHex(e.getAsString())));
      }
      String outcome = c.get("outcome").getAsString();
      outcomes.add(outcome);
      org.bdx.node.keys.KeyLog log;
      try {
        log = org.bdx.node.keys.KeyLog.verify(NodeId.parse(c.get("node_id").getAsString()), events);
      } catch (org.bdx.node.keys.KeyLogException ex) {
        assertThat(ex.outcome().name() + "@" + ex.index())
            .as(name)
            .isEqualTo(outcome + "@" + c.get("index").getAsInt());
        continue;
      }
      assertThat(outcome).as(name).isEqualTo("VALID");
      JsonObject q = c.getAsJsonObject("queries");
      for (JsonElement e : q.getAsJsonArray("key_at")) {
        JsonObject o = e.getAsJsonObject();
        assertThat(log.keyAt(o.get("time").getAsLong())).as(name).isEqualTo(hex(o, "public_key"));
      }
      for (JsonElement e : q.getAsJsonArray("trusts")) {
        JsonObject o = e.getAsJsonObject();
        assertThat(log.trusts(hex(o, "public_key"), o.get("issued_at").getAsLong()))
            .as(name + " " + o)
            .isEqualTo(o.get("trusted").getAsBoolean());
      }
      for (JsonElement e : q.getAsJsonArray("revoked")) {
        JsonObject o = e.getAsJsonObject();
        assertThat(log.revokedSince(hex(o, "public_key")))
            .as(name)
            .hasValue(o.get("compromised_since").getAsLong());
      }
    }
    assertThat(outcomes)
        .containsExactlyInAnyOrderElementsOf(
            java.util.stream.Stream.concat(
                    java.util.stream.Stream.of("VALID"),
                    java.util.Arrays.stream(org.bdx.node.keys.KeyLogException.Outcome.values())
                        .map(Enum::name))
                .toList());
  }

  @Test
  @DisplayName("vectors are exactly what VectorGenerator writes (regenerate with its main)")
  void vectorFiles_matchGenerator() throws Exception {
    for (Map.Entry<String, String> f : VectorGenerator.files().entrySet()) {
      assertThat(Files.readString(vectors().resolve(f.getKey()), StandardCharsets.UTF_8))
          .as(f.getKey() + " differs from VectorGenerator output")
          .isEqualTo(f.getValue());
    }
  }
}
