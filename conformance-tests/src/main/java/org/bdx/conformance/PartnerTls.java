package org.bdx.conformance;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Mutual TLS for the suite's partner nodes, written from spec section 7: a self-signed Ed25519
 * certificate per FED-TLS-2, TLS 1.3 only, peers accepted by the node id of their certificate key
 * (FED-TLS-3, FED-TLS-5) and never by host name (FED-TLS-8). Built on the JDK's TLS engine, which
 * handles Ed25519 certificates.
 */
public final class PartnerTls {
  private static final byte[] PKCS8_PREFIX = {
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
  };
  private static final byte[] SPKI_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  /** How long the suite's certificates are valid: the reference default (FED-TLS-2). */
  static final Duration LIFETIME = Duration.ofDays(7);

  /** How long before it is made a certificate starts: the reference default skew (TIME-1). */
  static final Duration BACKDATE = Duration.ofMinutes(5);

  final PrivateKey privateKey;
  final X509Certificate certificate;

  /** A certificate valid from {@link #BACKDATE} before now for {@link #LIFETIME}. */
  PartnerTls(SpecCrypto.Keys keys) {
    this(keys, Instant.now().minus(BACKDATE), Instant.now().plus(LIFETIME));
  }

  /** A certificate of {@code keys} valid from {@code notBefore} to {@code notAfter}. */
  PartnerTls(SpecCrypto.Keys keys, Instant notBefore, Instant notAfter) {
    try {
      byte[] pkcs8 = concat(PKCS8_PREFIX, keys.seed());
      this.privateKey =
          KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      PublicKey pub =
          KeyFactory.getInstance("Ed25519")
              .generatePublic(new X509EncodedKeySpec(concat(SPKI_PREFIX, keys.publicKey())));
      X500Name name = new X500Name("CN=" + keys.nodeId());
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              name,
              new BigInteger(127, SpecCrypto.RNG).setBit(126),
              Date.from(notBefore),
              Date.from(notAfter),
              name,
              pub);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      byte[] der = b.build(new JcaContentSignerBuilder("Ed25519").build(privateKey)).getEncoded();
      this.certificate =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(der));
    } catch (Exception e) {
      throw new IllegalStateException("cannot make the suite's TLS certificate", e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = new byte[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /**
   * FED-TLS-3: the node id of a certificate's key, or an exception if it is not 32-byte Ed25519.
   */
  public static String nodeIdOf(X509Certificate cert) throws CertificateException {
    SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(cert.getPublicKey().getEncoded());
    if (!EdECObjectIdentifiers.id_Ed25519.equals(spki.getAlgorithm().getAlgorithm())
        || spki.getAlgorithm().getParameters() != null
        || spki.getPublicKeyData().getPadBits() != 0
        || spki.getPublicKeyData().getOctets().length != 32) {
      throw new CertificateException("not a 32-byte Ed25519 key with absent parameters");
    }
    return SpecCrypto.nodeId(spki.getPublicKeyData().getOctets());
  }

  SslContext serverContext(Pinning trust) {
    return build(
        SslContextBuilder.forServer(privateKey, certificate)
            .clientAuth(ClientAuth.REQUIRE)
            .trustManager(trust));
  }

  SslContext clientContext(Pinning trust) {
    return build(
        SslContextBuilder.forClient()
            .keyManager(privateKey, certificate)
            .trustManager(trust)
            .endpointIdentificationAlgorithm(null));
  }

  /** A client context that presents no certificate at all (for FED-TLS-6). */
  static SslContext clientWithoutCertificate(Pinning trust) {
    return build(
        SslContextBuilder.forClient().trustManager(trust).endpointIdentificationAlgorithm(null));
  }

  private static SslContext build(SslContextBuilder b) {
    GrpcSslContexts.configure(b, SslProvider.JDK).protocols("TLSv1.3");
    try {
      return b.build();
    } catch (javax.net.ssl.SSLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Accepts a peer only if it presents exactly one certificate, validly self-signed, whose key's
   * node id the predicate accepts; records every chain it is shown.
   */
  static final class Pinning extends X509ExtendedTrustManager {
    final Predicate<String> accept;
    final List<X509Certificate[]> seen = new CopyOnWriteArrayList<>();

    Pinning(Predicate<String> accept) {
      this.accept = accept;
    }

    void check(X509Certificate[] chain) throws CertificateException {
      seen.add(chain == null ? new X509Certificate[0] : chain.clone());
      if (chain == null || chain.length != 1) {
        throw new CertificateException("not exactly one certificate");
      }
      String id = nodeIdOf(chain[0]);
      try {
        chain[0].verify(chain[0].getPublicKey());
      } catch (Exception e) {
        throw new CertificateException("not validly self-signed");
      }
      if (!accept.test(id)) {
        throw new CertificateException("not the expected node");
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] c, String a) throws CertificateException {
      check(c);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a) throws CertificateException {
      check(c);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] c, String a, Socket s)
        throws CertificateException {
      check(c);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a, Socket s)
        throws CertificateException {
      check(c);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e)
        throws CertificateException {
      check(c);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e)
        throws CertificateException {
      check(c);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
