package org.bdx.node.vault;

/**
 * Argon2id (RFC 9106, version 0x13) parameters that turn a passphrase into the key that seals the
 * vault. They are recorded in the vault, so opening one needs no setting.
 *
 * @param memoryKiB memory in KiB
 * @param iterations passes over the memory
 * @param parallelism lanes
 */
public record KdfParams(int memoryKiB, int iterations, int parallelism) {
  /** Lowest memory a vault may record; {@link #FOR_TESTS} uses it. */
  static final int MIN_MEMORY_KIB = 1024;

  /** Highest memory a vault may record (4 GiB): more is a damaged or hostile file. */
  static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;

  static final int MAX_ITERATIONS = 64;
  static final int MAX_PARALLELISM = 16;

  /**
   * What {@code bdx init} and {@code bdx passphrase change} use: 64 MiB, 3 passes, one lane (RFC
   * 9106's second recommended option), about a third of a second on a small server.
   */
  public static final KdfParams DEFAULT = new KdfParams(64 * 1024, 3, 1);

  /**
   * 1 MiB and one pass: cheap enough for tests that create many nodes, far too weak to protect a
   * real passphrase. Reachable only through the Java API; the command line never uses it.
   */
  public static final KdfParams FOR_TESTS = new KdfParams(MIN_MEMORY_KIB, 1, 1);

  public KdfParams {
    if (memoryKiB < MIN_MEMORY_KIB
        || memoryKiB > MAX_MEMORY_KIB
        || iterations < 1
        || iterations > MAX_ITERATIONS
        || parallelism < 1
        || parallelism > MAX_PARALLELISM
        || memoryKiB < 8 * parallelism) {
      throw new VaultException(
          "Argon2id parameters out of range (memory "
              + memoryKiB
              + " KiB, "
              + iterations
              + " passes, "
              + parallelism
              + " lanes)");
    }
  }
}
