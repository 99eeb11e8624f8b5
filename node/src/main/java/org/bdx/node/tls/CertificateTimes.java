package org.bdx.node.tls;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The times that govern federation certificates (spec FED-TLS-2, FED-TLS-5): the clock they are
 * made and checked by, how long this node's own certificates are valid, and the clock skew it
 * tolerates in a peer's certificate dates (the same skew as for alert dates, TIME-1).
 *
 * @param clock the node's clock
 * @param lifetime how long a certificate this node makes is valid: 1 to 30 days
 * @param maxClockSkew how far clocks may differ: 0 to 1 day; own certificates start this long
 *     before they are made, and a peer's certificate is accepted this long outside its dates
 */
public record CertificateTimes(Clock clock, Duration lifetime, Duration maxClockSkew) {
  public static final Duration MIN_LIFETIME = Duration.ofDays(1);
  public static final Duration MAX_LIFETIME = Duration.ofDays(30);
  public static final Duration DEFAULT_LIFETIME = Duration.ofDays(7);
  public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofSeconds(300);
  private static final Duration MAX_SKEW = Duration.ofDays(1);

  public CertificateTimes {
    Objects.requireNonNull(clock, "clock");
    if (lifetime == null
        || lifetime.compareTo(MIN_LIFETIME) < 0
        || lifetime.compareTo(MAX_LIFETIME) > 0) {
      throw new IllegalArgumentException("a certificate's lifetime must be between 1 and 30 days");
    }
    if (maxClockSkew == null || maxClockSkew.isNegative() || maxClockSkew.compareTo(MAX_SKEW) > 0) {
      throw new IllegalArgumentException("the tolerated clock skew must be between 0 and 1 day");
    }
  }

  /** The system clock, a 7-day lifetime and 5 minutes of skew. */
  public static CertificateTimes defaults() {
    return new CertificateTimes(Clock.systemUTC(), DEFAULT_LIFETIME, DEFAULT_MAX_CLOCK_SKEW);
  }
}
