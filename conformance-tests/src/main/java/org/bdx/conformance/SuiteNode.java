package org.bdx.conformance;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.bdx.proto.v1.CloseAmendmentRequest;
import org.bdx.proto.v1.CloseAmendmentResponse;
import org.bdx.proto.v1.ConfirmAgreementRequest;
import org.bdx.proto.v1.ConfirmAgreementResponse;
import org.bdx.proto.v1.FederationServiceGrpc;
import org.bdx.proto.v1.FeedAck;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.FeedStatus;
import org.bdx.proto.v1.NotifyAgreementStateRequest;
import org.bdx.proto.v1.NotifyAgreementStateResponse;
import org.bdx.proto.v1.OfferAgreementRequest;
import org.bdx.proto.v1.OfferAgreementResponse;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.SubscribeRequest;
import org.bdx.proto.v1.SubscribeResponse;
import org.bdx.proto.v1.SubscribeStart;

/**
 * One partner node of the suite's own: its key and certificate, its {@code FederationService}
 * endpoint (mutual TLS, admitting only the node under test), its feed to the node under test, and
 * its subscriptions to the node under test's feed. Everything the node under test sends it is kept
 * as exact bytes (after TLS, before any parsing) so tests can scan it.
 */
public final class SuiteNode implements AutoCloseable {
  static final long WAIT_SECONDS = 20;

  final String name;
  final PartnerClass registeredAs;
  final SpecCrypto.Keys keys = SpecCrypto.Keys.generate();
  final PartnerTls tls = new PartnerTls(keys);
  final String nutId;
  final PartnerTls.Pinning serverTrust;
  final PartnerTls.Pinning clientTrust;
  private final Server server;

  /** Every message the node under test sent this node, as bytes. */
  final List<byte[]> receivedBytes = new CopyOnWriteArrayList<>();

  final BlockingQueue<ConfirmAgreementRequest> confirmations = new LinkedBlockingQueue<>();
  final BlockingQueue<NotifyAgreementStateRequest> notices = new LinkedBlockingQueue<>();
  final BlockingQueue<OfferAgreementRequest> offers = new LinkedBlockingQueue<>();
  final BlockingQueue<CloseAmendmentRequest> closedAmendments = new LinkedBlockingQueue<>();

  /**
   * Whether this node takes offers (an amendment the node under test proposes, AGR-12.1). Off by
   * default: the suite proposes its agreements itself (CONF-4).
   */
  volatile boolean takesOffers;

  /**
   * How this node answers a ConfirmAgreement, decided when it arrives (so a check can look at the
   * node under test while it waits for the answer, AGR-12.4); OK by default.
   */
  volatile java.util.function.Function<ConfirmAgreementRequest, Status> confirmAnswer =
      r -> Status.OK;

  /**
   * How this node answers a CloseAmendment: OK by default; FAILED_PRECONDITION says the amendment
   * is in force here (AGR-12.6).
   */
  volatile java.util.function.Function<CloseAmendmentRequest, Status> closeAnswer = r -> Status.OK;

  /** The feed this node serves to the node under test. */
  private final List<FeedItem> outbox = new ArrayList<>();

  private final BlockingQueue<Session> sessions = new LinkedBlockingQueue<>();
  private volatile Session session;
  final BlockingQueue<Long> acks = new LinkedBlockingQueue<>();
  volatile String agreementId = "";

  /** The agreement this node offered, and the confirmation the node under test sent back. */
  volatile org.bdx.proto.v1.SignedAgreement offered;

  volatile org.bdx.proto.v1.SignedAgreement confirmed;

  SuiteNode(String name, PartnerClass registeredAs, String nutId, String listenHost)
      throws IOException {
    this.name = name;
    this.registeredAs = registeredAs;
    this.nutId = nutId;
    this.serverTrust = new PartnerTls.Pinning(nutId::equals);
    this.clientTrust = new PartnerTls.Pinning(nutId::equals);
    this.server =
        NettyServerBuilder.forAddress(new InetSocketAddress(listenHost, 0))
            .sslContext(tls.serverContext(serverTrust))
            .maxInboundMessageSize(4 << 20)
            .addService(new Service())
            .build()
            .start();
    this.endpointHost = listenHost;
  }

  private final String endpointHost;
  private ManagedChannel channel;

  /** This node's federation endpoint, HOST:PORT. */
  String endpoint() {
    String h = endpointHost.contains(":") ? "[" + endpointHost + "]" : endpointHost;
    return h + ":" + server.getPort();
  }

  /** A mutual-TLS channel to the node under test's federation endpoint, pinned to its node id. */
  synchronized ManagedChannel channel(String nutFederationEndpoint) {
    if (channel == null) {
      channel = open(nutFederationEndpoint, tls.clientContext(clientTrust));
    }
    return channel;
  }

  static ManagedChannel open(
      String endpoint, io.grpc.netty.shaded.io.netty.handler.ssl.SslContext ctx) {
    int colon = endpoint.lastIndexOf(':');
    String host = endpoint.substring(0, colon).replace("[", "").replace("]", "");
    int port = Integer.parseInt(endpoint.substring(colon + 1));
    return NettyChannelBuilder.forAddress(host, port)
        .sslContext(ctx)
        .maxInboundMessageSize(4 << 20)
        .build();
  }

  // --- the node under test's feed, read by this node -------------------------------------------

  /** Raw bytes of responses; requests as protobuf. */
  static final MethodDescriptor<SubscribeRequest, byte[]> RAW_SUBSCRIBE =
      FederationServiceGrpc.getSubscribeMethod().toBuilder(
              io.grpc.protobuf.ProtoUtils.marshaller(SubscribeRequest.getDefaultInstance()),
              RawBytes.INSTANCE)
          .build();

  /** One Subscribe call of this node to the node under test, acknowledging every item. */
  final class Subscription implements AutoCloseable {
    final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    final List<FeedItem> items = new CopyOnWriteArrayList<>();
    private final ClientCallStreamObserver<SubscribeRequest> requests;
    private final boolean autoAck;

    Subscription(ManagedChannel ch, boolean autoAck) {
      this.autoAck = autoAck;
      java.util.concurrent.atomic.AtomicReference<ClientCallStreamObserver<SubscribeRequest>> r =
          new java.util.concurrent.atomic.AtomicReference<>();
      ClientCalls.asyncBidiStreamingCall(
          ch.newCall(RAW_SUBSCRIBE, CallOptions.DEFAULT),
          new ClientResponseObserver<SubscribeRequest, byte[]>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<SubscribeRequest> s) {
              r.set(s);
            }

            @Override
            public void onNext(byte[] bytes) {
              receivedBytes.add(bytes);
              SubscribeResponse resp;
              try {
                resp = SubscribeResponse.parseFrom(bytes);
              } catch (IOException e) {
                events.add(Status.INTERNAL.withDescription("undecodable response"));
                return;
              }
              if (resp.hasItem()) {
                items.add(resp.getItem());
                if (Subscription.this.autoAck) {
                  ack(resp.getItem().getSequence());
                }
              }
              events.add(resp);
            }

            @Override
            public void onError(Throwable t) {
              events.add(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
              events.add(Status.OK);
            }
          });
      this.requests = r.get();
    }

    synchronized void send(SubscribeRequest r) {
      requests.onNext(r);
    }

    SuiteNode owner() {
      return SuiteNode.this;
    }

    void start(long after) {
      send(
          SubscribeRequest.newBuilder()
              .setStart(SubscribeStart.newBuilder().setAfterSequence(after))
              .build());
    }

    void ack(long through) {
      send(
          SubscribeRequest.newBuilder()
              .setAck(FeedAck.newBuilder().setThroughSequence(through))
              .build());
    }

    /** Waits for an item the predicate accepts (items already received count). */
    FeedItem awaitItem(Predicate<FeedItem> p, String what) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (true) {
        for (FeedItem i : items) {
          if (p.test(i)) {
            return i;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no feed item from the node under test: " + what);
        }
        Object e = events.poll(left, TimeUnit.NANOSECONDS);
        if (e instanceof Status s) {
          throw new AssertionError("the feed stream ended (" + s + ") before " + what);
        }
      }
    }

    /** Waits until the stream ends and returns its status. */
    Status awaitEnd() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (true) {
        long left = deadline - System.nanoTime();
        Object e = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
        if (e == null) {
          cancel();
          throw new AssertionError("the stream did not end");
        }
        if (e instanceof Status s) {
          return s;
        }
      }
    }

    /** Waits for a FeedStatus with caught_up. */
    void awaitCaughtUp() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (true) {
        long left = deadline - System.nanoTime();
        Object e = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
        if (e == null) {
          throw new AssertionError("no caught_up status from the node under test");
        }
        if (e instanceof Status s) {
          throw new AssertionError("the feed stream ended before caught up: " + s);
        }
        if (e instanceof SubscribeResponse r && r.hasStatus() && r.getStatus().getCaughtUp()) {
          return;
        }
      }
    }

    void cancel() {
      requests.cancel("conformance suite done with this stream", null);
    }

    @Override
    public void close() {
      cancel();
    }
  }

  Subscription subscribe(String nutFederationEndpoint, boolean autoAck) {
    return new Subscription(channel(nutFederationEndpoint), autoAck);
  }

  // --- this node's feed to the node under test -------------------------------------------------

  /** Queues items on this node's feed and waits until the node under test acknowledged the last. */
  void deliver(List<FeedItem> items) throws InterruptedException {
    long last;
    synchronized (this) {
      outbox.addAll(items);
      last = outbox.get(outbox.size() - 1).getSequence();
      Session s = session;
      if (s != null && !s.ended) {
        items.forEach(i -> s.send(SubscribeResponse.newBuilder().setItem(i).build()));
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (true) {
      long left = deadline - System.nanoTime();
      Long a = left <= 0 ? null : acks.poll(left, TimeUnit.NANOSECONDS);
      if (a == null) {
        throw new AssertionError(
            "the node under test did not acknowledge sequence " + last + " of our feed");
      }
      if (a >= last) {
        return;
      }
    }
  }

  private long nextSequence = 1;

  synchronized long nextSequence() {
    return nextSequence++;
  }

  /** Waits until the node under test has a feed stream open to this node. */
  void awaitSubscribed() throws InterruptedException {
    Session s = sessions.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    if (s == null && (session == null || session.ended)) {
      throw new AssertionError("the node under test did not subscribe to our feed");
    }
  }

  private final class Session {
    final ServerCallStreamObserver<SubscribeResponse> out;
    volatile boolean ended;

    Session(ServerCallStreamObserver<SubscribeResponse> out) {
      this.out = out;
    }

    synchronized void send(SubscribeResponse r) {
      if (!ended) {
        try {
          out.onNext(r);
        } catch (RuntimeException e) {
          ended = true;
        }
      }
    }
  }

  private final class Service extends FederationServiceGrpc.FederationServiceImplBase {
    @Override
    public void offerAgreement(
        OfferAgreementRequest req, StreamObserver<OfferAgreementResponse> out) {
      receivedBytes.add(req.toByteArray());
      offers.add(req);
      if (!takesOffers) {
        out.onError(
            Status.FAILED_PRECONDITION
                .withDescription("the conformance suite proposes, it does not accept")
                .asRuntimeException());
        return;
      }
      out.onNext(OfferAgreementResponse.getDefaultInstance());
      out.onCompleted();
    }

    @Override
    public void confirmAgreement(
        ConfirmAgreementRequest req, StreamObserver<ConfirmAgreementResponse> out) {
      receivedBytes.add(req.toByteArray());
      confirmations.add(req);
      Status answer = confirmAnswer.apply(req);
      if (!answer.isOk()) {
        out.onError(answer.asRuntimeException());
        return;
      }
      out.onNext(ConfirmAgreementResponse.getDefaultInstance());
      out.onCompleted();
    }

    @Override
    public void closeAmendment(
        CloseAmendmentRequest req, StreamObserver<CloseAmendmentResponse> out) {
      receivedBytes.add(req.toByteArray());
      closedAmendments.add(req);
      Status answer = closeAnswer.apply(req);
      if (!answer.isOk()) {
        out.onError(answer.asRuntimeException());
        return;
      }
      out.onNext(CloseAmendmentResponse.getDefaultInstance());
      out.onCompleted();
    }

    @Override
    public void notifyAgreementState(
        NotifyAgreementStateRequest req, StreamObserver<NotifyAgreementStateResponse> out) {
      receivedBytes.add(req.toByteArray());
      notices.add(req);
      out.onNext(NotifyAgreementStateResponse.getDefaultInstance());
      out.onCompleted();
    }

    @Override
    public StreamObserver<SubscribeRequest> subscribe(StreamObserver<SubscribeResponse> raw) {
      ServerCallStreamObserver<SubscribeResponse> out =
          (ServerCallStreamObserver<SubscribeResponse>) raw;
      Session s = new Session(out);
      out.setOnCancelHandler(() -> s.ended = true);
      return new StreamObserver<>() {
        boolean started;

        @Override
        public void onNext(SubscribeRequest r) {
          receivedBytes.add(r.toByteArray());
          if (!started && r.hasStart()) {
            started = true;
            long after = r.getStart().getAfterSequence();
            synchronized (SuiteNode.this) {
              Session old = session;
              if (old != null) {
                old.ended = true;
              }
              for (FeedItem i : outbox) {
                if (Long.compareUnsigned(i.getSequence(), after) > 0) {
                  s.send(SubscribeResponse.newBuilder().setItem(i).build());
                }
              }
              s.send(
                  SubscribeResponse.newBuilder()
                      .setStatus(FeedStatus.newBuilder().setCaughtUp(true))
                      .build());
              session = s;
            }
            sessions.add(s);
          } else if (r.hasAck()) {
            acks.add(r.getAck().getThroughSequence());
          }
        }

        @Override
        public void onError(Throwable t) {
          s.ended = true;
        }

        @Override
        public void onCompleted() {
          s.ended = true;
          s.out.onCompleted();
        }
      };
    }
  }

  enum RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  public void close() {
    Session s = session;
    if (s != null && !s.ended) {
      s.ended = true;
      try {
        s.out.onCompleted();
      } catch (RuntimeException e) {
        // already gone
      }
    }
    synchronized (this) {
      if (channel != null) {
        channel.shutdownNow();
      }
    }
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
