package org.bdx.node.sync;

import com.google.protobuf.MessageLite;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.bdx.node.audit.AuditLog;
import org.bdx.node.edge.PeerIdentity;
import org.bdx.node.federation.FeedService;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.policy.Grant;
import org.bdx.node.policy.SharingGrants;
import org.bdx.node.search.AlertIndex;
import org.bdx.node.search.AlertQuery;
import org.bdx.node.search.AlertSearch;
import org.bdx.node.signing.AlertDraft;
import org.bdx.node.signing.AlertSigner;
import org.bdx.node.signing.AlertVerifier;
import org.bdx.node.signing.HopSigner;
import org.bdx.node.signing.VerifiedAlert;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.Ids;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.OutboxStore;
import org.bdx.node.store.SearchIndex;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.store.SyncStateStore;
import org.bdx.node.store.TestCiphers;
import org.bdx.node.tls.PartnerChannels;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.FederationServiceGrpc;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.SignedAlert;
import org.bdx.proto.v1.SubscribeRequest;
import org.bdx.proto.v1.SubscribeResponse;

/**
 * Two-node test rig: keys, databases, stores, fake grants, plaintext gRPC with a test identity.
 * What the sender's tests in {@code federation} use is public.
 */
public final class SyncFixture {
  public static final SecureRandom RNG = new SecureRandom();

  /** Test-only header naming the caller; stands in for the mutual TLS certificate. */
  static final Metadata.Key<String> PEER_HEADER =
      Metadata.Key.of("x-test-peer", Metadata.ASCII_STRING_MARSHALLER);

  static final String GRANTED_PHONE = "+16045550123";
  static final String CANARY_DESCRIPTION = "CANARYDESC7f3a tall man";
  static final String CANARY_NAME = "CANARYNAMEq9z";
  static final String CANARY_PLATE = "CANARY9";
  static final String CANARY_CONTACT = "CANARYCONTACTx1";
  static final String CANARY_MO = "CANARYMOk2 books outcall";

  public static final List<String> GRANTED_PATHS =
      List.of("incident_date", "area", "harms", "severity", "phone_numbers");

  private SyncFixture() {}

  /** Mutable fake of the agreement book's grants. */
  public static final class FakeGrants implements SharingGrants {
    public final Map<NodeId, Grant> out = new ConcurrentHashMap<>();
    public final Map<NodeId, Grant> in = new ConcurrentHashMap<>();

    /** The outbound grants of suspended agreements ({@link #suspend}, {@link #resume}). */
    public final Map<NodeId, Grant> suspendedOut = new ConcurrentHashMap<>();

    /** Suspends the agreement with {@code partner}: its grants move to {@link #suspendedOut}. */
    public Grant suspend(NodeId partner) {
      Grant g = out.remove(partner);
      in.remove(partner);
      suspendedOut.put(partner, g);
      return g;
    }

    /** Makes the suspended agreement with {@code partner} active again (outbound only). */
    public Grant resume(NodeId partner) {
      Grant g = suspendedOut.remove(partner);
      out.put(partner, g);
      return g;
    }

    @Override
    public List<Grant> suspended() {
      return List.copyOf(suspendedOut.values());
    }

    @Override
    public List<Grant> outbound() {
      return List.copyOf(out.values());
    }

    @Override
    public Optional<Grant> outbound(NodeId partner) {
      return Optional.ofNullable(out.get(partner));
    }

    @Override
    public Optional<Grant> inbound(NodeId partner) {
      return Optional.ofNullable(in.get(partner));
    }

    /** Inbound terms of amendments pending here (spec AGR-12.8). */
    public final Map<NodeId, Grant> pendingIn = new ConcurrentHashMap<>();

    @Override
    public Optional<Grant> pendingInbound(NodeId partner) {
      return Optional.ofNullable(pendingIn.get(partner));
    }
  }

  public static DirectionTerms terms(PartnerClass receiver, List<String> paths) {
    return DirectionTerms.newBuilder()
        .setReceiverClass(receiver)
        .setAllHarms(true)
        .setAllAreas(true)
        .addAllFieldPaths(paths)
        .setRetentionDays(30)
        .build();
  }

  /**
   * Peer terms for {@code paths} that let the receiver relay {@code hops} times (0: not at all) and
   * take relayed alerts (spec RELAY-3, RELAY-4).
   */
  static DirectionTerms relaying(List<String> paths, int hops) {
    return terms(PartnerClass.PARTNER_CLASS_PEER, paths).toBuilder()
        .setMayRelay(hops > 0)
        .setMaxRelayHops(hops)
        .setAcceptRelayed(true)
        .build();
  }

  /** One active agreement between {@code x} and {@code y}, the same terms both ways. */
  static void agree(TestNode x, TestNode y, DirectionTerms t) {
    String id = Ids.newId(RNG);
    x.grants.out.put(y.id, new Grant(y.id, id, t));
    y.grants.in.put(x.id, new Grant(x.id, id, t));
    y.grants.out.put(x.id, new Grant(x.id, id, t));
    x.grants.in.put(y.id, new Grant(y.id, id, t));
  }

  /** What {@code from} has queued for {@code to} after {@code to}'s cursor (at most 100 items). */
  static List<FeedItem> queued(TestNode from, TestNode to) {
    return from.outbox.read(to.id, to.receiver.cursor(from.id), 100);
  }

  public static AlertFields canaryFields() {
    return AlertFields.newBuilder()
        .setIncidentDate("2026-03-04")
        .setArea("Downtown Eastside")
        .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
        .setSeverity(Severity.SEVERITY_HIGH)
        .addPhoneNumbers(GRANTED_PHONE)
        .setAggressorDescription(CANARY_DESCRIPTION)
        .addNamesUsed(CANARY_NAME)
        .setVehiclePlate(CANARY_PLATE)
        .setModusOperandi(CANARY_MO)
        .setReporterContact(CANARY_CONTACT)
        .build();
  }

  /** One node: keys, database, stores, outbox, receiver, grants. */
  public static final class TestNode implements AutoCloseable {
    final NodeKeys keys = NodeKeys.generate(RNG);
    public final NodeId id = keys.nodeId();
    public final NodeDatabase db;
    public final AlertStore alerts;
    public final OutboxStore outboxRows;
    final SyncStateStore syncState;
    final AlertSigner signer = new AlertSigner(keys, RNG);
    final AlertVerifier verifier = new AlertVerifier();
    public final FakeGrants grants = new FakeGrants();
    final Clock clock = Clock.systemUTC();
    public final AuditLog audit;
    public final Outbox outbox;
    final FeedReceiver receiver;
    public FeedService feed;
    Server server;
    public final List<byte[]> sent = new CopyOnWriteArrayList<>();

    public TestNode(Path dir) throws IOException {
      Files.createDirectories(dir);
      db = NodeDatabase.open(dir.resolve("node.db"), TestCiphers.CIPHER);
      alerts = new AlertStore(db, new AlertIndex());
      outboxRows = new OutboxStore(db);
      syncState = new SyncStateStore(db);
      audit = new AuditLog(db, clock);
      outbox =
          new Outbox(
              db,
              alerts,
              outboxRows,
              syncState,
              grants,
              clock,
              audit,
              partner -> "partner-" + partner.fingerprint(),
              new HopSigner(keys));
      // As in a node: relays what it stores (only where grants allow), ignores its own alerts.
      receiver =
          new FeedReceiver(
              db,
              alerts,
              syncState,
              new FeedChecks(alerts, verifier, grants, clock, FeedChecks.DEFAULT_MAX_SKEW, id),
              outbox);
    }

    /** Signs and stores a local alert and queues it, in one transaction (as intake will). */
    public StoredAlert publish(AlertFields fields, Audience audience) {
      return publish(Ids.newId(RNG), 1, AlertStatus.ALERT_STATUS_ACTIVE, fields, audience);
    }

    StoredAlert publish(
        String alertId, long version, AlertStatus status, AlertFields fields, Audience audience) {
      return publish(alertId, version, status, fields, audience, 1);
    }

    /** As above with the signed relay limit {@code maxHops}. */
    StoredAlert publish(
        String alertId,
        long version,
        AlertStatus status,
        AlertFields fields,
        Audience audience,
        int maxHops) {
      StoredAlert a = sign(alertId, version, status, fields, audience, maxHops);
      db.inTransaction(
          c -> {
            alerts.put(a);
            outbox.enqueue(a);
            return null;
          });
      return a;
    }

    public StoredAlert sign(
        String alertId, long version, AlertStatus status, AlertFields fields, Audience audience) {
      return sign(alertId, version, status, fields, audience, 1);
    }

    StoredAlert sign(
        String alertId,
        long version,
        AlertStatus status,
        AlertFields fields,
        Audience audience,
        int maxHops) {
      long now = clock.instant().getEpochSecond();
      AlertDraft draft =
          new AlertDraft(
              alertId, version, status, now, now + 90L * 86400, audience, maxHops, fields);
      SignedAlert envelope = signer.sign(draft);
      VerifiedAlert v;
      try {
        v = verifier.verify(envelope);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      return new StoredAlert(
          id,
          alertId,
          version,
          status,
          draft.issuedAt(),
          draft.expiresAt(),
          audience,
          v.fields(),
          List.copyOf(v.disclosedPaths()),
          envelope,
          true,
          now);
    }

    /** Starts a plaintext federation server on loopback serving Subscribe from {@link #feed}. */
    public String serve(FeedService.Options options) throws IOException {
      feed = new FeedService(outbox, grants, options);
      FeedService f = feed;
      var service =
          new FederationServiceGrpc.FederationServiceImplBase() {
            @Override
            public StreamObserver<SubscribeRequest> subscribe(
                StreamObserver<SubscribeResponse> responses) {
              return f.subscribe(PeerIdentity.current(), responses);
            }
          };
      server =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
              .addService(
                  ServerInterceptors.intercept(service, new Capture(sent), new TestIdentity()))
              .build()
              .start();
      return "127.0.0.1:" + server.getPort();
    }

    List<StoredAlert> search(AlertQuery q) {
      return new AlertSearch(new SearchIndex(db)).search(q).items();
    }

    @Override
    public void close() throws InterruptedException {
      if (feed != null) {
        feed.close();
      }
      if (server != null) {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      db.close();
    }
  }

  /** Waits until {@code condition} holds; fails after 20 s. */
  public static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met in 20 s");
      }
      Thread.sleep(10);
    }
  }

  static AlertQuery byPhone(String phone) {
    return new AlertQuery(phone, null, null, null, null, null, null, 0, null);
  }

  static AlertQuery byText(String text) {
    return new AlertQuery(null, null, text, null, null, null, null, 0, null);
  }

  /** Puts the caller named in {@link #PEER_HEADER} into the context, as mutual TLS would. */
  static final class TestIdentity implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      String peer = headers.get(PEER_HEADER);
      Context ctx = Context.current();
      if (peer != null) {
        ctx = ctx.withValue(PeerIdentity.KEY, new NodeId(peer));
      }
      return Contexts.interceptCall(ctx, call, headers, next);
    }
  }

  /** Records the serialized bytes of every message the server sends, before any encryption. */
  static final class Capture implements ServerInterceptor {
    final List<byte[]> sink;

    Capture(List<byte[]> sink) {
      this.sink = sink;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      return next.startCall(
          new SimpleForwardingServerCall<>(call) {
            @Override
            public void sendMessage(R message) {
              sink.add(((MessageLite) message).toByteArray());
              super.sendMessage(message);
            }
          },
          headers);
    }
  }

  /** Opens plaintext channels that name {@code self} in the test identity header. */
  static PartnerChannels channelsAs(NodeId self) {
    return (partner, endpoint) -> channel(self, endpoint);
  }

  /** A plaintext channel naming {@code self} in the test identity header, with {@code more}. */
  public static ManagedChannel channel(NodeId self, String endpoint, ClientInterceptor... more) {
    Metadata md = new Metadata();
    md.put(PEER_HEADER, self.value());
    return Grpc.newChannelBuilder(endpoint, InsecureChannelCredentials.create())
        .intercept(MetadataUtils.newAttachHeadersInterceptor(md))
        .intercept(more)
        .build();
  }

  static boolean contains(byte[] haystack, String needle) {
    byte[] n = needle.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    outer:
    for (int i = 0; i + n.length <= haystack.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (haystack[i + j] != n[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
