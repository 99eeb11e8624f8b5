package org.bdx.node.edge;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.sync.RefusedMessages;
import org.bdx.node.tls.CertificateTimes;
import org.bdx.node.tls.FederationTls;
import org.bdx.node.tls.Keepalive;
import org.bdx.node.tls.RenewingKeyManager;

/**
 * The federation server's transport (spec FED-TLS): mutual TLS 1.3 that admits only partners, with
 * message size and keepalive limits.
 *
 * <p>The returned builder already has a {@link PeerIdentityInterceptor} installed as a global
 * interceptor ({@code ServerBuilder.intercept}), so every service the caller adds runs with {@link
 * PeerIdentity#current()} set and refuses non-partners per call; callers need not wrap services
 * themselves. Do not add the client API or anything meant for non-partners to this server.
 */
public final class FederationServerFactory {

  /** Largest header block a partner may send. */
  public static final int MAX_INBOUND_METADATA_BYTES = 16 << 10;

  /** Partners may ping this often (a little more often than our clients do, every 30 s). */
  public static final long PERMIT_KEEPALIVE_SECONDS = 10;

  /** A connection without calls for this long is closed; a subscribed partner always has one. */
  public static final long MAX_CONNECTION_IDLE_MINUTES = 15;

  /** Calls one partner connection may run at once. */
  public static final int MAX_CONCURRENT_CALLS_PER_CONNECTION = 64;

  private FederationServerFactory() {}

  /**
   * A server builder bound to {@code address}, presenting {@code keys}' certificate and admitting
   * only clients whose node id {@code isPartner} accepts (checked at each handshake and again at
   * each call). The caller adds the federation services and builds.
   */
  public static NettyServerBuilder builder(
      InetSocketAddress address, NodeKeys keys, Predicate<NodeId> isPartner) {
    return builder(address, keys, isPartner, Keepalive.DEFAULTS);
  }

  /** As {@link #builder(InetSocketAddress, NodeKeys, Predicate)} with other keepalive timings. */
  public static NettyServerBuilder builder(
      InetSocketAddress address, NodeKeys keys, Predicate<NodeId> isPartner, Keepalive keepalive) {
    return builder(address, keys, isPartner, keepalive, new RefusedMessages(isPartner));
  }

  /**
   * As {@link #builder(InetSocketAddress, NodeKeys, Predicate, Keepalive)}, counting the partners'
   * refused calls in {@code refused} ({@link RefusedCallCounter}).
   */
  public static NettyServerBuilder builder(
      InetSocketAddress address,
      NodeKeys keys,
      Predicate<NodeId> isPartner,
      Keepalive keepalive,
      RefusedMessages refused) {
    CertificateTimes times = CertificateTimes.defaults();
    return builder(
        address, new RenewingKeyManager(keys, times), times, isPartner, keepalive, refused);
  }

  /**
   * As {@link #builder(InetSocketAddress, NodeKeys, Predicate, Keepalive, RefusedMessages)},
   * presenting {@code own}'s current certificate at each handshake (renewed while serving) and
   * checking clients' certificate dates by {@code times} (FED-TLS-5.5).
   */
  public static NettyServerBuilder builder(
      InetSocketAddress address,
      RenewingKeyManager own,
      CertificateTimes times,
      Predicate<NodeId> isPartner,
      Keepalive keepalive,
      RefusedMessages refused) {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(isPartner, "isPartner");
    Objects.requireNonNull(keepalive, "keepalive");
    Objects.requireNonNull(refused, "refused");
    return NettyServerBuilder.forAddress(address)
        .sslContext(FederationTls.serverContext(own, isPartner, times))
        .intercept(new PeerIdentityInterceptor(isPartner, own.peerKeys()))
        .addStreamTracerFactory(new RefusedCallCounter(isPartner, refused, own.peerKeys()))
        .maxInboundMessageSize(FederationTls.MAX_MESSAGE_BYTES)
        .maxInboundMetadataSize(MAX_INBOUND_METADATA_BYTES)
        .permitKeepAliveTime(PERMIT_KEEPALIVE_SECONDS, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .keepAliveTime(keepalive.serverTime().toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveTimeout(keepalive.serverTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .maxConnectionIdle(MAX_CONNECTION_IDLE_MINUTES, TimeUnit.MINUTES)
        .maxConcurrentCallsPerConnection(MAX_CONCURRENT_CALLS_PER_CONNECTION);
  }
}
