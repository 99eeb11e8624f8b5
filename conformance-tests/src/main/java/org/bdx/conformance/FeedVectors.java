package org.bdx.conformance;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.HopStatement;
import org.bdx.proto.v1.SignedAlert;
import org.bdx.proto.v1.SignedHop;

/**
 * spec/vectors/feed.json (format in spec/vectors/README.md), as the suite drives a node with it
 * (spec CONF-6). The build copies the file into the suite's jar, so the suite always carries the
 * vectors of its own spec revision.
 *
 * <p>The vectors fix the receiver's key and clock; the suite can set neither on a node under test.
 * It replays each case with {@link Run#item substitutions}: its own keys for every party, the
 * origin's header re-signed by the suite's key for the origin with its times shifted to the suite's
 * clock, and the real agreement id for the partner's. Everything else is the vectors' bytes: alert
 * ids, versions, statuses, audiences, {@code max_hops}, claim digests, disclosures, sequences and
 * hop counts.
 */
final class FeedVectors {
  static final String RESOURCE = "/org/bdx/conformance/vectors/feed.json";

  private static final HexFormat HEX = HexFormat.of();

  private FeedVectors() {}

  record Partner(String name, String agreementId, DirectionTerms inbound) {}

  /**
   * One step: the item as the vectors give it, and what must follow.
   *
   * @param held the receiver's state of the item's alert afterwards, or null if it holds nothing
   */
  record Step(String from, FeedItem item, String outcome, String reason, Struct held) {}

  /**
   * One case.
   *
   * @param requires what a runner needs beyond the rest (README: exact_clock, receiver_key)
   * @param now the receiver's clock in the vectors
   * @param parties node id in the vectors → party name
   */
  record Case(
      String name,
      String description,
      List<String> requires,
      long now,
      List<Partner> partners,
      List<Step> steps,
      Map<String, String> parties) {}

  /** The cases of the copy of feed.json in the suite's jar. */
  static List<Case> load() {
    try (InputStream in = FeedVectors.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not in the suite's jar");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads the file; JSON through protobuf's {@link Struct}, so the suite needs no JSON library. */
  static List<Case> parse(String json) {
    Struct.Builder b = Struct.newBuilder();
    try {
      JsonFormat.parser().merge(json, b);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("feed.json is not JSON", e);
    }
    Struct root = b.build();
    Map<String, String> parties = new HashMap<>();
    Struct ps = struct(root, "parties");
    for (String name : ps.getFieldsMap().keySet()) {
      parties.put(string(struct(ps, name), "node_id"), name);
    }
    List<Case> out = new ArrayList<>();
    for (Value e : list(root, "cases")) {
      Struct c = e.getStructValue();
      List<String> requires = new ArrayList<>();
      if (c.containsFields("requires")) {
        list(c, "requires").forEach(r -> requires.add(r.getStringValue()));
      }
      List<Partner> partners = new ArrayList<>();
      for (Value p : list(c, "partners")) {
        Struct o = p.getStructValue();
        partners.add(
            new Partner(
                string(o, "name"),
                string(o, "agreement_id"),
                parseOrThrow(string(o, "inbound_terms"), DirectionTerms.parser())));
      }
      List<Step> steps = new ArrayList<>();
      for (Value v : list(c, "steps")) {
        Struct o = v.getStructValue();
        Value held = o.getFieldsOrThrow("held");
        steps.add(
            new Step(
                string(o, "from"),
                parseOrThrow(string(o, "item"), FeedItem.parser()),
                string(o, "outcome"),
                o.containsFields("reason") ? string(o, "reason") : null,
                held.hasStructValue() ? held.getStructValue() : null));
      }
      out.add(
          new Case(
              string(c, "name"),
              string(c, "description"),
              List.copyOf(requires),
              number(struct(c, "receiver"), "now"),
              List.copyOf(partners),
              List.copyOf(steps),
              Map.copyOf(parties)));
    }
    return List.copyOf(out);
  }

  static Struct struct(Struct o, String key) {
    return o.getFieldsOrThrow(key).getStructValue();
  }

  static String string(Struct o, String key) {
    return o.getFieldsOrThrow(key).getStringValue();
  }

  static List<Value> list(Struct o, String key) {
    return o.getFieldsOrThrow(key).getListValue().getValuesList();
  }

  static long number(Struct o, String key) {
    return (long) o.getFieldsOrThrow(key).getNumberValue();
  }

  static boolean bool(Struct o, String key) {
    return o.getFieldsOrThrow(key).getBoolValue();
  }

  static List<String> strings(Struct o, String key) {
    return list(o, key).stream().map(Value::getStringValue).toList();
  }

  private static <T> T parseOrThrow(String hex, com.google.protobuf.Parser<T> parser) {
    try {
      return parser.parseFrom(HEX.parseHex(hex));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("feed.json holds bytes that do not parse", e);
    }
  }

  static AlertHeader header(SignedAlert a) {
    try {
      return AlertHeader.parseFrom(a.getHeader());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("feed.json holds a header that does not parse", e);
    }
  }

  /**
   * One replay of a case: the suite's key for each party, the real agreement id of each partner,
   * and the shift from the vectors' clock to the suite's.
   *
   * @param keys party name → the suite's key for it
   * @param agreements partner name → the id of the agreement the suite made for it
   * @param shift added to {@code issued_at} and {@code expires_at}
   * @param receiverNodeId the node id of the node under test, which stands for the receiver
   */
  /** The party name of the receiver in feed.json (its top-level {@code parties}). */
  static final String RECEIVER = "receiver";

  record Run(
      Case c,
      Map<String, SpecCrypto.Keys> keys,
      Map<String, String> agreements,
      long shift,
      String receiverNodeId) {

    /** The party name of a node id of the vectors. */
    String party(String vectorNodeId) {
      String p = c.parties().get(vectorNodeId);
      if (p == null) {
        throw new IllegalStateException("feed.json names a node that is no party");
      }
      return p;
    }

    /** The suite's node id for a party. */
    String nodeId(String party) {
      return keys.get(party).nodeId();
    }

    /** The step's item with the suite's substitutions (README, CONF-6). */
    FeedItem item(Step s) {
      FeedItem v = s.item();
      FeedItem.Builder b = v.toBuilder();
      String own =
          c.partners().stream()
              .filter(p -> p.name().equals(s.from()))
              .findFirst()
              .orElseThrow()
              .agreementId();
      if (v.getAgreementId().equals(own)) {
        b.setAgreementId(agreements.get(s.from()));
      }
      AlertHeader h = header(v.getAlert());
      SpecCrypto.Keys k = keys.get(party(h.getOriginNodeId()));
      byte[] header =
          h.toBuilder()
              .setOriginNodeId(k.nodeId())
              .setOriginPublicKey(ByteString.copyFrom(k.publicKey()))
              .setIssuedAt(h.getIssuedAt() + shift)
              .setExpiresAt(h.getExpiresAt() + shift)
              .build()
              .toByteArray();
      b.clearHops();
      for (SignedHop hop : v.getHopsList()) {
        b.addHops(resign(hop, header));
      }
      return b.setAlert(
              v.getAlert().toBuilder()
                  .setHeader(ByteString.copyFrom(header))
                  .setSignature(ByteString.copyFrom(k.sign(SpecCrypto.ALERT_HEADER_TYPE, header))))
          .build();
    }

    /**
     * A hop statement of the vectors made again by the suite's key for its signer, about the
     * re-signed header, to the suite's node for its receiver (the node under test for the vectors'
     * receiver), with the same hops left (RELAY-8).
     */
    private SignedHop resign(SignedHop hop, byte[] header) {
      HopStatement st;
      try {
        st = HopStatement.parseFrom(hop.getStatement());
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("feed.json holds a hop statement that does not parse", e);
      }
      String toParty = party(st.getToNodeId());
      String to = toParty.equals(RECEIVER) ? receiverNodeId : nodeId(toParty);
      return HopPaths.sign(
          keys.get(party(st.getFromNodeId())),
          header,
          to,
          Integer.toUnsignedLong(st.getHopsLeft()));
    }

    /** The suite's (origin node id, alert id) of the step's alert. */
    String[] alert(Step s) {
      AlertHeader h = header(s.item().getAlert());
      return new String[] {nodeId(party(h.getOriginNodeId())), h.getAlertId()};
    }
  }
}
