package org.bdx.node.server;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bdx.node.home.NodeHome;
import org.bdx.node.home.ServeLock;
import org.bdx.node.identity.KeyFileException;
import org.bdx.node.identity.KeyFiles;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.search.AlertIndex;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.ReportCodec;
import org.bdx.node.store.ReportKeys;
import org.bdx.node.store.ReportStore;
import org.bdx.node.store.RowCipher;
import org.bdx.node.store.SealedReportCodec;
import org.bdx.node.vault.KdfParams;
import org.bdx.node.vault.Passphrase;
import org.bdx.node.vault.SecretAccess;
import org.bdx.node.vault.Vault;

/**
 * Encrypts, in place, a node made before encryption at rest (spec AR-5). The order makes every
 * crash recoverable by running it again: the plaintext {@code keys/node.key} stays until the vault
 * holds its seed and every report is encrypted, and each step skips what is already done.
 *
 * <ol>
 *   <li>The vault: created from the seed in {@code node.key}, or (after an interrupted run) opened
 *       with the passphrase and checked to hold that same seed.
 *   <li>The reports: each plaintext body gets a new key (stored first) and is replaced by its
 *       encryption; {@code secure_delete} overwrites the old bytes, and the log is then
 *       checkpointed and truncated so no plaintext page survives in it.
 *   <li>{@code node.key} is overwritten with zeros and deleted.
 * </ol>
 */
final class AtRestMigration {
  private AtRestMigration() {}

  static Node.Encrypted run(NodeHome home, Passphrase passphrase, KdfParams kdf)
      throws IOException {
    home.loadConfig();
    try (ServeLock lock = ServeLock.acquire(home)) {
      if (!KeyFiles.hasPlaintextKey(home.dir())) {
        throw new IOException("the node in " + home.dir() + " is already encrypted");
      }
      SecureRandom rng = new SecureRandom();
      int reports;
      try (Vault vault = vaultFor(home, passphrase, kdf, rng);
          RowCipher cipher = RowCipher.of(vault, rng);
          NodeDatabase db = NodeDatabase.open(home.databaseFile(), cipher);
          ReportKeys keys =
              ReportKeys.open(
                  home.reportKeysFile(), vault.subKey(Vault.Purpose.REPORT_KEYS), rng)) {
        ReportStore store =
            new ReportStore(
                db, new AlertStore(db, new AlertIndex()), new SealedReportCodec(keys, rng));
        reports = store.encodeAll(ReportCodec.PLAIN);
        db.checkpoint();
      }
      KeyFiles.removePlaintextKey(home.dir());
      return new Node.Encrypted(reports);
    }
  }

  private static Vault vaultFor(
      NodeHome home, Passphrase passphrase, KdfParams kdf, SecureRandom rng) {
    NodeKeys plain = KeyFiles.loadPlaintext(home.dir());
    byte[] seed = plain.exportSeed(SecretAccess.INSECURE);
    byte[] sealed = null;
    try {
      if (!Vault.exists(home.dir())) {
        return Vault.create(home.dir(), passphrase, kdf, seed, rng);
      }
      // An earlier run stopped after making the vault: it must hold this very key.
      Vault vault = Vault.open(home.dir(), passphrase);
      sealed = vault.seed(SecretAccess.INSECURE);
      if (!Arrays.equals(sealed, seed)) {
        vault.close();
        throw new KeyFileException(
            "the vault in "
                + home.dir()
                + " holds another node key than "
                + KeyFiles.keyFile(home.dir())
                + "; move one of them away and try again");
      }
      return vault;
    } finally {
      Arrays.fill(seed, (byte) 0);
      if (sealed != null) {
        Arrays.fill(sealed, (byte) 0);
      }
    }
  }
}
