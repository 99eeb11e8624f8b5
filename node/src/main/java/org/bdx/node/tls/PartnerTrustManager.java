package org.bdx.node.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Predicate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bdx.node.identity.NodeId;

/**
 * Accepts a TLS peer only if it presents exactly one self-signed certificate whose Ed25519 key maps
 * to a node id the predicate accepts (spec FED-TLS-5). Nothing is trusted on first use and there
 * are no certificate authorities: the predicate is the whole trust store.
 *
 * <p>This is an {@link X509ExtendedTrustManager} on purpose. The JDK wraps a plain {@code
 * X509TrustManager} in its own adapter that adds host name checks when the engine asks for endpoint
 * identification, and gRPC's client always asks for {@code "HTTPS"}. An extended trust manager is
 * responsible for endpoint identification itself, and this one deliberately performs none
 * (FED-TLS-8): a partner is identified by its pinned key, not by DNS.
 *
 * <p>With {@link CertificateTimes}, a handshake is also refused if the peer's certificate has
 * expired or is not valid yet by this node's clock, beyond the tolerated clock skew (FED-TLS-5.5).
 * The dates are checked at the handshake only, not by {@link #checkSession}: a connection opened
 * with a valid certificate stays authenticated, as its streams must, and the peer presents its
 * renewed certificate at the next handshake.
 *
 * <p>The predicate runs during every full handshake, so a partner added or removed later takes
 * effect for the next connection. It MUST be fast and thread-safe; if it throws, the peer is
 * refused.
 */
public final class PartnerTrustManager extends X509ExtendedTrustManager {
  private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

  private final Predicate<NodeId> accept;
  private final String refusal;
  private final NodeId expected;
  private final CertificateTimes times;
  private final PeerKeys peerKeys;

  private PartnerTrustManager(
      Predicate<NodeId> accept,
      String refusal,
      NodeId expected,
      CertificateTimes times,
      PeerKeys peerKeys) {
    this.accept = Objects.requireNonNull(accept, "accept");
    this.refusal = refusal;
    this.expected = expected;
    this.times = times;
    this.peerKeys = Objects.requireNonNull(peerKeys, "peerKeys");
  }

  /**
   * This trust manager with the key logs {@code peerKeys} holds: a partner's replaced key is then
   * refused, and a rotated partner's new key accepted when its certificate proves it (spec KEY-19).
   */
  public PartnerTrustManager withPeerKeys(PeerKeys peerKeys) {
    return new PartnerTrustManager(accept, refusal, expected, times, peerKeys);
  }

  /**
   * Server side: accepts clients whose node id {@code isPartner} says is a registered partner,
   * whatever their certificate's dates (for per-call checks, see {@link #checkSession}).
   */
  public static PartnerTrustManager forPartners(Predicate<NodeId> isPartner) {
    return new PartnerTrustManager(
        isPartner, "is not a registered partner", null, null, PeerKeys.FIRST_KEYS);
  }

  /** Server side, at the handshake: as above, and the dates must hold by {@code times}. */
  public static PartnerTrustManager forPartners(
      Predicate<NodeId> isPartner, CertificateTimes times) {
    Objects.requireNonNull(times, "times");
    return new PartnerTrustManager(
        isPartner, "is not a registered partner", null, times, PeerKeys.FIRST_KEYS);
  }

  /**
   * Client side: accepts only a server whose node id is exactly {@code expected}, whatever its
   * certificate's dates (a staff tool pinning its own node).
   */
  public static PartnerTrustManager forExpected(NodeId expected) {
    Objects.requireNonNull(expected, "expected");
    return new PartnerTrustManager(
        expected::equals,
        "is not the expected partner " + expected.fingerprint(),
        expected,
        null,
        PeerKeys.FIRST_KEYS);
  }

  /** Client side, at the handshake: as above, and the dates must hold by {@code times}. */
  public static PartnerTrustManager forExpected(NodeId expected, CertificateTimes times) {
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(times, "times");
    return new PartnerTrustManager(
        expected::equals,
        "is not the expected partner " + expected.fingerprint(),
        expected,
        times,
        PeerKeys.FIRST_KEYS);
  }

  /**
   * Checks the certificate the peer presented on an established TLS session (a call's {@code
   * TRANSPORT_ATTR_SSL_SESSION}) and returns its node id: a resumed session skips the handshake's
   * check, so calls are checked again with this.
   *
   * @throws CertificateException no session, no certificate, or one {@link #check} refuses
   */
  public NodeId checkSession(SSLSession session) throws CertificateException {
    if (session == null) {
      throw new CertificateException("the call did not come over TLS");
    }
    Certificate[] certs;
    try {
      certs = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      throw new CertificateException("the caller presented no certificate");
    }
    X509Certificate[] chain = new X509Certificate[certs.length];
    for (int i = 0; i < certs.length; i++) {
      if (!(certs[i] instanceof X509Certificate x509)) {
        throw new CertificateException("the caller presented a non-X.509 certificate");
      }
      chain[i] = x509;
    }
    return check(chain);
  }

  /**
   * Checks a presented chain and returns the peer's node id.
   *
   * @throws CertificateException naming the presented node's fingerprint (never key bytes)
   */
  public NodeId check(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the peer presented no certificate");
    }
    if (chain.length != 1) {
      throw new CertificateException(
          "the peer presented " + chain.length + " certificates; a BDX node presents exactly one");
    }
    X509Certificate cert = chain[0];
    byte[] key = NodeCertificate.ed25519PublicKey(cert);
    NodeId id = NodeId.fromPublicKey(key);
    try {
      // Garbled or re-keyed certificates fail here. Possession of the key is proven separately by
      // the handshake's CertificateVerify, which the TLS engine checks against this same key.
      cert.verify(cert.getPublicKey());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new CertificateException(
          "the certificate of node " + id.fingerprint() + " is not validly self-signed");
    }
    // Which node this is: the key's, or (after a rotation) that of the key log the certificate
    // carries; a key that a log held here says was replaced is refused (KEY-19).
    PeerKeys.Identified peer = peerKeys.identify(key, NodeCertificate.keyLogOf(cert));
    id = peer.node();
    boolean accepted;
    try {
      accepted = accept.test(id);
    } catch (RuntimeException e) {
      throw new CertificateException(
          "could not decide whether node " + id.fingerprint() + " is a partner; refusing it");
    }
    if (!accepted && expected != null) {
      throw new WrongNodeException(expected, id);
    }
    if (!accepted) {
      throw new CertificateException("node " + id.fingerprint() + " " + refusal);
    }
    if (times != null) {
      checkDates(cert, id);
    }
    peerKeys.accepted(peer);
    return id;
  }

  /**
   * FED-TLS-5.5: refuses a certificate whose end is more than the skew before now, or whose start
   * is more than the skew after now. Checked after the identity, so a stranger is told apart from a
   * partner with a stale certificate in the logs.
   */
  private void checkDates(X509Certificate cert, NodeId id) throws CertificateDatesException {
    Instant now = times.clock().instant();
    Duration skew = times.maxClockSkew();
    Instant notAfter = cert.getNotAfter().toInstant();
    Instant notBefore = cert.getNotBefore().toInstant();
    if (notAfter.plus(skew).isBefore(now)) {
      throw new CertificateDatesException(
          "the certificate of node "
              + id.fingerprint()
              + " expired at "
              + notAfter
              + " (this node's clock reads "
              + now
              + ", tolerating "
              + skew.toSeconds()
              + " s of clock skew)",
          true);
    }
    if (notBefore.minus(skew).isAfter(now)) {
      throw new CertificateDatesException(
          "the certificate of node "
              + id.fingerprint()
              + " is valid only from "
              + notBefore
              + " (this node's clock reads "
              + now
              + ", tolerating "
              + skew.toSeconds()
              + " s of clock skew)",
          false);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  /** None: there are no certificate authorities, so the server names none to the client. */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return NO_ISSUERS;
  }
}
