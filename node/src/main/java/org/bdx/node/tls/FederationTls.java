package org.bdx.node.tls;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import javax.net.ssl.SSLException;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;

/**
 * TLS contexts for federation (spec FED-TLS): TLS 1.3 only, mutual authentication with certificates
 * bound to node keys ({@link NodeCertificate}), peers accepted by node id ({@link
 * PartnerTrustManager}).
 *
 * <p><b>JDK TLS engine only.</b> grpc-netty-shaded picks its bundled BoringSSL engine by default,
 * and that engine fails the handshake with Ed25519 certificates: with grpc-netty-shaded 1.85.1 on
 * JDK 25, every pairing that has BoringSSL on either side ended in {@code internal_error} or {@code
 * handshake_failure}, while JDK server with JDK client worked. The JDK engine (SunJSSE, JDK 15 and
 * later) supports the {@code ed25519} TLS 1.3 signature scheme, so both contexts are built with
 * {@link SslProvider#JDK}. Other implementations may use any TLS stack that supports Ed25519.
 */
public final class FederationTls {
  /** Largest message a partner may send: a page of feed items, far above one alert. */
  public static final int MAX_MESSAGE_BYTES = 4 << 20;

  /** The only protocol version offered or accepted (FED-TLS-1). */
  public static final String TLS_1_3 = "TLSv1.3";

  /**
   * Netty's JDK server context, whose one-time set-up {@link #prepareInBackground} runs early.
   * Named as a string: the class is deprecated for direct use.
   */
  static final String NETTY_JDK_SERVER_CONTEXT =
      "io.grpc.netty.shaded.io.netty.handler.ssl.JdkSslServerContext";

  private FederationTls() {}

  /**
   * Runs, on a thread of its own, the one-time set-up the first server context pays: netty's JDK
   * server context checks once per process whether it can wrap trust managers by building a key
   * store around a throwaway key, about a fifth of a node's start-up on a 2-core machine (profiled
   * in docs/benchmarks.md, "Start-up and memory"). Started before the passphrase is derived, it
   * runs beside that instead of after it. A failure here is left for the real context to report.
   */
  public static CompletableFuture<Void> prepareInBackground() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                Class.forName(NETTY_JDK_SERVER_CONTEXT, true, FederationTls.class.getClassLoader());
                done.complete(null);
              } catch (ClassNotFoundException | LinkageError e) {
                done.completeExceptionally(e);
              }
            },
            "bdx-tls-prepare");
    t.setDaemon(true);
    t.start();
    return done;
  }

  /**
   * A server context that requires a client certificate and accepts a client only if {@code
   * isPartner} accepts its node id at handshake time; reference certificate times.
   */
  public static SslContext serverContext(NodeKeys keys, Predicate<NodeId> isPartner) {
    CertificateTimes times = CertificateTimes.defaults();
    return serverContext(new RenewingKeyManager(keys, times), isPartner, times);
  }

  /** A client context that presents this node's certificate and accepts only {@code expected}. */
  public static SslContext clientContext(NodeKeys keys, NodeId expectedServer) {
    CertificateTimes times = CertificateTimes.defaults();
    return clientContext(new RenewingKeyManager(keys, times), expectedServer, times);
  }

  /**
   * A server context presenting {@code own}'s current certificate at each handshake, requiring a
   * client certificate that {@code isPartner} accepts and whose dates hold by {@code times}.
   */
  public static SslContext serverContext(
      RenewingKeyManager own, Predicate<NodeId> isPartner, CertificateTimes times) {
    Objects.requireNonNull(own, "own");
    Objects.requireNonNull(isPartner, "isPartner");
    SslContextBuilder builder =
        SslContextBuilder.forServer(own)
            .clientAuth(ClientAuth.REQUIRE)
            .trustManager(
                PartnerTrustManager.forPartners(isPartner, times).withPeerKeys(own.peerKeys()));
    return build(builder);
  }

  /**
   * A client context presenting {@code own}'s current certificate at each handshake, accepting only
   * {@code expectedServer} with a certificate whose dates hold by {@code times}.
   */
  public static SslContext clientContext(
      RenewingKeyManager own, NodeId expectedServer, CertificateTimes times) {
    Objects.requireNonNull(own, "own");
    Objects.requireNonNull(expectedServer, "expectedServer");
    SslContextBuilder builder =
        SslContextBuilder.forClient()
            .keyManager(own)
            .trustManager(
                PartnerTrustManager.forExpected(expectedServer, times).withPeerKeys(own.peerKeys()))
            // No host name check: the server is identified by its pinned key (FED-TLS-8). gRPC's
            // client handler still sets "HTTPS" on the engine when this is null, but the JDK
            // leaves endpoint identification to an X509ExtendedTrustManager such as ours, which
            // ignores it.
            .endpointIdentificationAlgorithm(null)
            // A resumed session skips the trust manager: a partner's server whose key was revoked
            // since (spec KEY-20) must go through it again. Sessions expire after a second, so
            // every reconnect is a full handshake; federation connections are long-lived.
            .sessionTimeout(1);
    return build(builder);
  }

  /**
   * A server context for the client API when it is served beyond loopback (spec API-2): the node's
   * own certificate, no client certificate (staff authenticate with their credential).
   */
  public static SslContext clientApiServerContext(NodeKeys keys) {
    return clientApiServerContext(new RenewingKeyManager(keys, CertificateTimes.defaults()));
  }

  /** As above, presenting {@code own}'s current certificate at each handshake. */
  public static SslContext clientApiServerContext(RenewingKeyManager own) {
    Objects.requireNonNull(own, "own");
    return build(SslContextBuilder.forServer(own));
  }

  /**
   * A client context for a tool of the node's own staff: accepts only {@code node}'s key. The
   * certificate's dates are not checked: the tool pins its own node, and may run on a machine whose
   * clock no partner depends on.
   */
  public static SslContext clientApiClientContext(NodeId node) {
    Objects.requireNonNull(node, "node");
    return build(
        SslContextBuilder.forClient()
            .trustManager(PartnerTrustManager.forExpected(node))
            .endpointIdentificationAlgorithm(null)); // pinned by key, as in clientContext
  }

  private static SslContext build(SslContextBuilder builder) {
    GrpcSslContexts.configure(builder, SslProvider.JDK).protocols(TLS_1_3);
    try {
      return builder.build();
    } catch (SSLException e) {
      throw new IllegalStateException(
          "could not set up federation TLS: " + e.getClass().getSimpleName(), e);
    }
  }
}
