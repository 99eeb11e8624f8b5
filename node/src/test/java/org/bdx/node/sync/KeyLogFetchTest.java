package org.bdx.node.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.node.sync.SyncFixture.GRANTED_PATHS;
import static org.bdx.node.sync.SyncFixture.await;
import static org.bdx.node.sync.SyncFixture.terms;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bdx.node.edge.PeerIdentity;
import org.bdx.node.federation.FeedService;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.keys.KeyEvents;
import org.bdx.node.logging.LogCapture;
import org.bdx.node.policy.Grant;
import org.bdx.node.store.Ids;
import org.bdx.node.store.PartnerKeyLogStore;
import org.bdx.proto.v1.FederationServiceGrpc;
import org.bdx.proto.v1.GetKeyLogRequest;
import org.bdx.proto.v1.GetKeyLogResponse;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.SignedKeyEvent;
import org.bdx.proto.v1.SubscribeRequest;
import org.bdx.proto.v1.SubscribeResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feed client fetches the partner's key log once its feed connects, and retries a failed fetch
 * with its backoff (spec KEY-16): A serves its feed and a {@code GetKeyLog} that fails twice with
 * {@code UNAVAILABLE} before it answers; B's client ends up holding A's log.
 */
class KeyLogFetchTest {
  @TempDir Path dir;

  SyncFixture.TestNode a;
  SyncFixture.TestNode b;
  Server server;
  FeedClient client;
  final AtomicInteger calls = new AtomicInteger();

  @BeforeEach
  void setUp() throws Exception {
    a = new SyncFixture.TestNode(dir.resolve("a"));
    b = new SyncFixture.TestNode(dir.resolve("b"));
    String agreement = Ids.newId(SyncFixture.RNG);
    var t = terms(PartnerClass.PARTNER_CLASS_PEER, GRANTED_PATHS);
    a.grants.out.put(b.id, new Grant(b.id, agreement, t));
    b.grants.in.put(a.id, new Grant(a.id, agreement, t));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.shutdownNow();
    }
    a.close();
    b.close();
  }

  @Test
  void connectedFeed_fetchesThePartnersLog_retryingAFailedFetch() throws Exception {
    SignedKeyEvent inception =
        KeyEvents.inception(a.keys, NodeKeys.generate(SyncFixture.RNG).publicKey(), 1_800_000_000L);
    String endpoint = serve(List.of(inception), 2);
    PartnerKeyLogStore held = new PartnerKeyLogStore(b.db);
    client =
        new FeedClient(
            a.id,
            endpoint,
            SyncFixture.channelsAs(b.id),
            b.receiver,
            new FeedClient.Options(
                16, 64, Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofSeconds(10)),
            new RefusedMessages(a.id::equals),
            a.id::fingerprint,
            new PartnerKeyLogs(held, Clock.systemUTC(), id -> id.fingerprint()));

    await(() -> !held.load(a.id).isEmpty());

    assertThat(held.load(a.id)).containsExactly(inception);
    assertThat(calls.get()).isEqualTo(3);
  }

  @Test
  void partnerWithoutKeyLogs_isAskedOnce_perFetch_andLoggedOnce() throws Exception {
    String endpoint = serve(List.of(), 0, false);
    PartnerKeyLogStore held = new PartnerKeyLogStore(b.db);
    PartnerKeyLogs logs = new PartnerKeyLogs(held, Clock.systemUTC(), id -> "north-peers");
    var channel = SyncFixture.channel(b.id, endpoint);
    try (LogCapture log = LogCapture.of(PartnerKeyLogs.class)) {
      // An older node answers UNIMPLEMENTED: nothing to retry, nothing stored, said once.
      assertThat(logs.fetch(a.id, channel)).isEqualTo(PartnerKeyLogs.Outcome.NOT_SERVED);
      assertThat(logs.fetch(a.id, channel)).isEqualTo(PartnerKeyLogs.Outcome.NOT_SERVED);
      assertThat(log.containing("does not serve key logs"))
          .singleElement()
          .asString()
          .contains("north-peers");
    } finally {
      channel.shutdownNow();
    }
    assertThat(held.load(a.id)).isEmpty();
  }

  /** A's feed, and a GetKeyLog that fails {@code failures} times before it serves {@code log}. */
  private String serve(List<SignedKeyEvent> log, int failures) throws Exception {
    return serve(log, failures, true);
  }

  /** As above; without {@code keyLogs}, A serves no GetKeyLog at all (an older node). */
  private String serve(List<SignedKeyEvent> log, int failures, boolean keyLogs) throws Exception {
    a.feed = new FeedService(a.outbox, a.grants, FeedService.Options.defaults());
    FeedService f = a.feed;
    var service =
        new FederationServiceGrpc.FederationServiceImplBase() {
          @Override
          public StreamObserver<SubscribeRequest> subscribe(
              StreamObserver<SubscribeResponse> responses) {
            return f.subscribe(PeerIdentity.current(), responses);
          }

          @Override
          public void getKeyLog(GetKeyLogRequest req, StreamObserver<GetKeyLogResponse> out) {
            if (!keyLogs) {
              super.getKeyLog(req, out); // UNIMPLEMENTED, as a node before key logs answers
              return;
            }
            if (calls.incrementAndGet() <= failures) {
              out.onError(Status.UNAVAILABLE.withDescription("not yet").asRuntimeException());
              return;
            }
            out.onNext(GetKeyLogResponse.newBuilder().addAllEvents(log).build());
            out.onCompleted();
          }
        };
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(ServerInterceptors.intercept(service, new SyncFixture.TestIdentity()))
            .build()
            .start();
    return "127.0.0.1:" + server.getPort();
  }
}
