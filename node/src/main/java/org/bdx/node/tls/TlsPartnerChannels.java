package org.bdx.node.tls;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.bdx.node.home.NodeConfig.HostPort;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;

/**
 * {@link PartnerChannels} over mutual TLS (spec FED-TLS): the channel presents this node's
 * certificate and completes a handshake only with a server whose certificate key is the partner's.
 * The host name in the endpoint is used to connect and as the HTTP/2 authority, never to
 * authenticate the server.
 */
public final class TlsPartnerChannels implements PartnerChannels {
  /** Client keepalive (FED-TLS-10): a ping after this long without reads. */
  public static final long KEEPALIVE_TIME_SECONDS = 30;

  /** A partner that does not answer a ping within this long is treated as gone. */
  public static final long KEEPALIVE_TIMEOUT_SECONDS = 10;

  private final RenewingKeyManager own;
  private final CertificateTimes times;
  private final Keepalive keepalive;

  public TlsPartnerChannels(NodeKeys keys) {
    this(keys, Keepalive.DEFAULTS);
  }

  /** With other keepalive timings (tests shorten them); reference certificate times. */
  public TlsPartnerChannels(NodeKeys keys, Keepalive keepalive) {
    this(
        new RenewingKeyManager(keys, CertificateTimes.defaults()),
        CertificateTimes.defaults(),
        keepalive);
  }

  /**
   * Presenting {@code own}'s current certificate (shared with the node's server, so both renew
   * together) and checking servers' certificate dates by {@code times}.
   */
  public TlsPartnerChannels(RenewingKeyManager own, CertificateTimes times, Keepalive keepalive) {
    this.own = Objects.requireNonNull(own, "own");
    this.times = Objects.requireNonNull(times, "times");
    this.keepalive = Objects.requireNonNull(keepalive, "keepalive");
  }

  @Override
  public ManagedChannel open(NodeId partner, String endpoint) {
    Objects.requireNonNull(partner, "partner");
    HostPort address = HostPort.parse(endpoint);
    if (address.port() == 0) {
      throw new IllegalArgumentException("a partner endpoint needs a port other than 0");
    }
    // One SslContext per channel: its TLS session cache is then never shared between partners.
    return NettyChannelBuilder.forAddress(address.host(), address.port())
        .sslContext(FederationTls.clientContext(own, partner, times))
        .keepAliveTime(keepalive.clientTime().toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveTimeout(keepalive.clientTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveWithoutCalls(true)
        .maxInboundMessageSize(FederationTls.MAX_MESSAGE_BYTES)
        .build();
  }
}
