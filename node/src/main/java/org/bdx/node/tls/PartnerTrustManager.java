package org.bdx.node.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
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
 * <p>The predicate runs during every full handshake, so a partner added or removed later takes
 * effect for the next connection. It MUST be fast and thread-safe; if it throws, the peer is
 * refused.
 */
public final class PartnerTrustManager extends X509ExtendedTrustManager {
  private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

  private final Predicate<NodeId> accept;
  private final String refusal;
  private final NodeId expected;

  private PartnerTrustManager(Predicate<NodeId> accept, String refusal, NodeId expected) {
    this.accept = Objects.requireNonNull(accept, "accept");
    this.refusal = refusal;
    this.expected = expected;
  }

  /** Server side: accepts clients whose node id {@code isPartner} says is a registered partner. */
  public static PartnerTrustManager forPartners(Predicate<NodeId> isPartner) {
    return new PartnerTrustManager(isPartner, "is not a registered partner", null);
  }

  /** Client side: accepts only a server whose node id is exactly {@code expected}. */
  public static PartnerTrustManager forExpected(NodeId expected) {
    Objects.requireNonNull(expected, "expected");
    return new PartnerTrustManager(
        expected::equals, "is not the expected partner " + expected.fingerprint(), expected);
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
    NodeId id = NodeCertificate.nodeIdOf(cert);
    try {
      // Garbled or re-keyed certificates fail here. Possession of the key is proven separately by
      // the handshake's CertificateVerify, which the TLS engine checks against this same key.
      cert.verify(cert.getPublicKey());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new CertificateException(
          "the certificate of node " + id.fingerprint() + " is not validly self-signed");
    }
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
    return id;
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
