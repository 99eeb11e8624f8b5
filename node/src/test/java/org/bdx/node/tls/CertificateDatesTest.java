package org.bdx.node.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.sync.FeedHealth;
import org.junit.jupiter.api.Test;

/** FED-TLS-5.5: a peer's certificate dates are checked by this node's clock, with the skew. */
class CertificateDatesTest {
  private static final Instant NOW = Instant.parse("2026-11-01T12:00:00Z");
  private static final Duration SKEW = Duration.ofSeconds(300);
  private static final Duration DAY = Duration.ofDays(1);

  private final NodeKeys peer = NodeKeys.generate(new SecureRandom());
  private final CertificateTimes times =
      new CertificateTimes(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(7), SKEW);

  /** Both roles: a server checking its clients and a client checking its server. */
  private List<PartnerTrustManager> managers() {
    return List.of(
        PartnerTrustManager.forPartners(peer.nodeId()::equals, times),
        PartnerTrustManager.forExpected(peer.nodeId(), times));
  }

  /** A certificate of the peer's key ending at {@code end}, valid for a day before it. */
  private X509Certificate endingAt(Instant end) {
    return NodeCertificate.selfSigned(peer, end.minus(DAY), DAY, Duration.ZERO);
  }

  /** A certificate of the peer's key starting at {@code start}. */
  private X509Certificate startingAt(Instant start) {
    return NodeCertificate.selfSigned(peer, start, DAY, Duration.ZERO);
  }

  @Test
  void check_expiredBeyondTheSkew_isRefusedInBothRoles() {
    X509Certificate[] chain = {endingAt(NOW.minus(SKEW).minusSeconds(1))};
    for (PartnerTrustManager tm : managers()) {
      assertThatThrownBy(() -> tm.check(chain))
          .isInstanceOfSatisfying(
              CertificateDatesException.class,
              e -> {
                assertThat(e.expired()).isTrue();
                assertThat(e.getMessage())
                    .contains("expired", peer.nodeId().fingerprint(), "300 s");
              });
    }
  }

  @Test
  void check_expiredWithinTheSkew_isAcceptedInBothRoles() throws Exception {
    X509Certificate[] chain = {endingAt(NOW.minus(SKEW))};
    for (PartnerTrustManager tm : managers()) {
      assertThat(tm.check(chain)).isEqualTo(peer.nodeId());
    }
  }

  @Test
  void check_notYetValidBeyondTheSkew_isRefusedInBothRoles() {
    X509Certificate[] chain = {startingAt(NOW.plus(SKEW).plusSeconds(1))};
    for (PartnerTrustManager tm : managers()) {
      assertThatThrownBy(() -> tm.check(chain))
          .isInstanceOfSatisfying(
              CertificateDatesException.class, e -> assertThat(e.expired()).isFalse());
    }
  }

  @Test
  void check_startingWithinTheSkew_isAcceptedInBothRoles() throws Exception {
    X509Certificate[] chain = {startingAt(NOW.plus(SKEW))};
    for (PartnerTrustManager tm : managers()) {
      assertThat(tm.check(chain)).isEqualTo(peer.nodeId());
    }
  }

  @Test
  void check_withZeroSkew_refusesASecondPastTheEnd() throws Exception {
    CertificateTimes exact =
        new CertificateTimes(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(7), Duration.ZERO);
    PartnerTrustManager tm = PartnerTrustManager.forPartners(peer.nodeId()::equals, exact);
    assertThat(tm.check(new X509Certificate[] {endingAt(NOW)})).isEqualTo(peer.nodeId());
    assertThatThrownBy(() -> tm.check(new X509Certificate[] {endingAt(NOW.minusSeconds(1))}))
        .isInstanceOf(CertificateDatesException.class);
  }

  @Test
  void check_aStrangerWithAnExpiredCertificate_isRefusedAsAStranger() {
    NodeKeys stranger = NodeKeys.generate(new SecureRandom());
    X509Certificate old = NodeCertificate.selfSigned(stranger, NOW.minus(Duration.ofDays(30)));
    assertThatThrownBy(
            () ->
                PartnerTrustManager.forPartners(peer.nodeId()::equals, times)
                    .check(new X509Certificate[] {old}))
        .isNotInstanceOf(CertificateDatesException.class)
        .hasMessageContaining("is not a registered partner");
  }

  @Test
  void check_withoutTimes_ignoresTheDates() throws Exception {
    // The per-call check of an open connection: its handshake already checked the dates.
    X509Certificate[] chain = {endingAt(Instant.now().minus(Duration.ofDays(30)))};
    assertThat(PartnerTrustManager.forPartners(peer.nodeId()::equals).check(chain))
        .isEqualTo(peer.nodeId());
  }

  @Test
  void feedHealthWords_forAnExpiredCertificate_sayWhatToCheck() {
    var handshake = new javax.net.ssl.SSLHandshakeException("handshake failed");
    handshake.initCause(new CertificateDatesException("details", true));
    var refused = Status.UNAVAILABLE.withCause(handshake).asRuntimeException();
    assertThat(FeedHealth.words(refused))
        .isEqualTo("the partner's certificate has expired, or its clock or this node's is wrong");
    // Twin: an unreachable partner is told apart.
    assertThat(FeedHealth.words(Status.UNAVAILABLE.asRuntimeException()))
        .isEqualTo("the partner's node is not running or not reachable");
  }
}
