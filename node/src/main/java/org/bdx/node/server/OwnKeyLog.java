package org.bdx.node.server;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bdx.node.home.NodeHome;
import org.bdx.node.identity.KeyFiles;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.keys.KeyEvents;
import org.bdx.node.keys.KeyLog;
import org.bdx.node.keys.KeyLogException;
import org.bdx.node.store.KeyLogStore;
import org.bdx.node.vault.KdfParams;
import org.bdx.node.vault.Passphrase;
import org.bdx.node.vault.RecoveryFile;
import org.bdx.node.vault.SecretAccess;
import org.bdx.proto.v1.SignedKeyEvent;

/**
 * Makes and keeps the node's own key log (spec KEY-10 to KEY-13): the inception, made once, and the
 * recovery file that holds the next key, sealed under the passphrase, for the coordinator to move
 * offline. The node never reads the recovery file: it writes it, and replaces it only while no
 * stored event commits to its key.
 */
final class OwnKeyLog {
  private static final Logger LOG = Logger.getLogger(OwnKeyLog.class.getName());

  private OwnKeyLog() {}

  /**
   * The node's verified key log; makes its inception first if none is stored (KEY-12). The recovery
   * file is forced to disk before the log that commits to its key is stored, so a crash in between
   * leaves no stored log, and the next call makes both again (KEY-13). With {@code announce},
   * making them is logged at INFO (an existing node's first start; {@code bdx init} says it
   * itself).
   *
   * @throws IOException if the stored log does not verify, or its current key is not the node's
   */
  static KeyLog ensure(
      KeyLogStore store,
      NodeKeys keys,
      NodeHome home,
      Passphrase passphrase,
      KdfParams kdf,
      Clock clock,
      SecureRandom rng,
      boolean announce)
      throws IOException {
    List<SignedKeyEvent> held = store.load();
    if (!held.isEmpty()) {
      return check(keys, held);
    }
    NodeKeys next = NodeKeys.generate(rng);
    SignedKeyEvent inception =
        KeyEvents.inception(keys, next.publicKey(), Math.max(1, clock.instant().getEpochSecond()));
    KeyLog log;
    try {
      log = KeyLog.verify(keys.nodeId(), List.of(inception)); // KEY-9: verify before use
    } catch (KeyLogException e) {
      throw new IllegalStateException("a fresh inception does not verify", e);
    }
    Path file = home.recoveryFile();
    byte[] seed = next.exportSeed(SecretAccess.INSECURE);
    try {
      RecoveryFile.write(
          file,
          new RecoveryFile.Header(keys.nodeId().value(), 0, log.lastEventDigest()),
          seed,
          passphrase,
          kdf,
          rng);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
    store.append(0, List.of(inception));
    // Not at bdx init, whose own output says so: only an existing node's first start logs it.
    LOG.log(
        announce ? Level.INFO : Level.FINE,
        () ->
            "made this node's key log; its next key is sealed in "
                + file
                + ": move that file off this machine with bdx key export-recovery");
    return log;
  }

  /**
   * {@code keys} speaking for the node its stored key log names (spec KEY-1): after a rotation the
   * vault holds a later key while the node id stays its first key's. Rewrites {@code node.pub} if
   * it names another id. Without a stored log (a node that has not made its inception yet) the key
   * must be the node's first key.
   *
   * @throws IOException if the stored log does not verify or its current key is not {@code keys}'
   */
  static NodeKeys bind(KeyLogStore store, NodeKeys keys, NodeHome home) throws IOException {
    List<SignedKeyEvent> held = store.load();
    if (held.isEmpty()) {
      if (!NodeId.fromPublicKey(keys.publicKey()).equals(keys.nodeId())) {
        throw new IOException(
            "keys/node.pub names node "
                + keys.nodeId().fingerprint()
                + " but this node has no key log saying its key is that node's; restore the node"
                + " from a backup");
      }
      return keys;
    }
    KeyLog log = storedLog(held);
    if (!MessageDigest.isEqual(log.latestKey(), keys.publicKey())) {
      throw new IOException(
          "this node's key is not the current key of its key log: if bdx key rotate or bdx key"
              + " revoke was interrupted, run it again with the same recovery file; otherwise"
              + " restore the node from a backup");
    }
    NodeKeys bound = keys.forNode(log.nodeId());
    if (bound != keys) { // node.pub named another id, or was missing and written from the key
      KeyFiles.writePublic(home.dir(), bound);
    }
    return bound;
  }

  /**
   * The node's stored log {@code held} (not empty), verified for the node id its event 0 names.
   *
   * @throws IOException if it does not verify, saying to restore from a backup
   */
  static KeyLog storedLog(List<SignedKeyEvent> held) throws IOException {
    try {
      return KeyLog.verifySelfNamed(held);
    } catch (KeyLogException e) {
      throw new IOException(
          "this node's key log in its database does not verify ("
              + e.getMessage()
              + "); restore the node from a backup");
    }
  }

  /** The stored log {@code held}, verified, whose current key is {@code keys}'. */
  static KeyLog verified(NodeKeys keys, List<SignedKeyEvent> held) {
    try {
      return check(keys, held);
    } catch (IOException e) {
      // bind() checked the same log when the node opened.
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private static KeyLog check(NodeKeys keys, List<SignedKeyEvent> held) throws IOException {
    KeyLog log;
    try {
      log = KeyLog.verify(keys.nodeId(), held);
    } catch (KeyLogException e) {
      throw new IOException(
          "this node's key log in its database does not verify ("
              + e.getMessage()
              + "); restore the node from a backup");
    }
    if (!MessageDigest.isEqual(log.latestKey(), keys.publicKey())) {
      throw new IOException(
          "this node's key is not the current key of its key log; restore the node from a backup");
    }
    return log;
  }
}
