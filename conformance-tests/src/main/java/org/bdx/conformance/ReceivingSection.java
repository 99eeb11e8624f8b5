package org.bdx.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.conformance.ConformanceFixture.GRANTED_TO_NUT;
import static org.bdx.conformance.ConformanceFixture.assertStatus;
import static org.bdx.conformance.ConformanceFixture.forAlert;
import static org.bdx.conformance.ConformanceFixture.item;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.util.List;
import org.bdx.conformance.ConformanceFixture.Submitted;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.GetAlertRequest;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.PartnerStatus;
import org.bdx.proto.v1.SignedAlert;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** What the node under test does with the feed items the suite's nodes send it (section 10.3). */
abstract class ReceivingSection extends ConformanceSection {
  ReceivingSection(ConformanceFixture fixture) {
    super(fixture);
  }

  @Test
  @Order(50)
  @DisplayName(
      "FEED-8, FEED-8.8, FEED-9, HOST-3, ADM-10: expired, ungranted and forged items are not stored; a valid twin is, once")
  void receiving() throws Exception {
    federation();
    SuiteNode p = partners.get(PartnerClass.PARTNER_CLASS_PEER);
    long now = System.currentTimeMillis() / 1000;
    String expiredId = SpecCrypto.newId16();
    String ungrantedId = SpecCrypto.newId16();
    String forgedId = SpecCrypto.newId16();
    String twinId = SpecCrypto.newId16();
    SignedAlert expired =
        Alerts.select(
            Alerts.sign(
                p.keys,
                expiredId,
                1,
                AlertStatus.ALERT_STATUS_ACTIVE,
                now - 7200,
                now - 3600,
                Audience.AUDIENCE_PEER,
                suiteFields("expired")),
            GRANTED_TO_NUT);
    SignedAlert ungranted =
        Alerts.sign(
            p.keys,
            ungrantedId,
            1,
            AlertStatus.ALERT_STATUS_ACTIVE,
            now - 60,
            now + 86_400,
            Audience.AUDIENCE_PEER,
            suiteFields("ungranted").toBuilder()
                .setVehiclePlate("CNRY" + run.toUpperCase())
                .build());
    SignedAlert good =
        Alerts.select(
            Alerts.sign(
                p.keys,
                forgedId,
                1,
                AlertStatus.ALERT_STATUS_ACTIVE,
                now - 60,
                now + 86_400,
                Audience.AUDIENCE_PEER,
                suiteFields("forged")),
            GRANTED_TO_NUT);
    byte[] sig = good.getSignature().toByteArray();
    sig[7] ^= 1;
    SignedAlert forged = good.toBuilder().setSignature(ByteString.copyFrom(sig)).build();
    SignedAlert twin =
        Alerts.select(
            Alerts.sign(
                p.keys,
                twinId,
                1,
                AlertStatus.ALERT_STATUS_ACTIVE,
                now - 60,
                now + 86_400,
                Audience.AUDIENCE_PEER,
                suiteFields("twin")),
            GRANTED_TO_NUT);
    long rejectedBefore = inboundRejected(p);
    p.deliver(List.of(item(p, expired), item(p, ungranted), item(p, forged), item(p, twin)));
    assertThat(storedFrom(p, twinId)).as("the valid twin is stored").isEqualTo(1);
    for (String id : List.of(expiredId, ungrantedId, forgedId)) {
      assertStatus(
          () ->
              client()
                  .getAlert(
                      GetAlertRequest.newBuilder()
                          .setAlertId(id)
                          .setOriginNodeId(p.keys.nodeId())
                          .build()),
          Status.Code.NOT_FOUND);
    }
    assertThat(inboundRejected(p) - rejectedBefore)
        .as("inbound_rejected grows by the two rejected items, not the expired one")
        .isEqualTo(2);

    // The twin again under a new sequence (a replay, or a copy by a second path): not applied,
    // counted as stale and not as rejected.
    PartnerStatus before = partnerStatus(p);
    p.deliver(List.of(item(p, twin)));
    PartnerStatus after = partnerStatus(p);
    assertThat(storedFrom(p, twinId)).as("the twin is still held at version 1").isEqualTo(1);
    assertThat(after.getInboundStale() - before.getInboundStale())
        .as("inbound_stale grows by the replayed item")
        .isEqualTo(1);
    assertThat(after.getInboundRejected())
        .as("a replay is not counted as rejected")
        .isEqualTo(before.getInboundRejected());
  }

  @Test
  @Order(51)
  @DisplayName(
      "FEED-3, AGR-4, RELAY-3.2: an alert received under terms without may_relay is sent to no partner")
  void noRelay() throws Exception {
    federation();
    SuiteNode p = partners.get(PartnerClass.PARTNER_CLASS_PEER);
    long now = System.currentTimeMillis() / 1000;
    String id = SpecCrypto.newId16();
    p.deliver(
        List.of(
            item(
                p,
                Alerts.select(
                    Alerts.sign(
                        p.keys,
                        id,
                        1,
                        AlertStatus.ALERT_STATUS_ACTIVE,
                        now - 60,
                        now + 86_400,
                        Audience.AUDIENCE_POLICE,
                        suiteFields("relay")),
                    GRANTED_TO_NUT))));
    assertThat(storedFrom(p, id)).isEqualTo(1);
    Submitted marker = submit(Audience.AUDIENCE_POLICE);
    for (PartnerClass c : feeds.keySet()) {
      feeds.get(c).awaitItem(forAlert(marker.alertId()), "marker");
      assertNeverSent(c, id);
    }
  }

  @Test
  @Order(52)
  @DisplayName(
      "FEED-5.1: a partner without an ACTIVE agreement gets PERMISSION_DENIED on Subscribe")
  void subscribeWithoutAgreement() throws Exception {
    federation();
    SuiteNode.Subscription s = noAgreement.subscribe(nut.federationEndpoint(), true);
    s.start(0);
    assertThat(s.awaitEnd().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(s.items).isEmpty();
  }
}
