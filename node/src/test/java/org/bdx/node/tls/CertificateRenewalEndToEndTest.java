package org.bdx.node.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bdx.node.edge.FederationServerFactory;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.sync.FeedHealth;
import org.bdx.node.sync.RefusedMessages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Certificate dates and renewal over real mutual TLS on 127.0.0.1, through the federation server
 * the node uses ({@code edge/FederationServerFactory}) and the node's partner channels: a partner
 * with an expired certificate is refused (and a server with one is refused by its client), and a
 * server renews its certificate while a stream it serves stays open. Time moves by a test clock.
 */
class CertificateRenewalEndToEndTest {
  private static final SecureRandom RNG = new SecureRandom();
  private static final Duration SKEW = Duration.ofMinutes(5);
  private static final Duration LIFETIME = Duration.ofDays(2);

  private final NodeKeys serverKeys = NodeKeys.generate(RNG);
  private final NodeKeys partnerKeys = NodeKeys.generate(RNG);
  private final Set<NodeId> partners = Set.of(partnerKeys.nodeId());
  private final TestClock clock = new TestClock(Instant.now());
  private final CertificateTimes times = new CertificateTimes(clock, LIFETIME, SKEW);
  private final HealthStatusManager health = new HealthStatusManager();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<Server> servers = new ArrayList<>();

  @AfterEach
  void stopAll() throws Exception {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (Server s : servers) {
      s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void partnerPresentingAnExpiredCertificate_isRefused_oneWithinTheSkewIsServed() throws Exception {
    int port = serve(new RenewingKeyManager(serverKeys, times));
    Instant now = clock.instant();

    X509Certificate expired =
        NodeCertificate.selfSigned(
            partnerKeys, now.minus(LIFETIME).minus(SKEW).minusSeconds(60), LIFETIME, SKEW);
    assertThatThrownBy(() -> check(partnerPresenting(expired, port)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e ->
                assertThat(e.getStatus().getCode())
                    .isIn(Status.Code.UNAVAILABLE, Status.Code.UNAUTHENTICATED));

    // Twin: the same key, expired less than the skew ago, is served.
    X509Certificate justExpired =
        NodeCertificate.selfSigned(
            partnerKeys, now.minus(LIFETIME).minusSeconds(60), LIFETIME, Duration.ZERO);
    assertThat(justExpired.getNotAfter().toInstant()).isBefore(now);
    assertThat(check(partnerPresenting(justExpired, port)).getStatus())
        .isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void serverPresentingAnExpiredCertificate_isRefusedByTheClient_inWordsForStatus()
      throws Exception {
    // The server's clock is ten days behind: the certificate it makes ended days ago.
    Clock behind = Clock.fixed(clock.instant().minus(Duration.ofDays(10)), ZoneOffset.UTC);
    int port =
        serve(new RenewingKeyManager(serverKeys, new CertificateTimes(behind, LIFETIME, SKEW)));

    ManagedChannel ch = partnerChannel(port);
    StatusRuntimeException e = catchStatus(() -> check(ch));
    assertThat(CertificateDatesException.in(e))
        .hasValueSatisfying(d -> assertThat(d.expired()).isTrue());
    assertThat(FeedHealth.words(e))
        .isEqualTo("the partner's certificate has expired, or its clock or this node's is wrong");

    // Twin: the same server with a right clock is reached by the same kind of channel.
    int good = serve(new RenewingKeyManager(serverKeys, times));
    assertThat(check(partnerChannel(good)).getStatus()).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void serverRenewsWhileAStreamStaysUp_andANewConnectionSeesTheNewCertificate() throws Exception {
    RenewingKeyManager serverKey = new RenewingKeyManager(serverKeys, times);
    int port = serve(serverKey);

    // A long-lived stream on the first connection, and the certificate it was opened with.
    CertCapture firstSeen = new CertCapture();
    ManagedChannel first = partnerChannel(port);
    BlockingQueue<ServingStatus> updates = new LinkedBlockingQueue<>();
    HealthGrpc.newStub(first)
        .withInterceptors(firstSeen)
        .watch(HealthCheckRequest.getDefaultInstance(), collect(updates));
    assertThat(updates.poll(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.SERVING);
    X509Certificate before = firstSeen.certs.get(0);

    // More than half the lifetime passes; the node's periodic check renews.
    clock.set(LIFETIME.dividedBy(2).plusHours(1));
    assertThat(serverKey.renewIfDue()).isTrue();

    // A new connection gets the new certificate: another serial, a later end, the same key.
    CertCapture secondSeen = new CertCapture();
    ManagedChannel second = partnerChannel(port);
    HealthGrpc.newBlockingStub(second)
        .withInterceptors(secondSeen)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance());
    X509Certificate after = secondSeen.certs.get(0);
    assertThat(after.getSerialNumber()).isNotEqualTo(before.getSerialNumber());
    assertThat(after.getNotAfter()).isAfter(before.getNotAfter());
    assertThat(after.getPublicKey()).isEqualTo(before.getPublicKey());
    assertThat(NodeCertificate.nodeIdOf(after)).isEqualTo(serverKeys.nodeId());

    // The stream opened before the renewal is still up: it receives the next update.
    health.setStatus("", ServingStatus.NOT_SERVING);
    assertThat(updates.poll(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.NOT_SERVING);
  }

  // --- helpers

  private int serve(RenewingKeyManager own) throws Exception {
    Server server =
        FederationServerFactory.builder(
                new InetSocketAddress("127.0.0.1", 0),
                own,
                own.times(),
                partners::contains,
                Keepalive.DEFAULTS,
                new RefusedMessages(partners::contains))
            .addService(health.getHealthService())
            .build()
            .start();
    servers.add(server);
    return server.getPort();
  }

  /** The partner's channel as a node makes it, on the test clock. */
  private ManagedChannel partnerChannel(int port) {
    TlsPartnerChannels ch =
        new TlsPartnerChannels(
            new RenewingKeyManager(partnerKeys, times), times, Keepalive.DEFAULTS);
    return track(ch.open(serverKeys.nodeId(), "127.0.0.1:" + port));
  }

  /** A partner client presenting exactly {@code cert}. */
  private ManagedChannel partnerPresenting(X509Certificate cert, int port) throws Exception {
    SslContext ctx =
        GrpcSslContexts.configure(
                SslContextBuilder.forClient()
                    .keyManager(NodeCertificate.privateKey(partnerKeys), cert)
                    .trustManager(PartnerTrustManager.forExpected(serverKeys.nodeId(), times))
                    .endpointIdentificationAlgorithm(null),
                SslProvider.JDK)
            .protocols(FederationTls.TLS_1_3)
            .build();
    return track(NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(ctx).build());
  }

  private ManagedChannel track(ManagedChannel ch) {
    channels.add(ch);
    return ch;
  }

  private static HealthCheckResponse check(Channel ch) {
    return HealthGrpc.newBlockingStub(ch)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance());
  }

  private static StatusRuntimeException catchStatus(Runnable r) {
    try {
      r.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("the call succeeded");
  }

  private static StreamObserver<HealthCheckResponse> collect(BlockingQueue<ServingStatus> q) {
    return new StreamObserver<>() {
      @Override
      public void onNext(HealthCheckResponse r) {
        q.add(r.getStatus());
      }

      @Override
      public void onError(Throwable t) {
        q.add(ServingStatus.UNRECOGNIZED);
      }

      @Override
      public void onCompleted() {
        q.add(ServingStatus.UNRECOGNIZED);
      }
    };
  }

  /** Records, on the client, the certificate the server presented on the call's connection. */
  private static final class CertCapture implements ClientInterceptor {
    final List<X509Certificate> certs = new CopyOnWriteArrayList<>();

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
        MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
      ClientCall<ReqT, RespT> call = next.newCall(method, options);
      return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
        @Override
        public void start(Listener<RespT> listener, Metadata headers) {
          super.start(
              new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                @Override
                public void onHeaders(Metadata responseHeaders) {
                  try {
                    certs.add(
                        (X509Certificate)
                            call.getAttributes()
                                .get(Grpc.TRANSPORT_ATTR_SSL_SESSION)
                                .getPeerCertificates()[0]);
                  } catch (Exception e) {
                    throw new AssertionError(e);
                  }
                  super.onHeaders(responseHeaders);
                }
              },
              headers);
        }
      };
    }
  }
}
