package org.bdx.node.tls;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates that a BDX node would never make, for negative tests. */
final class TestCerts {
  private TestCerts() {}

  /** A self-signed certificate with any subject, key and signature algorithm. */
  static X509Certificate selfSigned(
      String commonName, PublicKey publicKey, PrivateKey signingKey, String signatureAlgorithm)
      throws Exception {
    X500Name name = new X500Name("CN=" + commonName);
    Instant now = Instant.now();
    byte[] der =
        new JcaX509v3CertificateBuilder(
                name,
                BigInteger.valueOf(42),
                Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(1))),
                name,
                publicKey)
            .build(new JcaContentSignerBuilder(signatureAlgorithm).build(signingKey))
            .getEncoded();
    return parse(der);
  }

  /** A self-signed EC P-256 certificate. */
  static X509Certificate p256(String commonName) throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = gen.generateKeyPair();
    return selfSigned(commonName, pair.getPublic(), pair.getPrivate(), "SHA256withECDSA");
  }

  static X509Certificate parse(byte[] der) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
  }
}
