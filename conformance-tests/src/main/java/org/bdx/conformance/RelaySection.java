package org.bdx.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.conformance.ConformanceFixture.GRANTED_TO_NUT;
import static org.bdx.conformance.ConformanceFixture.assertStatus;
import static org.bdx.conformance.ConformanceFixture.forAlert;
import static org.bdx.conformance.ConformanceFixture.item;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import org.bdx.conformance.ConformanceFixture.Submitted;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.GetAlertRequest;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.PathStep;
import org.bdx.proto.v1.RejectionCount;
import org.bdx.proto.v1.SearchAlertsRequest;
import org.bdx.proto.v1.SignedAlert;
import org.bdx.proto.v1.SignedHop;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Relay (spec section 10.8): alerts of an origin the node under test does not know, relayed by a
 * partner whose terms allow it one hop and say the node takes what it relays ({@code
 * accept_relayed}), each with its signed path (RELAY-8); the same from a partner whose terms do not
 * accept relayed alerts; and the node under test as a relay itself, to a partner that takes what it
 * relays. Paths are signed and checked with the suite's own {@link HopPaths}. Runs last: its
 * partners join the run only here.
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
      "RELAY-1, RELAY-8, FEED-8.4, FEED-9, RELAY-7, RELAY-9: a third origin's alert relayed along a valid signed path is stored, from the relay, with its path")
  void relayedStored() throws Exception {
    federation();
    SuiteNode r = relayPartner();
    String word = "rly" + run + "ok";
    String id = SpecCrypto.newId16();
    SignedAlert a = originAlert(origin, id, 1, Audience.AUDIENCE_PEER, word);
    long d = rejectedBy(r, relayed(r, a, 0, path(a, 1, r, 0)));
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
    assertThat(held.getPathList())
        .as("the path shown to staff: the origin, then the relay (RELAY-9)")
        .extracting(PathStep::getNodeId)
        .containsExactly(origin.nodeId(), r.keys.nodeId());
    assertThat(
            client()
                .searchAlerts(
                    SearchAlertsRequest.newBuilder().setText(word).setPageSize(500).build())
                .getAlertsList())
        .as("search finds the relayed copy (%s)", word)
        .anySatisfy(
            v -> {
              assertThat(v.getAlertId()).isEqualTo(id);
              assertThat(v.getOriginNodeId()).isEqualTo(origin.nodeId());
            });
  }

  @Test
  @Order(96)
  @DisplayName(
      "RELAY-8.3, FEED-8.4, HOST-3, ADM-10: signed counts no grant allows are rejected and counted by reason, nothing stored")
  void relayHopsBounded() throws Exception {
    federation();
    SuiteNode r = relayPartner();
    long before = byReason(r, "RELAY_NOT_ALLOWED");
    String above = SpecCrypto.newId16();
    String raised = SpecCrypto.newId16();
    String itemRaised = SpecCrypto.newId16();
    String overGrant = SpecCrypto.newId16();
    String twin = SpecCrypto.newId16();
    // The node under test's terms with r allow it 1 further hop.
    SignedAlert a1 = originAlert(origin, above, 1, "above");
    assertThat(rejectedBy(r, relayed(r, a1, 1, path(a1, 2, r, 1))))
        .as("the origin's statement grants 2 hops, above max_hops 1")
        .isEqualTo(1);
    SignedAlert a2 = originAlert(origin, raised, 2, "raised");
    assertThat(rejectedBy(r, relayed(r, a2, 1, path(a2, 1, r, 1))))
        .as("the relay leaves as many hops as it was left")
        .isEqualTo(1);
    SignedAlert a3 = originAlert(origin, itemRaised, 2, "itemraised");
    assertThat(rejectedBy(r, relayed(r, a3, 2, path(a3, 2, r, 1))))
        .as("hops_left above the last statement's")
        .isEqualTo(1);
    SignedAlert a4 = originAlert(origin, overGrant, 3, "overgrant");
    assertThat(rejectedBy(r, relayed(r, a4, 2, path(a4, 3, r, 2))))
        .as("2 hops left where the node under test's terms allow 1")
        .isEqualTo(1);
    assertThat(byReason(r, "RELAY_NOT_ALLOWED") - before).isEqualTo(4);
    for (String id : List.of(above, raised, itemRaised, overGrant)) {
      assertNotHeld(origin.nodeId(), id);
    }
    // The twin: the origin leaves 2 hops, the relay 1, as the terms allow.
    SignedAlert t = originAlert(origin, twin, 2, "twin");
    assertThat(rejectedBy(r, relayed(r, t, 1, path(t, 2, r, 1)))).isZero();
    assertThat(storedFrom(origin.nodeId(), twin)).isEqualTo(1);
  }

  @Test
  @Order(97)
  @DisplayName(
      "RELAY-8.1, RELAY-8.2, FEED-8.4, HOST-3, ADM-10: hop statements that are not a signed path to the node under test are rejected and counted by reason")
  void invalidPathsRejected() throws Exception {
    federation();
    SuiteNode r = relayPartner();
    long before = byReason(r, "HOP_STATEMENT_INVALID");
    String none = SpecCrypto.newId16();
    String madeUp = SpecCrypto.newId16();
    String elsewhere = SpecCrypto.newId16();
    SignedAlert a1 = originAlert(origin, none, 1, "nostatement");
    byte[] h1 = a1.getHeader().toByteArray();
    assertThat(
            rejectedBy(
                r, relayed(r, a1, 0, List.of(HopPaths.sign(r.keys, h1, info.getNodeId(), 0)))))
        .as("relayed with only the relay's own statement (the origin granted it nothing)")
        .isEqualTo(1);
    SignedAlert a2 = originAlert(origin, madeUp, 1, "madeup");
    byte[] h2 = a2.getHeader().toByteArray();
    SignedHop forgedByRelay =
        HopPaths.sign(r.keys, h2, r.keys.nodeId(), 1).toBuilder()
            .setStatement(HopPaths.sign(origin, h2, r.keys.nodeId(), 1).getStatement())
            .build();
    assertThat(
            rejectedBy(
                r,
                relayed(
                    r,
                    a2,
                    0,
                    List.of(forgedByRelay, HopPaths.sign(r.keys, h2, info.getNodeId(), 0)))))
        .as("the origin's statement signed by the relay")
        .isEqualTo(1);
    SignedAlert a3 = originAlert(origin, elsewhere, 1, "elsewhere");
    byte[] h3 = a3.getHeader().toByteArray();
    assertThat(
            rejectedBy(
                r,
                relayed(
                    r,
                    a3,
                    0,
                    List.of(
                        HopPaths.sign(origin, h3, r.keys.nodeId(), 1),
                        HopPaths.sign(r.keys, h3, noAgreement.keys.nodeId(), 0)))))
        .as("the relay's statement names another node")
        .isEqualTo(1);
    assertThat(byReason(r, "HOP_STATEMENT_INVALID") - before).isEqualTo(3);
    for (String id : List.of(none, madeUp, elsewhere)) {
      assertNotHeld(origin.nodeId(), id);
    }
  }

  @Test
  @Order(98)
  @DisplayName(
      "RELAY-8.4, AGR-4, HOST-3, ADM-10: a relayed alert of an unknown origin from a partner whose terms do not accept relayed alerts is rejected and counted")
  void unknownOriginNotAccepted() throws Exception {
    federation();
    // w's terms let it relay to the node under test, but do not say the node takes its relays.
    SuiteNode w =
        partnerWithAgreement(
            "wary",
            PartnerClass.PARTNER_CLASS_PEER,
            t ->
                t.toBuilder()
                    .setProposerToAcceptor(
                        t.getProposerToAcceptor().toBuilder().setMayRelay(true).setMaxRelayHops(1))
                    .build());
    SpecCrypto.Keys fresh = SpecCrypto.Keys.generate();
    String id = SpecCrypto.newId16();
    SignedAlert a = originAlert(fresh, id, 1, Audience.AUDIENCE_PEER, "madeup" + run);
    byte[] h = a.getHeader().toByteArray();
    List<SignedHop> viaW =
        List.of(
            HopPaths.sign(fresh, h, w.keys.nodeId(), 1),
            HopPaths.sign(w.keys, h, info.getNodeId(), 0));
    assertThat(rejectedBy(w, relayed(w, a, 0, viaW))).isEqualTo(1);
    assertThat(byReason(w, "RELAYED_ORIGIN_NOT_ACCEPTED")).isEqualTo(1);
    assertNotHeld(fresh.nodeId(), id);
    // The twin: the same alert through the relay whose terms accept relayed alerts is stored.
    SuiteNode r = relayPartner();
    List<SignedHop> viaR =
        List.of(
            HopPaths.sign(fresh, h, r.keys.nodeId(), 1),
            HopPaths.sign(r.keys, h, info.getNodeId(), 0));
    assertThat(rejectedBy(r, relayed(r, a, 0, viaR))).isZero();
    assertThat(storedFrom(fresh.nodeId(), id)).isEqualTo(1);
  }

  @Test
  @Order(99)
  @DisplayName(
      "RELAY-2, SIG-7.5, FEED-8.4, HOST-3: a third origin's alert with relay_hops 0 is rejected (UNEXPECTED_ORIGIN) and counted")
  void unmarkedThirdOrigin() throws Exception {
    federation();
    SuiteNode r = relayPartner();
    String id = SpecCrypto.newId16();
    SignedAlert a = originAlert(origin, id, 1, "unmarked");
    assertThat(
            rejectedBy(
                r,
                item(r, a).toBuilder()
                    .addHops(HopPaths.sign(origin, a.getHeader().toByteArray(), r.keys.nodeId(), 0))
                    .build()))
        .isEqualTo(1);
    assertNotHeld(origin.nodeId(), id);
    // The twin: the same alert marked as relayed, with its path, is stored.
    assertThat(rejectedBy(r, relayed(r, a, 0, path(a, 1, r, 0)))).isZero();
    assertThat(storedFrom(origin.nodeId(), id)).isEqualTo(1);
  }

  @Test
  @Order(100)
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
    // FEED-8 check 4: an item whose origin is the receiver is ignored whatever its hop counts.
    assertThat(rejectedBy(r, relayed(r, own.getAlert(), 0, List.of())))
        .as("inbound_rejected (own alert relayed back)")
        .isZero();
    AlertView after = ownAlert(policeReport.alertId());
    assertThat(after.getLocal()).isTrue();
    assertThat(after.getReceivedFromNodeId()).isEmpty();
    assertThat(after.getVersion()).isEqualTo(before.getVersion());
    assertThat(after.getEnvelope()).isEqualTo(before.getEnvelope());
    assertThat(after.getFields()).isEqualTo(before.getFields());
  }

  @Test
  @Order(101)
  @DisplayName(
      "RELAY-4, FEED-3: an alert from a partner whose terms allow relaying is never sent back to it")
  void neverBackToOrigin() throws Exception {
    federation();
    SuiteNode r = relayPartner();
    String id = SpecCrypto.newId16();
    SignedAlert a = originAlert(r.keys, id, 2, Audience.AUDIENCE_PEER, "back" + run);
    // r's own alert, leaving the node under test the 1 hop its terms allow (RELAY-3.1).
    FeedItem i =
        item(r, a).toBuilder()
            .setHopsLeft(1)
            .addHops(HopPaths.sign(r.keys, a.getHeader().toByteArray(), info.getNodeId(), 1))
            .build();
    assertThat(rejectedBy(r, i)).isZero();
    assertThat(storedFrom(r, id)).isEqualTo(1);
    // Stored before the marker is submitted: anything relayed to r precedes the marker in its feed
    // (RELAY-4 queues in the storing transaction; FEED-1), so "never" is decided without timing.
    Submitted marker = submit(Audience.AUDIENCE_PEER);
    relayFeed.awaitItem(forAlert(marker.alertId()), "the marker (the twin: the feed to r works)");
    assertThat(relayFeed.items).as("r was sent its own alert").noneMatch(forAlert(id));
  }

  @Test
  @Order(102)
  @DisplayName(
      "RELAY-3.2, RELAY-4, RELAY-8: the node under test relays with a signed path, only to a partner whose terms accept relayed alerts")
  void relaysWithASignedPath() throws Exception {
    federation();
    SuiteNode r = relayPartner();
    // d takes what the node under test relays (its terms to d set accept_relayed).
    SuiteNode d =
        partnerWithAgreement(
            "downstream",
            PartnerClass.PARTNER_CLASS_PEER,
            t ->
                t.toBuilder()
                    .setAcceptorToProposer(
                        t.getAcceptorToProposer().toBuilder().setAcceptRelayed(true))
                    .build());
    SuiteNode.Subscription dFeed = subscribe(d, 0);
    String id = SpecCrypto.newId16();
    SignedAlert a = originAlert(origin, id, 2, Audience.AUDIENCE_PEER, "onward" + run);
    // The origin leaves r 2 hops, r leaves the node under test 1: it may relay once more.
    assertThat(rejectedBy(r, relayed(r, a, 1, path(a, 2, r, 1)))).isZero();
    FeedItem got = dFeed.awaitItem(forAlert(id), "the relayed alert at the partner downstream");
    assertThat(got.getRelayHops()).isEqualTo(2);
    assertThat(got.getHopsLeft()).as("d's terms grant it no relay").isZero();
    assertThat(
            HopPaths.verify(
                got.getHopsList(),
                got.getAlert().getHeader().toByteArray(),
                got.getRelayHops(),
                got.getHopsLeft(),
                info.getNodeId(),
                d.keys.nodeId(),
                0))
        .as("the path: the origin, r, then the node under test")
        .containsExactly(origin.nodeId(), r.keys.nodeId(), info.getNodeId());
    Alerts.verify(got.getAlert(), origin.nodeId());
    // Never to a partner whose terms do not accept relayed alerts: the marker, queued after the
    // relayed alert was stored, reaches the PEER partner, the relayed alert does not.
    Submitted marker = submit(Audience.AUDIENCE_PEER);
    SuiteNode peer = partners.get(PartnerClass.PARTNER_CLASS_PEER);
    List<SuiteNode.Subscription> peerFeeds = new ArrayList<>();
    for (SuiteNode.Subscription s : allFeeds) {
      if (s.owner() == peer) {
        peerFeeds.add(s);
      }
    }
    feeds.get(PartnerClass.PARTNER_CLASS_PEER).awaitItem(forAlert(marker.alertId()), "the marker");
    for (SuiteNode.Subscription s : peerFeeds) {
      assertThat(s.items).as("the PEER partner was relayed the alert").noneMatch(forAlert(id));
    }
  }

  /**
   * A PEER partner whose terms to the node under test allow relaying one hop (RELAY-3) and say the
   * node takes what it relays (accept_relayed, RELAY-8.4).
   */
  private SuiteNode relayPartner() throws Exception {
    if (relay == null) {
      relay =
          partnerWithAgreement(
              "relay",
              PartnerClass.PARTNER_CLASS_PEER,
              (AgreementTerms t) ->
                  t.toBuilder()
                      .setProposerToAcceptor(
                          t.getProposerToAcceptor().toBuilder()
                              .setMayRelay(true)
                              .setMaxRelayHops(1)
                              .setAcceptRelayed(true))
                      .build());
      relayFeed = subscribe(relay, 0);
    }
    return relay;
  }

  /**
   * The signed path origin → {@code r} → the node under test: the origin leaves {@code r} {@code
   * originLeft} hops, {@code r} leaves the node {@code relayLeft}.
   */
  private List<SignedHop> path(SignedAlert a, long originLeft, SuiteNode r, long relayLeft) {
    byte[] h = a.getHeader().toByteArray();
    return List.of(
        HopPaths.sign(origin, h, r.keys.nodeId(), originLeft),
        HopPaths.sign(r.keys, h, info.getNodeId(), relayLeft));
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

  /** A relayed item: relay_hops one fewer than its statements (at least 1). */
  private static FeedItem relayed(SuiteNode p, SignedAlert a, int hopsLeft, List<SignedHop> hops) {
    return item(p, a).toBuilder()
        .setRelayHops(Math.max(1, hops.size() - 1))
        .setHopsLeft(hopsLeft)
        .addAllHops(hops)
        .build();
  }

  /** Delivers one item and returns how much the partner's inbound_rejected grew (ADM-10). */
  private long rejectedBy(SuiteNode p, FeedItem i) throws InterruptedException {
    long before = inboundRejected(p);
    p.deliver(List.of(i));
    return inboundRejected(p) - before;
  }

  /** The partner's rejected items for {@code reason} (ADM-10 inbound_rejected_by_reason). */
  private long byReason(SuiteNode p, String reason) {
    for (RejectionCount c : partnerStatus(p).getInboundRejectedByReasonList()) {
      if (c.getReason().equals(reason)) {
        return c.getCount();
      }
    }
    return 0;
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
