package org.bdx.node.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.node.sync.SyncFixture.CANARY_DESCRIPTION;
import static org.bdx.node.sync.SyncFixture.GRANTED_PATHS;
import static org.bdx.node.sync.SyncFixture.agree;
import static org.bdx.node.sync.SyncFixture.canaryFields;
import static org.bdx.node.sync.SyncFixture.queued;
import static org.bdx.node.sync.SyncFixture.relaying;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.policy.Grant;
import org.bdx.node.signing.AlertDraft;
import org.bdx.node.signing.AlertSigner;
import org.bdx.node.signing.Disclosures;
import org.bdx.node.signing.HopChain;
import org.bdx.node.signing.HopSigner;
import org.bdx.node.signing.SigningInput;
import org.bdx.node.store.Ids;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.sync.SyncFixture.TestNode;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.HopStatement;
import org.bdx.proto.v1.SignedAlert;
import org.bdx.proto.v1.SignedHop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Relay (spec 10.8) on four nodes in a line, A → B → C → D, items moved from each sender's outbox
 * to the next receiver directly. A grants B every granted path plus the aggressor description and
 * one relay hop; B grants C the granted paths only (not the description) and relaying; C grants D
 * everything and relaying. Every agreement has both directions, so B could send to A and C to B,
 * and each receiver takes relayed alerts ({@code accept_relayed}) unless a test says otherwise.
 * Relayed items carry their signed path (RELAY-8), which the hostile cases forge.
 */
class RelayTest {
  static final List<String> A_TO_B =
      List.of(
          "incident_date", "area", "harms", "severity", "phone_numbers", "aggressor_description");

  @TempDir Path dir;

  TestNode a;
  TestNode b;
  TestNode c;
  TestNode d;

  @BeforeEach
  void setUp() throws Exception {
    a = new TestNode(dir.resolve("a"));
    b = new TestNode(dir.resolve("b"));
    c = new TestNode(dir.resolve("c"));
    d = new TestNode(dir.resolve("d"));
    agree(a, b, relaying(A_TO_B, 1));
    agree(b, c, relaying(GRANTED_PATHS, 2));
    agree(c, d, relaying(A_TO_B, 3));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (TestNode n : List.of(a, b, c, d)) {
      n.close();
    }
  }

  /** Everything queued at {@code from} for {@code to} since its cursor, applied by {@code to}. */
  private static List<FeedItem> deliver(TestNode from, TestNode to) {
    List<FeedItem> items = queued(from, to);
    to.receiver.apply(from.id, items);
    return items;
  }

  private StoredAlert publish(int maxHops) {
    return a.publish(
        Ids.newId(SyncFixture.RNG),
        1,
        AlertStatus.ALERT_STATUS_ACTIVE,
        canaryFields().toBuilder().setAggressorDescription(CANARY_DESCRIPTION).build(),
        Audience.AUDIENCE_PEER,
        maxHops);
  }

  @Test
  void hopLimit_stopsAtC_andCHoldsOnlyTheIntersectionOfBothGrants() {
    StoredAlert x = publish(2);

    List<FeedItem> toB = deliver(a, b);
    assertThat(toB).hasSize(1);
    assertThat(toB.get(0).getRelayHops()).isZero();
    assertThat(toB.get(0).getHopsLeft()).isEqualTo(1); // min(max_hops 2, A's max_relay_hops 1)
    // A signs the hop it grants B (RELAY-3.1).
    assertThat(signers(toB.get(0))).containsExactly(a.id);

    List<FeedItem> toC = deliver(b, c);
    assertThat(toC).hasSize(1);
    assertThat(toC.get(0).getRelayHops()).isEqualTo(1);
    assertThat(toC.get(0).getHopsLeft()).isZero();
    // B adds its own statement to A's (RELAY-3.2), and C keeps the verified path.
    assertThat(signers(toC.get(0))).containsExactly(a.id, b.id);
    assertThat(c.alerts.hops(a.id, x.alertId()).statements()).isEqualTo(toC.get(0).getHopsList());

    // C verified A's signature and holds A's alert, with only what both grants allow.
    StoredAlert atC = c.alerts.get(a.id, x.alertId()).orElseThrow();
    assertThat(atC.receivedFrom()).isEqualTo(b.id);
    assertThat(atC.envelope().getHeader()).isEqualTo(x.envelope().getHeader());
    assertThat(atC.disclosedPaths()).containsExactlyInAnyOrderElementsOf(GRANTED_PATHS);
    assertThat(atC.fields().getAggressorDescription()).isEmpty();
    // Twin: B, granted the description by A, holds it.
    StoredAlert atB = b.alerts.get(a.id, x.alertId()).orElseThrow();
    assertThat(atB.fields().getAggressorDescription()).isEqualTo(CANARY_DESCRIPTION);
    assertThat(new String(toC.get(0).toByteArray(), StandardCharsets.ISO_8859_1))
        .doesNotContain(CANARY_DESCRIPTION);

    // No hop left at C: D gets nothing. Never back to the origin, nor to the sender.
    assertThat(queued(c, d)).isEmpty();
    assertThat(queued(b, a)).isEmpty();
    assertThat(queued(c, b)).isEmpty();
    assertThat(d.alerts.findById(x.alertId())).isEmpty();

    // Twin: C's own alert does reach D.
    StoredAlert own =
        c.publish(
            Ids.newId(SyncFixture.RNG),
            1,
            AlertStatus.ALERT_STATUS_ACTIVE,
            canaryFields(),
            Audience.AUDIENCE_PEER);
    deliver(c, d);
    assertThat(d.alerts.get(c.id, own.alertId())).isPresent();
  }

  @Test
  void withHopsToSpare_theAlertTravelsOnToD() {
    // The twin of the hop limit: A grants B two hops, so C may relay once more.
    agree(a, b, relaying(A_TO_B, 2));
    StoredAlert x = publish(2);
    deliver(a, b);
    deliver(b, c);
    List<FeedItem> toD = deliver(c, d);
    assertThat(toD).hasSize(1);
    assertThat(toD.get(0).getRelayHops()).isEqualTo(2);
    assertThat(toD.get(0).getHopsLeft()).isZero();
    assertThat(signers(toD.get(0))).containsExactly(a.id, b.id, c.id);
    StoredAlert atD = d.alerts.get(a.id, x.alertId()).orElseThrow();
    assertThat(atD.disclosedPaths()).containsExactlyInAnyOrderElementsOf(GRANTED_PATHS);

    // The signed max_hops bounds every agreement: with max_hops 1, C relays nothing.
    StoredAlert y = publish(1);
    deliver(a, b);
    deliver(b, c);
    assertThat(queued(c, d)).isEmpty();
    assertThat(c.alerts.get(a.id, y.alertId())).isPresent();
  }

  @Test
  void noRelayGranted_nothingIsRelayed() {
    agree(a, b, relaying(A_TO_B, 0));
    StoredAlert x = publish(2);
    List<FeedItem> toB = deliver(a, b);
    assertThat(toB.get(0).getHopsLeft()).isZero();
    assertThat(toB.get(0).getHopsList()).as("an origin granting no hop signs none").isEmpty();
    assertThat(b.alerts.get(a.id, x.alertId())).isPresent();
    assertThat(queued(b, c)).isEmpty();
  }

  @Test
  void notAcceptingRelayedAlerts_nothingIsRelayedToThatPartner() {
    agree(b, c, relaying(GRANTED_PATHS, 2).toBuilder().setAcceptRelayed(false).build());
    StoredAlert x = publish(2);
    deliver(a, b);
    assertThat(b.alerts.get(a.id, x.alertId())).isPresent();
    assertThat(queued(b, c)).isEmpty();
    // Twin: B's own alert still reaches C.
    StoredAlert own =
        b.publish(
            Ids.newId(SyncFixture.RNG),
            1,
            AlertStatus.ALERT_STATUS_ACTIVE,
            canaryFields(),
            Audience.AUDIENCE_PEER);
    deliver(b, c);
    assertThat(c.alerts.get(b.id, own.alertId())).isPresent();
  }

  @Test
  void aRelayThatRaisesItsHops_isRejected() {
    StoredAlert x = publish(2);
    deliver(a, b);
    FeedItem genuine = queued(b, c).get(0);
    // B signs a statement leaving C one hop, where A left B only one (B may leave at most 0).
    HopChain atB = HopChain.read(b.alerts.hops(a.id, x.alertId()).statements());
    HopChain raised = new HopSigner(b.keys).extend(atB, genuine.getAlert().getHeader(), c.id, 1);
    FeedItem hostile =
        genuine.toBuilder().clearHops().addAllHops(raised.hops()).setHopsLeft(1).build();
    FeedReceiver.Result r = c.receiver.apply(b.id, List.of(hostile));
    assertThat(r.rejected()).isEqualTo(1);
    assertThat(c.receiver.rejectedByReason(b.id)).containsEntry("RELAY_NOT_ALLOWED", 1L);
    assertThat(c.alerts.findById(x.alertId())).isEmpty();
    // Twin: the genuine item is stored.
    FeedItem twin = genuine.toBuilder().setSequence(hostile.getSequence() + 1).build();
    assertThat(c.receiver.apply(b.id, List.of(twin)).stored()).isEqualTo(1);
  }

  @Test
  void aRelayGrantedNoHop_cannotMakeOneUp() {
    agree(a, b, relaying(A_TO_B, 0));
    StoredAlert x = publish(2);
    deliver(a, b);
    SignedAlert envelope =
        Disclosures.select(
            b.alerts.get(a.id, x.alertId()).orElseThrow().envelope(), Set.copyOf(GRANTED_PATHS));
    // Only B's own statement: A granted B nothing, so there is no statement of A's to extend.
    HopChain onlyB = new HopSigner(b.keys).extend(HopChain.empty(), envelope.getHeader(), c.id, 0);
    // A statement "by A" granting B a hop, signed with B's key over A's key and id.
    HopStatement fakeA =
        HopStatement.newBuilder()
            .setHeaderDigest(ByteString.copyFrom(HopChain.headerDigest(envelope.getHeader())))
            .setFromNodeId(a.id.value())
            .setFromPublicKey(ByteString.copyFrom(a.keys.publicKey()))
            .setToNodeId(b.id.value())
            .setHopsLeft(1)
            .build();
    SignedHop forged =
        SignedHop.newBuilder()
            .setStatement(fakeA.toByteString())
            .setSignature(
                ByteString.copyFrom(
                    b.keys.sign(
                        SigningInput.of(SigningInput.HOP_STATEMENT_TYPE, fakeA.toByteArray()))))
            .build();
    SignedHop bToC =
        new HopSigner(b.keys).extend(HopChain.empty(), envelope.getHeader(), c.id, 0).hops().get(0);
    String agreement = c.grants.in.get(b.id).agreementId();
    FeedItem onlyItsOwn = relayedItem(1, agreement, envelope, onlyB.hops());
    FeedItem madeUp = relayedItem(2, agreement, envelope, List.of(forged, bToC));
    FeedReceiver.Result r = c.receiver.apply(b.id, List.of(onlyItsOwn, madeUp));
    assertThat(r.rejected()).isEqualTo(2);
    assertThat(c.receiver.rejectedByReason(b.id)).containsEntry("HOP_STATEMENT_INVALID", 2L);
    assertThat(c.alerts.findById(x.alertId())).isEmpty();
  }

  @Test
  void aForgedOrigin_isRejected_unlessTheRelaysTermsAcceptRelayedAlerts() {
    // B makes up an accusation under a fresh key F, and signs a valid path F -> B -> C.
    NodeKeys f = NodeKeys.generate(SyncFixture.RNG);
    long now = System.currentTimeMillis() / 1000;
    String id = Ids.newId(SyncFixture.RNG);
    SignedAlert forged =
        Disclosures.select(
            new AlertSigner(f, SyncFixture.RNG)
                .sign(
                    new AlertDraft(
                        id,
                        1,
                        AlertStatus.ALERT_STATUS_ACTIVE,
                        now,
                        now + 86_400,
                        Audience.AUDIENCE_PEER,
                        2,
                        canaryFields())),
            Set.copyOf(GRANTED_PATHS));
    HopChain path =
        new HopSigner(b.keys)
            .extend(
                new HopSigner(f).extend(HopChain.empty(), forged.getHeader(), b.id, 1),
                forged.getHeader(),
                c.id,
                0);
    Grant cFromB = c.grants.in.get(b.id);
    c.grants.in.put(
        b.id,
        new Grant(
            b.id,
            cFromB.agreementId(),
            cFromB.terms().toBuilder().setAcceptRelayed(false).build()));
    FeedReceiver.Result r =
        c.receiver.apply(b.id, List.of(relayedItem(1, cFromB.agreementId(), forged, path.hops())));
    assertThat(r.rejected()).isEqualTo(1);
    assertThat(c.receiver.rejectedByReason(b.id)).containsEntry("RELAYED_ORIGIN_NOT_ACCEPTED", 1L);
    assertThat(c.alerts.findById(id)).isEmpty();

    // Twin: C's terms with B accept relayed alerts, so it stores it, with its whole path.
    c.grants.in.put(b.id, cFromB);
    FeedReceiver.Result ok =
        c.receiver.apply(b.id, List.of(relayedItem(2, cFromB.agreementId(), forged, path.hops())));
    assertThat(ok.stored()).isEqualTo(1);
    assertThat(HopChain.read(c.alerts.hops(f.nodeId(), id).statements()).signers())
        .containsExactly(f.nodeId(), b.id);
  }

  @Test
  void aPathThroughTheReceiver_isALoop_ignoredNotRejected() {
    StoredAlert x = publish(3);
    SignedAlert envelope = Disclosures.select(x.envelope(), Set.copyOf(GRANTED_PATHS));
    // A -> C -> B -> C: C relayed it to B before, and B sends it back round.
    HopChain loop =
        new HopSigner(b.keys)
            .extend(
                new HopSigner(c.keys)
                    .extend(
                        new HopSigner(a.keys)
                            .extend(HopChain.empty(), envelope.getHeader(), c.id, 2),
                        envelope.getHeader(),
                        b.id,
                        1),
                envelope.getHeader(),
                c.id,
                0);
    FeedItem item =
        relayedItem(1, c.grants.in.get(b.id).agreementId(), envelope, loop.hops()).toBuilder()
            .setRelayHops(2)
            .build();
    FeedReceiver.Result r = c.receiver.apply(b.id, List.of(item));
    assertThat(r.ignored()).isEqualTo(1);
    assertThat(r.rejected()).isZero();
    assertThat(c.alerts.findById(x.alertId())).isEmpty();
  }

  /** A relayed item (relay_hops 1, hops_left 0) from B to C carrying {@code hops}. */
  private FeedItem relayedItem(
      long sequence, String agreement, SignedAlert envelope, List<SignedHop> hops) {
    return FeedItem.newBuilder()
        .setSequence(sequence)
        .setAgreementId(agreement)
        .setAlert(envelope)
        .setRelayHops(1)
        .addAllHops(hops)
        .build();
  }

  /** Who signed the statements of {@code item}, in order (the origin first). */
  private static List<NodeId> signers(FeedItem item) {
    return HopChain.read(item.getHopsList()).signers();
  }

  @Test
  void copiesByTwoPaths_areStoredOnce_andNotRelayedAgain() {
    agree(a, c, relaying(GRANTED_PATHS, 0)); // A → C directly too, no relay from there
    StoredAlert x = publish(2);
    deliver(a, c);
    deliver(a, b);
    FeedReceiver.Result viaB = c.receiver.apply(b.id, queued(b, c));
    assertThat(viaB.stored()).isZero();
    assertThat(viaB.ignored()).isEqualTo(1);
    assertThat(viaB.rejected()).isZero();
    assertThat(c.alerts.findById(x.alertId())).hasSize(1);
    assertThat(c.alerts.get(a.id, x.alertId()).orElseThrow().receivedFrom()).isEqualTo(a.id);
    assertThat(queued(c, d)).isEmpty();
  }

  @Test
  void raisedHopCounts_areRejected_andCounted() {
    StoredAlert x = publish(2);
    deliver(a, b);
    FeedItem genuine = queued(b, c).get(0);
    List<FeedItem> hostile =
        List.of(
            // hops_left above what the last statement signs
            genuine.toBuilder().setHopsLeft(2).build(),
            // relay_hops past the statements the item carries
            genuine.toBuilder().setSequence(genuine.getSequence() + 1).setRelayHops(3).build(),
            // a third node's alert that claims not to be relayed
            genuine.toBuilder().setSequence(genuine.getSequence() + 2).setRelayHops(0).build());
    FeedReceiver.Result r = c.receiver.apply(b.id, hostile);
    assertThat(r.rejected()).isEqualTo(3);
    assertThat(c.receiver.rejected(b.id)).isEqualTo(3);
    assertThat(c.receiver.rejectedByReason(b.id))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "RELAY_NOT_ALLOWED", 1L, "HOP_STATEMENT_INVALID", 1L, "VERIFICATION_FAILED", 1L));
    assertThat(c.alerts.findById(x.alertId())).isEmpty();

    // The sender's own alert claiming to be relayed is rejected too.
    StoredAlert own =
        b.publish(
            Ids.newId(SyncFixture.RNG),
            1,
            AlertStatus.ALERT_STATUS_ACTIVE,
            canaryFields(),
            Audience.AUDIENCE_PEER,
            2);
    List<FeedItem> ownItems = b.outbox.read(c.id, 0, 100);
    FeedItem ownItem = ownItems.get(ownItems.size() - 1);
    assertThat(ownItem.getAlert().getHeader()).isEqualTo(own.envelope().getHeader());
    FeedReceiver.Result claimed =
        c.receiver.apply(
            b.id,
            List.of(
                ownItem.toBuilder()
                    .setSequence(genuine.getSequence() + 10)
                    .setRelayHops(1)
                    .build()));
    assertThat(claimed.rejected()).isEqualTo(1);

    // Twin: lowered counts are fine, and the genuine item is stored.
    FeedItem lowered =
        genuine.toBuilder().setSequence(genuine.getSequence() + 11).setHopsLeft(0).build();
    assertThat(c.receiver.apply(b.id, List.of(lowered)).stored()).isEqualTo(1);
    assertThat(c.alerts.get(a.id, x.alertId())).isPresent();
  }

  @Test
  void ownAlertRelayedBack_isIgnored_andNeverReplacesTheOriginal() {
    StoredAlert x = publish(2);
    deliver(a, b);
    FeedItem atB =
        b.outbox.read(c.id, 0, 10).get(0).toBuilder()
            .setAgreementId(a.grants.in.get(b.id).agreementId())
            .build();
    assertThat(atB.getRelayHops()).isEqualTo(1);
    // A misbehaving B sends A's own alert back to A as a relayed item.
    FeedReceiver.Result r = a.receiver.apply(b.id, List.of(atB));
    assertThat(r.stored()).isZero();
    assertThat(r.rejected()).isZero();
    assertThat(r.ignored()).isEqualTo(1);
    StoredAlert held = a.alerts.get(a.id, x.alertId()).orElseThrow();
    assertThat(held.local()).isTrue();
    assertThat(held.fields().getModusOperandi()).isEqualTo(SyncFixture.CANARY_MO);
    // Twin: B's own alert is stored at A.
    StoredAlert bOwn =
        b.publish(
            Ids.newId(SyncFixture.RNG),
            1,
            AlertStatus.ALERT_STATUS_ACTIVE,
            canaryFields(),
            Audience.AUDIENCE_PEER);
    deliver(b, a);
    assertThat(a.alerts.get(b.id, bOwn.alertId())).isPresent();

    // Whatever its hop counts claim: a loop is not an attack, and it is our own signed alert.
    // (A sequence beyond everything delivered, so the cursor does not skip it.)
    FeedItem farAround =
        atB.toBuilder().setSequence(1_000_000).setRelayHops(5).setHopsLeft(5).build();
    FeedReceiver.Result again = a.receiver.apply(b.id, List.of(farAround));
    assertThat(again.rejected()).isZero();
    assertThat(again.ignored()).isEqualTo(1);
    assertThat(a.alerts.get(a.id, x.alertId()).orElseThrow().local()).isTrue();
  }

  @Test
  void retractionByA_reachesCThroughB() {
    StoredAlert x = publish(2);
    deliver(a, b);
    deliver(b, c);
    assertThat(c.alerts.get(a.id, x.alertId()).orElseThrow().tombstone()).isFalse();

    a.publish(
        x.alertId(),
        2,
        AlertStatus.ALERT_STATUS_RETRACTED,
        AlertFields.getDefaultInstance(),
        Audience.AUDIENCE_PEER,
        2);
    deliver(a, b);
    List<FeedItem> toC = deliver(b, c);
    assertThat(toC).hasSize(1);
    assertThat(toC.get(0).getAlert().getDisclosuresCount()).isZero();
    assertThat(toC.get(0).getRelayHops()).isEqualTo(1);
    StoredAlert t = c.alerts.get(a.id, x.alertId()).orElseThrow();
    assertThat(t.version()).isEqualTo(2);
    assertThat(t.status()).isEqualTo(AlertStatus.ALERT_STATUS_RETRACTED);
    assertThat(t.tombstone()).isTrue();
    assertThat(c.search(SyncFixture.byPhone(SyncFixture.GRANTED_PHONE))).isEmpty();
    // D never held it, so it learns nothing of the retraction either.
    assertThat(queued(c, d)).isEmpty();
  }

  @Test
  void newRelayPartner_getsTheHeldAlertsThroughBackfill() throws Exception {
    StoredAlert x = publish(2);
    deliver(a, b);
    // A new partner E of B: backfill queues what B may relay to it.
    try (TestNode e = new TestNode(dir.resolve("e"))) {
      agree(b, e, relaying(GRANTED_PATHS, 0));
      assertThat(b.outbox.backfill(b.grants.outbound(e.id).orElseThrow())).isEqualTo(1);
      List<FeedItem> toE = deliver(b, e);
      assertThat(toE).hasSize(1);
      assertThat(toE.get(0).getRelayHops()).isEqualTo(1);
      assertThat(e.alerts.get(a.id, x.alertId())).isPresent();
      // Backfill towards A, the origin, queues nothing.
      assertThat(b.outbox.backfill(b.grants.outbound(a.id).orElseThrow())).isZero();
    }
  }
}
