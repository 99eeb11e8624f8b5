package org.bdx.node.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.proto.v1.SignedKeyEvent;

/**
 * This node's federation key and its short-lived certificate (spec FED-TLS-2), renewed while the
 * node serves. The TLS engine asks for the certificate at every handshake, as server and as client;
 * it gets the current one, which is replaced by a new one with the same key when less than half its
 * life is left (or the clock has moved outside it). Open connections keep the certificate they were
 * made with, so renewing drops no stream.
 *
 * <p>One instance serves the federation server, every outgoing partner channel and the client API
 * over TLS, so they all renew together.
 */
public final class RenewingKeyManager extends X509ExtendedKeyManager {
  private static final Logger LOG = Logger.getLogger(RenewingKeyManager.class.getName());

  /** The only alias: a node has one key. */
  static final String ALIAS = "node";

  private final NodeId nodeId;
  private final byte[] publicKey;
  private final PrivateKey privateKey;
  private final CertificateTimes times;
  private final AtomicReference<X509Certificate> current = new AtomicReference<>();

  /** The node's key log for its certificates: empty while its key is its first (KEY-19). */
  private final List<SignedKeyEvent> keyLog;

  /** What this node knows of its peers' keys; set once the node's key logs are loaded. */
  private volatile PeerKeys peerKeys = PeerKeys.FIRST_KEYS;

  public RenewingKeyManager(NodeKeys keys, CertificateTimes times) {
    this(keys, times, List.of());
  }

  /**
   * Presenting {@code keys} with {@code keyLog} in every certificate: the node's whole key log when
   * its key is not its first (spec KEY-19), else empty.
   */
  public RenewingKeyManager(NodeKeys keys, CertificateTimes times, List<SignedKeyEvent> keyLog) {
    Objects.requireNonNull(keys, "keys");
    this.times = Objects.requireNonNull(times, "times");
    this.keyLog = List.copyOf(keyLog);
    this.nodeId = keys.nodeId();
    this.publicKey = keys.publicKey();
    this.privateKey = NodeCertificate.privateKey(keys);
    current.set(make(times.clock().instant()));
  }

  /**
   * The key logs every context built on this key manager identifies peers with. The node sets them
   * once it has loaded its partners' logs, before it serves or connects.
   */
  public void usePeerKeys(PeerKeys peerKeys) {
    this.peerKeys = Objects.requireNonNull(peerKeys, "peerKeys");
  }

  /** What this node knows of its peers' keys (see {@link #usePeerKeys}). */
  public PeerKeys peerKeys() {
    return peerKeys;
  }

  /** The times it makes certificates by, which the node also checks partners' certificates by. */
  public CertificateTimes times() {
    return times;
  }

  /** The certificate to present now: renewed first if it is due. */
  public X509Certificate certificate() {
    renewIfDue();
    return current.get();
  }

  /**
   * Makes a new certificate if less than half of the current one's life is left by the clock, or
   * the clock reads a time before it starts.
   *
   * @return whether it made one
   */
  public boolean renewIfDue() {
    X509Certificate cert = current.get();
    Instant now = times.clock().instant();
    if (!due(cert, now)) {
      return false;
    }
    X509Certificate fresh = make(now);
    // Two handshakes may find it due at once; one new certificate wins, both are valid.
    if (current.compareAndSet(cert, fresh)) {
      LOG.info(
          () ->
              "renewed this node's TLS certificate (same key); valid until "
                  + fresh.getNotAfter().toInstant());
      return true;
    }
    return false;
  }

  private boolean due(X509Certificate cert, Instant now) {
    Instant start = cert.getNotBefore().toInstant().plus(times.maxClockSkew());
    Instant end = cert.getNotAfter().toInstant();
    return now.isBefore(start) || now.plus(times.lifetime().dividedBy(2)).isAfter(end);
  }

  private X509Certificate make(Instant now) {
    return NodeCertificate.selfSigned(
        nodeId, publicKey, privateKey, keyLog, now, times.lifetime(), times.maxClockSkew());
  }

  /** The alias if the engine asks for our key type (EdDSA), else none. */
  private String alias(String keyType) {
    boolean ours =
        keyType != null
            && (keyType.equalsIgnoreCase(privateKey.getAlgorithm())
                || keyType.equalsIgnoreCase("Ed25519"));
    return ours ? ALIAS : null;
  }

  private String alias(String[] keyTypes) {
    if (keyTypes != null) {
      for (String k : keyTypes) {
        if (alias(k) != null) {
          return ALIAS;
        }
      }
    }
    return null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return alias(keyType) == null ? null : new String[] {ALIAS};
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return alias(keyTypes);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return alias(keyTypes);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return alias(keyType) == null ? null : new String[] {ALIAS};
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return alias(keyType);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return alias(keyType);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? new X509Certificate[] {certificate()} : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? privateKey : null;
  }

  @Override
  public String toString() {
    return "RenewingKeyManager{node=" + nodeId.fingerprint() + ", privateKey=<redacted>}";
  }
}
