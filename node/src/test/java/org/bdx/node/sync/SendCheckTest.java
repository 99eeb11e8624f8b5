package org.bdx.node.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.node.sync.SyncFixture.GRANTED_PATHS;
import static org.bdx.node.sync.SyncFixture.GRANTED_PHONE;
import static org.bdx.node.sync.SyncFixture.canaryFields;
import static org.bdx.node.sync.SyncFixture.terms;

import java.nio.file.Path;
import java.util.List;
import org.bdx.node.policy.Grant;
import org.bdx.node.store.AuditRecord;
import org.bdx.node.store.Ids;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.sync.SyncFixture.TestNode;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.PartnerClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check of each queued item just before it leaves ({@link Outbox#beforeSending}, spec
 * FEED-5.10). A queue that holds content no longer allowed is made here by storing a newer version
 * without queuing it, as a node did before suspended partners were handled (or as one that stores a
 * version while a feed has the older one in hand): the check must not let it out.
 */
class SendCheckTest {
  @TempDir Path dir;

  TestNode origin;
  TestNode police;
  Grant grant;

  @BeforeEach
  void setUp() throws Exception {
    origin = new TestNode(dir.resolve("origin"));
    police = new TestNode(dir.resolve("police"));
    grant =
        new Grant(
            police.id,
            Ids.newId(SyncFixture.RNG),
            terms(PartnerClass.PARTNER_CLASS_POLICE, GRANTED_PATHS));
    origin.grants.out.put(police.id, grant);
  }

  @AfterEach
  void tearDown() throws Exception {
    origin.close();
    police.close();
  }

  private List<FeedItem> queued() {
    return origin.outbox.read(police.id, 0, 100);
  }

  /** Stores {@code a} as the held version without queuing it for anyone. */
  private void storeOnly(StoredAlert a) {
    origin.alerts.put(a);
  }

  private StoredAlert sign(String id, long version, Audience audience) {
    return origin.sign(id, version, AlertStatus.ALERT_STATUS_UPDATED, canaryFields(), audience);
  }

  @Test
  void contentOfANarrowedAlert_isWithheld_andItsWithdrawalQueuedInItsPlace() {
    StoredAlert v1 = origin.publish(canaryFields(), Audience.AUDIENCE_POLICE);
    FeedItem stale = queued().get(0);
    storeOnly(sign(v1.alertId(), 2, Audience.AUDIENCE_PEER));

    assertThat(origin.outbox.beforeSending(grant, stale)).isEmpty();

    List<FeedItem> q = queued();
    assertThat(q).hasSize(1); // the stale row is gone; the withdrawal follows it
    assertThat(q.get(0).getSequence()).isGreaterThan(stale.getSequence());
    assertThat(q.get(0).getAlert().getDisclosuresCount()).isZero();
    assertThat(SyncFixture.contains(q.get(0).toByteArray(), GRANTED_PHONE)).isFalse();
    assertThat(origin.outbox.beforeSending(grant, q.get(0))).contains(q.get(0));
    // The audit log records the withdrawal queued, by the node.
    List<AuditRecord> d =
        origin.audit.list(0, 0, 100).stream().filter(r -> r.action().equals("disclosure")).toList();
    assertThat(d).hasSize(2);
    assertThat(d.get(1).actor()).isEqualTo("node");
    assertThat(d.get(1).detail()).contains("version=2").endsWith("fields=header-only");
  }

  @Test
  void retractedAlert_itsContentIsWithheld_andTheRetractionSentInstead() {
    StoredAlert v1 = origin.publish(canaryFields(), Audience.AUDIENCE_POLICE);
    FeedItem stale = queued().get(0);
    storeOnly(
        origin.sign(
            v1.alertId(),
            2,
            AlertStatus.ALERT_STATUS_RETRACTED,
            org.bdx.proto.v1.AlertFields.getDefaultInstance(),
            Audience.AUDIENCE_POLICE));

    assertThat(origin.outbox.beforeSending(grant, stale)).isEmpty();
    List<FeedItem> q = queued();
    assertThat(q).hasSize(1);
    police.grants.in.put(origin.id, new Grant(origin.id, grant.agreementId(), grant.terms()));
    police.receiver.apply(origin.id, q);
    assertThat(police.alerts.get(origin.id, v1.alertId()).orElseThrow().status())
        .isEqualTo(AlertStatus.ALERT_STATUS_RETRACTED);
  }

  @Test
  void itemOfTheHeldVersion_stillAdmitted_leavesUnchanged() {
    origin.publish(canaryFields(), Audience.AUDIENCE_POLICE);
    FeedItem item = queued().get(0);
    assertThat(item.getAlert().getDisclosuresCount()).isEqualTo(GRANTED_PATHS.size());
    assertThat(origin.outbox.beforeSending(grant, item)).contains(item);
    assertThat(queued()).containsExactly(item);
  }

  @Test
  void olderVersion_stillConsentedTo_leavesUnchanged() {
    StoredAlert v1 = origin.publish(canaryFields(), Audience.AUDIENCE_POLICE);
    FeedItem older = queued().get(0);
    storeOnly(sign(v1.alertId(), 2, Audience.AUDIENCE_POLICE));
    assertThat(origin.outbox.beforeSending(grant, older)).contains(older);
  }

  @Test
  void olderVersion_disclosingAFieldTheHeldOneNoLongerHas_isReplacedByTheHeldVersion() {
    StoredAlert v1 = origin.publish(canaryFields(), Audience.AUDIENCE_POLICE);
    FeedItem older = queued().get(0);
    // Version 2 corrects the alert: the phone number was wrong.
    storeOnly(
        origin.sign(
            v1.alertId(),
            2,
            AlertStatus.ALERT_STATUS_UPDATED,
            canaryFields().toBuilder().clearPhoneNumbers().build(),
            Audience.AUDIENCE_POLICE));

    assertThat(origin.outbox.beforeSending(grant, older)).isEmpty();
    List<FeedItem> q = queued();
    assertThat(q).hasSize(1);
    assertThat(q.get(0).getAlert().getDisclosuresCount()).isEqualTo(GRANTED_PATHS.size() - 1);
    assertThat(SyncFixture.contains(q.get(0).toByteArray(), GRANTED_PHONE)).isFalse();
  }

  @Test
  void alertNoLongerHeld_isWithheld_andNothingTakesItsPlace() {
    StoredAlert v1 = origin.publish(canaryFields(), Audience.AUDIENCE_POLICE);
    FeedItem item = queued().get(0);
    origin.alerts.delete(origin.id, v1.alertId());
    assertThat(origin.outbox.beforeSending(grant, item)).isEmpty();
    assertThat(queued()).isEmpty();
  }

  @Test
  void grantNoLongerListingAField_withholdsTheItem() {
    origin.publish(canaryFields(), Audience.AUDIENCE_POLICE);
    FeedItem item = queued().get(0);
    DirectionTerms narrower =
        terms(PartnerClass.PARTNER_CLASS_POLICE, List.of("incident_date", "area"));
    Grant now = new Grant(police.id, grant.agreementId(), narrower);
    assertThat(origin.outbox.beforeSending(now, item)).isEmpty();
    // The twin: the same terms it was queued under let it out.
    assertThat(
            origin.outbox.beforeSending(
                new Grant(
                    police.id,
                    grant.agreementId(),
                    terms(PartnerClass.PARTNER_CLASS_POLICE, GRANTED_PATHS)),
                item))
        .contains(item);
  }

  @Test
  void headerOnlyItem_leavesUnchanged_evenForAnAlertNoLongerHeld() {
    StoredAlert v1 = origin.publish(canaryFields(), Audience.AUDIENCE_POLICE);
    FeedItem item = queued().get(0);
    FeedItem headerOnly =
        item.toBuilder().setAlert(item.getAlert().toBuilder().clearDisclosures()).build();
    origin.alerts.delete(origin.id, v1.alertId());
    assertThat(origin.outbox.beforeSending(grant, headerOnly)).contains(headerOnly);
  }

  @Test
  void relayedItem_whoseSourceNoLongerGrantsRelaying_isWithheld() throws Exception {
    try (TestNode source = new TestNode(dir.resolve("source"))) {
      DirectionTerms relaying =
          terms(PartnerClass.PARTNER_CLASS_PEER, GRANTED_PATHS).toBuilder()
              .setMayRelay(true)
              .setMaxRelayHops(2)
              .build();
      String agreement = Ids.newId(SyncFixture.RNG);
      source.grants.out.put(origin.id, new Grant(origin.id, agreement, relaying));
      origin.grants.in.put(source.id, new Grant(source.id, agreement, relaying));
      origin.grants.out.put(
          police.id,
          new Grant(
              police.id,
              grant.agreementId(),
              terms(PartnerClass.PARTNER_CLASS_PEER, GRANTED_PATHS).toBuilder()
                  .setAcceptRelayed(true) // relayed content goes only where it is accepted
                  .build()));
      Grant toPolice = origin.grants.out.get(police.id);
      source.publish(
          Ids.newId(SyncFixture.RNG),
          1,
          AlertStatus.ALERT_STATUS_ACTIVE,
          canaryFields(),
          Audience.AUDIENCE_PEER,
          3);
      origin.receiver.apply(source.id, source.outbox.read(origin.id, 0, 10));
      FeedItem relayed = queued().get(0);
      assertThat(relayed.getRelayHops()).isEqualTo(1);
      assertThat(origin.outbox.beforeSending(toPolice, relayed)).contains(relayed);

      // The source suspends its agreement with the relay: relaying is no longer granted.
      origin.grants.in.remove(source.id);
      assertThat(origin.outbox.beforeSending(toPolice, relayed)).isEmpty();
      assertThat(queued()).isEmpty();
    }
  }
}
