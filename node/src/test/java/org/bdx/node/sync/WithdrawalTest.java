package org.bdx.node.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.node.sync.SyncFixture.GRANTED_PATHS;
import static org.bdx.node.sync.SyncFixture.canaryFields;
import static org.bdx.node.sync.SyncFixture.terms;

import java.nio.file.Path;
import java.util.List;
import org.bdx.node.policy.Grant;
import org.bdx.node.store.Ids;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.sync.SyncFixture.TestNode;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.PartnerClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versions, retractions and withdrawal between an origin and two receivers (spec VER-5, VER-6):
 * {@code peer} (class PEER) and {@code police} (class POLICE), both granted the same fields. Items
 * go from the origin's outbox to each receiver's {@link FeedReceiver} directly.
 */
class WithdrawalTest {
  @TempDir Path dir;

  TestNode origin;
  TestNode peer;
  TestNode police;

  @BeforeEach
  void setUp() throws Exception {
    origin = new TestNode(dir.resolve("origin"));
    peer = new TestNode(dir.resolve("peer"));
    police = new TestNode(dir.resolve("police"));
    connect(peer, terms(PartnerClass.PARTNER_CLASS_PEER, GRANTED_PATHS));
    connect(police, terms(PartnerClass.PARTNER_CLASS_POLICE, GRANTED_PATHS));
  }

  private void connect(TestNode receiver, DirectionTerms t) {
    String agreement = Ids.newId(SyncFixture.RNG);
    origin.grants.out.put(receiver.id, new Grant(receiver.id, agreement, t));
    receiver.grants.in.put(origin.id, new Grant(origin.id, agreement, t));
  }

  @AfterEach
  void tearDown() throws Exception {
    origin.close();
    peer.close();
    police.close();
  }

  /** Everything queued for {@code r} since its cursor, applied by {@code r}. */
  private List<FeedItem> deliver(TestNode r) {
    List<FeedItem> items = origin.outbox.read(r.id, r.receiver.cursor(origin.id), 100);
    r.receiver.apply(origin.id, items);
    return items;
  }

  private StoredAlert issue(
      String id, long version, AlertStatus status, AlertFields f, Audience a) {
    return origin.publish(id, version, status, f, a);
  }

  private StoredAlert held(TestNode r, String id) {
    return r.alerts.get(origin.id, id).orElseThrow();
  }

  @Test
  void consentNarrowed_withdrawsFromPolice_whilePeerGetsTheNewVersion() {
    String id = Ids.newId(SyncFixture.RNG);
    issue(id, 1, AlertStatus.ALERT_STATUS_ACTIVE, canaryFields(), Audience.AUDIENCE_POLICE);
    deliver(peer);
    deliver(police);
    assertThat(held(police, id).fields().getPhoneNumbersList())
        .containsExactly(SyncFixture.GRANTED_PHONE);

    AlertFields changed = canaryFields().toBuilder().setArea("Strathcona").build();
    issue(id, 2, AlertStatus.ALERT_STATUS_UPDATED, changed, Audience.AUDIENCE_PEER);
    List<FeedItem> toPolice = deliver(police);
    List<FeedItem> toPeer = deliver(peer);

    // The police receiver gets the header only, and keeps a tombstone.
    assertThat(toPolice).hasSize(1);
    assertThat(toPolice.get(0).getAlert().getDisclosuresCount()).isZero();
    StoredAlert t = held(police, id);
    assertThat(t.version()).isEqualTo(2);
    assertThat(t.tombstone()).isTrue();
    assertThat(t.fields()).isEqualTo(AlertFields.getDefaultInstance());
    assertThat(police.search(SyncFixture.byPhone(SyncFixture.GRANTED_PHONE))).isEmpty();
    assertThat(police.search(SyncFixture.byText("Downtown"))).isEmpty();

    // Twin: the peer gets the new version with content.
    assertThat(toPeer.get(0).getAlert().getDisclosuresCount()).isPositive();
    assertThat(held(peer, id).fields().getArea()).isEqualTo("Strathcona");
    assertThat(peer.search(SyncFixture.byPhone(SyncFixture.GRANTED_PHONE))).hasSize(1);

    // A later version still outside the police's reach tells it nothing more.
    issue(id, 3, AlertStatus.ALERT_STATUS_UPDATED, canaryFields(), Audience.AUDIENCE_PEER);
    assertThat(origin.outbox.read(police.id, police.receiver.cursor(origin.id), 100)).isEmpty();
    assertThat(deliver(peer)).hasSize(1);
  }

  @Test
  void updateOutsideTheGrant_withdraws() {
    DirectionTerms robberyOnly =
        terms(PartnerClass.PARTNER_CLASS_PEER, GRANTED_PATHS).toBuilder()
            .setAllHarms(false)
            .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
            .build();
    connect(peer, robberyOnly);
    String id = Ids.newId(SyncFixture.RNG);
    issue(id, 1, AlertStatus.ALERT_STATUS_ACTIVE, canaryFields(), Audience.AUDIENCE_PEER);
    deliver(peer);
    assertThat(held(peer, id).tombstone()).isFalse();

    AlertFields assault =
        canaryFields().toBuilder()
            .clearHarms()
            .addHarms(HarmCategory.HARM_CATEGORY_PHYSICAL_ASSAULT)
            .build();
    issue(id, 2, AlertStatus.ALERT_STATUS_UPDATED, assault, Audience.AUDIENCE_PEER);
    deliver(peer);
    assertThat(held(peer, id).tombstone()).isTrue();
    assertThat(held(peer, id).version()).isEqualTo(2);

    // Back inside the grant: content flows again.
    issue(id, 3, AlertStatus.ALERT_STATUS_UPDATED, canaryFields(), Audience.AUDIENCE_PEER);
    deliver(peer);
    assertThat(held(peer, id).tombstone()).isFalse();
    assertThat(held(peer, id).fields().getPhoneNumbersList())
        .containsExactly(SyncFixture.GRANTED_PHONE);
  }

  @Test
  void retraction_goesOnlyToPartnersThatHeldIt_andLeavesATombstone() {
    String id = Ids.newId(SyncFixture.RNG);
    issue(id, 1, AlertStatus.ALERT_STATUS_ACTIVE, canaryFields(), Audience.AUDIENCE_PEER);
    deliver(peer);
    assertThat(deliver(police)).isEmpty(); // a PEER alert never reaches the police

    issue(
        id,
        2,
        AlertStatus.ALERT_STATUS_RETRACTED,
        AlertFields.getDefaultInstance(),
        Audience.AUDIENCE_PEER);
    assertThat(deliver(police)).isEmpty(); // it never held the alert: it learns nothing of it
    List<FeedItem> toPeer = deliver(peer);
    assertThat(toPeer).hasSize(1);
    assertThat(toPeer.get(0).getAlert().getDisclosuresCount()).isZero();

    StoredAlert t = held(peer, id);
    assertThat(t.status()).isEqualTo(AlertStatus.ALERT_STATUS_RETRACTED);
    assertThat(t.fields()).isEqualTo(AlertFields.getDefaultInstance());
    assertThat(t.envelope().getDisclosuresCount()).isZero();
    assertThat(peer.search(SyncFixture.byPhone(SyncFixture.GRANTED_PHONE))).isEmpty();
    assertThat(peer.search(SyncFixture.byText("CANARYDESC7f3a"))).isEmpty();
    assertThat(police.alerts.get(origin.id, id)).isEmpty();
  }

  @Test
  void olderVersion_neverOverwritesATombstone() {
    String id = Ids.newId(SyncFixture.RNG);
    issue(id, 1, AlertStatus.ALERT_STATUS_ACTIVE, canaryFields(), Audience.AUDIENCE_PEER);
    List<FeedItem> v1 = deliver(peer);
    issue(
        id,
        2,
        AlertStatus.ALERT_STATUS_RETRACTED,
        AlertFields.getDefaultInstance(),
        Audience.AUDIENCE_PEER);
    deliver(peer);

    // The content-bearing v1 replayed under a fresh sequence is ignored.
    FeedItem replay =
        v1.get(0).toBuilder().setSequence(peer.receiver.cursor(origin.id) + 5).build();
    FeedReceiver.Result r = peer.receiver.apply(origin.id, List.of(replay));
    assertThat(r.stored()).isZero();
    assertThat(r.ignored()).isEqualTo(1);
    assertThat(held(peer, id).status()).isEqualTo(AlertStatus.ALERT_STATUS_RETRACTED);
    assertThat(held(peer, id).fields()).isEqualTo(AlertFields.getDefaultInstance());
  }

  @Test
  void headerOnlyWithdrawal_ofAnAlertNeverHeld_isIgnoredNotRejected() {
    String id = Ids.newId(SyncFixture.RNG);
    StoredAlert v2 =
        origin.sign(
            id, 2, AlertStatus.ALERT_STATUS_UPDATED, canaryFields(), Audience.AUDIENCE_PEER);
    FeedItem headerOnly =
        FeedItem.newBuilder()
            .setSequence(1)
            .setAgreementId(peer.grants.in.get(origin.id).agreementId())
            .setAlert(v2.envelope().toBuilder().clearDisclosures())
            .build();
    FeedReceiver.Result r = peer.receiver.apply(origin.id, List.of(headerOnly));
    assertThat(r.ignored()).isEqualTo(1);
    assertThat(r.rejected()).isZero();
    assertThat(r.cursor()).isEqualTo(1);
    assertThat(peer.alerts.get(origin.id, id)).isEmpty();

    // Twin: once the receiver holds v1, the same header-only v2 withdraws it.
    StoredAlert v1 =
        origin.sign(id, 1, AlertStatus.ALERT_STATUS_ACTIVE, canaryFields(), Audience.AUDIENCE_PEER);
    FeedItem first =
        headerOnly.toBuilder()
            .setSequence(2)
            .setAlert(
                org.bdx.node.signing.Disclosures.select(
                    v1.envelope(), java.util.Set.copyOf(GRANTED_PATHS)))
            .build();
    peer.receiver.apply(origin.id, List.of(first));
    assertThat(held(peer, id).tombstone()).isFalse();
    FeedReceiver.Result again =
        peer.receiver.apply(origin.id, List.of(headerOnly.toBuilder().setSequence(3).build()));
    assertThat(again.stored()).isEqualTo(1);
    assertThat(held(peer, id).tombstone()).isTrue();
  }

  @Test
  void resumedPartner_getsTheRetractionItMissedWhileSuspended() {
    String id = Ids.newId(SyncFixture.RNG);
    issue(id, 1, AlertStatus.ALERT_STATUS_ACTIVE, canaryFields(), Audience.AUDIENCE_PEER);
    deliver(peer);
    Grant suspended = origin.grants.out.remove(peer.id);
    issue(
        id,
        2,
        AlertStatus.ALERT_STATUS_RETRACTED,
        AlertFields.getDefaultInstance(),
        Audience.AUDIENCE_PEER);
    assertThat(deliver(peer)).isEmpty();

    origin.grants.out.put(peer.id, suspended);
    assertThat(origin.outbox.backfill(suspended)).isEqualTo(1);
    deliver(peer);
    assertThat(held(peer, id).status()).isEqualTo(AlertStatus.ALERT_STATUS_RETRACTED);
    // Backfilling again queues nothing more.
    assertThat(origin.outbox.backfill(suspended)).isZero();
  }
}
