package org.bdx.node.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.node.sync.SyncFixture.GRANTED_PHONE;
import static org.bdx.node.sync.SyncFixture.agree;
import static org.bdx.node.sync.SyncFixture.byPhone;
import static org.bdx.node.sync.SyncFixture.canaryFields;
import static org.bdx.node.sync.SyncFixture.queued;
import static org.bdx.node.sync.SyncFixture.relaying;

import java.nio.file.Path;
import java.util.List;
import org.bdx.node.store.Ids;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.sync.SyncFixture.TestNode;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.FeedItem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Copies of one alert that reach D by two paths (spec FEED-9): from the origin A directly, granted
 * no phone numbers, and relayed by B, granted them. D holds the union; a header-only item from one
 * path withdraws only what that path gave; only the origin's newer version or retraction replaces
 * what every path gave.
 */
class MergedCopiesTest {
  static final List<String> WITHOUT_PHONE = List.of("incident_date", "area", "harms", "severity");
  static final List<String> WITH_PHONE =
      List.of("incident_date", "area", "harms", "severity", "phone_numbers");

  @TempDir Path dir;

  TestNode a;
  TestNode b;
  TestNode d;
  String alertId;

  @BeforeEach
  void setUp() throws Exception {
    a = new TestNode(dir.resolve("a"));
    b = new TestNode(dir.resolve("b"));
    d = new TestNode(dir.resolve("d"));
    agree(a, b, relaying(WITH_PHONE, 1));
    agree(b, d, relaying(WITH_PHONE, 0));
    agree(a, d, relaying(WITHOUT_PHONE, 0));
    alertId = Ids.newId(SyncFixture.RNG);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (TestNode n : List.of(a, b, d)) {
      n.close();
    }
  }

  private static FeedReceiver.Result deliver(TestNode from, TestNode to) {
    return to.receiver.apply(from.id, queued(from, to));
  }

  private StoredAlert publish(long version) {
    return a.publish(
        alertId,
        version,
        version == 1 ? AlertStatus.ALERT_STATUS_ACTIVE : AlertStatus.ALERT_STATUS_UPDATED,
        canaryFields(),
        Audience.AUDIENCE_PEER,
        2);
  }

  /** What B would send D of {@code version} if it could relay no content: the header only. */
  private FeedItem relayedHeaderOnly(StoredAlert version, long sequence) {
    FeedItem genuine = queued(b, d).get(0);
    return genuine.toBuilder()
        .setSequence(sequence)
        .setAlert(version.envelope().toBuilder().clearDisclosures())
        .setHopsLeft(0)
        .clearHops()
        .build();
  }

  private StoredAlert heldAtD() {
    return d.alerts.get(a.id, alertId).orElseThrow();
  }

  @Test
  void copiesOfOneVersion_byTwoPaths_holdTheUnion_andThePhoneSearchFindsIt() {
    publish(1);
    deliver(a, d);
    assertThat(heldAtD().disclosedPaths()).doesNotContain("phone_numbers");
    assertThat(d.search(byPhone(GRANTED_PHONE))).isEmpty();

    deliver(a, b);
    FeedReceiver.Result viaB = deliver(b, d);

    assertThat(viaB.stored()).isEqualTo(1);
    assertThat(heldAtD().disclosedPaths()).containsExactlyInAnyOrderElementsOf(WITH_PHONE);
    assertThat(heldAtD().fields().getPhoneNumbersList()).containsExactly(GRANTED_PHONE);
    assertThat(d.search(byPhone(GRANTED_PHONE))).hasSize(1);
    // The merged envelope still verifies under the origin's signature.
    assertThat(heldAtD().envelope().getDisclosuresCount()).isEqualTo(WITH_PHONE.size());
    assertThat(d.alerts.findById(alertId)).hasSize(1);
  }

  @Test
  void relayedHeaderOnlyFirst_thenTheOriginsVersion_theOriginsContentIsKept() {
    publish(1);
    deliver(a, b);
    deliver(b, d);
    deliver(a, d);
    StoredAlert v2 = publish(2);
    deliver(a, b); // B holds version 2; D gets from B only the header (as if B had no hops left)

    FeedReceiver.Result header = d.receiver.apply(b.id, List.of(relayedHeaderOnly(v2, 1000)));
    // B withdrew its claims (the phone); A's version 1 is still vouched for by A.
    assertThat(header.stored()).isEqualTo(1);
    assertThat(heldAtD().version()).isEqualTo(1);
    assertThat(heldAtD().tombstone()).isFalse();
    assertThat(heldAtD().disclosedPaths()).containsExactlyInAnyOrderElementsOf(WITHOUT_PHONE);

    FeedReceiver.Result fromA = deliver(a, d);
    assertThat(fromA.stored()).isEqualTo(1);
    assertThat(heldAtD().version()).isEqualTo(2);
    assertThat(heldAtD().disclosedPaths()).containsExactlyInAnyOrderElementsOf(WITHOUT_PHONE);
  }

  @Test
  void relayedHeaderOnly_ofTheOnlyCopy_thenTheOriginsSameVersion_isNotStale() {
    publish(1);
    deliver(a, b);
    deliver(b, d); // D holds version 1 from B only
    StoredAlert v2 = publish(2);
    deliver(a, b);

    d.receiver.apply(b.id, List.of(relayedHeaderOnly(v2, 1000)));
    assertThat(heldAtD().version()).isEqualTo(2);
    assertThat(heldAtD().tombstone()).isTrue();
    assertThat(d.search(byPhone(GRANTED_PHONE))).isEmpty();

    // The origin's own copy of version 2 arrives after the relay's header: it is stored.
    FeedReceiver.Result fromA = deliver(a, d);
    assertThat(fromA.stored()).isEqualTo(1);
    assertThat(heldAtD().version()).isEqualTo(2);
    assertThat(heldAtD().tombstone()).isFalse();
    assertThat(heldAtD().disclosedPaths()).containsExactlyInAnyOrderElementsOf(WITHOUT_PHONE);
  }

  @Test
  void theOriginsNewerVersion_replacesWhatEveryPathGave() {
    publish(1);
    deliver(a, b);
    deliver(b, d);
    deliver(a, d);
    assertThat(heldAtD().disclosedPaths()).contains("phone_numbers");

    publish(2);
    deliver(a, d); // A's version 2 without the phone: B's version 1 phone goes
    assertThat(heldAtD().version()).isEqualTo(2);
    assertThat(heldAtD().disclosedPaths()).containsExactlyInAnyOrderElementsOf(WITHOUT_PHONE);

    deliver(a, b);
    deliver(b, d); // B's version 2 joins it
    assertThat(heldAtD().disclosedPaths()).containsExactlyInAnyOrderElementsOf(WITH_PHONE);
  }

  @Test
  void theOriginsRetraction_removesEveryPathsContent_andNoCopyBringsItBack() {
    publish(1);
    deliver(a, b);
    FeedItem fromB = queued(b, d).get(0);
    deliver(b, d);
    deliver(a, d);
    a.publish(
        alertId,
        2,
        AlertStatus.ALERT_STATUS_RETRACTED,
        org.bdx.proto.v1.AlertFields.getDefaultInstance(),
        Audience.AUDIENCE_PEER,
        2);
    deliver(a, d);
    assertThat(heldAtD().status()).isEqualTo(AlertStatus.ALERT_STATUS_RETRACTED);
    assertThat(heldAtD().disclosedPaths()).isEmpty();
    assertThat(d.search(byPhone(GRANTED_PHONE))).isEmpty();

    // B's copy of version 1 again, under a sequence it never used: no content comes back.
    FeedReceiver.Result replay =
        d.receiver.apply(b.id, List.of(fromB.toBuilder().setSequence(1000).build()));
    assertThat(replay.stored()).isZero();
    assertThat(replay.stale()).isEqualTo(1);
    assertThat(heldAtD().status()).isEqualTo(AlertStatus.ALERT_STATUS_RETRACTED);
    assertThat(d.search(byPhone(GRANTED_PHONE))).isEmpty();
  }

  @Test
  void terminatingOnePath_removesOnlyTheClaimsItAloneGave() {
    publish(1);
    deliver(a, d);
    deliver(a, b);
    deliver(b, d);
    String viaB = d.grants.in.get(b.id).agreementId();

    int touched = d.receiver.purgeAgreement(viaB);

    assertThat(touched).isEqualTo(1);
    assertThat(heldAtD().disclosedPaths()).containsExactlyInAnyOrderElementsOf(WITHOUT_PHONE);
    assertThat(heldAtD().receivedFrom()).isEqualTo(a.id);
    assertThat(d.search(byPhone(GRANTED_PHONE))).isEmpty();

    // Twin: terminating the origin's path too leaves nothing.
    d.receiver.purgeAgreement(d.grants.in.get(a.id).agreementId());
    assertThat(d.alerts.get(a.id, alertId)).isEmpty();
  }

  @Test
  void aPathsReplay_isStale_andAnOlderVersionByAnotherPath_isStale() {
    publish(1);
    deliver(a, b);
    publish(2);
    deliver(a, d); // D holds version 2 from A
    FeedReceiver.Result old = deliver(b, d); // B still relays version 1
    assertThat(old.stored()).isZero();
    assertThat(old.stale()).isEqualTo(1);
    assertThat(heldAtD().version()).isEqualTo(2);
  }

  @Test
  void neverRelayedBackToAnyPartnerItCameFrom() {
    agree(d, b, relaying(WITH_PHONE, 1)); // D could relay to B
    agree(b, d, relaying(WITH_PHONE, 2)); // and B lets D relay onward
    publish(1);
    deliver(a, b);
    deliver(b, d);
    assertThat(queued(d, b)).isEmpty();
  }
}
