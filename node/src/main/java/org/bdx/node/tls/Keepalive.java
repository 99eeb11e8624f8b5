package org.bdx.node.tls;

import java.time.Duration;
import java.util.Objects;

/**
 * HTTP/2 keepalive timings of the federation transport (spec FED-TLS-10, FEED-11): how a node
 * notices a partner that stopped answering without closing the connection. The client side pings
 * after {@code clientTime} without reads and gives up after {@code clientTimeout}; the server side
 * likewise with {@code serverTime} and {@code serverTimeout}. A dead connection ends its calls, so
 * the receiver's feed client reconnects and the sender's feed drops the stream.
 *
 * <p>Production uses {@link #DEFAULTS}; tests pass shorter timings. gRPC clamps the client ping
 * interval to at least 10 seconds.
 */
public record Keepalive(
    Duration clientTime, Duration clientTimeout, Duration serverTime, Duration serverTimeout) {
  /** The server pings an idle connection after this long, to notice a partner that vanished. */
  public static final long SERVER_KEEPALIVE_SECONDS = 60;

  public static final long SERVER_KEEPALIVE_TIMEOUT_SECONDS = 20;

  /** 30 s / 10 s for the client, 60 s / 20 s for the server. */
  public static final Keepalive DEFAULTS =
      new Keepalive(
          Duration.ofSeconds(TlsPartnerChannels.KEEPALIVE_TIME_SECONDS),
          Duration.ofSeconds(TlsPartnerChannels.KEEPALIVE_TIMEOUT_SECONDS),
          Duration.ofSeconds(SERVER_KEEPALIVE_SECONDS),
          Duration.ofSeconds(SERVER_KEEPALIVE_TIMEOUT_SECONDS));

  public Keepalive {
    for (Duration d : new Duration[] {clientTime, clientTimeout, serverTime, serverTimeout}) {
      Objects.requireNonNull(d, "keepalive timing");
      if (d.toMillis() < 1 || d.compareTo(Duration.ofHours(2)) > 0) {
        throw new IllegalArgumentException("keepalive timings must be between 1 ms and 2 hours");
      }
    }
  }
}
