package org.bdx.node.tls;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.keys.KeyLog;
import org.bdx.node.signing.WireCheck;
import org.bdx.node.vault.SecretAccess;
import org.bdx.proto.v1.KeyLogBundle;
import org.bdx.proto.v1.SignedKeyEvent;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The X.509 certificate a node presents in federation TLS (spec FED-TLS-1, FED-TLS-2): self-signed
 * with the node's own Ed25519 key. The certificate is only a carrier for the key; a node's identity
 * is {@link #nodeIdOf(X509Certificate) the node id of the certificate's key}, never its subject
 * name or validity dates.
 *
 * <p>All key objects here come from the JDK's own providers (SunEC, SUN), not from Bouncy Castle,
 * because the JDK's TLS engine is the one that uses them.
 */
public final class NodeCertificate {
  /** DER prefix of a PKCS#8 Ed25519 private key (RFC 8410 §7), followed by the 32-byte seed. */
  private static final byte[] PKCS8_ED25519_PREFIX = {
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
  };

  /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4), followed by the 32-byte key. */
  private static final byte[] SPKI_ED25519_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * The certificate extension that carries the node's key log (spec KEY-19): {@code 2.25.<UUID>},
   * an arc anyone may use without registration (ITU-T X.667). Not critical: a TLS stack that does
   * not know it still completes the handshake; a BDX peer reads it.
   */
  public static final ASN1ObjectIdentifier KEY_LOG_EXTENSION =
      new ASN1ObjectIdentifier("2.25.317069861562046438287186293259632983229");

  /** Largest key log extension value read: 64 events of at most 1024 + 64 bytes and framing. */
  static final int MAX_KEY_LOG_BYTES = KeyLog.MAX_EVENTS * (KeyLog.MAX_EVENT_BYTES + 80);

  private NodeCertificate() {}

  /**
   * A self-signed certificate for {@code keys} with the reference times: valid from 5 minutes
   * before {@code now} for 7 days ({@link CertificateTimes#defaults()}).
   */
  public static X509Certificate selfSigned(NodeKeys keys, Instant now) {
    CertificateTimes d = CertificateTimes.defaults();
    return selfSigned(keys, now, d.lifetime(), d.maxClockSkew());
  }

  /**
   * A self-signed X.509 v3 certificate for {@code keys}: subject and issuer {@code CN=<node id>},
   * valid from {@code now - backdate} to {@code now + lifetime}, random 127-bit serial, signed with
   * Ed25519 (FED-TLS-2).
   */
  public static X509Certificate selfSigned(
      NodeKeys keys, Instant now, Duration lifetime, Duration backdate) {
    Objects.requireNonNull(keys, "keys");
    return selfSigned(keys.nodeId(), keys.publicKey(), privateKey(keys), now, lifetime, backdate);
  }

  /** As above, signed with an already loaded {@code privateKey} of the key {@code publicKey}. */
  static X509Certificate selfSigned(
      NodeId nodeId,
      byte[] publicKey,
      PrivateKey privateKey,
      Instant now,
      Duration lifetime,
      Duration backdate) {
    return selfSigned(nodeId, publicKey, privateKey, List.of(), now, lifetime, backdate);
  }

  /**
   * As above, carrying {@code keyLog} (the node's whole key log, or empty for none) in the {@link
   * #KEY_LOG_EXTENSION}: a node whose key is not its first key carries it (spec KEY-19).
   */
  static X509Certificate selfSigned(
      NodeId nodeId,
      byte[] publicKey,
      PrivateKey privateKey,
      List<SignedKeyEvent> keyLog,
      Instant now,
      Duration lifetime,
      Duration backdate) {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(lifetime, "lifetime");
    Objects.requireNonNull(backdate, "backdate");
    X500Name name =
        new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, nodeId.value()).build();
    BigInteger serial = new BigInteger(127, RANDOM).setBit(126); // positive, never zero
    try {
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              name,
              serial,
              Date.from(now.minus(backdate)),
              Date.from(now.plus(lifetime)),
              name,
              publicKey(publicKey));
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      if (!keyLog.isEmpty()) {
        byte[] bundle = KeyLogBundle.newBuilder().addAllEvents(keyLog).build().toByteArray();
        builder.addExtension(KEY_LOG_EXTENSION, false, new DEROctetString(bundle));
      }
      ContentSigner signer = new JcaContentSignerBuilder("Ed25519").build(privateKey);
      byte[] der = builder.build(signer).getEncoded();
      // Parse with the JDK's own factory so the TLS engine gets the certificate class it expects.
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der));
    } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
      throw new IllegalStateException(
          "could not make the node's TLS certificate: " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * The node id of the Ed25519 key in {@code cert}'s SubjectPublicKeyInfo (spec FED-TLS-3). The
   * subject name is ignored.
   *
   * @throws CertificateException if the key is not a 32-byte Ed25519 key
   */
  public static NodeId nodeIdOf(X509Certificate cert) throws CertificateException {
    return NodeId.fromPublicKey(ed25519PublicKey(cert));
  }

  /**
   * The key log {@code cert} carries in its {@link #KEY_LOG_EXTENSION}, unverified; empty if it
   * carries none. The events are checked by whoever decides to trust them ({@link PeerKeys}).
   *
   * @throws CertificateException if the extension is there but malformed or too large
   */
  public static List<SignedKeyEvent> keyLogOf(X509Certificate cert) throws CertificateException {
    byte[] ext = cert.getExtensionValue(KEY_LOG_EXTENSION.getId());
    if (ext == null) {
      return List.of();
    }
    if (ext.length > MAX_KEY_LOG_BYTES + 16) {
      throw new CertificateException("the certificate's key log is too large");
    }
    try {
      // getExtensionValue returns the DER OCTET STRING that wraps the value, itself our OCTET
      // STRING.
      byte[] value = ASN1OctetString.getInstance(ext).getOctets();
      byte[] bundleBytes = ASN1OctetString.getInstance(value).getOctets();
      if (!WireCheck.wellFormed(bundleBytes, KeyLogBundle.getDescriptor())) {
        throw new CertificateException("the certificate's key log does not parse");
      }
      KeyLogBundle bundle = KeyLogBundle.parseFrom(bundleBytes);
      if (!bundle.getUnknownFields().asMap().isEmpty() || bundle.getEventsCount() == 0) {
        throw new CertificateException("the certificate's key log is malformed");
      }
      return bundle.getEventsList();
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new CertificateException("the certificate's key log does not parse");
    }
  }

  /**
   * The raw 32-byte Ed25519 public key of {@code cert}: the algorithm identifier MUST be exactly
   * id-Ed25519 (1.3.101.112) with absent parameters, and the bit string exactly 32 bytes.
   */
  public static byte[] ed25519PublicKey(X509Certificate cert) throws CertificateException {
    if (cert == null) {
      throw new CertificateException("no certificate");
    }
    SubjectPublicKeyInfo spki;
    try {
      spki = SubjectPublicKeyInfo.getInstance(cert.getPublicKey().getEncoded());
    } catch (RuntimeException e) {
      throw new CertificateException("the certificate's public key cannot be parsed");
    }
    if (spki == null
        || !EdECObjectIdentifiers.id_Ed25519.equals(spki.getAlgorithm().getAlgorithm())
        || spki.getAlgorithm().getParameters() != null) {
      throw new CertificateException("the certificate's key is not an Ed25519 key");
    }
    if (spki.getPublicKeyData().getPadBits() != 0) {
      throw new CertificateException("the certificate's Ed25519 key is malformed");
    }
    byte[] raw = spki.getPublicKeyData().getOctets();
    if (raw.length != NodeKeys.PUBLIC_KEY_LENGTH) {
      throw new CertificateException("the certificate's Ed25519 key is not 32 bytes");
    }
    return raw;
  }

  /**
   * The node's private key as a JDK {@code EdDSA} {@link PrivateKey}, for the TLS engine. The seed
   * copies this method makes are zeroed before it returns; the returned key necessarily holds it.
   */
  static PrivateKey privateKey(NodeKeys keys) {
    byte[] seed = keys.exportSeed(SecretAccess.INSECURE);
    byte[] pkcs8 = new byte[PKCS8_ED25519_PREFIX.length + seed.length];
    try {
      System.arraycopy(PKCS8_ED25519_PREFIX, 0, pkcs8, 0, PKCS8_ED25519_PREFIX.length);
      System.arraycopy(seed, 0, pkcs8, PKCS8_ED25519_PREFIX.length, seed.length);
      // PKCS8EncodedKeySpec keeps its own copy of the array, which public API cannot zero; it is
      // unreachable after this call. The key object itself holds the seed for the node's lifetime.
      return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "this Java runtime cannot load an Ed25519 key: " + e.getClass().getSimpleName(), e);
    } finally {
      Arrays.fill(seed, (byte) 0);
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  /** A JDK Ed25519 {@link PublicKey} from its raw 32 bytes. */
  static PublicKey publicKey(byte[] raw32) throws GeneralSecurityException {
    byte[] spki = new byte[SPKI_ED25519_PREFIX.length + raw32.length];
    System.arraycopy(SPKI_ED25519_PREFIX, 0, spki, 0, SPKI_ED25519_PREFIX.length);
    System.arraycopy(raw32, 0, spki, SPKI_ED25519_PREFIX.length, raw32.length);
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
  }
}
