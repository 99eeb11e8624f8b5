package org.bdx.node.tls;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;
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

  private FederationTls() {}

  /**
   * A server context that requires a client certificate and accepts a client only if {@code
   * isPartner} accepts its node id at handshake time.
   */
  public static SslContext serverContext(NodeKeys keys, Predicate<NodeId> isPartner) {
    return serverContext(Credentials.of(keys), isPartner);
  }

  /** A client context that presents this node's certificate and accepts only {@code expected}. */
  public static SslContext clientContext(NodeKeys keys, NodeId expectedServer) {
    return clientContext(Credentials.of(keys), expectedServer);
  }

  static SslContext serverContext(Credentials own, Predicate<NodeId> isPartner) {
    Objects.requireNonNull(isPartner, "isPartner");
    SslContextBuilder builder =
        SslContextBuilder.forServer(own.privateKey(), own.certificate())
            .clientAuth(ClientAuth.REQUIRE)
            .trustManager(PartnerTrustManager.forPartners(isPartner));
    return build(builder);
  }

  static SslContext clientContext(Credentials own, NodeId expectedServer) {
    Objects.requireNonNull(expectedServer, "expectedServer");
    SslContextBuilder builder =
        SslContextBuilder.forClient()
            .keyManager(own.privateKey(), own.certificate())
            .trustManager(PartnerTrustManager.forExpected(expectedServer))
            // No host name check: the server is identified by its pinned key (FED-TLS-8). gRPC's
            // client handler still sets "HTTPS" on the engine when this is null, but the JDK
            // leaves endpoint identification to an X509ExtendedTrustManager such as ours, which
            // ignores it.
            .endpointIdentificationAlgorithm(null);
    return build(builder);
  }

  /**
   * A server context for the client API when it is served beyond loopback (spec API-2): the node's
   * own certificate, no client certificate (staff authenticate with their credential).
   */
  public static SslContext clientApiServerContext(NodeKeys keys) {
    Credentials own = Credentials.of(keys);
    return build(SslContextBuilder.forServer(own.privateKey(), own.certificate()));
  }

  /** A client context for a tool of the node's own staff: accepts only {@code node}'s key. */
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

  /** This node's private key and self-signed certificate, made once and reused. */
  record Credentials(PrivateKey privateKey, X509Certificate certificate) {
    static Credentials of(NodeKeys keys) {
      Objects.requireNonNull(keys, "keys");
      return new Credentials(
          NodeCertificate.privateKey(keys), NodeCertificate.selfSigned(keys, Instant.now()));
    }

    @Override
    public String toString() {
      return "Credentials{privateKey=<redacted>}";
    }
  }
}
