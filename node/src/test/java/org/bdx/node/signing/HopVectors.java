package org.bdx.node.signing;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.policy.RelayHops;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.HopStatement;
import org.bdx.proto.v1.SignedAlert;
import org.bdx.proto.v1.SignedHop;

/**
 * Hop statement chains for spec/vectors/hop-statement.json (spec RELAY-8), each with the outcome a
 * receiver reaches: {@code VALID}, {@code IGNORED}, or the FEED-8 reason, and the RELAY-8 check
 * that decided. Deterministic: fixed seeds, an alert signed with {@link DeterministicRandom}, and
 * Ed25519 (deterministic) statements. Nodes: the origin O (max_hops 3), relays R and S (S sends
 * every item), the receiver N, and F, a fresh key nobody has an agreement with.
 */
final class HopVectors {
  static final HexFormat HEX = HexFormat.of();
  static final String DRBG_LABEL = "bdx/v1 hop-statement vectors";

  /** Seeds: R 0x80.., S 0xa0.., N 0xc0.., F 0xe0.. (O is the vectors' origin, 0x00..). */
  static final byte[] RELAY_SEED = seed(0x80);

  static final byte[] SENDER_SEED = seed(0xa0);
  static final byte[] RECEIVER_SEED = seed(0xc0);
  static final byte[] FORGER_SEED = seed(0xe0);

  /** Outcome names: the receiver's, in the order of RELAY-8.1 to RELAY-8.4. */
  static final List<String> OUTCOMES =
      List.of(
          "VALID",
          "HOP_STATEMENT_INVALID",
          "IGNORED",
          "RELAY_NOT_ALLOWED",
          "RELAYED_ORIGIN_NOT_ACCEPTED");

  /**
   * One vector.
   *
   * @param envelope the alert (passes SIG-7)
   * @param sender the partner the item came from
   * @param limit the receiver's {@code max_relay_hops} from the sender (0 without may_relay)
   * @param knowsOrigin whether the receiver has an active agreement with the origin
   * @param acceptRelayed whether the receiver's terms with the sender set accept_relayed
   * @param detail the RELAY-8 check that decided, null when VALID
   */
  record Case(
      String name,
      String description,
      SignedAlert envelope,
      long relayHops,
      long hopsLeft,
      List<SignedHop> hops,
      NodeKeys sender,
      long limit,
      boolean knowsOrigin,
      boolean acceptRelayed,
      String outcome,
      String detail) {}

  final NodeKeys origin = Fixtures.origin();
  final NodeKeys relay = NodeKeys.fromSeed(RELAY_SEED);
  final NodeKeys sender = NodeKeys.fromSeed(SENDER_SEED);
  final NodeKeys receiver = NodeKeys.fromSeed(RECEIVER_SEED);
  final NodeKeys forger = NodeKeys.fromSeed(FORGER_SEED);
  final SignedAlert alert;
  final SignedAlert otherVersion;
  final SignedAlert forged;

  HopVectors() {
    DeterministicRandom rng = new DeterministicRandom(DRBG_LABEL);
    String id = AlertDraft.newAlertId(rng);
    alert = subset(new AlertSigner(origin, rng).sign(draft(id, 1)));
    otherVersion = subset(new AlertSigner(origin, rng).sign(draft(id, 2)));
    forged = subset(new AlertSigner(forger, rng).sign(draft(AlertDraft.newAlertId(rng), 1)));
  }

  private static AlertDraft draft(String id, long version) {
    return new AlertDraft(
        id,
        version,
        version == 1 ? AlertStatus.ALERT_STATUS_ACTIVE : AlertStatus.ALERT_STATUS_UPDATED,
        Fixtures.ISSUED_AT + version,
        Fixtures.EXPIRES_AT,
        Audience.AUDIENCE_PEER,
        3,
        Fixtures.twoFields());
  }

  private static SignedAlert subset(SignedAlert a) {
    return Disclosures.select(a, Set.of("area"));
  }

  private static byte[] seed(int first) {
    byte[] s = new byte[32];
    for (int i = 0; i < 32; i++) {
      s[i] = (byte) (first + i);
    }
    return s;
  }

  /** {@code from}'s statement about {@code a}'s header to {@code to}, with {@code hopsLeft}. */
  static SignedHop hop(NodeKeys from, SignedAlert a, NodeKeys to, long hopsLeft) {
    return new HopSigner(from)
        .extend(HopChain.empty(), a.getHeader(), to.nodeId(), hopsLeft)
        .hops()
        .get(0);
  }

  /** Signs {@code statement} bytes as they are with {@code key}'s seed (SIG-2). */
  static SignedHop signed(NodeKeys key, byte[] statement) {
    return SignedHop.newBuilder()
        .setStatement(ByteString.copyFrom(statement))
        .setSignature(
            ByteString.copyFrom(
                key.sign(SigningInput.of(SigningInput.HOP_STATEMENT_TYPE, statement))))
        .build();
  }

  static HopStatement statement(SignedHop h) {
    try {
      return HopStatement.parseFrom(h.getStatement());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  List<Case> all() {
    NodeKeys o = origin;
    NodeKeys r = relay;
    NodeKeys s = sender;
    NodeKeys n = receiver;
    NodeKeys f = forger;
    SignedAlert a = alert;
    List<Case> out = new ArrayList<>();
    // --- valid
    out.add(
        c(
            "origin_no_statement",
            "from the origin, no hop granted: no statement",
            o,
            0,
            0,
            0,
            true,
            false,
            "VALID",
            null));
    out.add(
        c(
            "origin_one_statement",
            "from the origin, which grants the receiver 2 hops",
            o,
            0,
            2,
            2,
            true,
            false,
            "VALID",
            null,
            hop(o, a, n, 2)));
    out.add(
        c(
            "relayed_twice",
            "O -> R -> S -> N, hops 3, 2, 1; an origin N has no agreement with, accepted by N's terms with S",
            s,
            2,
            1,
            1,
            false,
            true,
            "VALID",
            null,
            hop(o, a, r, 3),
            hop(r, a, s, 2),
            hop(s, a, n, 1)));
    out.add(
        c(
            "relayed_known_origin",
            "O -> S -> N; N has an agreement with O, its terms with S do not set accept_relayed",
            s,
            1,
            0,
            0,
            true,
            false,
            "VALID",
            null,
            hop(o, a, s, 1),
            hop(s, a, n, 0)));
    // --- RELAY-8.1
    out.add(
        c(
            "count_fewer_than_relay_hops",
            "relay_hops 2 with two statements",
            s,
            2,
            0,
            0,
            true,
            false,
            "HOP_STATEMENT_INVALID",
            "STATEMENT_COUNT",
            hop(o, a, s, 1),
            hop(s, a, n, 0)));
    out.add(
        c(
            "count_hops_left_unsigned",
            "from the origin with hops_left 1 and no statement",
            o,
            0,
            1,
            1,
            true,
            false,
            "HOP_STATEMENT_INVALID",
            "STATEMENT_COUNT"));
    out.add(
        c(
            "count_relayed_without_origin_statement",
            "relayed once, only the sender's statement (the origin granted no hop)",
            s,
            1,
            0,
            0,
            true,
            false,
            "HOP_STATEMENT_INVALID",
            "STATEMENT_COUNT",
            hop(s, a, n, 0)));
    byte[] unknown =
        statement(hop(o, a, s, 1)).toBuilder()
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                    .build())
            .build()
            .toByteArray();
    out.add(
        c(
            "statement_unknown_field",
            "the origin's statement has field 99, correctly signed",
            s,
            1,
            0,
            0,
            true,
            false,
            "HOP_STATEMENT_INVALID",
            "STATEMENT_MALFORMED",
            signed(o, unknown),
            hop(s, a, n, 0)));
    out.add(
        c(
            "signed_hop_unknown_field",
            "a SignedHop with field 99",
            s,
            1,
            0,
            0,
            true,
            false,
            "HOP_STATEMENT_INVALID",
            "STATEMENT_MALFORMED",
            hop(o, a, s, 1).toBuilder()
                .setUnknownFields(
                    UnknownFieldSet.newBuilder()
                        .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                        .build())
                .build(),
            hop(s, a, n, 0)));
    byte[] shortKey =
        statement(hop(o, a, s, 1)).toBuilder()
            .setFromPublicKey(ByteString.copyFrom(o.publicKey(), 0, 31))
            .build()
            .toByteArray();
    out.add(
        c(
            "statement_key_31_bytes",
            "the origin's key cut to 31 bytes",
            s,
            1,
            0,
            0,
            true,
            false,
            "HOP_STATEMENT_INVALID",
            "STATEMENT_KEY_MALFORMED",
            signed(o, shortKey),
            hop(s, a, n, 0)));
    byte[] otherId =
        statement(hop(o, a, s, 1)).toBuilder()
            .setFromNodeId(r.nodeId().value())
            .build()
            .toByteArray();
    out.add(
        c(
            "statement_id_mismatch",
            "R's node id over the origin's key",
            s,
            1,
            0,
            0,
            true,
            false,
            "HOP_STATEMENT_INVALID",
            "STATEMENT_ID_MISMATCH",
            signed(o, otherId),
            hop(s, a, n, 0)));
    byte[] raised = statement(hop(o, a, s, 1)).toBuilder().setHopsLeft(3).build().toByteArray();
    out.add(
        c(
            "statement_signed_by_another_key",
            "the origin's statement with hops raised, signed by S",
            s,
            1,
            2,
            3,
            true,
            false,
            "HOP_STATEMENT_INVALID",
            "STATEMENT_BAD_SIGNATURE",
            signed(s, raised),
            hop(s, a, n, 2)));
    SignedHop flipped = hop(o, a, s, 1);
    byte[] sig = flipped.getSignature().toByteArray();
    sig[0] ^= 1;
    out.add(
        c(
            "statement_signature_bit_flipped",
            "one bit of the origin's signature flipped",
            s,
            1,
            0,
            0,
            true,
            false,
            "HOP_STATEMENT_INVALID",
            "STATEMENT_BAD_SIGNATURE",
            flipped.toBuilder().setSignature(ByteString.copyFrom(sig)).build(),
            hop(s, a, n, 0)));
    out.add(
        c(
            "statement_other_version",
            "the origin's statement about version 2, with version 1",
            s,
            1,
            0,
            0,
            true,
            false,
            "HOP_STATEMENT_INVALID",
            "STATEMENT_OTHER_ALERT",
            hop(o, otherVersion, s, 1),
            hop(s, a, n, 0)));
    // --- RELAY-8.2
    out.add(
        c(
            "not_from_origin",
            "the first statement is R's",
            s,
            1,
            0,
            0,
            true,
            false,
            "HOP_STATEMENT_INVALID",
            "NOT_FROM_ORIGIN",
            hop(r, a, s, 1),
            hop(s, a, n, 0)));
    out.add(
        c(
            "broken_link",
            "the origin sent it to R, the next statement is S's",
            s,
            1,
            0,
            0,
            true,
            false,
            "HOP_STATEMENT_INVALID",
            "BROKEN_LINK",
            hop(o, a, r, 1),
            hop(s, a, n, 0)));
    out.add(
        c(
            "not_from_sender",
            "O -> R -> N delivered by S",
            s,
            1,
            0,
            0,
            true,
            false,
            "HOP_STATEMENT_INVALID",
            "NOT_FROM_SENDER",
            hop(o, a, r, 1),
            hop(r, a, n, 0)));
    out.add(
        c(
            "not_to_receiver",
            "O -> S -> R: S relays to N what it signed for R",
            s,
            1,
            0,
            0,
            true,
            false,
            "HOP_STATEMENT_INVALID",
            "NOT_TO_RECEIVER",
            hop(o, a, s, 1),
            hop(s, a, r, 0)));
    out.add(
        c(
            "signed_twice",
            "O -> S -> R -> S -> N: S signs twice",
            s,
            3,
            0,
            0,
            true,
            false,
            "HOP_STATEMENT_INVALID",
            "SIGNED_TWICE",
            hop(o, a, s, 3),
            hop(s, a, r, 2),
            hop(r, a, s, 1),
            hop(s, a, n, 0)));
    out.add(
        c(
            "through_receiver",
            "O -> N -> S -> N: the alert came back round a loop",
            s,
            2,
            0,
            0,
            true,
            false,
            "IGNORED",
            "THROUGH_RECEIVER",
            hop(o, a, n, 3),
            hop(n, a, s, 1),
            hop(s, a, n, 0)));
    // --- RELAY-8.3
    out.add(
        c(
            "above_max_hops",
            "the origin grants 4 hops with max_hops 3",
            o,
            0,
            4,
            8,
            true,
            false,
            "RELAY_NOT_ALLOWED",
            "ABOVE_MAX_HOPS",
            hop(o, a, n, 4)));
    out.add(
        c(
            "hops_raised",
            "S leaves N as many hops as the origin left S",
            s,
            1,
            1,
            8,
            true,
            false,
            "RELAY_NOT_ALLOWED",
            "HOPS_RAISED",
            hop(o, a, s, 1),
            hop(s, a, n, 1)));
    out.add(
        c(
            "forwarded_with_no_hop_left",
            "the origin left S no hop; S forwards anyway",
            s,
            1,
            0,
            8,
            true,
            false,
            "RELAY_NOT_ALLOWED",
            "HOPS_RAISED",
            hop(o, a, s, 0),
            hop(s, a, n, 0)));
    out.add(
        c(
            "item_hops_left_raised",
            "the item says 2 hops left, the last statement 1",
            s,
            1,
            2,
            8,
            true,
            false,
            "RELAY_NOT_ALLOWED",
            "ITEM_HOPS_LEFT",
            hop(o, a, s, 3),
            hop(s, a, n, 1)));
    out.add(
        c(
            "above_grant",
            "S leaves N 2 hops; N's terms with S allow 1",
            s,
            1,
            2,
            1,
            true,
            false,
            "RELAY_NOT_ALLOWED",
            "ABOVE_GRANT",
            hop(o, a, s, 3),
            hop(s, a, n, 2)));
    // --- RELAY-8.4
    out.add(
        cForged(
            "forged_origin",
            "S relays an alert under F, a key nobody has an agreement with; N's terms with S do not set accept_relayed",
            false,
            "RELAYED_ORIGIN_NOT_ACCEPTED",
            "ORIGIN_NOT_ACCEPTED"));
    out.add(
        cForged(
            "forged_origin_accepted",
            "the same, N's terms with S set accept_relayed: N takes it, and shows its path",
            true,
            "VALID",
            null));
    return out;
  }

  private Case cForged(
      String name, String description, boolean accept, String outcome, String detail) {
    return new Case(
        name,
        description,
        forged,
        1,
        0,
        List.of(hop(forger, forged, sender, 1), hop(sender, forged, receiver, 0)),
        sender,
        0,
        false,
        accept,
        outcome,
        detail);
  }

  private Case c(
      String name,
      String description,
      NodeKeys from,
      long relayHops,
      long hopsLeft,
      long limit,
      boolean knowsOrigin,
      boolean accept,
      String outcome,
      String detail,
      SignedHop... hops) {
    return new Case(
        name,
        description,
        alert,
        relayHops,
        hopsLeft,
        List.of(hops),
        from,
        limit,
        knowsOrigin,
        accept,
        outcome,
        detail);
  }

  /** What a receiver N reaches for {@code c} (RELAY-8.1 to RELAY-8.4): {outcome, detail}. */
  String[] outcome(Case c) {
    VerifiedAlert v;
    try {
      v = new AlertVerifier().verify(c.envelope());
    } catch (VerificationException e) {
      throw new IllegalStateException(c.name() + ": the alert does not verify", e);
    }
    try {
      HopChain.verify(
          c.hops(),
          v,
          c.relayHops(),
          c.hopsLeft(),
          c.sender().nodeId(),
          receiver.nodeId(),
          c.limit());
    } catch (HopChainException e) {
      return new String[] {e.reason().outcome().name(), e.reason().name()};
    }
    if (!RelayHops.originAccepted(c.relayHops(), c.knowsOrigin(), c.acceptRelayed())) {
      return new String[] {"RELAYED_ORIGIN_NOT_ACCEPTED", "ORIGIN_NOT_ACCEPTED"};
    }
    return new String[] {"VALID", null};
  }

  NodeId receiverId() {
    return receiver.nodeId();
  }
}
