package org.bdx.node.sync;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.signing.AlertDraft;
import org.bdx.node.signing.AlertSigner;
import org.bdx.node.signing.DeterministicRandom;
import org.bdx.node.signing.Disclosures;
import org.bdx.node.signing.HopChain;
import org.bdx.node.signing.HopSigner;
import org.bdx.node.sync.FeedVectorCases.AlertSpec;
import org.bdx.node.sync.FeedVectorCases.Case;
import org.bdx.node.sync.FeedVectorCases.Step;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.SignedAlert;
import org.bdx.proto.v1.SignedHop;

/**
 * Writes spec/vectors/feed.json (format in spec/vectors/README.md): short sequences of feed items
 * from named partners, each with the outcome the receiver must reach and what it then holds of the
 * item's alert (spec FEED-8, FEED-9, VER-6, RELAY-2, RELAY-5, TIME-2, TIME-3).
 *
 * <p>The cases ({@link FeedVectorCases}) are data. The expected outcomes and states are never
 * written by hand: each case is run through the reference receiver ({@link FeedVectorRunner}) and
 * what it does is recorded. Deterministic: fixed seeds, a fixed clock, and alert ids, agreement
 * ids, salts and decoys from {@link DeterministicRandom}.
 *
 * <p>Regenerate with {@code org.bdx.node.signing.VectorGenerator}, which writes every vector file;
 * {@code SpecVectorsTest} fails if feed.json differs from {@link #file()}.
 */
public final class FeedVectorGenerator {
  public static final String FILE = "feed.json";
  static final String DRBG_LABEL = "bdx/v1 feed vectors";
  static final HexFormat HEX = HexFormat.of();

  /** The receiver's clock in every case, and the skew it tolerates (TIME-1). */
  static final long NOW = 1_790_000_000L;

  static final long MAX_SKEW = 300;
  static final long DAY = 86_400;

  static final String RECEIVER = "receiver";
  static final String ORIGIN = "origin";
  static final String RELAY = "relay";

  /** Seeds: the receiver 0x80..0x9f, the origin 0xa0..0xbf, the relay 0xc0..0xdf. */
  static final Map<String, byte[]> SEEDS = new LinkedHashMap<>();

  static {
    SEEDS.put(RECEIVER, seed(0x80));
    SEEDS.put(ORIGIN, seed(0xa0));
    SEEDS.put(RELAY, seed(0xc0));
  }

  private FeedVectorGenerator() {}

  // --- writing the file --------------------------------------------------------------------------

  /** The exact content of feed.json. */
  public static String file() {
    return new GsonBuilder()
            .setPrettyPrinting()
            .disableHtmlEscaping()
            .serializeNulls()
            .create()
            .toJson(root())
        + "\n";
  }

  static JsonObject root() {
    DeterministicRandom rng = new DeterministicRandom(DRBG_LABEL);
    JsonObject root = new JsonObject();
    root.addProperty(
        "description",
        "spec FEED-8, FEED-9, VER-6, RELAY-2, RELAY-5, TIME-2, TIME-3: feed items from named"
            + " partners, in order, with the outcome each must have at the receiver and what the"
            + " receiver then holds of the item's alert");
    root.addProperty("drbg_label", DRBG_LABEL);
    root.add(
        "outcomes",
        FeedVectorRunner.strings(
            List.of("stored", "merged", "withdrawn", "stale", "ignored", "expired", "rejected")));
    JsonObject parties = new JsonObject();
    for (Map.Entry<String, byte[]> e : SEEDS.entrySet()) {
      NodeKeys k = NodeKeys.fromSeed(e.getValue());
      JsonObject p = new JsonObject();
      p.addProperty("seed", HEX.formatHex(e.getValue()));
      p.addProperty("public_key", HEX.formatHex(k.publicKey()));
      p.addProperty("node_id", k.nodeId().value());
      parties.add(e.getKey(), p);
    }
    root.add("parties", parties);
    JsonArray cases = new JsonArray();
    for (Case c : FeedVectorCases.cases()) {
      cases.add(write(c, rng));
    }
    root.add("cases", cases);
    return root;
  }

  private static JsonObject write(Case c, DeterministicRandom rng) {
    JsonObject o = new JsonObject();
    o.addProperty("name", c.name);
    o.addProperty("description", c.description);
    if (!c.requires.isEmpty()) {
      o.add("requires", FeedVectorRunner.strings(c.requires));
    }
    JsonObject receiver = new JsonObject();
    receiver.addProperty("node_id", keys(RECEIVER).nodeId().value());
    receiver.addProperty("now", NOW);
    receiver.addProperty("max_skew_seconds", MAX_SKEW);
    o.add("receiver", receiver);

    List<FeedVectorRunner.Partner> partners = new ArrayList<>();
    JsonArray ps = new JsonArray();
    for (Map.Entry<String, DirectionTerms> e : c.partners.entrySet()) {
      FeedVectorRunner.Partner p =
          new FeedVectorRunner.Partner(
              e.getKey(), keys(e.getKey()).nodeId(), AlertDraft.newAlertId(rng), e.getValue());
      partners.add(p);
      JsonObject j = new JsonObject();
      j.addProperty("name", p.name());
      j.addProperty("node_id", p.nodeId().value());
      j.addProperty("agreement_id", p.agreementId());
      j.addProperty("inbound_terms", HEX.formatHex(p.inbound().toByteArray()));
      j.add("inbound_terms_json", FeedVectorRunner.protoJson(p.inbound()));
      ps.add(j);
    }
    o.add("partners", ps);

    Signed signed = new Signed(c, rng);
    Map<String, Long> sequences = new HashMap<>();
    JsonArray steps = new JsonArray();
    Path dir = tempDir();
    try (FeedVectorRunner run =
        new FeedVectorRunner(dir, keys(RECEIVER).nodeId(), NOW, MAX_SKEW, partners)) {
      for (Step s : c.steps) {
        String agreement =
            s.agreement == null
                ? partners.stream()
                    .filter(p -> p.name().equals(s.from))
                    .findFirst()
                    .orElseThrow()
                    .agreementId()
                : AlertDraft.newAlertId(rng);
        SignedAlert envelope = Disclosures.select(signed.full(s), Set.copyOf(s.paths));
        FeedItem item =
            FeedItem.newBuilder()
                .setSequence(sequences.merge(s.from, 1L, Long::sum))
                .setAgreementId(agreement)
                .setAlert(envelope)
                .setRelayHops(s.relayHops)
                .setHopsLeft(s.hopsLeft)
                .addAllHops(statements(s, signed, envelope))
                .build();
        JsonObject j = new JsonObject();
        j.addProperty("from", s.from);
        j.addProperty("item", HEX.formatHex(item.toByteArray()));
        j.add("item_fields", itemFields(item, signed.origin(s)));
        JsonObject observed = run.step(s.from, item);
        observed.entrySet().forEach(e -> j.add(e.getKey(), e.getValue()));
        steps.add(j);
      }
    } finally {
      delete(dir);
    }
    o.add("steps", steps);
    return o;
  }

  /** Each (alert, version) of a case signed once, so that every path carries the same header. */
  /**
   * The hop statements of an item with content (spec RELAY-8): for the origin's item with hops
   * left, its statement to the receiver; for the relay's item, the origin's statement to the relay
   * (the alert's {@code max_hops} left) and the relay's to the receiver (the step's hops left). A
   * step whose counts the origin and relay could not have signed (hops raised) gets them signed
   * anyway, so the receiver's check of the counts decides. Header-only items carry none.
   */
  private static List<SignedHop> statements(Step s, Signed signed, SignedAlert envelope) {
    if (envelope.getDisclosuresCount() == 0) {
      return List.of();
    }
    NodeId receiver = keys(RECEIVER).nodeId();
    HopSigner origin = new HopSigner(keys(signed.origin(s)));
    if (s.relayHops == 0) {
      return s.hopsLeft == 0
          ? List.of()
          : origin.extend(HopChain.empty(), envelope.getHeader(), receiver, s.hopsLeft).hops();
    }
    HopChain toRelay =
        origin.extend(
            HopChain.empty(),
            envelope.getHeader(),
            keys(s.from).nodeId(),
            signed.spec(s).maxHops());
    return new HopSigner(keys(s.from))
        .extend(toRelay, envelope.getHeader(), receiver, s.hopsLeft)
        .hops();
  }

  private static final class Signed {
    private final Case c;
    private final DeterministicRandom rng;
    private final Map<String, String> ids = new HashMap<>();
    private final Map<String, SignedAlert> full = new HashMap<>();
    private final Map<String, AlertStatus> statuses = new HashMap<>();

    Signed(Case c, DeterministicRandom rng) {
      this.c = c;
      this.rng = rng;
    }

    AlertSpec spec(Step s) {
      return c.alerts.getOrDefault(s.alert, AlertSpec.DEFAULT);
    }

    String origin(Step s) {
      return spec(s).origin();
    }

    SignedAlert full(Step s) {
      String key = s.alert + "/" + s.version;
      AlertStatus prior = statuses.putIfAbsent(key, s.status());
      if (prior != null && prior != s.status()) {
        throw new IllegalStateException(c.name + ": " + key + " signed with two statuses");
      }
      return full.computeIfAbsent(
          key,
          k -> {
            AlertSpec a = spec(s);
            String id = ids.computeIfAbsent(s.alert, l -> AlertDraft.newAlertId(rng));
            AlertDraft draft =
                new AlertDraft(
                    id,
                    s.version,
                    s.status(),
                    a.issuedAt() + 3600 * (s.version - 1),
                    a.expiresAt(),
                    a.audience(),
                    a.maxHops(),
                    s.retraction ? AlertFields.getDefaultInstance() : FeedVectorCases.FIELDS);
            return new AlertSigner(keys(a.origin()), rng).sign(draft);
          });
    }
  }

  /** The item decoded, for readers of the file (informative; the hex is normative). */
  private static JsonObject itemFields(FeedItem item, String origin) {
    AlertHeader h = FeedVectorRunner.header(item).orElseThrow();
    JsonObject o = new JsonObject();
    o.addProperty("sequence", item.getSequence());
    o.addProperty("agreement_id", item.getAgreementId());
    o.addProperty("relay_hops", item.getRelayHops());
    o.addProperty("hops_left", item.getHopsLeft());
    o.addProperty("origin", origin);
    o.addProperty("alert_id", h.getAlertId());
    o.addProperty("version", h.getVersion());
    o.addProperty("status", h.getStatus().name());
    o.addProperty("audience", h.getAudience().name());
    o.addProperty("max_hops", h.getMaxHops());
    o.addProperty("issued_at", h.getIssuedAt());
    o.addProperty("expires_at", h.getExpiresAt());
    o.add(
        "disclosed_paths",
        FeedVectorRunner.strings(
            item.getAlert().getDisclosuresList().stream()
                .map(FeedVectorGenerator::pathOf)
                .sorted()
                .toList()));
    return o;
  }

  private static String pathOf(org.bdx.proto.v1.Disclosure d) {
    try {
      return org.bdx.proto.v1.Claim.parseFrom(d.getClaim()).getPath();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  static NodeKeys keys(String party) {
    byte[] s = SEEDS.get(party);
    if (s == null) {
      throw new IllegalArgumentException("no party named " + party);
    }
    return NodeKeys.fromSeed(s);
  }

  private static byte[] seed(int first) {
    byte[] s = new byte[32];
    for (int i = 0; i < 32; i++) {
      s[i] = (byte) (first + i);
    }
    return s;
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("bdx-feed-vectors");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
