package org.bdx.node.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.junit.jupiter.api.Test;

class NodeCertificateTest {
  private static final SecureRandom RNG = new SecureRandom();
  private final NodeKeys keys = NodeKeys.generate(RNG);

  @Test
  void selfSignedCertificateCarriesTheNodeKeyAndName() throws Exception {
    Instant now = Instant.parse("2026-11-01T12:00:00Z");
    X509Certificate cert = NodeCertificate.selfSigned(keys, now);

    assertThat(NodeCertificate.nodeIdOf(cert)).isEqualTo(keys.nodeId());
    assertThat(NodeCertificate.ed25519PublicKey(cert)).isEqualTo(keys.publicKey());
    assertThat(cert.getVersion()).isEqualTo(3);
    assertThat(cert.getSigAlgName()).isEqualTo("Ed25519");
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=" + keys.nodeId());
    assertThat(cert.getIssuerX500Principal()).isEqualTo(cert.getSubjectX500Principal());
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(now.minus(Duration.ofMinutes(5)));
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofDays(7)));
    assertThat(cert.getSerialNumber().signum()).isPositive();
    assertThat(cert.getBasicConstraints()).isEqualTo(-1); // not a CA
    assertThat(cert.getKeyUsage()[0]).isTrue(); // digitalSignature
    assertThat(cert.getExtendedKeyUsage())
        .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    cert.verify(cert.getPublicKey()); // self-signed with the node key
    cert.checkValidity(java.util.Date.from(now));
  }

  @Test
  void eachCertificateHasItsOwnSerial() {
    Instant now = Instant.now();
    assertThat(NodeCertificate.selfSigned(keys, now).getSerialNumber())
        .isNotEqualTo(NodeCertificate.selfSigned(keys, now).getSerialNumber());
  }

  @Test
  void theTlsPrivateKeyIsTheNodeKey() throws Exception {
    java.security.Signature s = java.security.Signature.getInstance("Ed25519");
    s.initSign(NodeCertificate.privateKey(keys));
    byte[] message = "bdx".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    s.update(message);
    byte[] jdkSignature = s.sign();
    // Ed25519 is deterministic: the JDK key and the node key sign identically.
    assertThat(jdkSignature).isEqualTo(keys.sign(message));
    assertThat(NodeKeys.verify(keys.publicKey(), message, jdkSignature)).isTrue();
  }

  @Test
  void identityComesFromTheKeyNotTheName() throws Exception {
    NodeKeys other = NodeKeys.generate(RNG);
    // Subject claims `other`'s id; the key is ours.
    X509Certificate liar =
        TestCerts.selfSigned(
            other.nodeId().value(),
            NodeCertificate.publicKey(keys.publicKey()),
            NodeCertificate.privateKey(keys),
            "Ed25519");
    assertThat(NodeCertificate.nodeIdOf(liar)).isEqualTo(keys.nodeId());
  }

  @Test
  void nonEd25519CertificateIsRejected() throws Exception {
    X509Certificate ec = TestCerts.p256(keys.nodeId().value());
    assertThatThrownBy(() -> NodeCertificate.nodeIdOf(ec))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("not an Ed25519 key");
  }

  @Test
  void nullCertificateIsRejected() {
    assertThatThrownBy(() -> NodeCertificate.nodeIdOf(null))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void trustManagerAcceptsOnlyWhatThePredicateAccepts() throws Exception {
    X509Certificate cert = NodeCertificate.selfSigned(keys, Instant.now());
    X509Certificate[] chain = {cert};
    assertThat(PartnerTrustManager.forPartners(Set.of(keys.nodeId())::contains).check(chain))
        .isEqualTo(keys.nodeId());
    assertThat(PartnerTrustManager.forExpected(keys.nodeId()).check(chain))
        .isEqualTo(keys.nodeId());

    NodeId someoneElse = NodeKeys.generate(RNG).nodeId();
    assertThatThrownBy(() -> PartnerTrustManager.forExpected(someoneElse).check(chain))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining(keys.nodeId().fingerprint())
        .hasMessageContaining(someoneElse.fingerprint());
    assertThatThrownBy(() -> PartnerTrustManager.forPartners(id -> false).check(chain))
        .isInstanceOf(CertificateException.class)
        .hasMessage("node " + keys.nodeId().fingerprint() + " is not a registered partner");
  }

  @Test
  void trustManagerFailsClosedWhenThePredicateThrows() throws Exception {
    X509Certificate[] chain = {NodeCertificate.selfSigned(keys, Instant.now())};
    PartnerTrustManager tm =
        PartnerTrustManager.forPartners(
            id -> {
              throw new IllegalStateException("database is locked");
            });
    assertThatThrownBy(() -> tm.check(chain)).isInstanceOf(CertificateException.class);
  }

  @Test
  void trustManagerRejectsChainsThatAreNotOneCertificate() throws Exception {
    X509Certificate cert = NodeCertificate.selfSigned(keys, Instant.now());
    PartnerTrustManager tm = PartnerTrustManager.forPartners(id -> true);
    assertThatThrownBy(() -> tm.check(new X509Certificate[0]))
        .isInstanceOf(CertificateException.class);
    assertThatThrownBy(() -> tm.check(null)).isInstanceOf(CertificateException.class);
    assertThatThrownBy(() -> tm.check(new X509Certificate[] {cert, cert}))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void trustManagerRejectsACertificateWithABrokenSelfSignature() throws Exception {
    X509Certificate good = NodeCertificate.selfSigned(keys, Instant.now());
    byte[] der = good.getEncoded();
    der[der.length - 5] ^= 0x01; // inside the signature value, the last field of the DER
    X509Certificate garbled = TestCerts.parse(der);
    assertThat(NodeCertificate.nodeIdOf(garbled)).isEqualTo(keys.nodeId());
    assertThatThrownBy(
            () ->
                PartnerTrustManager.forPartners(id -> true).check(new X509Certificate[] {garbled}))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("not validly self-signed");
  }

  @Test
  void trustManagerRejectsACertificateSignedByAnotherKey() throws Exception {
    NodeKeys other = NodeKeys.generate(RNG);
    X509Certificate cert =
        TestCerts.selfSigned(
            keys.nodeId().value(),
            NodeCertificate.publicKey(keys.publicKey()),
            NodeCertificate.privateKey(other),
            "Ed25519");
    assertThatThrownBy(
            () -> PartnerTrustManager.forPartners(id -> true).check(new X509Certificate[] {cert}))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void rejectionMessagesContainNoKeyBytes() throws Exception {
    X509Certificate[] chain = {NodeCertificate.selfSigned(keys, Instant.now())};
    String hex = HexFormat.of().formatHex(keys.publicKey());
    assertThatThrownBy(() -> PartnerTrustManager.forPartners(id -> false).check(chain))
        .satisfies(
            e -> {
              assertThat(e.getMessage()).doesNotContain(hex);
              assertThat(e.getMessage()).doesNotContain(keys.nodeId().value());
            });
  }
}
