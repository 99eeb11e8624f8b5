package org.bdx.node.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bdx.node.sync.SyncFixture.GRANTED_PATHS;
import static org.bdx.node.sync.SyncFixture.canaryFields;
import static org.bdx.node.sync.SyncFixture.terms;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bdx.node.identity.NodeId;
import org.bdx.node.policy.Grant;
import org.bdx.node.signing.VerifiedAlert;
import org.bdx.node.store.Ids;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.sync.SyncFixture.TestNode;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.PartnerClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
  @TempDir Path dir;

  TestNode a;
  NodeId b;
  Grant grant;

  @BeforeEach
  void setUp() throws Exception {
    a = new TestNode(dir.resolve("a"));
    b = org.bdx.node.identity.NodeKeys.generate(SyncFixture.RNG).nodeId();
    grant =
        new Grant(
            b, Ids.newId(SyncFixture.RNG), terms(PartnerClass.PARTNER_CLASS_PEER, GRANTED_PATHS));
  }

  @AfterEach
  void tearDown() throws Exception {
    a.close();
  }

  @Test
  void enqueue_redactsPerGrant_andRowsVerify() throws Exception {
    a.grants.out.put(b, grant);
    a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    List<FeedItem> items = a.outbox.read(b, 0, 10);
    assertThat(items).hasSize(1);
    assertThat(items.get(0).getAgreementId()).isEqualTo(grant.agreementId());
    VerifiedAlert v = a.verifier.verify(items.get(0).getAlert(), a.id);
    assertThat(v.disclosedPaths())
        .containsExactly("area", "harms", "incident_date", "phone_numbers", "severity");
    assertThat(a.outbox.latestSeq(b)).isEqualTo(items.get(0).getSequence());
    assertThat(a.outbox.waiting(b)).isEqualTo(1);
  }

  @Test
  void enqueue_inRolledBackTransaction_leavesNoRows() {
    a.grants.out.put(b, grant);
    StoredAlert x =
        a.sign(
            Ids.newId(SyncFixture.RNG),
            1,
            AlertStatus.ALERT_STATUS_ACTIVE,
            canaryFields(),
            Audience.AUDIENCE_PEER);
    assertThatThrownBy(
            () ->
                a.db.inTransaction(
                    c -> {
                      a.alerts.put(x);
                      a.outbox.enqueue(x);
                      throw new IllegalStateException("intake failed after enqueue");
                    }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(a.outbox.read(b, 0, 10)).isEmpty();
    assertThat(a.alerts.get(a.id, x.alertId())).isEmpty();
  }

  @Test
  void noGrant_orAudienceNotReaching_queuesNothing() {
    a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    assertThat(a.outbox.read(b, 0, 10)).isEmpty();
    a.grants.out.put(
        b,
        new Grant(b, grant.agreementId(), terms(PartnerClass.PARTNER_CLASS_POLICE, GRANTED_PATHS)));
    a.publish(canaryFields(), Audience.AUDIENCE_SUPPORT);
    assertThat(a.outbox.read(b, 0, 10)).isEmpty();
    a.publish(canaryFields(), Audience.AUDIENCE_POLICE); // twin
    assertThat(a.outbox.read(b, 0, 10)).hasSize(1);
  }

  @Test
  void neverQueuedBackToItsOrigin() {
    // A grant naming the alert's own origin as the partner: nothing is queued for it.
    a.grants.out.put(a.id, new Grant(a.id, grant.agreementId(), grant.terms()));
    a.grants.out.put(b, grant);
    a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    assertThat(a.outbox.read(a.id, 0, 10)).isEmpty();
    assertThat(a.outbox.read(b, 0, 10)).hasSize(1);
  }

  @Test
  void receivedAlerts_withoutARelayGrant_areNotQueued() {
    a.grants.out.put(b, grant);
    StoredAlert x =
        a.sign(
            Ids.newId(SyncFixture.RNG),
            1,
            AlertStatus.ALERT_STATUS_ACTIVE,
            canaryFields(),
            Audience.AUDIENCE_PEER);
    StoredAlert received =
        new StoredAlert(
            x.originNodeId(),
            x.alertId(),
            1,
            x.status(),
            x.issuedAt(),
            x.expiresAt(),
            x.audience(),
            x.fields(),
            x.disclosedPaths(),
            x.envelope(),
            false,
            x.storedAt());
    // Received from no partner that granted relaying: nothing is relayed (spec RELAY-3).
    assertThat(a.outbox.enqueue(received)).isEmpty();
    assertThat(a.outbox.read(b, 0, 10)).isEmpty();
  }

  @Test
  void newerVersion_replacesQueuedOlder_andRetractionRemovesQueuedContent() {
    a.grants.out.put(b, grant);
    String id = Ids.newId(SyncFixture.RNG);
    a.publish(id, 1, AlertStatus.ALERT_STATUS_ACTIVE, canaryFields(), Audience.AUDIENCE_PEER);
    StoredAlert retraction =
        a.sign(
            id,
            2,
            AlertStatus.ALERT_STATUS_RETRACTED,
            AlertFields.getDefaultInstance(),
            Audience.AUDIENCE_PEER);
    a.db.inTransaction(
        c -> {
          a.alerts.put(retraction);
          a.outbox.enqueue(a.alerts.get(a.id, id).orElseThrow());
          return null;
        });
    List<FeedItem> items = a.outbox.read(b, 0, 10);
    assertThat(items).hasSize(1);
    assertThat(items.get(0).getAlert().getDisclosuresCount()).isZero();
    assertThat(items.get(0).getAlert()).isEqualTo(retraction.envelope());
  }

  @Test
  void acked_isMonotonic_andDeletesAcknowledgedRows() {
    a.grants.out.put(b, grant);
    for (int i = 0; i < 5; i++) {
      a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    }
    List<FeedItem> items = a.outbox.read(b, 0, 10);
    assertThat(items).hasSize(5);
    long third = items.get(2).getSequence();
    var status =
        new org.bdx.node.admin.SyncStatus(
            a.db, a.syncState, a.outboxRows, new org.bdx.node.sync.RefusedMessages(b::equals));
    assertThat(status.counts(b).lastSyncAt()).isZero();
    a.outbox.acked(b, third);
    assertThat(a.outbox.ackedThrough(b)).isEqualTo(third);
    // An acknowledgement counts as a successful sync for `bdx status`.
    assertThat(status.counts(b).lastSyncAt()).isPositive();
    assertThat(status.counts(b).outboundWaiting()).isEqualTo(2);
    assertThat(a.outbox.waiting(b)).isEqualTo(2);
    assertThat(a.outbox.read(b, 0, 10)).hasSize(2);
    a.outbox.acked(b, items.get(0).getSequence()); // lower: no effect
    assertThat(a.outbox.ackedThrough(b)).isEqualTo(third);
    assertThat(a.outbox.read(b, 0, 2)).hasSize(2);
    assertThat(a.outbox.read(b, items.get(3).getSequence(), 10)).hasSize(1);
  }

  @Test
  void backfill_queuesCurrentLocalAlerts_once() {
    StoredAlert live = a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    String retractedId = Ids.newId(SyncFixture.RNG);
    a.publish(
        retractedId, 1, AlertStatus.ALERT_STATUS_ACTIVE, canaryFields(), Audience.AUDIENCE_PEER);
    a.alerts.put(
        a.sign(
            retractedId,
            2,
            AlertStatus.ALERT_STATUS_RETRACTED,
            AlertFields.getDefaultInstance(),
            Audience.AUDIENCE_PEER));
    assertThat(a.outbox.read(b, 0, 10)).isEmpty(); // no grant yet

    a.grants.out.put(b, grant);
    List<NodeId> woken = new CopyOnWriteArrayList<>();
    a.outbox.addListener(woken::add);
    assertThat(a.outbox.backfill(grant)).isEqualTo(1);
    List<FeedItem> items = a.outbox.read(b, 0, 10);
    assertThat(items).hasSize(1);
    assertThat(items.get(0).getAlert().getHeader()).isEqualTo(live.envelope().getHeader());
    assertThat(woken).containsExactly(b);

    assertThat(a.outbox.backfill(grant)).isZero();
    assertThat(a.outbox.read(b, 0, 10)).hasSize(1);
  }

  @Test
  void purgePartner_dropsItsQueue() {
    a.grants.out.put(b, grant);
    a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    a.outbox.purgePartner(b);
    assertThat(a.outbox.read(b, 0, 10)).isEmpty();
    assertThat(a.outbox.waiting(b)).isZero();
  }
}
