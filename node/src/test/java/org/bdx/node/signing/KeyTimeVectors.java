package org.bdx.node.signing;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.keys.HeldLogKeys;
import org.bdx.node.keys.KeyEvents;
import org.bdx.node.keys.KeyLog;
import org.bdx.node.keys.KeyLogException;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.SignedAlert;
import org.bdx.proto.v1.SignedKeyEvent;

/**
 * Alerts verified against a held key log (spec SIG-7.4, SIG-7.11, KEY-18): which key signs for the
 * origin at an alert's issue time, and what a revocation withdraws. Deterministic; written to
 * spec/vectors/key-time.json and checked by {@link KeyTimeVectorsTest} and the JavaScript verifier.
 */
final class KeyTimeVectors {
  static final String FILE = "key-time.json";

  static final long T0 = 1_790_000_000L;
  static final long DAY = 86_400L;

  /** The origin's first key, the next one (A1) and the one after (A2). */
  final NodeKeys a0 = Fixtures.origin();

  final NodeKeys a1 = NodeKeys.fromSeed(seed(0x41)).forNode(a0.nodeId());
  final NodeKeys a2 = NodeKeys.fromSeed(seed(0x42));

  /** A rotation to A1 from T0 + 30 days. */
  final KeyLog rotated;

  /** A revocation of A0 (compromised since T0 + 20 days) to A1 from T0 + 30 days. */
  final KeyLog revoked;

  final Map<String, KeyLog> logs = new LinkedHashMap<>();

  record Case(String name, String description, String log, SignedAlert envelope, String outcome) {}

  KeyTimeVectors() {
    SignedKeyEvent inception = KeyEvents.inception(a0, a1.publicKey(), T0);
    try {
      KeyLog first = KeyLog.verify(a0.nodeId(), List.of(inception));
      rotated = first.append(KeyEvents.rotation(first, a1, a2.publicKey(), T0 + 30 * DAY));
      revoked =
          first.append(
              KeyEvents.revocation(first, a1, a2.publicKey(), T0 + 30 * DAY, T0 + 20 * DAY));
    } catch (KeyLogException e) {
      throw new IllegalStateException(e);
    }
    logs.put("rotated", rotated);
    logs.put("revoked", revoked);
  }

  List<Case> all() {
    DeterministicRandom rng = new DeterministicRandom("bdx/v1 key-time vectors");
    List<Case> out = new ArrayList<>();
    long before = T0 + 25 * DAY;
    long after = T0 + 31 * DAY;
    long beforeCompromise = T0 + 10 * DAY;
    out.add(
        new Case(
            "rotated_old_key_before_rotation",
            "signed by A0 at an issue time before A1's valid_from",
            "rotated",
            sign(a0, before, rng),
            "VALID"));
    out.add(
        new Case(
            "rotated_new_key_after_rotation",
            "signed by A1 (origin_node_id stays A0's id) after its valid_from",
            "rotated",
            sign(a1, after, rng),
            "VALID"));
    out.add(
        new Case(
            "rotated_old_key_after_rotation",
            "signed by A0 at an issue time after A1 replaced it",
            "rotated",
            sign(a0, after, rng),
            "KEY_NOT_TRUSTED"));
    out.add(
        new Case(
            "rotated_new_key_before_rotation",
            "signed by A1 at an issue time before its valid_from",
            "rotated",
            sign(a1, before, rng),
            "KEY_NOT_TRUSTED"));
    out.add(
        new Case(
            "revoked_key_back_dated",
            "signed by the revoked A0 with an issue time before it was compromised: nothing new of a"
                + " revoked key is taken, whatever time it claims",
            "revoked",
            sign(a0, beforeCompromise, rng),
            "KEY_NOT_TRUSTED"));
    out.add(
        new Case(
            "revoked_new_key",
            "signed by A1, which the revocation made current",
            "revoked",
            sign(a1, after, rng),
            "VALID"));
    out.add(
        new Case(
            "no_log_new_key",
            "signed by A1 with A0's id, and no key log of the origin held",
            null,
            sign(a1, after, rng),
            "ORIGIN_ID_MISMATCH"));
    out.add(
        new Case(
            "no_log_first_key",
            "signed by A0, no key log held: the first key signs as before key logs",
            null,
            sign(a0, after, rng),
            "VALID"));
    out.add(
        new Case(
            "log_does_not_name_key",
            "signed by A2 (committed to, not yet introduced) with A0's id",
            "rotated",
            sign(a2.forNode(a0.nodeId()), after, rng),
            "ORIGIN_ID_MISMATCH"));
    return out;
  }

  /** The reason (or VALID) the reference verifier reaches for {@code c}. */
  String outcome(Case c) {
    KeyLog log = c.log() == null ? null : logs.get(c.log());
    NodeId origin = a0.nodeId();
    SigningKeys keys = new HeldLogKeys(n -> n.equals(origin) ? log : null);
    try {
      new AlertVerifier(keys).verify(c.envelope());
      return "VALID";
    } catch (VerificationException e) {
      return e.reason().name();
    }
  }

  private static SignedAlert sign(NodeKeys key, long issuedAt, DeterministicRandom rng) {
    return new AlertSigner(key, rng)
        .sign(
            new AlertDraft(
                AlertDraft.newAlertId(rng),
                1,
                AlertStatus.ALERT_STATUS_ACTIVE,
                issuedAt,
                issuedAt + 90 * DAY,
                Audience.AUDIENCE_PEER,
                1,
                Fixtures.twelveFields()));
  }

  private static byte[] seed(int fill) {
    byte[] s = new byte[32];
    java.util.Arrays.fill(s, (byte) fill);
    return s;
  }

  static String file() {
    KeyTimeVectors v = new KeyTimeVectors();
    JsonObject root = new JsonObject();
    root.addProperty(
        "description",
        "spec SIG-7.4, SIG-7.11, KEY-18: alerts checked against the origin's held key log: the"
            + " outcome, VALID or the SIG-7 reason");
    root.addProperty("origin_node_id", v.a0.nodeId().value());
    JsonObject logs = new JsonObject();
    for (Map.Entry<String, KeyLog> e : v.logs.entrySet()) {
      JsonArray events = new JsonArray();
      for (SignedKeyEvent se : e.getValue().events()) {
        events.add(Fixtures.HEX.formatHex(se.toByteArray()));
      }
      logs.add(e.getKey(), events);
    }
    root.add("logs", logs);
    JsonArray cases = new JsonArray();
    for (Case c : v.all()) {
      JsonObject o = new JsonObject();
      o.addProperty("name", c.name());
      o.addProperty("description", c.description());
      if (c.log() != null) {
        o.addProperty("held_log", c.log());
      }
      o.addProperty("envelope", Fixtures.HEX.formatHex(c.envelope().toByteArray()));
      o.addProperty("outcome", c.outcome());
      cases.add(o);
    }
    root.add("cases", cases);
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root) + "\n";
  }
}
