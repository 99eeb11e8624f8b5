package org.bdx.node.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.FeedItem;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs spec/vectors/feed.json as any implementation would (spec/vectors/README.md): each case on a
 * receiver that starts empty, with the case's node id, clock and grants, each step's item bytes as
 * they are in the file. That the file is exactly what {@link FeedVectorGenerator} writes is checked
 * by {@code SpecVectorsTest}; this checks that the file's own bytes and terms give its outcomes.
 */
class FeedVectorsTest {
  private static final HexFormat HEX = HexFormat.of();

  @TempDir Path dir;

  private static JsonObject load() throws Exception {
    String spec = System.getProperty("bdx.spec.dir");
    assertThat(spec).as("system property bdx.spec.dir").isNotNull();
    return JsonParser.parseString(
            Files.readString(
                Path.of(spec, "vectors", FeedVectorGenerator.FILE), StandardCharsets.UTF_8))
        .getAsJsonObject();
  }

  private static List<JsonObject> list(JsonObject o, String key) {
    List<JsonObject> out = new ArrayList<>();
    o.getAsJsonArray(key).forEach(e -> out.add(e.getAsJsonObject()));
    return out;
  }

  @Test
  @DisplayName("FEED-8, FEED-9, VER-6: every step of feed.json has its outcome and state here")
  void feedVectors_reachTheirOutcomesAndStates_inTheReferenceReceiver() throws Exception {
    JsonObject root = load();
    for (String party : root.getAsJsonObject("parties").keySet()) {
      JsonObject p = root.getAsJsonObject("parties").getAsJsonObject(party);
      NodeKeys k = NodeKeys.fromSeed(HEX.parseHex(p.get("seed").getAsString()));
      assertThat(HEX.formatHex(k.publicKey())).isEqualTo(p.get("public_key").getAsString());
      assertThat(k.nodeId().value()).isEqualTo(p.get("node_id").getAsString());
    }
    int steps = 0;
    for (JsonObject c : list(root, "cases")) {
      String name = c.get("name").getAsString();
      JsonObject r = c.getAsJsonObject("receiver");
      List<FeedVectorRunner.Partner> partners = new ArrayList<>();
      for (JsonObject p : list(c, "partners")) {
        DirectionTerms t =
            DirectionTerms.parseFrom(HEX.parseHex(p.get("inbound_terms").getAsString()));
        assertThat(FeedVectorRunner.protoJson(t))
            .as("%s: inbound_terms_json", name)
            .isEqualTo(p.get("inbound_terms_json"));
        partners.add(
            new FeedVectorRunner.Partner(
                p.get("name").getAsString(),
                NodeId.parse(p.get("node_id").getAsString()),
                p.get("agreement_id").getAsString(),
                t));
      }
      Path caseDir = Files.createDirectories(dir.resolve(name));
      try (FeedVectorRunner run =
          new FeedVectorRunner(
              caseDir,
              NodeId.parse(r.get("node_id").getAsString()),
              r.get("now").getAsLong(),
              r.get("max_skew_seconds").getAsLong(),
              partners)) {
        int i = 0;
        for (JsonObject s : list(c, "steps")) {
          FeedItem item = FeedItem.parseFrom(HEX.parseHex(s.get("item").getAsString()));
          JsonObject observed = run.step(s.get("from").getAsString(), item);
          for (String key : List.of("outcome", "reason", "verification_reason", "held")) {
            assertThat(observed.get(key)).as("%s step %d: %s", name, i, key).isEqualTo(s.get(key));
          }
          i++;
          steps++;
        }
      }
    }
    assertThat(steps).isGreaterThanOrEqualTo(20);
  }

  @Test
  @DisplayName("FEED-8, FEED-9: feed.json has every outcome and the rejections receivers meet")
  void feedVectors_coverEveryOutcome_andTheRejectionReasons() throws Exception {
    JsonObject root = load();
    Set<String> outcomes = new HashSet<>();
    Set<String> reasons = new HashSet<>();
    for (JsonObject c : list(root, "cases")) {
      for (JsonObject s : list(c, "steps")) {
        outcomes.add(s.get("outcome").getAsString());
        JsonElement reason = s.get("reason");
        if (reason != null) {
          reasons.add(reason.getAsString());
        }
      }
    }
    List<String> declared = new ArrayList<>();
    root.getAsJsonArray("outcomes").forEach(e -> declared.add(e.getAsString()));
    assertThat(outcomes).containsExactlyInAnyOrderElementsOf(declared);
    assertThat(reasons)
        .contains(
            "AGREEMENT_MISMATCH",
            "VERIFICATION_FAILED",
            "RELAY_NOT_ALLOWED",
            "FIELD_NOT_GRANTED",
            "NOT_GRANTED",
            "FUTURE_DATED");
  }
}
