package org.bdx.node.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bdx.node.sync.SyncFixture.GRANTED_PATHS;
import static org.bdx.node.sync.SyncFixture.canaryFields;
import static org.bdx.node.sync.SyncFixture.terms;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bdx.node.agreement.Partners;
import org.bdx.node.logging.LogCapture;
import org.bdx.node.policy.Grant;
import org.bdx.node.signing.Disclosures;
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
import org.bdx.proto.v1.SignedAlert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedReceiverTest {
  @TempDir Path dir;

  TestNode a;
  TestNode b;
  String agreement;
  DirectionTerms terms = terms(PartnerClass.PARTNER_CLASS_PEER, GRANTED_PATHS);

  @BeforeEach
  void setUp() throws Exception {
    a = new TestNode(dir.resolve("a"));
    b = new TestNode(dir.resolve("b"));
    agreement = Ids.newId(SyncFixture.RNG);
    a.grants.out.put(b.id, new Grant(b.id, agreement, terms));
    b.grants.in.put(a.id, new Grant(a.id, agreement, terms));
  }

  @AfterEach
  void tearDown() throws Exception {
    a.close();
    b.close();
  }

  private FeedItem item(long seq, SignedAlert alert) {
    return FeedItem.newBuilder().setSequence(seq).setAgreementId(agreement).setAlert(alert).build();
  }

  private SignedAlert redacted(StoredAlert x) {
    return Disclosures.select(x.envelope(), Set.copyOf(GRANTED_PATHS));
  }

  private int received() {
    return b.db.inTransaction(
        c -> {
          try (var ps = c.prepareStatement("SELECT COUNT(*) FROM alerts WHERE local = 0");
              var rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
          }
        });
  }

  @Test
  void store_checkedUnderReplacedAgreement_checksAgainUnderTheNewOne() {
    a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    FeedItem item = a.outbox.read(b.id, 0, 10).get(0);
    FeedChecks.Checked checked = b.receiver.check(a.id, item);

    // Before the store, the agreement is replaced by one that grants fewer fields: the item
    // must be judged by the agreement in force when it is stored, never by the older one.
    String newer = Ids.newId(SyncFixture.RNG);
    b.grants.in.put(
        a.id, new Grant(a.id, newer, terms(PartnerClass.PARTNER_CLASS_PEER, List.of("area"))));
    FeedReceiver.Result r = b.receiver.store(a.id, List.of(checked));

    assertThat(r.stored()).isZero();
    assertThat(r.rejected()).isEqualTo(1);
    assertThat(received()).isZero();
    assertThat(b.receiver.cursor(a.id)).isEqualTo(item.getSequence());
  }

  @Test
  void apply_fiftyRejectedItems_areLoggedOnceByPartnerName_thenCounted() {
    Partners partners = new Partners(b.db);
    partners.add("north-peers", a.id, "127.0.0.1:7443", PartnerClass.PARTNER_CLASS_PEER);
    AtomicLong nanos = new AtomicLong();
    FeedReceiver receiver =
        new FeedReceiver(
            b.db,
            b.alerts,
            b.syncState,
            new FeedChecks(b.alerts, b.verifier, b.grants, Clock.systemUTC(), b.id),
            null,
            partners.labels()::of,
            nanos::get);
    FeedItem.Builder noAlert = FeedItem.newBuilder().setAgreementId(agreement);

    try (LogCapture log = LogCapture.of(FeedReceiver.class)) {
      for (int seq = 1; seq <= 50; seq++) {
        assertThat(receiver.apply(a.id, List.of(noAlert.setSequence(seq).build())).rejected())
            .isEqualTo(1);
      }
      nanos.addAndGet(TimeUnit.SECONDS.toNanos(61));
      receiver.apply(a.id, List.of(noAlert.setSequence(51).build()));

      String partner = "feed item rejected from partner north-peers (" + a.id.fingerprint() + ")";
      assertThat(log.lines())
          .containsExactly(
              partner + ": reason=ITEM_MALFORMED, seq=1",
              partner + ": still failing (reason=ITEM_MALFORMED), 50 times in the last minute");
    }
  }

  @Test
  void apply_rejectedItemFromAnUnregisteredNode_isLoggedByFingerprint() {
    Partners partners = new Partners(b.db);
    FeedReceiver receiver =
        new FeedReceiver(
            b.db,
            b.alerts,
            b.syncState,
            new FeedChecks(b.alerts, b.verifier, b.grants, Clock.systemUTC(), b.id),
            null,
            partners.labels()::of);

    try (LogCapture log = LogCapture.of(FeedReceiver.class)) {
      receiver.apply(
          a.id, List.of(FeedItem.newBuilder().setSequence(1).setAgreementId(agreement).build()));

      assertThat(log.lines())
          .containsExactly(
              "feed item rejected from partner "
                  + a.id.fingerprint()
                  + ": reason=ITEM_MALFORMED, seq=1");
    }
  }

  @Test
  void store_agreementEndedAfterCheck_throwsAndStoresNothing() {
    a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    FeedItem item = a.outbox.read(b.id, 0, 10).get(0);
    FeedChecks.Checked checked = b.receiver.check(a.id, item);
    b.grants.in.remove(a.id);

    assertThatThrownBy(() -> b.receiver.store(a.id, List.of(checked)))
        .isInstanceOfSatisfying(
            RuntimeException.class, e -> assertThat(FeedReceiver.isNoAgreement(e)).isTrue());
    assertThat(received()).isZero();
    assertThat(b.receiver.cursor(a.id)).isZero();
  }

  @Test
  void check_noAgreement_throws() {
    a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    FeedItem item = a.outbox.read(b.id, 0, 10).get(0);
    b.grants.in.remove(a.id);

    assertThatThrownBy(() -> b.receiver.check(a.id, item))
        .isInstanceOfSatisfying(
            RuntimeException.class, e -> assertThat(FeedReceiver.isNoAgreement(e)).isTrue());
  }

  @Test
  void store_checkedItemsTwice_storedOnce() {
    a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    List<FeedChecks.Checked> checked =
        a.outbox.read(b.id, 0, 10).stream().map(i -> b.receiver.check(a.id, i)).toList();

    FeedReceiver.Result first = b.receiver.store(a.id, checked);
    // A pipeline that stored a batch and then, after a reconnect, meets the same items again.
    FeedReceiver.Result again = b.receiver.store(a.id, checked);

    assertThat(first.stored()).isEqualTo(2);
    assertThat(again.stored()).isZero();
    assertThat(again.ignored()).isEqualTo(2);
    assertThat(received()).isEqualTo(2);
  }

  @Test
  void sameItemTwice_storedOnce_cursorUnchanged() {
    a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    List<FeedItem> items = a.outbox.read(b.id, 0, 10);
    assertThat(items).hasSize(1);

    FeedReceiver.Result first = b.receiver.apply(a.id, items);
    assertThat(first.stored()).isEqualTo(1);
    assertThat(first.cursor()).isEqualTo(items.get(0).getSequence());
    long lastSync = b.receiver.lastSyncAt(a.id);
    assertThat(lastSync).isPositive();

    FeedReceiver.Result again = b.receiver.apply(a.id, items);
    assertThat(again.stored()).isZero();
    assertThat(again.ignored()).isEqualTo(1);
    assertThat(again.cursor()).isEqualTo(first.cursor());
    assertThat(b.receiver.cursor(a.id)).isEqualTo(first.cursor());
    assertThat(received()).isEqualTo(1);

    // The same version delivered again under a later sequence (e.g. a backfill) is ignored too.
    FeedItem later = items.get(0).toBuilder().setSequence(first.cursor() + 10).build();
    FeedReceiver.Result third = b.receiver.apply(a.id, List.of(later));
    assertThat(third.stored()).isZero();
    assertThat(third.ignored()).isEqualTo(1);
    assertThat(received()).isEqualTo(1);
  }

  @Test
  void olderVersion_neverOverwritesNewer() {
    String id = Ids.newId(SyncFixture.RNG);
    StoredAlert v1 =
        a.sign(id, 1, AlertStatus.ALERT_STATUS_ACTIVE, canaryFields(), Audience.AUDIENCE_PEER);
    AlertFields changed = canaryFields().toBuilder().setArea("Strathcona").build();
    StoredAlert v2 =
        a.sign(id, 2, AlertStatus.ALERT_STATUS_UPDATED, changed, Audience.AUDIENCE_PEER);

    assertThat(b.receiver.apply(a.id, List.of(item(5, redacted(v2)))).stored()).isEqualTo(1);
    FeedReceiver.Result r = b.receiver.apply(a.id, List.of(item(6, redacted(v1))));
    assertThat(r.stored()).isZero();
    assertThat(r.ignored()).isEqualTo(1);
    StoredAlert held = b.alerts.get(a.id, id).orElseThrow();
    assertThat(held.version()).isEqualTo(2);
    assertThat(held.fields().getArea()).isEqualTo("Strathcona");
  }

  @Test
  void forgedItems_areRejectedAndCounted_andNothingIsStored() throws Exception {
    StoredAlert good =
        a.sign(
            Ids.newId(SyncFixture.RNG),
            1,
            AlertStatus.ALERT_STATUS_ACTIVE,
            canaryFields(),
            Audience.AUDIENCE_PEER);
    SignedAlert ok = redacted(good);

    byte[] sig = ok.getSignature().toByteArray();
    sig[3] ^= 1;
    SignedAlert badSignature = ok.toBuilder().setSignature(ByteString.copyFrom(sig)).build();

    TestNode c = new TestNode(dir.resolve("c"));
    SignedAlert otherOrigin;
    try {
      otherOrigin =
          redacted(
              c.sign(
                  Ids.newId(SyncFixture.RNG),
                  1,
                  AlertStatus.ALERT_STATUS_ACTIVE,
                  canaryFields(),
                  Audience.AUDIENCE_PEER));
    } finally {
      c.close();
    }

    SignedAlert extraDisclosure = good.envelope(); // every field, including ungranted ones
    FeedItem wrongAgreement =
        item(4, ok).toBuilder().setAgreementId(Ids.newId(SyncFixture.RNG)).build();

    FeedReceiver.Result r =
        b.receiver.apply(
            a.id,
            List.of(
                item(1, badSignature),
                item(2, otherOrigin),
                item(3, extraDisclosure),
                wrongAgreement));
    assertThat(r.rejected()).isEqualTo(4);
    assertThat(r.stored()).isZero();
    assertThat(b.receiver.rejected(a.id)).isEqualTo(4);
    assertThat(received()).isZero();
    assertThat(b.alerts.get(a.id, good.alertId())).isEmpty();

    // Twin: the honest item, same everything, is stored.
    FeedReceiver.Result honest = b.receiver.apply(a.id, List.of(item(5, ok)));
    assertThat(honest.stored()).isEqualTo(1);
    assertThat(b.alerts.get(a.id, good.alertId())).isPresent();
    assertThat(b.receiver.rejected(a.id)).isEqualTo(4);
  }

  @Test
  void alertOutsideTheInboundGrantsPolicy_isRejected() {
    DirectionTerms onlyAssault =
        terms.toBuilder()
            .setAllHarms(false)
            .addHarms(HarmCategory.HARM_CATEGORY_PHYSICAL_ASSAULT)
            .build();
    b.grants.in.put(a.id, new Grant(a.id, agreement, onlyAssault));
    StoredAlert robbery =
        a.sign(
            Ids.newId(SyncFixture.RNG),
            1,
            AlertStatus.ALERT_STATUS_ACTIVE,
            canaryFields(),
            Audience.AUDIENCE_PEER);
    // Harms withheld: the receiver cannot check them, so fail closed too.
    SignedAlert noHarms =
        Disclosures.select(robbery.envelope(), Set.of("area", "incident_date", "phone_numbers"));

    FeedReceiver.Result r =
        b.receiver.apply(a.id, List.of(item(1, redacted(robbery)), item(2, noHarms)));
    assertThat(r.rejected()).isEqualTo(2);
    assertThat(received()).isZero();
  }

  @Test
  void audienceThatDoesNotReachOurClass_isRejected() {
    DirectionTerms support =
        terms.toBuilder().setReceiverClass(PartnerClass.PARTNER_CLASS_SUPPORT).build();
    b.grants.in.put(a.id, new Grant(a.id, agreement, support));
    StoredAlert peerOnly =
        a.sign(
            Ids.newId(SyncFixture.RNG),
            1,
            AlertStatus.ALERT_STATUS_ACTIVE,
            canaryFields(),
            Audience.AUDIENCE_PEER);
    assertThat(b.receiver.apply(a.id, List.of(item(1, redacted(peerOnly)))).rejected())
        .isEqualTo(1);
    assertThat(received()).isZero();
  }

  @Test
  void withoutInboundGrant_nothingIsApplied() {
    b.grants.in.clear();
    a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    List<FeedItem> items = a.outbox.read(b.id, 0, 10);
    assertThatThrownBy(() -> b.receiver.apply(a.id, items))
        .isInstanceOfSatisfying(
            RuntimeException.class, e -> assertThat(FeedReceiver.isNoAgreement(e)).isTrue());
    assertThat(received()).isZero();
    assertThat(b.receiver.cursor(a.id)).isZero();
  }

  @Test
  void expiredOnArrival_isNotStored_andPurgeAtIsTheEarlierOfExpiryAndRetention() {
    StoredAlert x = a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    List<FeedItem> items = a.outbox.read(b.id, 0, 10);
    FeedReceiver late =
        new FeedReceiver(
            b.db,
            b.alerts,
            b.syncState,
            new FeedChecks(
                b.alerts,
                b.verifier,
                b.grants,
                Clock.offset(Clock.systemUTC(), Duration.ofDays(100)),
                b.id));
    FeedReceiver.Result r = late.apply(a.id, items);
    assertThat(r.expired()).isEqualTo(1);
    assertThat(r.stored()).isZero();
    assertThat(received()).isZero();

    // With retention longer than the alert's life, purge_at is the expiry.
    b.grants.in.put(
        a.id, new Grant(a.id, agreement, terms.toBuilder().setRetentionDays(3650).build()));
    FeedItem again = items.get(0).toBuilder().setSequence(items.get(0).getSequence() + 1).build();
    b.receiver.apply(a.id, List.of(again));
    assertThat(b.alerts.get(a.id, x.alertId()).orElseThrow().purgeAt()).isEqualTo(x.expiresAt());

    // Purging what is due deletes it once its time comes.
    FeedReceiver future =
        new FeedReceiver(
            b.db,
            b.alerts,
            b.syncState,
            new FeedChecks(
                b.alerts,
                b.verifier,
                b.grants,
                Clock.offset(Clock.systemUTC(), Duration.ofDays(91)),
                b.id));
    assertThat(future.purgeDue()).isEqualTo(1);
    assertThat(received()).isZero();
  }

  @Test
  void issuedBeyondTheSkewAhead_isRejectedAsFutureDated_withinTheSkewIsStored() {
    StoredAlert x = a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    FeedItem first = a.outbox.read(b.id, 0, 10).get(0);
    // The receiver's clock is 10 minutes behind the origin's; 5 minutes are tolerated.
    FeedReceiver behind =
        new FeedReceiver(
            b.db,
            b.alerts,
            b.syncState,
            new FeedChecks(
                b.alerts,
                b.verifier,
                b.grants,
                Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10)),
                Duration.ofMinutes(5),
                b.id));
    FeedReceiver.Result r = behind.apply(a.id, List.of(first));
    assertThat(r.rejected()).isEqualTo(1);
    assertThat(behind.rejected(a.id)).isEqualTo(1);
    assertThat(received()).isZero();

    // Twin: two minutes behind is within the skew, and the same alert is stored.
    FeedReceiver slightly =
        new FeedReceiver(
            b.db,
            b.alerts,
            b.syncState,
            new FeedChecks(
                b.alerts,
                b.verifier,
                b.grants,
                Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-2)),
                Duration.ofMinutes(5),
                b.id));
    FeedItem again = first.toBuilder().setSequence(first.getSequence() + 1).build();
    assertThat(slightly.apply(a.id, List.of(again)).stored()).isEqualTo(1);
    assertThat(b.alerts.get(a.id, x.alertId())).isPresent();

    assertThatThrownBy(
            () ->
                new FeedChecks(
                    b.alerts, b.verifier, b.grants, Clock.systemUTC(), Duration.ofDays(2), b.id))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void retraction_replacesContentWithTombstone() {
    String id = Ids.newId(SyncFixture.RNG);
    StoredAlert v1 =
        a.sign(id, 1, AlertStatus.ALERT_STATUS_ACTIVE, canaryFields(), Audience.AUDIENCE_PEER);
    StoredAlert v2 =
        a.sign(
            id,
            2,
            AlertStatus.ALERT_STATUS_RETRACTED,
            AlertFields.getDefaultInstance(),
            Audience.AUDIENCE_PEER);
    b.receiver.apply(a.id, List.of(item(1, redacted(v1))));
    assertThat(b.receiver.apply(a.id, List.of(item(2, v2.envelope()))).stored()).isEqualTo(1);
    StoredAlert held = b.alerts.get(a.id, id).orElseThrow();
    assertThat(held.status()).isEqualTo(AlertStatus.ALERT_STATUS_RETRACTED);
    assertThat(held.fields()).isEqualTo(AlertFields.getDefaultInstance());
    assertThat(b.search(SyncFixture.byPhone(SyncFixture.GRANTED_PHONE))).isEmpty();
  }
}
