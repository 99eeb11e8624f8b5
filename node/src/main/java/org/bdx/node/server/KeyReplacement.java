package org.bdx.node.server;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.bdx.node.audit.AuditAction;
import org.bdx.node.audit.AuditDetail;
import org.bdx.node.audit.AuditLog;
import org.bdx.node.home.NodeHome;
import org.bdx.node.home.ServeLock;
import org.bdx.node.identity.KeyFiles;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.keys.KeyEvents;
import org.bdx.node.keys.KeyLog;
import org.bdx.node.keys.KeyLogException;
import org.bdx.node.store.KeyLogStore;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.RowCipher;
import org.bdx.node.vault.KdfParams;
import org.bdx.node.vault.Passphrase;
import org.bdx.node.vault.RecoveryFile;
import org.bdx.node.vault.SecretAccess;
import org.bdx.node.vault.SecureFiles;
import org.bdx.node.vault.Vault;
import org.bdx.node.vault.VaultException;
import org.bdx.proto.v1.SignedKeyEvent;

/**
 * Replaces the node's key with the one its recovery file holds (spec KEY-20): {@code bdx key
 * rotate}, and {@code bdx key revoke}, which also says since when the old key may be in a thief's
 * hands. The node id stays (KEY-1); partners learn the new key from the log the node's certificate
 * carries (KEY-19) the next time either side connects.
 *
 * <p>Runs while the node is stopped (it holds the serve lock), and every step can be repeated: the
 * new recovery file is written (as {@code .pending}) before the event that commits to its key is
 * stored, and the vault and {@code node.pub} are changed after it; a run interrupted after the
 * event was stored is finished by running it again with the same recovery file.
 */
final class KeyReplacement {
  private KeyReplacement() {}

  /** What {@link Node#replaceKey} did. */
  record Replaced(
      NodeId nodeId,
      byte[] formerKey,
      NodeKeys newKey,
      int sequence,
      OptionalLong compromisedSince,
      boolean finishedInterrupted,
      int reissued,
      Path recoveryFile) {}

  static Replaced run(
      NodeHome home,
      Passphrase passphrase,
      Path recoveryFile,
      OptionalLong compromisedSince,
      Clock clock)
      throws IOException {
    SecureRandom rng = new SecureRandom();
    RecoveryFile.Header header = header(recoveryFile);
    Replaced done;
    try (ServeLock lock = ServeLock.acquire(home)) {
      try (Vault vault = Node.unlock(home, passphrase)) {
        done = replace(home, vault, passphrase, recoveryFile, header, compromisedSince, clock, rng);
      }
      if (done.compromisedSince().isPresent()) {
        // The node's own alerts the stolen key could have been made to look like: issued again
        // under the new key, so partners stop flagging them (KEY-20). Queued for the partners.
        try (Node node = Node.open(home, passphrase, clock)) {
          int reissued =
              node.reissueSignedBy(done.formerKey(), done.compromisedSince().getAsLong());
          done =
              new Replaced(
                  done.nodeId(),
                  done.formerKey(),
                  done.newKey(),
                  done.sequence(),
                  done.compromisedSince(),
                  done.finishedInterrupted(),
                  reissued,
                  done.recoveryFile());
        }
      }
    }
    return done;
  }

  private static Replaced replace(
      NodeHome home,
      Vault vault,
      Passphrase passphrase,
      Path recoveryFile,
      RecoveryFile.Header header,
      OptionalLong compromisedSince,
      Clock clock,
      SecureRandom rng)
      throws IOException {
    NodeKeys serving = KeyFiles.load(home.dir(), vault);
    KdfParams kdf = vault.kdf();
    Path pending = pendingFile(home);
    try (RowCipher cipher = RowCipher.of(vault, rng);
        NodeDatabase db = NodeDatabase.open(home.databaseFile(), cipher)) {
      KeyLogStore store = new KeyLogStore(db);
      List<SignedKeyEvent> held = store.load();
      if (held.isEmpty()) {
        throw new IOException(
            "this node has no key log yet, so no recovery file can be its: start it once with"
                + " bdx serve, which makes both");
      }
      KeyLog log = OwnKeyLog.storedLog(held);
      if (!header.nodeId().equals(log.nodeId().value())) {
        throw new IOException(
            "the recovery file "
                + recoveryFile
                + " is another node's ("
                + fingerprint(header.nodeId())
                + "), not this node's ("
                + log.nodeId().fingerprint()
                + "); nothing was changed");
      }
      boolean fresh =
          header.sequence() == log.size() - 1
              && MessageDigest.isEqual(header.eventDigest(), log.lastEventDigest());
      // Run before and stopped (or finished) after storing the event it made with this file.
      boolean interrupted =
          !fresh
              && header.sequence() == log.size() - 2
              && MessageDigest.isEqual(
                  header.eventDigest(), KeyEvents.eventDigest(held.get(log.size() - 2).getEvent()));
      if (!fresh && !interrupted) {
        throw new IOException(
            "the recovery file "
                + recoveryFile
                + " holds the key committed to by key event "
                + header.sequence()
                + ", but this node's key log ends at event "
                + (log.size() - 1)
                + (header.sequence() < log.size() - 1
                    ? ": it was used by an earlier rotation; use the recovery file that rotation"
                        + " wrote"
                    : ": it is not from this node's log")
                + "; nothing was changed");
      }
      if (interrupted
          && MessageDigest.isEqual(serving.publicKey(), log.latestKey())
          && !Files.exists(pending, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(
            "the recovery file "
                + recoveryFile
                + " was used already: the node signs with the key it holds (key event "
                + (log.size() - 1)
                + "); the next change needs the recovery file that change wrote; nothing was"
                + " changed");
      }
      if (fresh && !MessageDigest.isEqual(serving.publicKey(), log.latestKey())) {
        throw new IOException(
            "this node's key is not the current key of its key log; restore the node from a"
                + " backup; nothing was changed");
      }
      byte[] seed = openSeed(recoveryFile, passphrase);
      try {
        NodeKeys next = NodeKeys.fromSeed(seed).forNode(log.nodeId());
        if (fresh) {
          if (!MessageDigest.isEqual(
              KeyEvents.nextKeyDigest(next.publicKey()), log.nextKeyDigest())) {
            throw new IOException(
                "the recovery file "
                    + recoveryFile
                    + " holds another key than the one this node's key log committed to;"
                    + " nothing was changed");
          }
          log = appendEvent(home, store, log, next, passphrase, kdf, compromisedSince, clock, rng);
          OptionalLong since = log.revokedSince(log.keyOfEvent(log.size() - 2));
          AuditDetail detail =
              AuditDetail.of()
                  .add("sequence", log.size() - 1)
                  .add("kind", since.isPresent() ? "revocation" : "rotation");
          if (since.isPresent()) {
            detail = detail.add("compromised_since", since.getAsLong());
          }
          new AuditLog(db, clock).record(AuditAction.KEY_REPLACE, detail);
        } else if (!MessageDigest.isEqual(next.publicKey(), log.latestKey())) {
          throw new IOException(
              "the recovery file "
                  + recoveryFile
                  + " does not hold the key this node's key log names now; nothing was changed");
        }
        // The log names `next` from here on: the rest only catches the node's files up with it.
        // node.pub goes first: without it the node reads its id from its log, whichever key the
        // vault holds when a crash stops this.
        if (Files.exists(pending, LinkOption.NOFOLLOW_LINKS)) {
          moveIntoPlace(pending, home.recoveryFile());
        }
        Files.deleteIfExists(KeyFiles.publicFile(home.dir()));
        Vault.replaceSeed(home.dir(), passphrase, seed, rng);
        KeyFiles.writePublic(home.dir(), next);
        byte[] former = log.keyOfEvent(log.size() - 2);
        return new Replaced(
            log.nodeId(),
            former,
            next,
            log.size() - 1,
            log.revokedSince(former),
            interrupted,
            0,
            home.recoveryFile());
      } finally {
        Arrays.fill(seed, (byte) 0);
      }
    }
  }

  /**
   * Signs the next event with {@code next}, committing to a fresh key whose recovery file is
   * written (forced, as {@code .pending}) before the event is stored: a crash in between leaves the
   * log as it was, and the next run makes both again.
   */
  private static KeyLog appendEvent(
      NodeHome home,
      KeyLogStore store,
      KeyLog log,
      NodeKeys next,
      Passphrase passphrase,
      KdfParams kdf,
      OptionalLong compromisedSince,
      Clock clock,
      SecureRandom rng)
      throws IOException {
    long now = Math.max(clock.instant().getEpochSecond(), log.lastValidFrom());
    if (compromisedSince.isPresent() && compromisedSince.getAsLong() == Node.SINCE_KEY_IN_USE) {
      compromisedSince = OptionalLong.of(log.lastValidFrom());
    }
    if (compromisedSince.isPresent()
        && (compromisedSince.getAsLong() <= 0 || compromisedSince.getAsLong() > now)) {
      throw new IOException(
          "--since must be a time in the past (the key cannot have been taken after now);"
              + " nothing was changed");
    }
    NodeKeys nextNext = NodeKeys.generate(rng);
    SignedKeyEvent event =
        compromisedSince.isPresent()
            ? KeyEvents.revocation(
                log, next, nextNext.publicKey(), now, compromisedSince.getAsLong())
            : KeyEvents.rotation(log, next, nextNext.publicKey(), now);
    KeyLog extended;
    try {
      extended = log.append(event); // KEY-9: verify before use
    } catch (KeyLogException e) {
      throw new IllegalStateException("a fresh key event does not verify", e);
    }
    byte[] seed = nextNext.exportSeed(SecretAccess.INSECURE);
    try {
      RecoveryFile.write(
          pendingFile(home),
          new RecoveryFile.Header(
              log.nodeId().value(), extended.size() - 1, extended.lastEventDigest()),
          seed,
          passphrase,
          kdf,
          rng);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
    store.append(log.size(), List.of(event));
    return extended;
  }

  private static RecoveryFile.Header header(Path recoveryFile) throws IOException {
    if (!Files.isRegularFile(recoveryFile, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("no recovery file at " + recoveryFile + "; nothing was changed");
    }
    try {
      return RecoveryFile.header(recoveryFile);
    } catch (VaultException e) {
      throw new IOException(e.getMessage() + "; nothing was changed");
    }
  }

  private static byte[] openSeed(Path recoveryFile, Passphrase passphrase) throws IOException {
    try {
      return RecoveryFile.openSeed(recoveryFile, passphrase);
    } catch (VaultException.WrongPassphrase e) {
      throw new IOException(
          "the recovery file "
              + recoveryFile
              + " does not open with this passphrase: it opens with the passphrase the node had"
              + " when the file was written; nothing was changed");
    } catch (VaultException e) {
      throw new IOException(e.getMessage() + "; nothing was changed");
    }
  }

  private static Path pendingFile(NodeHome home) {
    Path file = home.recoveryFile();
    return file.resolveSibling(file.getFileName() + ".pending");
  }

  private static void moveIntoPlace(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
    SecureFiles.syncDirectory(to.getParent());
  }

  private static String fingerprint(String nodeId) {
    try {
      return NodeId.parse(nodeId).fingerprint();
    } catch (IllegalArgumentException e) {
      return "an unreadable id";
    }
  }
}
