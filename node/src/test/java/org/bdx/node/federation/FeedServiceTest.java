package org.bdx.node.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.node.sync.SyncFixture.GRANTED_PATHS;
import static org.bdx.node.sync.SyncFixture.RNG;
import static org.bdx.node.sync.SyncFixture.await;
import static org.bdx.node.sync.SyncFixture.canaryFields;
import static org.bdx.node.sync.SyncFixture.terms;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.bdx.node.identity.NodeId;
import org.bdx.node.policy.Grant;
import org.bdx.node.store.Ids;
import org.bdx.node.store.OutboxStore;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.sync.SyncFixture;
import org.bdx.node.sync.SyncFixture.TestNode;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.FederationServiceGrpc;
import org.bdx.proto.v1.FeedAck;
import org.bdx.proto.v1.FeedStatus;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.SubscribeRequest;
import org.bdx.proto.v1.SubscribeResponse;
import org.bdx.proto.v1.SubscribeStart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sending side of the feed alone: A's {@link FeedService} over real gRPC (plaintext, test
 * identity), called by a raw subscriber that sends exactly what a test tells it to. The feed end to
 * end, with B's feed client, is {@code sync/FeedEndToEndTest}.
 */
class FeedServiceTest {
  @TempDir Path dir;

  TestNode a;
  TestNode b;
  String agreement;
  String endpoint;

  @BeforeEach
  void setUp() throws Exception {
    a = new TestNode(dir.resolve("a"));
    b = new TestNode(dir.resolve("b"));
    agreement = Ids.newId(RNG);
    var t = terms(PartnerClass.PARTNER_CLASS_PEER, GRANTED_PATHS);
    a.grants.out.put(b.id, new Grant(b.id, agreement, t));
    b.grants.in.put(a.id, new Grant(a.id, agreement, t));
  }

  @AfterEach
  void tearDown() throws Exception {
    a.close();
    b.close();
  }

  /** A raw subscriber: records responses and the final status; reads only when told. */
  static final class RawSubscriber
      implements ClientResponseObserver<SubscribeRequest, SubscribeResponse> {
    final int initialRequest;
    final List<SubscribeResponse> responses = new CopyOnWriteArrayList<>();
    final CountDownLatch ended = new CountDownLatch(1);
    final AtomicReference<Status> status = new AtomicReference<>();
    volatile ClientCallStreamObserver<SubscribeRequest> requests;

    RawSubscriber(int initialRequest) {
      this.initialRequest = initialRequest;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<SubscribeRequest> r) {
      requests = r;
      if (initialRequest >= 0) {
        r.disableAutoRequestWithInitial(initialRequest);
      }
    }

    @Override
    public void onNext(SubscribeResponse value) {
      responses.add(value);
    }

    @Override
    public void onError(Throwable t) {
      status.set(Status.fromThrowable(t));
      ended.countDown();
    }

    @Override
    public void onCompleted() {
      status.set(Status.OK);
      ended.countDown();
    }

    boolean caughtUp() {
      return responses.stream().anyMatch(r -> r.hasStatus() && r.getStatus().getCaughtUp());
    }

    Status awaitEnd() throws InterruptedException {
      assertThat(ended.await(10, TimeUnit.SECONDS)).as("stream ended").isTrue();
      return status.get();
    }
  }

  private RawSubscriber subscribe(NodeId as, ManagedChannel ch, int initialRequest, long after) {
    RawSubscriber sub = new RawSubscriber(initialRequest);
    StreamObserver<SubscribeRequest> req = FederationServiceGrpc.newStub(ch).subscribe(sub);
    req.onNext(
        SubscribeRequest.newBuilder()
            .setStart(SubscribeStart.newBuilder().setAfterSequence(after))
            .build());
    return sub;
  }

  @Test
  void peerWithoutAgreement_isDenied() throws Exception {
    endpoint = a.serve(FeedService.Options.defaults());
    NodeId stranger;
    try (TestNode c = new TestNode(dir.resolve("c"))) {
      stranger = c.id; // only its identity is needed; its database is closed at once
    }
    ManagedChannel ch = SyncFixture.channel(stranger, endpoint);
    try {
      RawSubscriber sub = subscribe(stranger, ch, -1, 0);
      assertThat(sub.awaitEnd().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(sub.responses).isEmpty();
    } finally {
      ch.shutdownNow();
    }
  }

  @Test
  void agreementSuspendedMidStream_endsStreamWithFailedPrecondition() throws Exception {
    endpoint = a.serve(FeedService.Options.defaults());
    a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    ManagedChannel ch = SyncFixture.channel(b.id, endpoint);
    try {
      RawSubscriber sub = subscribe(b.id, ch, -1, 0);
      await(sub::caughtUp);
      assertThat(sub.responses).anyMatch(SubscribeResponse::hasItem);
      // Suspension: the grant disappears; nobody calls agreementsChanged(), the periodic check
      // must notice.
      a.grants.out.remove(b.id);
      assertThat(sub.awaitEnd().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    } finally {
      ch.shutdownNow();
    }
  }

  @Test
  void contentNoLongerConsentedTo_neverLeaves_itsWithdrawalDoes() throws Exception {
    // B is a police liaison here, and A queued it version 1 of a police-audience alert.
    a.grants.out.put(
        b.id, new Grant(b.id, agreement, terms(PartnerClass.PARTNER_CLASS_POLICE, GRANTED_PATHS)));
    StoredAlert v1 = a.publish(canaryFields(), Audience.AUDIENCE_POLICE);
    // The reporter narrowed consent to peers; version 2 is held but, as when a partner's queue
    // still held version 1 on resumption, not queued for B.
    a.alerts.put(
        a.sign(
            v1.alertId(),
            2,
            AlertStatus.ALERT_STATUS_UPDATED,
            canaryFields(),
            Audience.AUDIENCE_PEER));
    endpoint = a.serve(FeedService.Options.defaults());
    ManagedChannel ch = SyncFixture.channel(b.id, endpoint);
    try {
      RawSubscriber sub = subscribe(b.id, ch, -1, 0);
      await(() -> sub.caughtUp() && sub.responses.stream().anyMatch(SubscribeResponse::hasItem));
      List<SubscribeResponse> items =
          sub.responses.stream().filter(SubscribeResponse::hasItem).toList();
      assertThat(items).hasSize(1);
      assertThat(items.get(0).getItem().getAlert().getDisclosuresCount()).isZero();
      assertThat(items.get(0).getItem().getAlert().getHeader())
          .isEqualTo(a.alerts.get(a.id, v1.alertId()).orElseThrow().envelope().getHeader());
      // Not a byte of version 1's content left A.
      for (byte[] sent : a.sent) {
        for (String value : List.of("+16045550123", "Downtown Eastside")) {
          assertThat(new String(sent, java.nio.charset.StandardCharsets.ISO_8859_1))
              .doesNotContain(value);
        }
      }
    } finally {
      ch.shutdownNow();
    }
  }

  @Test
  void ackBeyondWhatWasSent_isInvalidArgument() throws Exception {
    endpoint = a.serve(FeedService.Options.defaults());
    ManagedChannel ch = SyncFixture.channel(b.id, endpoint);
    try {
      RawSubscriber sub = subscribe(b.id, ch, -1, 0);
      await(sub::caughtUp);
      sub.requests.onNext(
          SubscribeRequest.newBuilder()
              .setAck(FeedAck.newBuilder().setThroughSequence(1_000_000))
              .build());
      assertThat(sub.awaitEnd().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    } finally {
      ch.shutdownNow();
    }
  }

  @Test
  void firstMessageNotStart_isInvalidArgument() throws Exception {
    endpoint = a.serve(FeedService.Options.defaults());
    ManagedChannel ch = SyncFixture.channel(b.id, endpoint);
    try {
      RawSubscriber sub = new RawSubscriber(-1);
      FederationServiceGrpc.newStub(ch)
          .subscribe(sub)
          .onNext(
              SubscribeRequest.newBuilder()
                  .setAck(FeedAck.newBuilder().setThroughSequence(0))
                  .build());
      assertThat(sub.awaitEnd().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    } finally {
      ch.shutdownNow();
    }
  }

  @Test
  void subscriberThatNeverReads_holdsAtMostOneWindow() throws Exception {
    int window = 16;
    FeedService.Options windowed = FeedService.Options.defaults().withWindow(window);
    // A status as soon as the backlog changes, not at most every 2 s: the markers below.
    endpoint =
        a.serve(
            new FeedService.Options(
                windowed.window(),
                windowed.batch(),
                windowed.checkInterval(),
                Duration.ZERO,
                windowed.startTimeout()));
    AlertFields fields = canaryFields();
    a.db.inTransaction(
        c -> {
          for (int i = 0; i < 200; i++) {
            StoredAlert x =
                a.sign(
                    Ids.newId(RNG),
                    1,
                    AlertStatus.ALERT_STATUS_ACTIVE,
                    fields,
                    Audience.AUDIENCE_PEER);
            a.alerts.put(x);
            a.outbox.enqueue(x);
          }
          return null;
        });
    ManagedChannel ch = SyncFixture.channel(b.id, endpoint);
    try {
      RawSubscriber sub = subscribe(b.id, ch, 0, 0); // never requests, never acks
      // The markers are status messages A sends. A stream's pump runs one run at a time, and in a
      // run the items go out before the status; A sends a status only when the backlog it reports
      // changed, at most one per run. So the n-th status comes from a later run than the one
      // before it, and every item that run sent (one past the window, were it wrong) is in a.sent
      // before it: Capture records each message as the pump hands it to gRPC. The first status
      // comes after the first window (it is sent only once the window is full or the rows end).
      await(() -> statusesSent().size() >= 1);
      assertThat(a.feed.inFlight(b.id)).isEqualTo(window);
      assertThat(statusesSent().get(0).getBacklog()).isEqualTo(200 - window);

      // A row queued behind the outbox's back wakes nobody: only a run the outbox did not cause
      // (a periodic check, or the transport becoming ready) can see it and report it.
      queueUnannounced();
      await(() -> statusesSent().size() >= 2);
      assertThat(itemsSent()).isEqualTo(window);
      assertThat(a.feed.inFlight(b.id)).isEqualTo(window);
      assertThat(a.feed.buffered(b.id)).isZero();
      assertThat(statusesSent().get(1).getBacklog()).isEqualTo(200 - window + 1);
      assertThat(sub.responses).isEmpty();

      // More alerts arriving (the outbox wakes the stream) do not push past the window either.
      a.publish(fields, Audience.AUDIENCE_PEER);
      await(() -> statusesSent().size() >= 3);
      assertThat(itemsSent()).isEqualTo(window);
      assertThat(a.feed.inFlight(b.id)).isEqualTo(window);
      assertThat(statusesSent().get(2).getBacklog()).isEqualTo(200 - window + 2);
    } finally {
      ch.shutdownNow();
    }
  }

  /** Queues one row for B straight into A's outbox table: the outbox's listeners are not told. */
  private void queueUnannounced() {
    StoredAlert x =
        a.sign(
            Ids.newId(RNG),
            1,
            AlertStatus.ALERT_STATUS_ACTIVE,
            canaryFields(),
            Audience.AUDIENCE_PEER);
    a.outboxRows.queue(
        new OutboxStore.Entry(
            b.id,
            agreement,
            a.id,
            x.alertId(),
            x.version(),
            x.envelope(),
            x.issuedAt(),
            0,
            0,
            true));
  }

  /** The status messages A sent, in order. */
  private List<FeedStatus> statusesSent() {
    return sentByA()
        .filter(SubscribeResponse::hasStatus)
        .map(SubscribeResponse::getStatus)
        .toList();
  }

  /** How many items A sent. */
  private long itemsSent() {
    return sentByA().filter(SubscribeResponse::hasItem).count();
  }

  private Stream<SubscribeResponse> sentByA() {
    return a.sent.stream()
        .map(
            bytes -> {
              try {
                return SubscribeResponse.parseFrom(bytes);
              } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(e);
              }
            });
  }
}
