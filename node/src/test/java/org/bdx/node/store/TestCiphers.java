package org.bdx.node.store;

import java.nio.file.Path;
import java.security.SecureRandom;
import org.bdx.node.vault.Passphrase;
import org.bdx.node.vault.SymmetricKey;
import org.bdx.node.vault.Vault;

/** Row keys for tests: one random set for databases made by tests, or a node's own. */
public final class TestCiphers {
  private static final SecureRandom RNG = new SecureRandom();

  /** Row keys from a random root key, the same for the whole test run. */
  public static final RowCipher CIPHER = RowCipher.fromRoot(SymmetricKey.random(RNG), RNG);

  private TestCiphers() {}

  /**
   * The row keys of the node in {@code homeDir}, as its vault opened with {@code passphrase} gives.
   */
  public static RowCipher of(Path homeDir, Passphrase passphrase) {
    try (Vault v = Vault.open(homeDir, passphrase)) {
      return RowCipher.of(v, RNG);
    }
  }
}
