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
      "SIG-7, SIG-1, FEED-1, FEED-5.3: every item received verifies, comes from the node under test under our agreement, in ascending sequence")
  void everyItemVerifies() throws Exception {
    federation();
    int n = 0;
    for (SuiteNode.Subscription s : allFeeds) {
      long last = 0;
      for (FeedItem i : s.items) {
        Alerts.verify(i.getAlert().toByteArray(), info.getNodeId());
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
