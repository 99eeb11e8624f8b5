package org.bdx.node.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.node.sync.SyncFixture.CANARY_CONTACT;
import static org.bdx.node.sync.SyncFixture.CANARY_DESCRIPTION;
import static org.bdx.node.sync.SyncFixture.CANARY_MO;
import static org.bdx.node.sync.SyncFixture.CANARY_NAME;
import static org.bdx.node.sync.SyncFixture.CANARY_PLATE;
import static org.bdx.node.sync.SyncFixture.GRANTED_PATHS;
import static org.bdx.node.sync.SyncFixture.GRANTED_PHONE;
import static org.bdx.node.sync.SyncFixture.await;
import static org.bdx.node.sync.SyncFixture.canaryFields;
import static org.bdx.node.sync.SyncFixture.contains;
import static org.bdx.node.sync.SyncFixture.terms;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.MethodDescriptor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.bdx.node.federation.FeedService;
import org.bdx.node.policy.Grant;
import org.bdx.node.signing.VerifiedAlert;
import org.bdx.node.store.Ids;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.sync.SyncFixture.TestNode;
import org.bdx.node.tls.PartnerChannels;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.SubscribeRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Origin A feeds receiver B over real gRPC (plaintext, test identity). End to end through A's
 * {@code federation/FeedService}, for what sync holds: the outbox's redaction, B's feed client and
 * receiver. The sender alone is tested in {@code federation/FeedServiceTest}.
 */
class FeedEndToEndTest {
  @TempDir Path dir;

  TestNode a;
  TestNode b;
  String agreement;
  FeedClient client;
  String endpoint;

  @BeforeEach
  void setUp() throws Exception {
    a = new TestNode(dir.resolve("a"));
    b = new TestNode(dir.resolve("b"));
    agreement = Ids.newId(SyncFixture.RNG);
    var t = terms(PartnerClass.PARTNER_CLASS_PEER, GRANTED_PATHS);
    a.grants.out.put(b.id, new Grant(b.id, agreement, t));
    b.grants.in.put(a.id, new Grant(a.id, agreement, t));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.close();
    }
    a.close();
    b.close();
  }

  private FeedClient startClient() {
    return new FeedClient(a.id, endpoint, SyncFixture.channelsAs(b.id), b.receiver);
  }

  @Test
  void liveAlert_reachesPartner_withOnlyGrantedFields_andNoCanaryCrossesTheWire() throws Exception {
    endpoint = a.serve(FeedService.Options.defaults());
    client = startClient();
    await(() -> client.connected());

    StoredAlert sent = a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    await(() -> b.alerts.get(a.id, sent.alertId()).isPresent());

    StoredAlert got = b.alerts.get(a.id, sent.alertId()).orElseThrow();
    AlertFields f = got.fields();
    assertThat(f.getIncidentDate()).isEqualTo("2026-03-04");
    assertThat(f.getArea()).isEqualTo("Downtown Eastside");
    assertThat(f.getHarmsList()).containsExactly(HarmCategory.HARM_CATEGORY_ROBBERY);
    assertThat(f.getSeverity()).isEqualTo(Severity.SEVERITY_HIGH);
    assertThat(f.getPhoneNumbersList()).containsExactly(GRANTED_PHONE);
    assertThat(f.getAggressorDescription()).isEmpty();
    assertThat(f.getNamesUsedList()).isEmpty();
    assertThat(f.getVehiclePlate()).isEmpty();
    assertThat(f.getModusOperandi()).isEmpty();
    assertThat(f.getReporterContact()).isEmpty();
    assertThat(got.disclosedPaths())
        .containsExactly("area", "harms", "incident_date", "phone_numbers", "severity");
    assertThat(got.local()).isFalse();
    assertThat(got.receivedFrom()).isEqualTo(a.id);
    assertThat(got.agreementId()).isEqualTo(agreement);
    long now = b.clock.instant().getEpochSecond();
    assertThat(got.purgeAt()).isBetween(now + 29L * 86400, now + 30L * 86400 + 5);
    assertThat(got.purgeAt()).isLessThanOrEqualTo(got.expiresAt());

    // B holds the origin's exact signed bytes: they verify under A's key.
    VerifiedAlert v = b.verifier.verify(got.envelope(), a.id);
    assertThat(v.disclosedPaths()).containsExactlyElementsOf(got.disclosedPaths());
    assertThat(v.alertId()).isEqualTo(sent.alertId());

    // Searchable at B by the granted phone; the withheld text is not there.
    assertThat(b.search(SyncFixture.byPhone(GRANTED_PHONE))).hasSize(1);
    assertThat(b.search(SyncFixture.byText("CANARYDESC7f3a"))).isEmpty();

    // Every byte A sent: no canary, and (twin) the granted values are there.
    List<byte[]> wire = List.copyOf(a.sent);
    assertThat(wire).isNotEmpty();
    for (String canary :
        List.of(CANARY_DESCRIPTION, CANARY_NAME, CANARY_PLATE, CANARY_CONTACT, CANARY_MO)) {
      assertThat(wire).noneMatch(bytes -> contains(bytes, canary));
    }
    assertThat(wire).anyMatch(bytes -> contains(bytes, GRANTED_PHONE));
    assertThat(wire).anyMatch(bytes -> contains(bytes, "Downtown Eastside"));
    assertThat(wire).anyMatch(bytes -> contains(bytes, "2026-03-04"));

    // The partner acknowledged it: A's outbox for B drains.
    await(() -> a.outbox.waiting(b.id) == 0 && a.outbox.latestSeq(b.id) == 0);
  }

  @Test
  void peerAudienceAlert_neverReachesSupportReceiver_whileSupportAudienceDoes() throws Exception {
    TestNode s = new TestNode(dir.resolve("s"));
    try {
      String ag = Ids.newId(SyncFixture.RNG);
      var t = terms(PartnerClass.PARTNER_CLASS_SUPPORT, GRANTED_PATHS);
      a.grants.out.clear();
      a.grants.out.put(s.id, new Grant(s.id, ag, t));
      s.grants.in.put(a.id, new Grant(a.id, ag, t));
      endpoint = a.serve(FeedService.Options.defaults());

      StoredAlert peerOnly = a.publish(canaryFields(), Audience.AUDIENCE_PEER);
      StoredAlert support = a.publish(canaryFields(), Audience.AUDIENCE_SUPPORT);
      client = new FeedClient(a.id, endpoint, SyncFixture.channelsAs(s.id), s.receiver);
      await(() -> s.alerts.get(a.id, support.alertId()).isPresent());

      assertThat(s.alerts.get(a.id, peerOnly.alertId())).isEmpty();
      assertThat(a.sent).noneMatch(bytes -> contains(bytes, peerOnly.alertId()));
      assertThat(a.sent).anyMatch(bytes -> contains(bytes, support.alertId()));
    } finally {
      if (client != null) {
        client.close();
        client = null;
      }
      s.close();
    }
  }

  @Test
  void resumesFromCursor_afterRestart_nothingMissedNothingDuplicated() throws Exception {
    endpoint = a.serve(FeedService.Options.defaults());
    List<String> ids = new CopyOnWriteArrayList<>();
    AlertFields fields = canaryFields();
    a.db.inTransaction(
        c -> {
          for (int i = 0; i < 300; i++) {
            StoredAlert x =
                a.sign(
                    Ids.newId(SyncFixture.RNG),
                    1,
                    AlertStatus.ALERT_STATUS_ACTIVE,
                    fields,
                    Audience.AUDIENCE_PEER);
            a.alerts.put(x);
            a.outbox.enqueue(x);
            ids.add(x.alertId());
          }
          return null;
        });
    FeedClient.Options small =
        new FeedClient.Options(
            8, 8, Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(1));
    client = new FeedClient(a.id, endpoint, SyncFixture.channelsAs(b.id), b.receiver, small);
    await(() -> b.receiver.cursor(a.id) >= 40);
    client.close();
    client = null;
    long cursorAtStop = b.receiver.cursor(a.id);

    // While B is away, 200 more.
    for (int i = 0; i < 200; i++) {
      ids.add(a.publish(fields, Audience.AUDIENCE_PEER).alertId());
    }
    client = new FeedClient(a.id, endpoint, SyncFixture.channelsAs(b.id), b.receiver, small);
    await(() -> countReceived() == 500 && a.outbox.latestSeq(b.id) == 0);

    assertThat(countReceived()).isEqualTo(500);
    for (String id : ids) {
      assertThat(b.alerts.get(a.id, id)).map(StoredAlert::version).contains(1L);
    }
    assertThat(b.receiver.cursor(a.id)).isGreaterThan(cursorAtStop);
    assertThat(b.receiver.rejected(a.id)).isZero();
    assertThat(a.outbox.waiting(b.id)).isZero();
    assertThat(a.outbox.ackedThrough(b.id)).isEqualTo(b.receiver.cursor(a.id));
  }

  @Test
  @DisplayName("FEED-8: stored batches are acknowledged only after they were forced to disk")
  void ack_waitsForTheSync_notForTheCommit() throws Exception {
    endpoint = a.serve(FeedService.Options.defaults());
    for (int i = 0; i < 50; i++) {
      a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    }
    long last = a.outbox.latestSeq(b.id);
    CountDownLatch diskReady = new CountDownLatch(1);
    // What is on disk at B: the cursor B had committed when a sync began, once that sync is over
    // (FeedReceiver.sync makes every transaction committed before it durable).
    AtomicLong onDisk = new AtomicLong();
    // A's outbox for B when B's first sync was over, before B could act on it.
    AtomicReference<QueueAtA> atFirstSync = new AtomicReference<>();
    Runnable blockedSync =
        () -> {
          try {
            diskReady.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException("interrupted", e);
          }
          long committed = b.receiver.cursor(a.id);
          b.receiver.sync();
          atFirstSync.compareAndSet(
              null, new QueueAtA(a.outbox.ackedThrough(b.id), a.outbox.waiting(b.id)));
          onDisk.accumulateAndGet(committed, Math::max);
        };
    List<SentAck> acks = new CopyOnWriteArrayList<>();
    PartnerChannels recording =
        (partner, at) -> SyncFixture.channel(b.id, at, new AckRecorder(acks, onDisk::get));
    FeedClient.Options small =
        new FeedClient.Options(
            8, 16, Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(1));
    client =
        new FeedClient(
            a.id,
            endpoint,
            recording,
            b.receiver,
            small,
            new RefusedMessages(a.id::equals),
            blockedSync);

    // Everything is committed at B while the disk "hangs": the writer did not wait for it.
    await(() -> b.receiver.cursor(a.id) == last);
    diskReady.countDown();
    // The marker: A has B's final acknowledgement. B's client thread sends its acknowledgements
    // one after another on one request stream, each recorded as it is handed to the stream, and
    // the final one last; so once A has it, every acknowledgement B sent for these items, an early
    // one too, is in acks, and A received each before the final one.
    await(() -> a.outbox.ackedThrough(b.id) == last);

    assertThat(acks).isNotEmpty();
    assertThat(acks)
        .allSatisfy(
            ack ->
                assertThat(ack.through())
                    .as("acknowledged through, against what was on disk at B when it was sent")
                    .isLessThanOrEqualTo(ack.onDisk()));
    assertThat(acks.getLast().through()).isEqualTo(last);
    // A's acknowledged-through moved only after B's disk had the batches.
    assertThat(atFirstSync.get()).isEqualTo(new QueueAtA(0, 50));
    assertThat(a.outbox.waiting(b.id)).isZero();
  }

  /** A's acknowledged-through and waiting rows for B. */
  record QueueAtA(long ackedThrough, long waiting) {}

  /** One acknowledgement B sent, and what was on B's disk when it sent it. */
  record SentAck(long through, long onDisk) {}

  /** Records, on B's channel to A, every acknowledgement as B hands it to the request stream. */
  static final class AckRecorder implements ClientInterceptor {
    private final List<SentAck> sink;
    private final LongSupplier onDisk;

    AckRecorder(List<SentAck> sink, LongSupplier onDisk) {
      this.sink = sink;
      this.onDisk = onDisk;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void sendMessage(Q message) {
          if (message instanceof SubscribeRequest r && r.hasAck()) {
            sink.add(new SentAck(r.getAck().getThroughSequence(), onDisk.getAsLong()));
          }
          super.sendMessage(message);
        }
      };
    }
  }

  private int countReceived() {
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
  void purgeAgreement_deletesReceivedAlerts_andTheyStopMatchingSearch() throws Exception {
    endpoint = a.serve(FeedService.Options.defaults());
    StoredAlert one = a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    StoredAlert two = a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    StoredAlert own = b.publish(canaryFields(), Audience.AUDIENCE_PEER);
    client = startClient();
    await(() -> b.alerts.get(a.id, two.alertId()).isPresent());
    assertThat(b.search(SyncFixture.byPhone(GRANTED_PHONE))).hasSize(3);
    assertThat(b.search(SyncFixture.byText("Downtown"))).hasSize(3);

    assertThat(b.receiver.purgeAgreement(agreement)).isEqualTo(2);

    assertThat(b.alerts.get(a.id, one.alertId())).isEmpty();
    assertThat(b.alerts.get(a.id, two.alertId())).isEmpty();
    assertThat(b.search(SyncFixture.byPhone(GRANTED_PHONE)))
        .extracting(StoredAlert::alertId)
        .containsExactly(own.alertId());
    assertThat(b.search(SyncFixture.byText("Downtown")))
        .extracting(StoredAlert::alertId)
        .containsExactly(own.alertId());
  }

  @Test
  void feedClients_followTheInboundGrants() throws Exception {
    endpoint = a.serve(FeedService.Options.defaults());
    a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    // B's view: A is a partner with an active agreement both ways.
    b.grants.out.put(
        a.id, new Grant(a.id, agreement, terms(PartnerClass.PARTNER_CLASS_PEER, GRANTED_PATHS)));
    try (FeedClients clients =
        new FeedClients(
            b.grants,
            p -> p.equals(a.id) ? Optional.of(endpoint) : Optional.empty(),
            SyncFixture.channelsAs(b.id),
            b.receiver,
            new RefusedMessages(a.id::equals))) {
      clients.refresh();
      assertThat(clients.partners()).containsExactly(a.id);
      await(() -> Boolean.TRUE.equals(clients.connected().get(a.id)));
      await(() -> b.receiver.cursor(a.id) > 0);

      b.grants.in.remove(a.id);
      clients.refresh();
      assertThat(clients.partners()).isEmpty();
      assertThat(clients.connected()).isEmpty();
    }
  }
}
