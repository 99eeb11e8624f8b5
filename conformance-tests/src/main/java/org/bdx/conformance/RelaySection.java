package org.bdx.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.conformance.ConformanceFixture.GRANTED_TO_NUT;
import static org.bdx.conformance.ConformanceFixture.assertStatus;
import static org.bdx.conformance.ConformanceFixture.forAlert;
import static org.bdx.conformance.ConformanceFixture.header;
import static org.bdx.conformance.ConformanceFixture.item;

import io.grpc.Status;
import java.util.List;
import org.bdx.conformance.ConformanceFixture.Submitted;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.GetAlertRequest;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.SearchAlertsRequest;
import org.bdx.proto.v1.SignedAlert;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Relay, receiving side (spec section 10.8): alerts of an origin the node under test does not know,
 * relayed by a partner whose terms allow it. Runs last: its partner joins the run only here.
 */
abstract class RelaySection extends ConformanceSection {
  /** An origin the node under test does not know: its alerts reach it only through a relay. */
  private final SpecCrypto.Keys origin = SpecCrypto.Keys.generate();

  private SuiteNode relay;
  private SuiteNode.Subscription relayFeed;

  RelaySection(ConformanceFixture fixture) {
    super(fixture);
  }

  @Test
  @Order(95)
  @DisplayName(
      "RELAY-1, RELAY-2, FEED-8.4, FEED-9, RELAY-7: a third origin's alert relayed within its signed max_hops is stored, from the relay")
  void relayedStored() throws Exception {
    federation();
    SuiteNode r = relayPartner();
    String word = "rly" + run + "ok";
    String id = SpecCrypto.newId16();
    long d =
        rejectedBy(r, relayed(r, originAlert(origin, id, 1, Audience.AUDIENCE_PEER, word), 1, 0));
    assertThat(d).as("inbound_rejected for a valid relayed item").isZero();
    AlertView held =
        client()
            .getAlert(
                GetAlertRequest.newBuilder()
                    .setAlertId(id)
                    .setOriginNodeId(origin.nodeId())
                    .build())
            .getAlert();
    assertThat(held.getVersion()).isEqualTo(1);
    assertThat(held.getOriginNodeId()).isEqualTo(origin.nodeId());
    assertThat(held.getLocal()).isFalse();
    assertThat(held.getReceivedFromNodeId())
        .as("the partner it came from")
        .isEqualTo(r.keys.nodeId());
    assertThat(held.getAgreementId()).isEqualTo(r.agreementId);
    assertThat(held.getDisclosedPathsList()).isSubsetOf(GRANTED_TO_NUT).isNotEmpty();
    assertThat(
            client()
                .searchAlerts(
                    SearchAlertsRequest.newBuilder().setText(word).setPageSize(500).build())
                .getAlertsList())
        .as("search finds the relayed copy (%s)", word)
        .anySatisfy(
            a -> {
              assertThat(a.getAlertId()).isEqualTo(id);
              assertThat(a.getOriginNodeId()).isEqualTo(origin.nodeId());
            });
  }

  @Test
  @Order(96)
  @DisplayName(
      "RELAY-2, FEED-8.4, HOST-3, ADM-10: hop counts the signed max_hops does not allow are rejected and counted, nothing stored")
  void relayHopsBounded() throws Exception {
    federation();
    SuiteNode r = relayPartner();
    String above = SpecCrypto.newId16();
    String raised = SpecCrypto.newId16();
    String ownRelayed = SpecCrypto.newId16();
    String twin = SpecCrypto.newId16();
    // max_hops 1 in every header below.
    assertThat(rejectedBy(r, relayed(r, originAlert(origin, above, 1, "above"), 2, 0)))
        .as("relay_hops 2 above max_hops 1")
        .isEqualTo(1);
    assertThat(rejectedBy(r, relayed(r, originAlert(origin, raised, 1, "raised"), 1, 1)))
        .as("relay_hops 1 + hops_left 1 above max_hops 1")
        .isEqualTo(1);
    assertThat(rejectedBy(r, relayed(r, originAlert(r.keys, ownRelayed, 1, "own"), 1, 0)))
        .as("relay_hops 1 with the sender as origin")
        .isEqualTo(1);
    assertNotHeld(origin.nodeId(), above);
    assertNotHeld(origin.nodeId(), raised);
    assertNotHeld(r.keys.nodeId(), ownRelayed);
    // The twin: the same counts as the first two, within max_hops 2, are stored.
    assertThat(rejectedBy(r, relayed(r, originAlert(origin, twin, 2, "twin"), 2, 0))).isZero();
    assertThat(storedFrom(origin.nodeId(), twin)).isEqualTo(1);
  }

  @Test
  @Order(97)
  @DisplayName(
      "RELAY-2, SIG-7.5, FEED-8.4, HOST-3: a third origin's alert with relay_hops 0 is rejected (UNEXPECTED_ORIGIN) and counted")
  void unmarkedThirdOrigin() throws Exception {
    federation();
    SuiteNode r = relayPartner();
    String id = SpecCrypto.newId16();
    assertThat(rejectedBy(r, relayed(r, originAlert(origin, id, 1, "unmarked"), 0, 0)))
        .isEqualTo(1);
    assertNotHeld(origin.nodeId(), id);
    // The twin: the same alert marked as relayed is stored.
    assertThat(rejectedBy(r, relayed(r, originAlert(origin, id, 1, "unmarked"), 1, 0))).isZero();
    assertThat(storedFrom(origin.nodeId(), id)).isEqualTo(1);
  }

  @Test
  @Order(98)
  @DisplayName(
      "RELAY-5, FEED-8.4, HOST-3: the node's own alert relayed back is ignored, never replaces its own alert")
  void relayOwnAlertBack() throws Exception {
    federation();
    SuiteNode r = relayPartner();
    SuiteNode peer = partners.get(PartnerClass.PARTNER_CLASS_PEER);
    FeedItem own = null;
    for (SuiteNode.Subscription s : allFeeds) {
      if (s.owner() == peer) {
        for (FeedItem i : s.items) {
          if (forAlert(policeReport.alertId()).test(i)) {
            own = i;
          }
        }
      }
    }
    assertThat(own).as("the node under test's alert, as its feed sent it").isNotNull();
    AlertView before = ownAlert(policeReport.alertId());
    long m = Integer.toUnsignedLong(header(own.getAlert()).getMaxHops());
    // FEED-8 check 4 runs RELAY-2 before the RELAY-5 "ignored": with max_hops 0 the same item is
    // a RELAY_NOT_ALLOWED rejection (counted); with max_hops >= 1 it is ignored (not counted).
    assertThat(rejectedBy(r, relayed(r, own.getAlert(), 1, 0)))
        .as("inbound_rejected (own alert signed with max_hops %d)", m)
        .isEqualTo(m >= 1 ? 0 : 1);
    AlertView after = ownAlert(policeReport.alertId());
    assertThat(after.getLocal()).isTrue();
    assertThat(after.getReceivedFromNodeId()).isEmpty();
    assertThat(after.getVersion()).isEqualTo(before.getVersion());
    assertThat(after.getEnvelope()).isEqualTo(before.getEnvelope());
    assertThat(after.getFields()).isEqualTo(before.getFields());
  }

  @Test
  @Order(99)
  @DisplayName(
      "RELAY-4, FEED-3: an alert from a partner whose terms allow relaying is never sent back to it")
  void neverBackToOrigin() throws Exception {
    federation();
    SuiteNode r = relayPartner();
    String id = SpecCrypto.newId16();
    assertThat(
            rejectedBy(
                r,
                item(r, originAlert(r.keys, id, 2, Audience.AUDIENCE_PEER, "back" + run))
                    .toBuilder()
                    .setHopsLeft(1)
                    .build()))
        .isZero();
    assertThat(storedFrom(r, id)).isEqualTo(1);
    // Stored before the marker is submitted: anything relayed to r precedes the marker in its feed
    // (RELAY-4 queues in the storing transaction; FEED-1), so "never" is decided without timing.
    Submitted marker = submit(Audience.AUDIENCE_PEER);
    relayFeed.awaitItem(forAlert(marker.alertId()), "the marker (the twin: the feed to r works)");
    assertThat(relayFeed.items).as("r was sent its own alert").noneMatch(forAlert(id));
  }

  /** A PEER partner whose terms to the node under test allow relaying one hop (RELAY-3). */
  private SuiteNode relayPartner() throws Exception {
    if (relay == null) {
      relay = partnerWithAgreement("relay", PartnerClass.PARTNER_CLASS_PEER, 1);
      relayFeed = subscribe(relay, 0);
    }
    return relay;
  }

  private SignedAlert originAlert(SpecCrypto.Keys k, String id, int maxHops, String word) {
    return originAlert(k, id, maxHops, Audience.AUDIENCE_PEER, word);
  }

  /** Version 1 signed by {@code k} with {@code max_hops}, redacted to the granted fields. */
  private SignedAlert originAlert(
      SpecCrypto.Keys k, String id, int maxHops, Audience audience, String word) {
    long now = System.currentTimeMillis() / 1000;
    return Alerts.select(
        Alerts.sign(
            k,
            id,
            1,
            AlertStatus.ALERT_STATUS_ACTIVE,
            now - 60,
            now + 86_400,
            audience,
            maxHops,
            suiteFields(word)),
        GRANTED_TO_NUT);
  }

  private static FeedItem relayed(SuiteNode p, SignedAlert a, int relayHops, int hopsLeft) {
    return item(p, a).toBuilder().setRelayHops(relayHops).setHopsLeft(hopsLeft).build();
  }

  /** Delivers one item and returns how much the partner's inbound_rejected grew (ADM-10). */
  private long rejectedBy(SuiteNode p, FeedItem i) throws InterruptedException {
    long before = inboundRejected(p);
    p.deliver(List.of(i));
    return inboundRejected(p) - before;
  }

  private void assertNotHeld(String originNodeId, String alertId) {
    assertStatus(
        () ->
            client()
                .getAlert(
                    GetAlertRequest.newBuilder()
                        .setAlertId(alertId)
                        .setOriginNodeId(originNodeId)
                        .build()),
        Status.Code.NOT_FOUND);
  }

  private AlertView ownAlert(String alertId) {
    return client()
        .getAlert(
            GetAlertRequest.newBuilder()
                .setAlertId(alertId)
                .setOriginNodeId(info.getNodeId())
                .build())
        .getAlert();
  }

  private long storedFrom(String originNodeId, String alertId) {
    return client()
        .getAlert(
            GetAlertRequest.newBuilder().setAlertId(alertId).setOriginNodeId(originNodeId).build())
        .getAlert()
        .getVersion();
  }
}
