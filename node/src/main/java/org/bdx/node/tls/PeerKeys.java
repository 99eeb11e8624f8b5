package org.bdx.node.tls;

import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.util.List;
import org.bdx.node.identity.NodeId;
import org.bdx.node.keys.KeyLog;
import org.bdx.node.keys.KeyLogException;
import org.bdx.proto.v1.SignedKeyEvent;

/**
 * Which node a TLS peer is, from the key its certificate holds and the key log it carries (spec
 * KEY-19, FED-TLS-3): a node whose key has rotated presents its later key with its whole log, whose
 * event 0 names the node id. {@link #identify} decides and stores nothing; {@link #accepted} is
 * told once the peer was accepted as a partner, so that a stranger cannot make this node store
 * anything.
 */
public interface PeerKeys {
  /** A peer's node id, and the log it presented (verified), if any. */
  record Identified(NodeId node, KeyLog presented) {}

  /**
   * Without held logs (a staff tool, a probe, a test): the node id of the key, or of the log the
   * certificate carries if the key is that log's current key.
   */
  PeerKeys FIRST_KEYS =
      new PeerKeys() {
        @Override
        public Identified identify(byte[] key, List<SignedKeyEvent> presented)
            throws CertificateException {
          return presented(key, presented);
        }

        @Override
        public void accepted(Identified peer) {}
      };

  /**
   * The node presenting {@code key} with {@code presented} (its certificate's key log, maybe
   * empty).
   *
   * @throws CertificateException if the log does not verify, {@code key} is not its current key, or
   *     a log held here says {@code key} was replaced (rotated or revoked)
   */
  Identified identify(byte[] key, List<SignedKeyEvent> presented) throws CertificateException;

  /** {@code peer} passed every check and was accepted: keep the log it presented if it is new. */
  void accepted(Identified peer);

  /**
   * The check shared by every implementation: a presented log must verify for the node id its event
   * 0 names (KEY-4) and have {@code key} as its current key; without one, the peer is the node of
   * {@code key} (ID-2).
   */
  static Identified presented(byte[] key, List<SignedKeyEvent> presented)
      throws CertificateException {
    if (presented.isEmpty()) {
      return new Identified(NodeId.fromPublicKey(key), null);
    }
    KeyLog log;
    try {
      log = KeyLog.verifySelfNamed(presented);
    } catch (KeyLogException e) {
      throw new CertificateException(
          "the peer's certificate carries a key log that does not verify ("
              + e.outcome()
              + " at event "
              + e.index()
              + ")");
    }
    if (!MessageDigest.isEqual(log.latestKey(), key)) {
      throw new CertificateException(
          "node "
              + log.nodeId().fingerprint()
              + " presented a key that is not the current key of the key log it carries");
    }
    return new Identified(log.nodeId(), log);
  }
}
