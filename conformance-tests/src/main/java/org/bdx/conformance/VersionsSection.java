package org.bdx.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.conformance.ConformanceFixture.contains;
import static org.bdx.conformance.ConformanceFixture.forAlert;
import static org.bdx.conformance.ConformanceFixture.header;
import static org.bdx.conformance.ConformanceFixture.item;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bdx.conformance.ConformanceFixture.Submitted;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.RetractAlertRequest;
import org.bdx.proto.v1.UpdateAlertRequest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Versions on the node under test's feeds (spec sections 10.2, 10.4): an update, a retraction, a
 * feed resumed from its cursor. Changes the fixture's alerts and replaces its PEER feed, so it runs
 * after the disclosure checks.
 */
abstract class VersionsSection extends ConformanceSection {
  VersionsSection(ConformanceFixture fixture) {
    super(fixture);
  }

  @Test
  @Order(40)
  @DisplayName(
      "VER-2, FEED-9, ALR-4: an update arrives as the next version, never followed by an older one")
  void update() throws Exception {
    federation();
    String desc = "updated description " + run;
    AlertView v2 =
        client()
            .updateAlert(
                UpdateAlertRequest.newBuilder()
                    .setAlertId(peerReport.alertId())
                    .setChanges(Report.newBuilder().setAggressorDescription(desc))
                    .build())
            .getAlert();
    assertThat(v2.getVersion()).isEqualTo(2);
    assertThat(v2.getStatus()).isEqualTo(AlertStatus.ALERT_STATUS_UPDATED);
    FeedItem item =
        feeds
            .get(PartnerClass.PARTNER_CLASS_PEER)
            .awaitItem(forVersion(peerReport.alertId(), 2), "version 2 of the updated alert");
    Alerts.Verified v = Alerts.verify(item.getAlert(), info.getNodeId());
    assertThat(v.header().getStatus()).isEqualTo(AlertStatus.ALERT_STATUS_UPDATED);
    assertThat(v.disclosed().get("aggressor_description").getAggressorDescription())
        .isEqualTo(desc);
    assertThat(v.header().getExpiresAt())
        .isEqualTo(header(peerReport.alert().getEnvelope()).getExpiresAt());
    assertVersionsNeverGoBack();
  }

  @Test
  @Order(41)
  @DisplayName(
      "VER-3, ALR-6, VER-5.2, SIG-5.2: a retraction arrives header-only at the partners that held content, without the reason")
  void retraction() throws Exception {
    federation();
    String reason = "CNRYREASON" + run;
    canaries.add(reason);
    AlertView r =
        client()
            .retractAlert(
                RetractAlertRequest.newBuilder()
                    .setAlertId(supportReport.alertId())
                    .setReason(reason)
                    .build())
            .getAlert();
    assertThat(r.getStatus()).isEqualTo(AlertStatus.ALERT_STATUS_RETRACTED);
    for (PartnerClass c :
        List.of(PartnerClass.PARTNER_CLASS_PEER, PartnerClass.PARTNER_CLASS_SUPPORT)) {
      FeedItem item =
          feeds.get(c).awaitItem(forVersion(supportReport.alertId(), 2), "the retraction");
      Alerts.Verified v = Alerts.verify(item.getAlert(), info.getNodeId());
      assertThat(v.header().getStatus()).isEqualTo(AlertStatus.ALERT_STATUS_RETRACTED);
      assertThat(v.header().getClaimDigestsCount()).isZero();
      assertThat(item.getAlert().getDisclosuresCount()).isZero();
    }
    // A partner that never held it learns nothing, not even the retraction (VER-5.3, POL-1).
    Submitted marker = submit(Audience.AUDIENCE_POLICE);
    feeds.get(PartnerClass.PARTNER_CLASS_POLICE).awaitItem(forAlert(marker.alertId()), "marker");
    assertNeverSent(PartnerClass.PARTNER_CLASS_POLICE, supportReport.alertId());
    for (SuiteNode n : all) {
      assertThat(n.receivedBytes).noneMatch(b -> contains(b, reason));
    }
  }

  @Test
  @Order(42)
  @DisplayName(
      "FEED-5.3, FEED-6, FEED-7: a feed resumed after the last acknowledged sequence misses nothing and repeats nothing")
  void cursorResume() throws Exception {
    federation();
    SuiteNode peer = partners.get(PartnerClass.PARTNER_CLASS_PEER);
    SuiteNode.Subscription old = feeds.get(PartnerClass.PARTNER_CLASS_PEER);
    // One snapshot decides both the cursor and what counts as already received: items the old
    // stream delivers after it (an earlier test's marker, say) lie past the cursor and are rightly
    // sent again on resuming.
    List<FeedItem> seen = List.copyOf(old.items);
    long cursor = seen.stream().mapToLong(FeedItem::getSequence).max().orElse(0);
    old.cancel();
    Submitted missed = submit(Audience.AUDIENCE_PEER);
    SuiteNode.Subscription resumed = subscribe(peer, cursor);
    feeds.put(PartnerClass.PARTNER_CLASS_PEER, resumed);
    resumed.awaitItem(forAlert(missed.alertId()), "the alert issued while disconnected");
    Submitted live = submit(Audience.AUDIENCE_PEER);
    resumed.awaitItem(forAlert(live.alertId()), "the alert issued after resuming");
    List<Long> seqs = resumed.items.stream().map(FeedItem::getSequence).toList();
    assertThat(seqs).allMatch(s -> s > cursor);
    assertThat(seqs).isSorted().doesNotHaveDuplicates();
    Set<String> before = new HashSet<>();
    seen.forEach(
        i ->
            before.add(
                header(i.getAlert()).getAlertId() + "/" + header(i.getAlert()).getVersion()));
    assertThat(resumed.items)
        .noneMatch(
            i ->
                before.contains(
                    header(i.getAlert()).getAlertId() + "/" + header(i.getAlert()).getVersion()));
  }

  private void assertVersionsNeverGoBack() {
    for (SuiteNode.Subscription s : allFeeds) {
      Map<String, Long> newest = new HashMap<>();
      for (FeedItem i : s.items) {
        AlertHeader h = header(i.getAlert());
        Long held = newest.get(h.getAlertId());
        assertThat(held == null || h.getVersion() > held)
            .as("version %d of %s after version %s", h.getVersion(), h.getAlertId(), held)
            .isTrue();
        newest.put(h.getAlertId(), h.getVersion());
      }
    }
  }

  private static java.util.function.Predicate<FeedItem> forVersion(String alertId, long version) {
    return i -> {
      AlertHeader h = header(i.getAlert());
      return h.getAlertId().equals(alertId) && h.getVersion() == version;
    };
  }
}
