package org.bdx.node.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.node.sync.SyncFixture.GRANTED_PHONE;
import static org.bdx.node.sync.SyncFixture.canaryFields;
import static org.bdx.node.sync.SyncFixture.terms;

import java.nio.file.Path;
import java.util.List;
import org.bdx.node.policy.Grant;
import org.bdx.node.store.Ids;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.sync.SyncFixture.TestNode;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.PartnerClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an amendment does to alerts already shared (spec AGR-12.7, AGR-12.8, FEED-9.1): the receiver
 * cuts what it holds to the new terms at once, the sender queues its feed again under them, and a
 * copy's own version is taken once more so that newly granted fields arrive; an item the sender
 * already sends under terms still pending here waits instead of being rejected. Items go from the
 * origin's outbox to the partner's {@link FeedReceiver} directly; the agreement book's part (which
 * terms are in force) is played by the fake grants.
 */
class AmendedTermsTest {
  static final List<String> WITHOUT_PHONE = List.of("incident_date", "area", "harms", "severity");
  static final List<String> WITH_PHONE =
      List.of("incident_date", "area", "harms", "severity", "phone_numbers");

  @TempDir Path dir;

  TestNode origin;
  TestNode peer;
  String agreement;

  @BeforeEach
  void setUp() throws Exception {
    origin = new TestNode(dir.resolve("origin"));
    peer = new TestNode(dir.resolve("peer"));
    agreement = Ids.newId(SyncFixture.RNG);
  }

  @AfterEach
  void tearDown() throws Exception {
    origin.close();
    peer.close();
  }

  private static DirectionTerms peerTerms(List<String> paths) {
    return terms(PartnerClass.PARTNER_CLASS_PEER, paths);
  }

  /** Puts {@code t} in force for origin -> peer on both sides, as the agreement book would. */
  private void inForce(DirectionTerms t) {
    origin.grants.out.put(peer.id, new Grant(peer.id, agreement, t));
    peer.grants.in.put(origin.id, new Grant(origin.id, agreement, t));
    peer.grants.pendingIn.remove(origin.id);
  }

  /** Both sides take amended terms {@code t} in force, with the node's work (AGR-12.7). */
  private void amend(DirectionTerms t) {
    inForce(t);
    peer.db.atomically(
        () -> peer.receiver.applyAmendment(agreement, origin.id, t, n -> n.equals(origin.id)));
    origin.outbox.reissue(new Grant(peer.id, agreement, t));
  }

  private List<FeedItem> queued() {
    return origin.outbox.read(peer.id, peer.receiver.cursor(origin.id), 100);
  }

  private FeedReceiver.Result deliver() {
    return peer.receiver.apply(origin.id, queued());
  }

  private StoredAlert held(String alertId) {
    return peer.alerts.get(origin.id, alertId).orElseThrow();
  }

  @Test
  void widened_fieldReachesWhatThePartnerHolds_theAlertStayingHeldThroughout() {
    inForce(peerTerms(WITHOUT_PHONE));
    String id = origin.publish(canaryFields(), Audience.AUDIENCE_PEER).alertId();
    deliver();
    assertThat(held(id).disclosedPaths()).doesNotContain("phone_numbers");
    assertThat(peer.search(SyncFixture.byPhone(GRANTED_PHONE))).isEmpty();

    amend(peerTerms(WITH_PHONE));
    assertThat(held(id).disclosedPaths()).doesNotContain("phone_numbers"); // not yet re-sent
    FeedReceiver.Result r = deliver();

    assertThat(r.stored()).isEqualTo(1);
    assertThat(held(id).disclosedPaths()).contains("phone_numbers");
    assertThat(peer.search(SyncFixture.byPhone(GRANTED_PHONE))).hasSize(1);
    // Reopened once: the same version again is stale.
    origin.outbox.reissue(new Grant(peer.id, agreement, peerTerms(WITH_PHONE)));
    assertThat(deliver().stale()).isEqualTo(1);
  }

  @Test
  void widened_withoutTheReceiversAmendment_theResentVersionIsStale() {
    // Why the copy is reopened: a copy's version is otherwise applied once per path (FEED-9.1).
    inForce(peerTerms(WITHOUT_PHONE));
    String id = origin.publish(canaryFields(), Audience.AUDIENCE_PEER).alertId();
    deliver();

    inForce(peerTerms(WITH_PHONE));
    origin.outbox.reissue(new Grant(peer.id, agreement, peerTerms(WITH_PHONE)));
    FeedReceiver.Result r = deliver();

    assertThat(r.stale()).isEqualTo(1);
    assertThat(held(id).disclosedPaths()).doesNotContain("phone_numbers");
  }

  @Test
  void narrowed_fieldIsDeletedAtOnce_andTheRestOfTheAlertKept() {
    inForce(peerTerms(WITH_PHONE));
    String id = origin.publish(canaryFields(), Audience.AUDIENCE_PEER).alertId();
    deliver();
    assertThat(peer.search(SyncFixture.byPhone(GRANTED_PHONE))).hasSize(1);

    amend(peerTerms(WITHOUT_PHONE));

    // Before anything more arrives from the sender.
    StoredAlert h = held(id);
    assertThat(h.disclosedPaths()).containsExactlyInAnyOrderElementsOf(WITHOUT_PHONE);
    assertThat(h.fields().getPhoneNumbersList()).isEmpty();
    assertThat(SyncFixture.contains(h.envelope().toByteArray(), GRANTED_PHONE)).isFalse();
    assertThat(peer.search(SyncFixture.byPhone(GRANTED_PHONE))).isEmpty();
    // And the re-issued feed carries no phone number.
    List<FeedItem> q = queued();
    assertThat(q).isNotEmpty();
    assertThat(q).noneMatch(i -> SyncFixture.contains(i.toByteArray(), GRANTED_PHONE));
    deliver();
    assertThat(held(id).disclosedPaths()).containsExactlyInAnyOrderElementsOf(WITHOUT_PHONE);
  }

  @Test
  void narrowed_areaNoLongerGranted_withdrawsTheAlertAtOnce_andTheSenderSendsTheWithdrawal() {
    inForce(peerTerms(WITH_PHONE));
    String id = origin.publish(canaryFields(), Audience.AUDIENCE_PEER).alertId();
    deliver();

    DirectionTerms otherArea =
        peerTerms(WITH_PHONE).toBuilder().setAllAreas(false).addAreas("Strathcona").build();
    amend(otherArea);

    assertThat(held(id).tombstone()).isTrue();
    assertThat(peer.search(SyncFixture.byPhone(GRANTED_PHONE))).isEmpty();
    List<FeedItem> q = queued();
    assertThat(q).hasSize(1);
    assertThat(q.get(0).getAlert().getDisclosuresCount()).isZero(); // header-only withdrawal
    deliver();
    assertThat(held(id).tombstone()).isTrue();
  }

  @Test
  void shortenedRetention_bringsThePurgeTimeForward() {
    inForce(peerTerms(WITH_PHONE));
    String id = origin.publish(canaryFields(), Audience.AUDIENCE_PEER).alertId();
    deliver();
    long before = held(id).purgeAt();

    amend(peerTerms(WITH_PHONE).toBuilder().setRetentionDays(1).build());

    long after = held(id).purgeAt();
    assertThat(after).isLessThan(before);
    assertThat(after - held(id).storedAt()).isEqualTo(86_400L);
  }

  @Test
  void itemUnderPendingTerms_waits_notRejected_andIsStoredOnceTheyAreInForce() {
    inForce(peerTerms(WITHOUT_PHONE));
    // The origin already applies the amendment; the peer has it pending.
    origin.grants.out.put(peer.id, new Grant(peer.id, agreement, peerTerms(WITH_PHONE)));
    peer.grants.pendingIn.put(origin.id, new Grant(origin.id, agreement, peerTerms(WITH_PHONE)));
    String first = origin.publish(canaryFields(), Audience.AUDIENCE_PEER).alertId();
    long cursor = peer.receiver.cursor(origin.id);

    FeedReceiver.Result r = deliver();

    assertThat(r.waiting()).isTrue();
    assertThat(r.rejected()).isZero();
    assertThat(peer.receiver.cursor(origin.id)).isEqualTo(cursor);
    assertThat(peer.alerts.get(origin.id, first)).isEmpty();

    inForce(peerTerms(WITH_PHONE)); // the peer accepted the amendment
    FeedReceiver.Result again = deliver();
    assertThat(again.waiting()).isFalse();
    assertThat(again.stored()).isEqualTo(1);
    assertThat(held(first).disclosedPaths()).contains("phone_numbers");
  }

  @Test
  void itemNotGrantedByThePendingTermsEither_isRejected() {
    inForce(peerTerms(WITHOUT_PHONE));
    origin.grants.out.put(peer.id, new Grant(peer.id, agreement, peerTerms(WITH_PHONE)));
    // Pending terms that do not grant the phone either: nothing to wait for.
    peer.grants.pendingIn.put(
        origin.id,
        new Grant(
            origin.id,
            agreement,
            peerTerms(WITHOUT_PHONE).toBuilder().setRetentionDays(9).build()));
    origin.publish(canaryFields(), Audience.AUDIENCE_PEER);

    FeedReceiver.Result r = deliver();

    assertThat(r.waiting()).isFalse();
    assertThat(r.rejected()).isEqualTo(1);
  }
}
