package org.bdx.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bdx.proto.v1.KeyEvent;
import org.bdx.proto.v1.SignedAlert;
import org.bdx.proto.v1.SignedHop;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The suite judges the node under test with its own SIG-7 verifier ({@link Alerts#verify}, also
 * against a held key log), KEY-4 verifier ({@link KeyLogs#verify}) and RELAY-8 verifier ({@link
 * HopPaths#verify}); here they are held to the spec's vectors, so that a reading the vectors settle
 * (spec/vectors/) is the reading the suite applies.
 */
class SuiteVerifierVectorsTest {
  private static JsonObject load(String name) throws Exception {
    String dir = System.getProperty("bdx.spec.dir");
    assertThat(dir).as("system property bdx.spec.dir").isNotNull();
    return JsonParser.parseString(
            Files.readString(Path.of(dir, "vectors", name), StandardCharsets.UTF_8))
        .getAsJsonObject();
  }

  private static byte[] hex(JsonObject o, String key) {
    return HexFormat.of().parseHex(o.get(key).getAsString());
  }

  @Test
  @DisplayName("SIG-7: every negative.json case fails in the suite's verifier with its reason")
  void negativeVectors_failWithTheirReason() throws Exception {
    int n = 0;
    for (JsonElement e : load("negative.json").getAsJsonArray("cases")) {
      JsonObject c = e.getAsJsonObject();
      String name = c.get("name").getAsString();
      // A case without expected_origin is verified with none (spec/vectors/README.md).
      String expected = c.has("expected_origin") ? c.get("expected_origin").getAsString() : null;
      Alerts.Rejected r =
          catchThrowableOfType(
              Alerts.Rejected.class, () -> Alerts.verify(hex(c, "envelope"), expected));
      assertThat(r).as(name).isNotNull();
      assertThat(r.reason).as(name).isEqualTo(c.get("reason").getAsString());
      n++;
    }
    assertThat(n).isPositive();
  }

  @Test
  @DisplayName("SIG-7: every alert-signature.json envelope verifies in the suite's verifier")
  void alertSignatureVectors_verify() throws Exception {
    for (JsonElement e : load("alert-signature.json").getAsJsonArray("cases")) {
      JsonObject c = e.getAsJsonObject();
      Alerts.Verified v = Alerts.verify(hex(c, "envelope"), c.get("node_id").getAsString());
      assertThat(v.header().getMaxHops())
          .as(c.get("name").getAsString())
          .isEqualTo(c.getAsJsonObject("header_fields").get("max_hops").getAsInt());
      List<String> paths = new ArrayList<>();
      c.getAsJsonArray("disclosed_paths").forEach(p -> paths.add(p.getAsString()));
      assertThat(List.copyOf(v.disclosed().keySet()))
          .as(c.get("name").getAsString())
          .isEqualTo(paths);
    }
  }

  @Test
  @DisplayName("KEY-4: every key-event.json case has its outcome in the suite's key-log verifier")
  void keyEventVectors_haveTheirOutcome() throws Exception {
    int n = 0;
    for (JsonElement e : load("key-event.json").getAsJsonArray("cases")) {
      JsonObject c = e.getAsJsonObject();
      String name = c.get("name").getAsString();
      List<byte[]> log = new ArrayList<>();
      c.getAsJsonArray("events").forEach(x -> log.add(HexFormat.of().parseHex(x.getAsString())));
      String outcome = c.get("outcome").getAsString();
      if (outcome.equals("VALID")) {
        assertThat(KeyLogs.verify(c.get("node_id").getAsString(), log))
            .as(name)
            .hasSize(log.size());
      } else {
        KeyLogs.Rejected r =
            catchThrowableOfType(
                KeyLogs.Rejected.class, () -> KeyLogs.verify(c.get("node_id").getAsString(), log));
        assertThat(r).as(name).isNotNull();
        assertThat(r.outcome).as(name).isEqualTo(outcome);
        assertThat(r.index).as(name).isEqualTo(c.get("index").getAsInt());
      }
      n++;
    }
    assertThat(n).isPositive();
  }

  @Test
  @DisplayName(
      "SIG-7.4, SIG-7.11, KEY-18: every key-time.json case has its outcome in the suite's verifier,"
          + " against the held log its KeyLogs verified")
  void keyTimeVectors_haveTheirOutcome() throws Exception {
    JsonObject root = load("key-time.json");
    String origin = root.get("origin_node_id").getAsString();
    Map<String, List<KeyEvent>> logs = new HashMap<>();
    for (Map.Entry<String, JsonElement> l : root.getAsJsonObject("logs").entrySet()) {
      List<byte[]> log = new ArrayList<>();
      l.getValue().getAsJsonArray().forEach(x -> log.add(HexFormat.of().parseHex(x.getAsString())));
      logs.put(l.getKey(), KeyLogs.verify(origin, log));
    }
    List<String> outcomes = new ArrayList<>();
    for (JsonElement e : root.getAsJsonArray("cases")) {
      JsonObject c = e.getAsJsonObject();
      String name = c.get("name").getAsString();
      List<KeyEvent> held = null;
      if (c.has("held_log")) {
        held = logs.get(c.get("held_log").getAsString());
        assertThat(held).as(name + ": held_log names a log").isNotNull();
      }
      String got;
      try {
        Alerts.verify(hex(c, "envelope"), null, held);
        got = "VALID";
      } catch (Alerts.Rejected r) {
        got = r.reason;
      }
      assertThat(got).as(name).isEqualTo(c.get("outcome").getAsString());
      outcomes.add(got);
    }
    // KEY_NOT_TRUSTED is reached only against a held log, so negative.json has no case of it.
    assertThat(outcomes).contains("VALID", "KEY_NOT_TRUSTED", "ORIGIN_ID_MISMATCH");
  }

  @Test
  @DisplayName("SIG-7.11: a held log of another node is no log of the origin: its alerts verify")
  void verify_heldLogOfAnotherNode_checksAsWithoutALog() throws Exception {
    JsonObject valid = null;
    for (JsonElement e : load("key-event.json").getAsJsonArray("cases")) {
      if (e.getAsJsonObject().get("outcome").getAsString().equals("VALID")) {
        valid = e.getAsJsonObject();
      }
    }
    assertThat(valid).as("a VALID key-event.json case").isNotNull();
    List<byte[]> bytes = new ArrayList<>();
    valid
        .getAsJsonArray("events")
        .forEach(x -> bytes.add(HexFormat.of().parseHex(x.getAsString())));
    List<KeyEvent> log = KeyLogs.verify(valid.get("node_id").getAsString(), bytes);
    for (JsonElement e : load("alert-signature.json").getAsJsonArray("cases")) {
      JsonObject c = e.getAsJsonObject();
      assertThat(c.get("node_id").getAsString()).isNotEqualTo(log.get(0).getNodeId());
      assertThat(Alerts.verify(hex(c, "envelope"), null, log).header().getOriginNodeId())
          .as(c.get("name").getAsString())
          .isEqualTo(c.get("node_id").getAsString());
    }
  }

  @Test
  @DisplayName("RELAY-8: every hop-statement.json case has its outcome in the suite's verifier")
  void hopStatementVectors_haveTheirOutcome() throws Exception {
    JsonObject root = load("hop-statement.json");
    String receiver = root.get("receiver").getAsString();
    int n = 0;
    for (JsonElement e : root.getAsJsonArray("cases")) {
      JsonObject c = e.getAsJsonObject();
      String name = c.get("name").getAsString();
      byte[] envelope = hex(c, "envelope");
      Alerts.verify(envelope, null);
      List<SignedHop> hops = new ArrayList<>();
      for (JsonElement h : c.getAsJsonArray("statements")) {
        hops.add(SignedHop.parseFrom(HexFormat.of().parseHex(h.getAsString())));
      }
      long relayHops = c.get("relay_hops").getAsLong();
      String got;
      try {
        HopPaths.verify(
            hops,
            SignedAlert.parseFrom(envelope).getHeader().toByteArray(),
            relayHops,
            c.get("hops_left").getAsLong(),
            c.get("sender").getAsString(),
            receiver,
            c.get("receiver_limit").getAsLong());
        // RELAY-8.4
        got =
            relayHops >= 1
                    && !c.get("receiver_knows_origin").getAsBoolean()
                    && !c.get("accept_relayed").getAsBoolean()
                ? "RELAYED_ORIGIN_NOT_ACCEPTED/ORIGIN_NOT_ACCEPTED"
                : "VALID";
      } catch (HopPaths.Rejected r) {
        got = r.reason + "/" + r.detail;
      }
      String want =
          c.get("outcome").getAsString()
              + (c.has("detail") ? "/" + c.get("detail").getAsString() : "");
      assertThat(got).as(name).isEqualTo(want);
      n++;
    }
    assertThat(n).isPositive();
  }
}
