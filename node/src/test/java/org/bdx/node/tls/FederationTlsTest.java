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
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.SSLSession;
import org.bdx.node.edge.FederationServerFactory;
import org.bdx.node.edge.PeerIdentity;
import org.bdx.node.edge.PeerIdentityInterceptor;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real Netty servers with TLS on 127.0.0.1; every refusal has a twin that succeeds. Mutual TLS is
 * the subject; the servers are built by {@code edge/FederationServerFactory}, and two tests check
 * the per-call re-check of {@code edge/PeerIdentityInterceptor} where the handshake cannot refuse.
 */
class FederationTlsTest {
  private static final SecureRandom RNG = new SecureRandom();

  private final NodeKeys serverKeys = NodeKeys.generate(RNG);
  private final NodeKeys partnerKeys = NodeKeys.generate(RNG);
  private final NodeKeys strangerKeys = NodeKeys.generate(RNG);

  /** The server's partner registry; mutable so tests can remove a partner. */
  private final Set<NodeId> partners = ConcurrentHashMap.newKeySet();

  /** Node ids the service saw through {@link PeerIdentity#current()}, one per call. */
  private final List<NodeId> identifiedCalls = new CopyOnWriteArrayList<>();

  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<Server> servers = new ArrayList<>();
  private int port;

  @BeforeEach
  void startServer() throws Exception {
    partners.add(partnerKeys.nodeId());
    port = start(serverKeys, partners::contains);
  }

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
  void prepareInBackground_completes_andPreparesTheClassServerContextsAre() throws Exception {
    FederationTls.prepareInBackground().get(60, java.util.concurrent.TimeUnit.SECONDS);
    // Twin: the name it prepares is the class netty builds for a server context, so a renamed
    // class in a later netty fails here rather than silently preparing nothing.
    SslContext server = FederationTls.serverContext(serverKeys, id -> true);
    assertThat(server.getClass().getName()).isEqualTo(FederationTls.NETTY_JDK_SERVER_CONTEXT);
  }

  // (a)
  @Test
  void registeredPartnerIsServedAndBothSidesKnowEachOther() {
    ServerIdCapture serverSeen = new ServerIdCapture();
    ManagedChannel ch = partnerChannel(partnerKeys, serverKeys.nodeId(), port);

    HealthCheckResponse response = check(ch, serverSeen);

    assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(identifiedCalls).containsExactly(partnerKeys.nodeId());
    assertThat(serverSeen.ids).containsExactly(serverKeys.nodeId());
  }

  @Test
  void hostNameIsNotVerified() {
    // The certificate names no host at all; "localhost" must work as well as the IP address.
    ManagedChannel ch =
        track(new TlsPartnerChannels(partnerKeys).open(serverKeys.nodeId(), "localhost:" + port));
    check(ch, new ServerIdCapture());
    assertThat(identifiedCalls).containsExactly(partnerKeys.nodeId());
  }

  // (b)
  @Test
  void strangerWithAValidCertificateIsRefused() {
    ManagedChannel ch = partnerChannel(strangerKeys, serverKeys.nodeId(), port);
    assertRefused(ch);
  }

  // (c)
  @Test
  void certificateNamingAPartnerButCarryingAnotherKeyIsRefused() throws Exception {
    PrivateKey strangerKey = NodeCertificate.privateKey(strangerKeys);
    X509Certificate impostor =
        TestCerts.selfSigned(
            partnerKeys.nodeId().value(), // CN claims to be the partner
            NodeCertificate.publicKey(strangerKeys.publicKey()),
            strangerKey,
            "Ed25519");
    SslContext ctx =
        jdkClient(
            SslContextBuilder.forClient()
                .keyManager(strangerKey, impostor)
                .trustManager(PartnerTrustManager.forExpected(serverKeys.nodeId())));
    assertRefused(channel(ctx, port));

    // Twin: the same hand-built path with the partner's real key is served.
    PrivateKey partnerKey = NodeCertificate.privateKey(partnerKeys);
    X509Certificate real =
        TestCerts.selfSigned(
            "anything at all",
            NodeCertificate.publicKey(partnerKeys.publicKey()),
            partnerKey,
            "Ed25519");
    SslContext good =
        jdkClient(
            SslContextBuilder.forClient()
                .keyManager(partnerKey, real)
                .trustManager(PartnerTrustManager.forExpected(serverKeys.nodeId())));
    check(channel(good, port), new ServerIdCapture());
    assertThat(identifiedCalls).containsExactly(partnerKeys.nodeId());
  }

  // (d)
  @Test
  void clientWithoutCertificateIsRefused() throws Exception {
    SslContext ctx =
        jdkClient(SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE));
    assertRefused(channel(ctx, port));
  }

  // (e)
  @Test
  void clientRefusesAServerThatIsNotTheExpectedPartner() throws Exception {
    // A server run by the stranger, which would happily serve our partner.
    Set<NodeId> strangerPartners = Set.of(partnerKeys.nodeId());
    int strangerPort = start(strangerKeys, strangerPartners::contains);

    ManagedChannel ch = partnerChannel(partnerKeys, serverKeys.nodeId(), strangerPort);
    assertRefused(ch);

    // Twin: expecting the stranger's id, the same client reaches the same server.
    check(partnerChannel(partnerKeys, strangerKeys.nodeId(), strangerPort), new ServerIdCapture());
    assertThat(identifiedCalls).containsExactly(partnerKeys.nodeId());
  }

  // (f)
  @Test
  void plaintextClientFails() {
    ManagedChannel ch =
        track(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
    assertRefused(ch);
  }

  // (g)
  @Test
  void removingAPartnerRefusesItsNewConnectionsAndItsNextCall() {
    ManagedChannel open = partnerChannel(partnerKeys, serverKeys.nodeId(), port);
    check(open, new ServerIdCapture());
    assertThat(identifiedCalls).containsExactly(partnerKeys.nodeId());

    partners.remove(partnerKeys.nodeId());
    identifiedCalls.clear();

    // A new connection fails its handshake.
    assertRefused(partnerChannel(partnerKeys, serverKeys.nodeId(), port));
    // The connection that was already open is refused at its next call (per-call re-check).
    assertThatThrownBy(() -> check(open, new ServerIdCapture()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo(PeerIdentityInterceptor.REFUSAL)
                  .doesNotContain(partnerKeys.nodeId().fingerprint());
            });
    assertThat(identifiedCalls).isEmpty();

    // Adding it back takes effect for the next connection without a restart.
    partners.add(partnerKeys.nodeId());
    check(partnerChannel(partnerKeys, serverKeys.nodeId(), port), new ServerIdCapture());
    assertThat(identifiedCalls).containsExactly(partnerKeys.nodeId());
  }

  @Test
  void resumedTlsSessionOfARemovedPartnerIsStillRefusedAtTheCall() throws Exception {
    // JDK TLS 1.3 resumes sessions from a shared SslContext with a PSK and then does not consult
    // the trust manager again (observed with JDK 25). The per-call check is what refuses it.
    SslContext shared = FederationTls.clientContext(partnerKeys, serverKeys.nodeId());
    check(channel(shared, port), new ServerIdCapture());
    assertThat(identifiedCalls).containsExactly(partnerKeys.nodeId());

    partners.remove(partnerKeys.nodeId());
    identifiedCalls.clear();

    assertRefused(channel(shared, port));
  }

  @Test
  void tlsVersionIsOnePointThree() {
    ServerIdCapture seen = new ServerIdCapture();
    check(partnerChannel(partnerKeys, serverKeys.nodeId(), port), seen);
    assertThat(seen.protocols).containsExactly("TLSv1.3");
  }

  @Test
  void clientOfferingOnlyTls12IsRefused() throws Exception {
    SslContext ctx =
        GrpcSslContexts.configure(
                SslContextBuilder.forClient()
                    .keyManager(
                        NodeCertificate.privateKey(partnerKeys),
                        NodeCertificate.selfSigned(partnerKeys, java.time.Instant.now()))
                    .trustManager(PartnerTrustManager.forExpected(serverKeys.nodeId())),
                SslProvider.JDK)
            .protocols("TLSv1.2")
            .build();
    assertRefused(channel(ctx, port));
  }

  // --- helpers

  private int start(NodeKeys keys, Predicate<NodeId> isPartner) throws Exception {
    HealthStatusManager health = new HealthStatusManager();
    Server server =
        FederationServerFactory.builder(new InetSocketAddress("127.0.0.1", 0), keys, isPartner)
            .addService(ServerInterceptors.intercept(health.getHealthService(), new Recorder()))
            .build()
            .start();
    servers.add(server);
    return server.getPort();
  }

  private ManagedChannel partnerChannel(NodeKeys client, NodeId expectedServer, int serverPort) {
    return track(new TlsPartnerChannels(client).open(expectedServer, "127.0.0.1:" + serverPort));
  }

  private ManagedChannel channel(SslContext ctx, int serverPort) {
    return track(NettyChannelBuilder.forAddress("127.0.0.1", serverPort).sslContext(ctx).build());
  }

  private ManagedChannel track(ManagedChannel ch) {
    channels.add(ch);
    return ch;
  }

  private static SslContext jdkClient(SslContextBuilder builder) throws Exception {
    return GrpcSslContexts.configure(builder, SslProvider.JDK)
        .protocols(FederationTls.TLS_1_3)
        .build();
  }

  private static HealthCheckResponse check(Channel ch, ServerIdCapture capture) {
    return HealthGrpc.newBlockingStub(ch)
        .withInterceptors(capture)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance());
  }

  /** The call fails as refused or unreachable, and the service saw no identified call. */
  private void assertRefused(ManagedChannel ch) {
    assertThatThrownBy(() -> check(ch, new ServerIdCapture()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e ->
                assertThat(e.getStatus().getCode())
                    .isIn(Status.Code.UNAVAILABLE, Status.Code.UNAUTHENTICATED));
    assertThat(identifiedCalls).isEmpty();
  }

  /** Runs inside the federation interceptor, where the service would; records the peer. */
  private final class Recorder implements ServerInterceptor {
    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      identifiedCalls.add(PeerIdentity.current());
      return next.startCall(call, headers);
    }
  }

  /** Records, on the client, the node id of the server's certificate and the TLS version. */
  private static final class ServerIdCapture implements ClientInterceptor {
    final List<NodeId> ids = new CopyOnWriteArrayList<>();
    final List<String> protocols = new CopyOnWriteArrayList<>();

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
                  SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
                  try {
                    ids.add(
                        NodeCertificate.nodeIdOf(
                            (X509Certificate) session.getPeerCertificates()[0]));
                    protocols.add(session.getProtocol());
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
