package org.bdx.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import org.bdx.proto.v1.FeedItem;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Every feed item the suite's nodes received in the sections before this one, checked once more as
 * a whole.
 */
abstract class EveryItemSection extends ConformanceSection {
  EveryItemSection(ConformanceFixture fixture) {
    super(fixture);
  }

  @Test
  @Order(90)
  @DisplayName(
      "SIG-7, SIG-1, FEED-1, FEED-5.3, RELAY-3.1, RELAY-8: every item received verifies, comes from the node under test under our agreement, in ascending sequence, with a valid signed path")
  void everyItemVerifies() throws Exception {
    federation();
    int n = 0;
    for (SuiteNode.Subscription s : allFeeds) {
      long last = 0;
      for (FeedItem i : s.items) {
        Alerts.verify(i.getAlert().toByteArray(), info.getNodeId());
        // The node's own alerts: sent by their origin, and none of our terms lets us relay, so
        // no hop is left to us and nothing needs signing (RELAY-3.1); whatever statements an item
        // carries must be a valid path from the node to us (RELAY-8).
        assertThat(i.getRelayHops()).isZero();
        assertThat(i.getHopsLeft()).isZero();
        if (i.getAlert().getDisclosuresCount() == 0) {
          assertThat(i.getHopsList()).as("a header-only item carries no statement").isEmpty();
        } else {
          HopPaths.verify(
              i.getHopsList(),
              i.getAlert().getHeader().toByteArray(),
              i.getRelayHops(),
              i.getHopsLeft(),
              info.getNodeId(),
              s.owner().keys.nodeId(),
              0);
        }
        assertThat(i.getSequence()).isGreaterThan(last);
        last = i.getSequence();
        n++;
      }
    }
    for (SuiteNode p : partners.values()) {
      for (SuiteNode.Subscription s : allFeeds) {
        if (s.owner() == p) {
          assertThat(s.items).allMatch(i -> i.getAgreementId().equals(p.agreementId));
        }
      }
    }
    assertThat(n).as("items received (the twin: there is something to verify)").isPositive();
  }
}
