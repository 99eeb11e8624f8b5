package org.bdx.node.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.bdx.node.identity.NodeKeys;
import org.junit.jupiter.api.Test;

class RenewingKeyManagerTest {
  private static final Instant T0 = Instant.parse("2026-11-01T12:00:00Z");
  private static final Duration SKEW = Duration.ofMinutes(5);

  private final NodeKeys keys = NodeKeys.generate(new SecureRandom());
  private final TestClock clock = new TestClock(T0);
  private final RenewingKeyManager km =
      new RenewingKeyManager(keys, new CertificateTimes(clock, Duration.ofDays(7), SKEW));

  @Test
  void certificate_isShortLived_andBackdatedByTheSkew() throws Exception {
    X509Certificate c = km.certificate();
    assertThat(c.getNotBefore().toInstant()).isEqualTo(T0.minus(SKEW));
    assertThat(c.getNotAfter().toInstant()).isEqualTo(T0.plus(Duration.ofDays(7)));
    assertThat(NodeCertificate.nodeIdOf(c)).isEqualTo(keys.nodeId());
  }

  @Test
  void renewIfDue_withMoreThanHalfItsLifeLeft_keepsTheCertificate() {
    X509Certificate first = km.certificate();
    clock.set(Duration.ofDays(3));
    assertThat(km.renewIfDue()).isFalse();
    assertThat(km.certificate()).isSameAs(first);
  }

  @Test
  void renewIfDue_nearItsEnd_replacesItWithTheSameKeyAndNodeId() throws Exception {
    X509Certificate first = km.certificate();
    clock.set(Duration.ofDays(4));

    assertThat(km.renewIfDue()).isTrue();

    X509Certificate renewed = km.certificate();
    assertThat(renewed.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
    assertThat(renewed.getNotAfter().toInstant()).isEqualTo(T0.plus(Duration.ofDays(11)));
    assertThat(renewed.getNotBefore().toInstant())
        .isEqualTo(T0.plus(Duration.ofDays(4)).minus(SKEW));
    assertThat(renewed.getPublicKey()).isEqualTo(first.getPublicKey());
    assertThat(NodeCertificate.nodeIdOf(renewed)).isEqualTo(keys.nodeId());
    renewed.verify(first.getPublicKey());
    // Renewed once: not again until half of the new one's life has passed.
    assertThat(km.renewIfDue()).isFalse();
  }

  @Test
  void handshakeLookup_renewsADueCertificate() {
    X509Certificate first = km.getCertificateChain(RenewingKeyManager.ALIAS)[0];
    clock.set(Duration.ofDays(30)); // long expired: a node that was suspended for weeks
    X509Certificate[] chain = km.getCertificateChain(RenewingKeyManager.ALIAS);
    assertThat(chain).hasSize(1);
    assertThat(chain[0].getSerialNumber()).isNotEqualTo(first.getSerialNumber());
    assertThat(chain[0].getNotAfter().toInstant()).isEqualTo(T0.plus(Duration.ofDays(37)));
  }

  @Test
  void clockMovedBackBeforeTheCertificateStarts_renews() {
    X509Certificate first = km.certificate();
    clock.set(Duration.ofHours(-1));
    assertThat(km.renewIfDue()).isTrue();
    assertThat(km.certificate().getNotBefore()).isBefore(first.getNotBefore());
  }

  @Test
  void aliases_onlyForTheNodeKeyType() {
    assertThat(km.chooseEngineServerAlias("EdDSA", null, null)).isEqualTo("node");
    assertThat(km.chooseEngineClientAlias(new String[] {"RSA", "EdDSA"}, null, null))
        .isEqualTo("node");
    assertThat(km.chooseEngineServerAlias("RSA", null, null)).isNull();
    assertThat(km.getPrivateKey("node")).isNotNull();
    assertThat(km.getPrivateKey("other")).isNull();
    assertThat(km.getCertificateChain("other")).isNull();
    assertThat(km.toString()).contains("redacted");
  }
}
