package org.bdx.node.keys;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.signing.SigningInput;
import org.bdx.node.vault.SecretAccess;
import org.bdx.proto.v1.KeyEvent;
import org.bdx.proto.v1.KeyEventKind;
import org.bdx.proto.v1.SignedKeyEvent;

/**
 * Writes spec/vectors/key-event.json (spec KEY-1..KEY-9): key logs with the outcome of KEY-4 and,
 * for logs that verify, which key was the node's at given times (KEY-6) and which items are trusted
 * (KEY-7). Deterministic: fixed seeds, and Ed25519 is deterministic. Every outcome has a case.
 */
public final class KeyEventVectors {
  public static final String FILE = "key-event.json";

  static final HexFormat HEX = HexFormat.of();
  static final long T0 = 1_790_000_000L;
  static final long MONTH = 30 * 86_400L;

  /** The node's keys A0 (first), A1, A2, A3 in order of use, and a thief's own key T. */
  static final Map<String, NodeKeys> KEYS = new LinkedHashMap<>();

  static {
    KEYS.put("A0", KeyLogTest.key(0x10));
    KEYS.put("A1", KeyLogTest.key(0x20));
    KEYS.put("A2", KeyLogTest.key(0x30));
    KEYS.put("A3", KeyLogTest.key(0x40));
    KEYS.put("T", KeyLogTest.key(0x50));
  }

  private static NodeKeys k(String name) {
    return KEYS.get(name);
  }

  /** One vector: the log, who it claims to belong to, and what verification says. */
  record Case(
      String name,
      String description,
      NodeId nodeId,
      List<SignedKeyEvent> events,
      String outcome,
      Integer index) {}

  private KeyEventVectors() {}

  /** The exact file content. */
  public static String file() {
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root())
        + "\n";
  }

  static JsonObject root() {
    JsonObject root = new JsonObject();
    root.addProperty(
        "description",
        "spec KEY-1..KEY-9: key logs, with the outcome of KEY-4 verification and, for a log that"
            + " verifies, the key at given times (KEY-6) and which items are trusted (KEY-7)");
    root.addProperty("signature_context", SigningInput.CONTEXT);
    root.addProperty("payload_type", KeyEvents.PAYLOAD_TYPE);
    root.addProperty("next_key_context", KeyEvents.NEXT_KEY_CONTEXT);
    root.addProperty("event_digest_context", KeyEvents.EVENT_DIGEST_CONTEXT);
    root.addProperty("max_events", KeyLog.MAX_EVENTS);
    root.addProperty("max_event_bytes", KeyLog.MAX_EVENT_BYTES);
    JsonObject keys = new JsonObject();
    for (Map.Entry<String, NodeKeys> e : KEYS.entrySet()) {
      JsonObject o = new JsonObject();
      o.addProperty("seed", HEX.formatHex(e.getValue().exportSeed(SecretAccess.INSECURE)));
      o.addProperty("public_key", HEX.formatHex(e.getValue().publicKey()));
      o.addProperty("node_id", e.getValue().nodeId().value());
      o.addProperty(
          "next_key_digest", HEX.formatHex(KeyEvents.nextKeyDigest(e.getValue().publicKey())));
      keys.add(e.getKey(), o);
    }
    root.add("keys", keys);
    JsonArray cases = new JsonArray();
    for (Case c : all()) {
      cases.add(write(c));
    }
    root.add("cases", cases);
    return root;
  }

  /** Verifies {@code c} as KEY-4 says: "VALID" or the outcome name, and the event it failed on. */
  static Object[] outcome(Case c) {
    try {
      KeyLog.verify(c.nodeId(), c.events());
      return new Object[] {"VALID", null};
    } catch (KeyLogException e) {
      return new Object[] {e.outcome().name(), e.index()};
    }
  }

  private static JsonObject write(Case c) {
    Object[] got = outcome(c);
    if (!got[0].equals(c.outcome()) || !java.util.Objects.equals(got[1], c.index())) {
      throw new IllegalStateException(
          c.name() + ": KeyLog gives " + got[0] + "@" + got[1] + ", the case says " + c.outcome());
    }
    JsonObject o = new JsonObject();
    o.addProperty("name", c.name());
    o.addProperty("description", c.description());
    o.addProperty("node_id", c.nodeId().value());
    JsonArray events = new JsonArray();
    JsonArray fields = new JsonArray();
    for (SignedKeyEvent s : c.events()) {
      events.add(HEX.formatHex(s.toByteArray()));
      fields.add(fieldsOf(s));
    }
    o.add("events", events);
    if (c.events().size() <= 8) {
      o.add("event_fields", fields); // informative; left out of the long case to keep it short
    }
    o.addProperty("outcome", c.outcome());
    if (c.index() != null) {
      o.addProperty("index", c.index());
    }
    if (c.outcome().equals("VALID")) {
      KeyLog log;
      try {
        log = KeyLog.verify(c.nodeId(), c.events());
      } catch (KeyLogException e) {
        throw new IllegalStateException(e);
      }
      o.add("queries", queries(log));
    }
    return o;
  }

  /** Informative decoding of one event; null where its bytes do not parse. */
  private static com.google.gson.JsonElement fieldsOf(SignedKeyEvent s) {
    KeyEvent e;
    try {
      e = KeyEvent.parseFrom(s.getEvent());
    } catch (InvalidProtocolBufferException ex) {
      return JsonNull.INSTANCE;
    }
    JsonObject f = new JsonObject();
    f.addProperty("node_id", e.getNodeId());
    f.addProperty("sequence", e.getSequence());
    f.addProperty(
        "kind",
        e.getKind() == KeyEventKind.UNRECOGNIZED
            ? String.valueOf(e.getKindValue())
            : e.getKind().name());
    f.addProperty("public_key", HEX.formatHex(e.getPublicKey().toByteArray()));
    f.addProperty("next_key_digest", HEX.formatHex(e.getNextKeyDigest().toByteArray()));
    f.addProperty("previous_event_digest", HEX.formatHex(e.getPreviousEventDigest().toByteArray()));
    f.addProperty("valid_from", e.getValidFrom());
    f.addProperty("compromised_since", e.getCompromisedSince());
    f.addProperty("event_digest", HEX.formatHex(KeyEvents.eventDigest(s.getEvent())));
    f.addProperty(
        "signing_input",
        HEX.formatHex(SigningInput.of(KeyEvents.PAYLOAD_TYPE, s.getEvent().toByteArray())));
    return f;
  }

  /**
   * For a valid log: the key at the valid_from of each event and a second before it, and for each
   * of the log's keys at those times, whether an item it signed is trusted; and when each key was
   * revoked.
   */
  private static JsonObject queries(KeyLog log) {
    List<Long> times = new ArrayList<>();
    times.add(1L);
    for (SignedKeyEvent s : log.events()) {
      long v = parse(s).getValidFrom();
      times.add(v - 1);
      times.add(v);
      OptionalLong since = OptionalLong.of(parse(s).getCompromisedSince());
      if (since.getAsLong() > 0) {
        times.add(since.getAsLong() - 1);
        times.add(since.getAsLong());
      }
    }
    List<Long> sorted = times.stream().distinct().sorted().toList();
    JsonArray keyAt = new JsonArray();
    JsonArray trusts = new JsonArray();
    for (long t : sorted) {
      JsonObject q = new JsonObject();
      q.addProperty("time", t);
      q.addProperty("public_key", HEX.formatHex(log.keyAt(t)));
      keyAt.add(q);
      for (SignedKeyEvent s : log.events()) {
        byte[] key = parse(s).getPublicKey().toByteArray();
        JsonObject r = new JsonObject();
        r.addProperty("public_key", HEX.formatHex(key));
        r.addProperty("issued_at", t);
        r.addProperty("trusted", log.trusts(key, t));
        trusts.add(r);
      }
    }
    JsonArray revoked = new JsonArray();
    for (SignedKeyEvent s : log.events()) {
      byte[] key = parse(s).getPublicKey().toByteArray();
      OptionalLong since = log.revokedSince(key);
      if (since.isPresent()) {
        JsonObject r = new JsonObject();
        r.addProperty("public_key", HEX.formatHex(key));
        r.addProperty("compromised_since", since.getAsLong());
        revoked.add(r);
      }
    }
    JsonObject q = new JsonObject();
    q.add("key_at", keyAt);
    q.add("trusts", trusts);
    q.add("revoked", revoked);
    return q;
  }

  private static KeyEvent parse(SignedKeyEvent s) {
    try {
      return KeyEvent.parseFrom(s.getEvent());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static SignedKeyEvent resigned(
      SignedKeyEvent s, String by, UnaryOperator<KeyEvent.Builder> edit) {
    return KeyEvents.sign(k(by), edit.apply(parse(s).toBuilder()).build());
  }

  private static KeyLog log(List<SignedKeyEvent> events) {
    try {
      return KeyLog.verify(k("A0").nodeId(), events);
    } catch (KeyLogException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<SignedKeyEvent> plus(List<SignedKeyEvent> a, SignedKeyEvent b) {
    List<SignedKeyEvent> out = new ArrayList<>(a);
    out.add(b);
    return out;
  }

  private static ByteString bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = (byte) b[i];
    }
    return ByteString.copyFrom(out);
  }

  static List<Case> all() {
    NodeId a = k("A0").nodeId();
    SignedKeyEvent inc = KeyEvents.inception(k("A0"), k("A1").publicKey(), T0);
    List<SignedKeyEvent> one = List.of(inc);
    KeyLog l1 = log(one);
    SignedKeyEvent rot1 = KeyEvents.rotation(l1, k("A1"), k("A2").publicKey(), T0 + MONTH);
    List<SignedKeyEvent> two = plus(one, rot1);
    KeyLog l2 = log(two);
    SignedKeyEvent rot2 = KeyEvents.rotation(l2, k("A2"), k("A3").publicKey(), T0 + 2 * MONTH);
    long since = T0 + MONTH + 86_400;
    SignedKeyEvent rev2 =
        KeyEvents.revocation(l2, k("A2"), k("A3").publicKey(), T0 + 2 * MONTH, since);
    List<Case> out = new ArrayList<>();
    // --- valid
    out.add(
        new Case(
            "inception_only",
            "a new node's log: its first key A0, committing to A1",
            a,
            one,
            "VALID",
            null));
    out.add(
        new Case(
            "rotated_twice",
            "A0, then A1 from T0 + 30 days, then A2 from T0 + 60 days",
            a,
            plus(two, rot2),
            "VALID",
            null));
    out.add(
        new Case(
            "revoked",
            "A0, A1 from T0 + 30 days, then a revocation: A2 from T0 + 60 days, and A1 compromised"
                + " since T0 + 31 days",
            a,
            plus(two, rev2),
            "VALID",
            null));
    out.add(
        new Case(
            "rotation_same_valid_from",
            "a rotation whose valid_from equals the inception's (times never go back, KEY-4.7,"
                + " but may repeat): A1 is the key from T0",
            a,
            List.of(inc, KeyEvents.rotation(l1, k("A1"), k("A2").publicKey(), T0)),
            "VALID",
            null));
    // --- TOO_LONG
    out.add(tooLong());
    // --- MALFORMED
    out.add(new Case("empty", "no event at all", a, List.of(), "MALFORMED", 0));
    out.add(
        new Case(
            "event_unknown_field",
            "the inception with field 9 added, signed: fail closed",
            a,
            List.of(
                KeyEvents.sign(
                    k("A0"),
                    parseUnchecked(inc.getEvent().concat(bytes(0x48, 0x01)).toByteArray()))),
            "MALFORMED",
            0));
    out.add(
        new Case(
            "signed_event_unknown_field",
            "the inception's SignedKeyEvent with field 3 added",
            a,
            List.of(parseSigned(inc.toByteString().concat(bytes(0x18, 0x01)))),
            "MALFORMED",
            0));
    out.add(
        new Case(
            "event_not_protobuf",
            "event bytes whose last length runs past the end, signed",
            a,
            List.of(signRaw("A0", inc.getEvent().concat(bytes(0x22, 0x05, 0x00)))),
            "MALFORMED",
            0));
    out.add(
        new Case(
            "event_too_large",
            "an inception of 1025 bytes (a long node_id repeated before the real one), signed",
            a,
            List.of(signRaw("A0", oversized(inc.getEvent(), KeyLog.MAX_EVENT_BYTES + 1))),
            "MALFORMED",
            0));
    out.add(
        new Case(
            "signature_63_bytes",
            "the inception with its signature's last byte cut",
            a,
            List.of(inc.toBuilder().setSignature(inc.getSignature().substring(0, 63)).build()),
            "MALFORMED",
            0));
    out.add(
        new Case(
            "public_key_31_bytes",
            "a rotation whose public_key is 31 bytes",
            a,
            plus(one, resigned(rot1, "A1", b -> b.setPublicKey(b.getPublicKey().substring(1)))),
            "MALFORMED",
            1));
    out.add(
        new Case(
            "unknown_kind",
            "a rotation whose kind is 7, no KeyEventKind",
            a,
            plus(one, resigned(rot1, "A1", b -> b.setKindValue(7))),
            "MALFORMED",
            1));
    // --- NODE_ID_MISMATCH
    out.add(
        new Case(
            "other_node",
            "A0's log presented as the log of T's node id",
            k("T").nodeId(),
            one,
            "NODE_ID_MISMATCH",
            0));
    out.add(
        new Case(
            "first_key_of_another_node",
            "an inception naming A0's node id with T's key, signed by T",
            a,
            List.of(
                resigned(inc, "T", b -> b.setPublicKey(ByteString.copyFrom(k("T").publicKey())))),
            "NODE_ID_MISMATCH",
            0));
    out.add(
        new Case(
            "rotation_names_other_node",
            "a rotation naming T's node id",
            a,
            plus(one, resigned(rot1, "A1", b -> b.setNodeId(k("T").nodeId().value()))),
            "NODE_ID_MISMATCH",
            1));
    // --- BROKEN_CHAIN
    out.add(
        new Case(
            "sequence_skipped",
            "a rotation with sequence 2 after the inception",
            a,
            plus(one, resigned(rot1, "A1", b -> b.setSequence(2))),
            "BROKEN_CHAIN",
            1));
    out.add(
        new Case(
            "previous_digest_of_signed_event",
            "a rotation whose previous_event_digest is over the SignedKeyEvent, not the KeyEvent",
            a,
            plus(
                one,
                resigned(
                    rot1,
                    "A1",
                    b ->
                        b.setPreviousEventDigest(
                            ByteString.copyFrom(KeyEvents.eventDigest(inc.toByteString()))))),
            "BROKEN_CHAIN",
            1));
    out.add(
        new Case(
            "first_event_not_inception",
            "event 0 of kind ROTATION",
            a,
            List.of(resigned(inc, "A0", b -> b.setKind(KeyEventKind.KEY_EVENT_KIND_ROTATION))),
            "BROKEN_CHAIN",
            0));
    out.add(
        new Case(
            "second_inception",
            "event 1 of kind INCEPTION",
            a,
            plus(one, resigned(rot1, "A1", b -> b.setKind(KeyEventKind.KEY_EVENT_KIND_INCEPTION))),
            "BROKEN_CHAIN",
            1));
    out.add(
        new Case(
            "events_swapped",
            "the rotations of rotated_twice in the wrong order",
            a,
            List.of(inc, rot2, rot1),
            "BROKEN_CHAIN",
            1));
    // --- NOT_PRE_COMMITTED: the thief holds the current key A0, not A1.
    out.add(
        new Case(
            "thief_rotates_to_own_key",
            "a thief holding A0 rotates to its own key T, signed by T",
            a,
            plus(
                one,
                resigned(rot1, "T", b -> b.setPublicKey(ByteString.copyFrom(k("T").publicKey())))),
            "NOT_PRE_COMMITTED",
            1));
    out.add(
        new Case(
            "thief_signs_with_stolen_key",
            "a thief holding A0 rotates to A0 itself, signed by A0",
            a,
            plus(
                one,
                resigned(
                    rot1, "A0", b -> b.setPublicKey(ByteString.copyFrom(k("A0").publicKey())))),
            "NOT_PRE_COMMITTED",
            1));
    // --- BAD_SIGNATURE
    out.add(
        new Case(
            "thief_names_committed_key",
            "a thief holding A0 names the committed key A1 but can sign only with A0",
            a,
            plus(one, resigned(rot1, "A0", b -> b)),
            "BAD_SIGNATURE",
            1));
    out.add(
        new Case(
            "modified_event",
            "the rotation of rotated_twice with valid_from changed after signing",
            a,
            plus(
                one,
                rot1.toBuilder()
                    .setEvent(parse(rot1).toBuilder().setValidFrom(T0 + 1).build().toByteString())
                    .build()),
            "BAD_SIGNATURE",
            1));
    out.add(
        new Case(
            "inception_signed_with_payload_type_of_alert",
            "the inception signed under payload type bdx.v1.AlertHeader",
            a,
            List.of(
                inc.toBuilder()
                    .setSignature(
                        ByteString.copyFrom(
                            k("A0")
                                .sign(
                                    SigningInput.of(
                                        SigningInput.ALERT_HEADER_TYPE,
                                        inc.getEvent().toByteArray()))))
                    .build()),
            "BAD_SIGNATURE",
            0));
    // --- TIME_GOES_BACK
    out.add(
        new Case(
            "rotation_before_inception",
            "a rotation valid from a second before the inception",
            a,
            plus(one, resigned(rot1, "A1", b -> b.setValidFrom(T0 - 1))),
            "TIME_GOES_BACK",
            1));
    out.add(
        new Case(
            "inception_valid_from_zero",
            "an inception with valid_from 0",
            a,
            List.of(resigned(inc, "A0", b -> b.setValidFrom(0))),
            "TIME_GOES_BACK",
            0));
    // --- INVALID_REVOCATION
    out.add(
        new Case(
            "rotation_with_compromised_since",
            "a ROTATION that sets compromised_since",
            a,
            plus(one, resigned(rot1, "A1", b -> b.setCompromisedSince(T0))),
            "INVALID_REVOCATION",
            1));
    out.add(
        new Case(
            "revocation_without_compromised_since",
            "a REVOCATION with compromised_since 0",
            a,
            plus(one, resigned(rot1, "A1", b -> b.setKind(KeyEventKind.KEY_EVENT_KIND_REVOCATION))),
            "INVALID_REVOCATION",
            1));
    out.add(
        new Case(
            "compromised_after_valid_from",
            "a REVOCATION whose compromised_since is after its own valid_from",
            a,
            plus(two, resigned(rev2, "A2", b -> b.setCompromisedSince(T0 + 2 * MONTH + 1))),
            "INVALID_REVOCATION",
            2));
    // --- KEY_REUSED
    out.add(
        new Case(
            "inception_commits_to_itself",
            "an inception whose next key is A0 itself: the current key could rotate",
            a,
            List.of(
                resigned(
                    inc,
                    "A0",
                    b ->
                        b.setNextKeyDigest(
                            ByteString.copyFrom(KeyEvents.nextKeyDigest(k("A0").publicKey()))))),
            "KEY_REUSED",
            0));
    out.add(
        new Case(
            "rotation_commits_to_earlier_key",
            "a rotation to A1 whose next key is A0, used before",
            a,
            plus(
                one,
                resigned(
                    rot1,
                    "A1",
                    b ->
                        b.setNextKeyDigest(
                            ByteString.copyFrom(KeyEvents.nextKeyDigest(k("A0").publicKey()))))),
            "KEY_REUSED",
            1));
    return out;
  }

  /** 65 events: a valid log of 64 events, one more. The keys are seeds 0x00.., 0x03.., ... */
  private static Case tooLong() {
    List<NodeKeys> keys = new ArrayList<>();
    for (int i = 0; i <= KeyLog.MAX_EVENTS + 1; i++) {
      keys.add(KeyLogTest.key(i * 3));
    }
    List<SignedKeyEvent> events = new ArrayList<>();
    events.add(KeyEvents.inception(keys.get(0), keys.get(1).publicKey(), T0));
    KeyLog l;
    try {
      l = KeyLog.verify(keys.get(0).nodeId(), events);
      for (int i = 1; i < KeyLog.MAX_EVENTS; i++) {
        l = l.append(KeyEvents.rotation(l, keys.get(i), keys.get(i + 1).publicKey(), T0 + i));
      }
    } catch (KeyLogException e) {
      throw new IllegalStateException(e);
    }
    events = new ArrayList<>(l.events());
    int n = KeyLog.MAX_EVENTS;
    events.add(
        KeyEvents.sign(
            keys.get(n),
            parse(events.get(1)).toBuilder()
                .setSequence(n)
                .setPublicKey(ByteString.copyFrom(keys.get(n).publicKey()))
                .setNextKeyDigest(
                    ByteString.copyFrom(KeyEvents.nextKeyDigest(keys.get(n + 1).publicKey())))
                .setPreviousEventDigest(ByteString.copyFrom(l.lastEventDigest()))
                .setValidFrom(T0 + n)
                .build()));
    return new Case(
        "sixty_five_events",
        "a log of 64 valid events (keys from seeds 3i, 3i + 1, ..., rotating a second apart), then"
            + " a 65th that would be valid",
        keys.get(0).nodeId(),
        events,
        "TOO_LONG",
        KeyLog.MAX_EVENTS);
  }

  /** {@code event} with a node_id field of filler put before it, so it is {@code size} bytes. */
  private static ByteString oversized(ByteString event, int size) {
    int fill = size - event.size() - 3; // tag 0x0a and a 2-byte length
    byte[] text = new byte[fill];
    java.util.Arrays.fill(text, (byte) 'x');
    ByteString field =
        bytes(0x0a, (fill & 0x7f) | 0x80, fill >>> 7).concat(ByteString.copyFrom(text));
    ByteString out = field.concat(event);
    if (out.size() != size) {
      throw new IllegalStateException("filler arithmetic");
    }
    return out;
  }

  private static SignedKeyEvent signRaw(String by, ByteString event) {
    return SignedKeyEvent.newBuilder()
        .setEvent(event)
        .setSignature(
            ByteString.copyFrom(
                k(by).sign(SigningInput.of(KeyEvents.PAYLOAD_TYPE, event.toByteArray()))))
        .build();
  }

  private static KeyEvent parseUnchecked(byte[] b) {
    try {
      return KeyEvent.parseFrom(b);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static SignedKeyEvent parseSigned(ByteString b) {
    try {
      return SignedKeyEvent.parseFrom(b);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
