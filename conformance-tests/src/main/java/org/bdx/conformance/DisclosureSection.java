package org.bdx.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.conformance.ConformanceFixture.GRANTED;
import static org.bdx.conformance.ConformanceFixture.contains;
import static org.bdx.conformance.ConformanceFixture.forAlert;
import static org.bdx.conformance.ConformanceFixture.item;

import java.util.List;
import org.bdx.conformance.ConformanceFixture.Submitted;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.PartnerClass;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Disclosure per partner class (spec section 9): what each class is sent of the alerts the fixture
 * submitted, and that the canaries reach none of them.
 */
abstract class DisclosureSection extends ConformanceSection {
  DisclosureSection(ConformanceFixture fixture) {
    super(fixture);
  }

  @Test
  @Order(30)
  @DisplayName(
      "POL-1, POL-2, SIG-8, FEED-2: a PEER partner gets every audience with exactly the granted fields")
  void peerDisclosure() throws Exception {
    federation();
    PartnerClass c = PartnerClass.PARTNER_CLASS_PEER;
    for (Submitted s : List.of(peerReport, supportReport, policeReport)) {
      assertExactDisclosure(c, s);
    }
  }

  @Test
  @Order(31)
  @DisplayName(
      "POL-1, POL-2, SEC-3: a SUPPORT partner gets SUPPORT and POLICE audiences only, with exactly the granted fields")
  void supportDisclosure() throws Exception {
    federation();
    PartnerClass c = PartnerClass.PARTNER_CLASS_SUPPORT;
    assertExactDisclosure(c, supportReport);
    assertExactDisclosure(c, policeReport);
    assertNeverSent(c, peerReport.alertId());
  }

  @Test
  @Order(32)
  @DisplayName(
      "POL-1, POL-2, SEC-3: a POLICE partner gets only POLICE-audience alerts, with exactly the granted fields")
  void policeDisclosure() throws Exception {
    federation();
    PartnerClass c = PartnerClass.PARTNER_CLASS_POLICE;
    assertExactDisclosure(c, policeReport);
    assertNeverSent(c, peerReport.alertId());
    assertNeverSent(c, supportReport.alertId());
  }

  @Test
  @Order(33)
  @DisplayName(
      "SEC-1, API-7, POL-2, POL-3, SEC-3: canary values never reach a partner (with the twin)")
  void canaries() throws Exception {
    federation();
    for (SuiteNode n : all) {
      for (byte[] b : n.receivedBytes) {
        for (String canary : canaries) {
          assertThat(contains(b, canary))
              .as("%s received withheld value %s", n.name, canary)
              .isFalse();
        }
      }
    }
    // A POLICE partner never sees what a PEER-audience alert carries.
    SuiteNode police = partners.get(PartnerClass.PARTNER_CLASS_POLICE);
    String peerOnly = peerReport.report().getAggressorDescription();
    assertThat(police.receivedBytes).noneMatch(b -> contains(b, peerOnly));
    // The twin: granted values do arrive, in the same bytes the scan reads.
    SuiteNode peer = partners.get(PartnerClass.PARTNER_CLASS_PEER);
    assertThat(peer.receivedBytes).anyMatch(b -> contains(b, peerOnly));
    assertThat(police.receivedBytes).anyMatch(b -> contains(b, policeReport.report().getArea()));
  }

  private void assertExactDisclosure(PartnerClass c, Submitted s) throws Exception {
    FeedItem item = feeds.get(c).awaitItem(forAlert(s.alertId()), "alert " + s.alertId());
    Alerts.Verified v = Alerts.verify(item.getAlert(), info.getNodeId());
    assertThat(v.header().getAudience()).isEqualTo(s.report().getConsent().getAudience());
    assertThat(v.disclosed().keySet())
        .as("paths disclosed to a %s partner", c)
        .containsExactlyInAnyOrderElementsOf(GRANTED.get(c));
    // The header is the origin's, byte for byte (SIG-8).
    assertThat(item.getAlert().getHeader()).isEqualTo(s.alert().getEnvelope().getHeader());
  }
}
