package org.bdx.node.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Writes the key files of a node made before encryption at rest (the seed in clear in {@code
 * keys/node.key}), so tests can make such a node and encrypt it. No production code writes them.
 */
public final class LegacyKeyFiles {
  private LegacyKeyFiles() {}

  /** A fresh key written the old way under {@code homeDir}. */
  public static NodeKeys create(Path homeDir, SecureRandom rng) throws IOException {
    byte[] seed = new byte[NodeKeys.SEED_LENGTH];
    rng.nextBytes(seed);
    Path dir = homeDir.resolve(KeyFiles.KEYS_DIR);
    Files.createDirectories(homeDir);
    Files.createDirectory(
        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    return write(homeDir, seed);
  }

  /** Writes {@code seed} the old way under {@code homeDir}, whose {@code keys/} exists. */
  public static NodeKeys write(Path homeDir, byte[] seed) throws IOException {
    NodeKeys keys = NodeKeys.fromSeed(seed);
    Path dir = homeDir.resolve(KeyFiles.KEYS_DIR);
    Path key = dir.resolve(KeyFiles.KEY_FILE);
    Files.createFile(
        key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(
        key,
        KeyFiles.SEED_HEADER + "\n" + Base64.getEncoder().encodeToString(seed) + "\n",
        StandardCharsets.US_ASCII);
    Files.writeString(
        dir.resolve(KeyFiles.PUBLIC_FILE),
        KeyFiles.PUBLIC_HEADER
            + "\n"
            + Base64.getEncoder().encodeToString(keys.publicKey())
            + "\n"
            + keys.nodeId().value()
            + "\n",
        StandardCharsets.US_ASCII);
    return keys;
  }
}
