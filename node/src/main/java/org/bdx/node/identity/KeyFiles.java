package org.bdx.node.identity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;
import org.bdx.node.vault.SecretAccess;
import org.bdx.node.vault.SecureFiles;
import org.bdx.node.vault.Vault;

/**
 * The node key under a node's home directory (spec ID-4). The private key (the Ed25519 seed) is
 * sealed in the {@linkplain Vault vault}; only the public key is a file of its own:
 *
 * <pre>
 * keys/            mode 700
 * keys/node.pub    mode 644   "BDX-ED25519-PUBLIC-V1\n" + base64(publicKey) + "\n" + nodeId + "\n"
 * </pre>
 *
 * <p>Nodes made before encryption at rest kept the seed in clear in {@code keys/node.key} ({@code
 * "BDX-ED25519-SEED-V1\n" + base64(seed) + "\n"}, mode 600); {@link #loadPlaintext} reads it once,
 * when such a node is encrypted, and {@link #removePlaintextKey} then overwrites and deletes it.
 *
 * <p>Files are written to a temporary file with their final permissions, flushed to disk, then
 * moved into place atomically. Exception messages never contain key bytes.
 */
public final class KeyFiles {
  /** First line of the plaintext {@code node.key} of nodes made before encryption at rest. */
  public static final String SEED_HEADER = "BDX-ED25519-SEED-V1";

  /** First line of {@code node.pub}. */
  public static final String PUBLIC_HEADER = "BDX-ED25519-PUBLIC-V1";

  /** Directory under the home directory. */
  public static final String KEYS_DIR = "keys";

  public static final String KEY_FILE = "node.key";
  public static final String PUBLIC_FILE = "node.pub";

  /** A key file larger than this is not a key file. */
  private static final int MAX_FILE_BYTES = 1024;

  private KeyFiles() {}

  /** The path of the plaintext key file of a node made before encryption at rest. */
  public static Path keyFile(Path homeDir) {
    return homeDir.resolve(KEYS_DIR).resolve(KEY_FILE);
  }

  /** The path of the public key file under {@code homeDir}. */
  public static Path publicFile(Path homeDir) {
    return homeDir.resolve(KEYS_DIR).resolve(PUBLIC_FILE);
  }

  /** Whether {@code homeDir} still holds a plaintext {@code keys/node.key}. */
  public static boolean hasPlaintextKey(Path homeDir) {
    return Files.exists(keyFile(homeDir), LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * The node key sealed in {@code vault}; writes {@code keys/node.pub} for it (creating {@code
   * keys/} owner-only). Refuses a home that already has a key file.
   */
  public static NodeKeys create(Path homeDir, Vault vault) {
    Objects.requireNonNull(homeDir, "homeDir");
    Objects.requireNonNull(vault, "vault");
    Path dir = homeDir.resolve(KEYS_DIR);
    if (Files.exists(keyFile(homeDir), LinkOption.NOFOLLOW_LINKS)
        || Files.exists(publicFile(homeDir), LinkOption.NOFOLLOW_LINKS)) {
      throw new KeyFileException(
          "a node key already exists under "
              + dir
              + "; refusing to replace it. A new key would change this node's id.");
    }
    NodeKeys keys = fromVault(vault);
    try {
      ensureKeysDirectory(homeDir);
      writePublic(homeDir, keys);
      return keys;
    } catch (AccessDeniedException e) {
      throw new KeyFileException("permission denied while writing the node key under " + dir, e);
    } catch (IOException e) {
      throw new KeyFileException(
          "could not write the node key under " + dir + ": " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * The node key sealed in {@code vault}. Refuses a {@code node.pub} that names another key; writes
   * a missing one.
   */
  public static NodeKeys load(Path homeDir, Vault vault) {
    Objects.requireNonNull(homeDir, "homeDir");
    NodeKeys keys = fromVault(vault);
    try {
      if (Files.exists(publicFile(homeDir), LinkOption.NOFOLLOW_LINKS)) {
        keys = keys.forNode(checkPublicFile(homeDir, keys));
      } else {
        ensureKeysDirectory(homeDir);
        writePublic(homeDir, keys);
      }
      return keys;
    } catch (IOException e) {
      throw new KeyFileException(
          "could not read the public key "
              + publicFile(homeDir)
              + ": "
              + e.getClass().getSimpleName(),
          e);
    }
  }

  /** The node id named by {@code keys/node.pub}: works while the node is locked. */
  public static NodeId loadPublic(Path homeDir) {
    return readPublic(homeDir).nodeId();
  }

  /** What {@code keys/node.pub} holds: a public key and the node id it speaks for. */
  private record PublicFile(byte[] publicKey, NodeId nodeId) {}

  private static PublicFile readPublic(Path homeDir) {
    Path pub = publicFile(homeDir);
    try {
      if (!Files.isRegularFile(pub, LinkOption.NOFOLLOW_LINKS)) {
        throw new KeyFileException("no public key at " + pub + "; was this home made by bdx init?");
      }
      if (Files.size(pub) > MAX_FILE_BYTES) {
        throw new KeyFileException("the public key file " + pub + " is too large");
      }
      String[] lines =
          new String(Files.readAllBytes(pub), StandardCharsets.US_ASCII).split("\n", -1);
      if (lines.length != 4 || !lines[0].equals(PUBLIC_HEADER) || !lines[3].isEmpty()) {
        throw new KeyFileException("the public key file " + pub + " is not a BDX public key file");
      }
      byte[] publicKey;
      try {
        publicKey = Base64.getDecoder().decode(lines[1]);
      } catch (IllegalArgumentException e) {
        throw new KeyFileException("the public key file " + pub + " has a damaged base64 line");
      }
      if (publicKey.length != NodeKeys.PUBLIC_KEY_LENGTH) {
        throw new KeyFileException("the public key file " + pub + " does not hold a 32-byte key");
      }
      // After a key rotation the node id is its first key's, not this key's (spec KEY-1), so the
      // id line is taken as written; the node checks it against its key log when it opens.
      try {
        return new PublicFile(publicKey, NodeId.parse(lines[2]));
      } catch (IllegalArgumentException e) {
        throw new KeyFileException("the public key file " + pub + " names no valid node id");
      }
    } catch (IOException e) {
      throw new KeyFileException(
          "could not read the public key " + pub + ": " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * Overwrites and deletes the plaintext {@code keys/node.key}, once its seed is sealed in the
   * vault.
   */
  public static void removePlaintextKey(Path homeDir) {
    try {
      SecureFiles.overwriteAndDelete(keyFile(homeDir));
    } catch (IOException e) {
      throw new KeyFileException(
          "could not delete the plaintext node key "
              + keyFile(homeDir)
              + ": "
              + e.getClass().getSimpleName(),
          e);
    }
  }

  private static NodeKeys fromVault(Vault vault) {
    byte[] seed = vault.seed(SecretAccess.INSECURE);
    try {
      return NodeKeys.fromSeed(seed);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  private static void ensureKeysDirectory(Path homeDir) throws IOException {
    Path dir = homeDir.resolve(KEYS_DIR);
    Files.createDirectories(homeDir);
    boolean posix = SecureFiles.isPosix(homeDir);
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      if (posix && !permissions(dir).equals(SecureFiles.DIR_700)) {
        throw new KeyFileException(
            "the key directory "
                + dir
                + " is accessible to other users; run `chmod 700 "
                + dir
                + "` and try again");
      }
    } else if (posix) {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(SecureFiles.DIR_700));
      Files.setPosixFilePermissions(dir, SecureFiles.DIR_700); // the umask may have removed bits
    } else {
      Files.createDirectory(dir);
    }
  }

  /**
   * Writes {@code keys/node.pub} for {@code keys} and the node it speaks for: after a key rotation
   * (spec KEY-1), the new key with the unchanged node id.
   */
  public static void writePublic(Path homeDir, NodeKeys keys) throws IOException {
    SecureFiles.writeAtomically(
        publicFile(homeDir),
        publicText(keys).getBytes(StandardCharsets.US_ASCII),
        SecureFiles.FILE_644,
        true);
  }

  private static String publicText(NodeKeys keys) {
    return PUBLIC_HEADER
        + "\n"
        + Base64.getEncoder().encodeToString(keys.publicKey())
        + "\n"
        + keys.nodeId().value()
        + "\n";
  }

  /**
   * Loads the plaintext {@code keys/node.key} of a node made before encryption at rest. Refuses a
   * file that group or others may read or write, a file not in the {@code BDX-ED25519-SEED-V1}
   * format, and a {@code node.pub} that names another key.
   */
  public static NodeKeys loadPlaintext(Path homeDir) {
    Objects.requireNonNull(homeDir, "homeDir");
    Path keyFile = keyFile(homeDir);
    byte[] raw = null;
    byte[] seed = null;
    try {
      if (!Files.exists(keyFile, LinkOption.NOFOLLOW_LINKS)) {
        throw new KeyFileException("no plaintext node key at " + keyFile);
      }
      if (!Files.isRegularFile(keyFile, LinkOption.NOFOLLOW_LINKS)) {
        throw new KeyFileException("the node key " + keyFile + " is not a regular file");
      }
      if (SecureFiles.othersMayAccess(keyFile)) {
        throw new KeyFileException(
            "the node key "
                + keyFile
                + " can be read or written by other users ("
                + PosixFilePermissions.toString(permissions(keyFile))
                + "); run `chmod 600 "
                + keyFile
                + "` and try again");
      }
      if (Files.size(keyFile) > MAX_FILE_BYTES) {
        throw new KeyFileException(
            "the node key " + keyFile + " is too large to be a BDX key file");
      }
      raw = Files.readAllBytes(keyFile);
      seed = parseSeedFile(raw, keyFile);
      NodeKeys keys = NodeKeys.fromSeed(seed);
      checkPublicFile(homeDir, keys);
      return keys;
    } catch (NoSuchFileException e) {
      throw new KeyFileException("no node key at " + keyFile, e);
    } catch (AccessDeniedException e) {
      throw new KeyFileException("permission denied reading the node key " + keyFile, e);
    } catch (IOException e) {
      throw new KeyFileException(
          "could not read the node key " + keyFile + ": " + e.getClass().getSimpleName(), e);
    } finally {
      if (raw != null) {
        Arrays.fill(raw, (byte) 0);
      }
      if (seed != null) {
        Arrays.fill(seed, (byte) 0);
      }
    }
  }

  private static byte[] parseSeedFile(byte[] raw, Path keyFile) {
    String text;
    try {
      text =
          StandardCharsets.US_ASCII
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(raw))
              .toString();
    } catch (CharacterCodingException e) {
      throw new KeyFileException("the node key " + keyFile + " is not a BDX key file (not ASCII)");
    }
    String[] lines = text.split("\n", -1);
    // Exactly: header, base64, and an empty string after the final newline.
    if (lines.length != 3 || !lines[2].isEmpty() || !lines[0].equals(SEED_HEADER)) {
      throw new KeyFileException(
          "the node key "
              + keyFile
              + " is not a BDX key file (expected the first line "
              + SEED_HEADER
              + ", a base64 line, and a final newline)");
    }
    byte[] seed;
    try {
      seed = Base64.getDecoder().decode(lines[1]);
    } catch (IllegalArgumentException e) {
      throw new KeyFileException("the node key " + keyFile + " has a damaged base64 line");
    }
    if (seed.length != NodeKeys.SEED_LENGTH) {
      Arrays.fill(seed, (byte) 0);
      throw new KeyFileException(
          "the node key " + keyFile + " does not hold a 32-byte Ed25519 seed");
    }
    return seed;
  }

  /**
   * The node id {@code node.pub} names, if it holds {@code keys}' public key; {@code keys}' own id
   * if there is no {@code node.pub}. The id is checked against the node's key log when the node
   * opens (spec KEY-1): after a rotation it is the first key's id, not this key's.
   */
  private static NodeId checkPublicFile(Path homeDir, NodeKeys keys) throws IOException {
    Path pub = publicFile(homeDir);
    if (!Files.exists(pub, LinkOption.NOFOLLOW_LINKS)) {
      return keys.nodeId(); // node.pub is derived; its absence is harmless
    }
    PublicFile file;
    try {
      file = readPublic(homeDir);
    } catch (KeyFileException e) {
      file = null;
    }
    if (file == null || !MessageDigest.isEqual(file.publicKey(), keys.publicKey())) {
      throw new KeyFileException(
          "the public key file "
              + pub
              + " does not belong to the node key next to it; delete "
              + pub
              + " (it is recreated from the node key) or restore the matching key");
    }
    return file.nodeId();
  }

  private static Set<PosixFilePermission> permissions(Path p) throws IOException {
    return Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
  }
}
