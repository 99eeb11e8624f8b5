package org.bdx.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bdx.conformance.FeedVectors.Case;
import org.bdx.conformance.FeedVectors.Step;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.FeedItem;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The suite replays spec/vectors/feed.json with substitutions (CONF-6, {@link FeedVectors.Run}).
 * Here, without a node: the suite carries the spec's file, and each replayed item is the vectors'
 * item but for the substituted keys, times and agreement id, and passes or fails SIG-7 (in the
 * suite's own verifier) exactly as the original does.
 */
class FeedVectorsReplayTest {
  private static Path specFile() {
    String dir = System.getProperty("bdx.spec.dir");
    assertThat(dir).as("system property bdx.spec.dir").isNotNull();
    return Path.of(dir, "vectors", "feed.json");
  }

  @Test
  @DisplayName("CONF-6: the suite's copy of feed.json is the spec's")
  void bundledVectors_areTheSpecsFile() throws Exception {
    try (InputStream in = FeedVectors.class.getResourceAsStream(FeedVectors.RESOURCE)) {
      assertThat(in).as(FeedVectors.RESOURCE).isNotNull();
      assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(specFile()));
    }
  }

  @Test
  @DisplayName(
      "CONF-6: a replayed item differs only by keys, times and agreement, and verifies alike")
  void replayedItems_keepTheVectorsBytes_andVerifyAsTheyDo() throws Exception {
    List<Case> cases = FeedVectors.parse(Files.readString(specFile()));
    assertThat(cases).isNotEmpty();
    long shift = 123_456_789;
    int steps = 0;
    int hopSteps = 0;
    java.util.Set<String> outcomes = new java.util.HashSet<>();
    for (Case c : cases) {
      Map<String, String> vectorIds = new HashMap<>();
      c.parties().forEach((id, party) -> vectorIds.put(party, id));
      Map<String, SpecCrypto.Keys> keys = new HashMap<>();
      Map<String, String> agreements = new HashMap<>();
      for (String party : c.parties().values()) {
        keys.put(party, SpecCrypto.Keys.generate());
        agreements.put(party, SpecCrypto.newId16());
      }
      FeedVectors.Run r =
          new FeedVectors.Run(c, keys, agreements, shift, keys.get(FeedVectors.RECEIVER).nodeId());
      for (Step s : c.steps()) {
        String at = c.name() + " " + steps++;
        FeedItem v = s.item();
        FeedItem m = r.item(s);
        assertThat(m.getSequence()).as(at).isEqualTo(v.getSequence());
        assertThat(m.getRelayHops()).as(at).isEqualTo(v.getRelayHops());
        assertThat(m.getHopsLeft()).as(at).isEqualTo(v.getHopsLeft());
        String own =
            c.partners().stream()
                .filter(p -> p.name().equals(s.from()))
                .findFirst()
                .orElseThrow()
                .agreementId();
        assertThat(m.getAgreementId())
            .as(at)
            .isEqualTo(
                v.getAgreementId().equals(own) ? agreements.get(s.from()) : v.getAgreementId());
        assertThat(m.getAlert().getDisclosuresList())
            .as(at)
            .isEqualTo(v.getAlert().getDisclosuresList());
        AlertHeader hv = FeedVectors.header(v.getAlert());
        AlertHeader hm = FeedVectors.header(m.getAlert());
        SpecCrypto.Keys origin = keys.get(r.party(hv.getOriginNodeId()));
        assertThat(hm.getIssuedAt()).as(at).isEqualTo(hv.getIssuedAt() + shift);
        assertThat(hm.getExpiresAt()).as(at).isEqualTo(hv.getExpiresAt() + shift);
        assertThat(hm.getOriginNodeId()).as(at).isEqualTo(origin.nodeId());
        assertThat(
                hm.toBuilder()
                    .setOriginNodeId(hv.getOriginNodeId())
                    .setOriginPublicKey(hv.getOriginPublicKey())
                    .setIssuedAt(hv.getIssuedAt())
                    .setExpiresAt(hv.getExpiresAt())
                    .build())
            .as(at)
            .isEqualTo(hv);
        boolean relayed = v.getRelayHops() != 0;
        String vectorSender = relayed ? null : vectorIds.get(s.from());
        String mappedSender = relayed ? null : keys.get(s.from()).nodeId();
        String verified = outcome(v, vectorSender);
        assertThat(outcome(m, mappedSender)).as(at).isEqualTo(verified);
        outcomes.add(verified);
        // The hop statements are made again for the new keys and header: the same path, the same
        // counts, and they check (RELAY-8) exactly as the vectors' do.
        assertThat(m.getHopsCount()).as(at).isEqualTo(v.getHopsCount());
        if (v.getHopsCount() > 0) {
          assertThat(
                  hopOutcome(
                      m, keys.get(s.from()).nodeId(), keys.get(FeedVectors.RECEIVER).nodeId()))
              .as(at)
              .isEqualTo(
                  hopOutcome(v, vectorIds.get(s.from()), vectorIds.get(FeedVectors.RECEIVER)));
          hopSteps++;
        }
      }
    }
    assertThat(steps).isGreaterThanOrEqualTo(20);
    assertThat(hopSteps).isPositive();
    // Twin: the comparison sees failures too (a relay's item sent as the origin's).
    assertThat(outcomes).contains("VALID", "UNEXPECTED_ORIGIN");
  }

  /** RELAY-8.1 to 8.3 on an item's statements (a generous limit: only the path is compared). */
  private static String hopOutcome(FeedItem i, String sender, String receiver) {
    try {
      return "VALID "
          + HopPaths.verify(
                  i.getHopsList(),
                  i.getAlert().getHeader().toByteArray(),
                  i.getRelayHops(),
                  i.getHopsLeft(),
                  sender,
                  receiver,
                  8)
              .size();
    } catch (HopPaths.Rejected e) {
      return e.getMessage();
    }
  }

  private static String outcome(FeedItem i, String expectedOrigin) {
    try {
      Alerts.verify(i.getAlert(), expectedOrigin);
      return "VALID";
    } catch (Alerts.Rejected e) {
      return e.reason;
    }
  }
}
