package org.bdx.node.identity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The node key files under a node's home directory (spec ID-4):
 *
 * <pre>
 * keys/            mode 700
 * keys/node.key    mode 600   "BDX-ED25519-SEED-V1\n" + base64(seed) + "\n"
 * keys/node.pub    mode 644   "BDX-ED25519-PUBLIC-V1\n" + base64(publicKey) + "\n" + nodeId + "\n"
 * </pre>
 *
 * <p>Files are written to a temporary file with their final permissions, flushed to disk, then
 * moved into place atomically. Exception messages never contain key bytes.
 */
public final class KeyFiles {
  /** First line of {@code node.key}. */
  public static final String SEED_HEADER = "BDX-ED25519-SEED-V1";

  /** First line of {@code node.pub}. */
  public static final String PUBLIC_HEADER = "BDX-ED25519-PUBLIC-V1";

  /** Directory under the home directory. */
  public static final String KEYS_DIR = "keys";

  public static final String KEY_FILE = "node.key";
  public static final String PUBLIC_FILE = "node.pub";

  /** A key file larger than this is not a key file. */
  private static final int MAX_FILE_BYTES = 1024;

  private static final Set<PosixFilePermission> DIR_700 =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE_600 =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> FILE_644 =
      PosixFilePermissions.fromString("rw-r--r--");

  private KeyFiles() {}

  /** The path of the secret key file under {@code homeDir}. */
  public static Path keyFile(Path homeDir) {
    return homeDir.resolve(KEYS_DIR).resolve(KEY_FILE);
  }

  /** The path of the public key file under {@code homeDir}. */
  public static Path publicFile(Path homeDir) {
    return homeDir.resolve(KEYS_DIR).resolve(PUBLIC_FILE);
  }

  /**
   * The node id in {@code keys/node.pub}, checked against the public key beside it: what a tool
   * pins when it talks to its own node over TLS. Needs nothing secret.
   *
   * @throws KeyFileException if the file is missing or its key and id disagree
   */
  public static NodeId readNodeId(Path homeDir) {
    Path f = publicFile(homeDir);
    List<String> lines;
    try {
      if (Files.size(f) > MAX_FILE_BYTES) {
        throw new KeyFileException(f + " is too large to be a public key file");
      }
      lines = Files.readAllLines(f, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new KeyFileException("cannot read " + f, e);
    }
    if (lines.size() < 3 || !lines.get(0).equals(PUBLIC_HEADER)) {
      throw new KeyFileException(f + " is not a BDX public key file");
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(lines.get(1).strip());
    } catch (IllegalArgumentException e) {
      throw new KeyFileException(f + " holds no valid public key");
    }
    NodeId id = NodeId.fromPublicKey(key);
    if (!id.value().equals(lines.get(2).strip())) {
      throw new KeyFileException(f + ": the node id does not match the public key");
    }
    return id;
  }

  /** Generates a key pair with a fresh {@link SecureRandom} and writes it under {@code homeDir}. */
  public static NodeKeys create(Path homeDir) {
    return create(homeDir, new SecureRandom());
  }

  /**
   * Generates a key pair from {@code rng} and writes {@code keys/node.key} and {@code
   * keys/node.pub}. Refuses to replace an existing {@code node.key}.
   */
  public static NodeKeys create(Path homeDir, SecureRandom rng) {
    Objects.requireNonNull(homeDir, "homeDir");
    Objects.requireNonNull(rng, "rng");
    Path dir = homeDir.resolve(KEYS_DIR);
    Path keyFile = dir.resolve(KEY_FILE);
    if (Files.exists(keyFile, LinkOption.NOFOLLOW_LINKS)) {
      throw new KeyFileException(
          "a node key already exists at "
              + keyFile
              + "; refusing to overwrite it. Creating a new"
              + " key would change this node's id. Move the old key away first if you really"
              + " mean to replace it.");
    }
    try {
      Files.createDirectories(homeDir);
      boolean posix = isPosix(homeDir);
      if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        if (posix && !permissions(dir).equals(DIR_700)) {
          throw new KeyFileException(
              "the key directory "
                  + dir
                  + " is accessible to other users; run `chmod 700 "
                  + dir
                  + "` and try again");
        }
      } else if (posix) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_700));
        Files.setPosixFilePermissions(dir, DIR_700); // the umask may have removed bits
      } else {
        Files.createDirectory(dir);
      }

      byte[] seed = new byte[NodeKeys.SEED_LENGTH];
      rng.nextBytes(seed);
      NodeKeys keys;
      byte[] keyText = null;
      try {
        keys = NodeKeys.fromSeed(seed);
        keyText =
            (SEED_HEADER + "\n" + Base64.getEncoder().encodeToString(seed) + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        String pubText =
            PUBLIC_HEADER
                + "\n"
                + Base64.getEncoder().encodeToString(keys.publicKey())
                + "\n"
                + keys.nodeId().value()
                + "\n";
        writeAtomically(
            dir,
            dir.resolve(PUBLIC_FILE),
            pubText.getBytes(StandardCharsets.US_ASCII),
            posix ? FILE_644 : null,
            true);
        writeAtomically(dir, keyFile, keyText, posix ? FILE_600 : null, false);
      } finally {
        Arrays.fill(seed, (byte) 0);
        if (keyText != null) {
          Arrays.fill(keyText, (byte) 0);
        }
      }
      return keys;
    } catch (FileAlreadyExistsException e) {
      throw new KeyFileException(
          "a node key already exists at " + keyFile + "; refusing to overwrite it", e);
    } catch (AccessDeniedException e) {
      throw new KeyFileException("permission denied while writing the node key under " + dir, e);
    } catch (IOException e) {
      throw new KeyFileException(
          "could not write the node key under " + dir + ": " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * Loads {@code keys/node.key}. Refuses a file that group or others may read or write, a file not
   * in the {@code BDX-ED25519-SEED-V1} format, and a {@code node.pub} that names another key.
   */
  public static NodeKeys load(Path homeDir) {
    Objects.requireNonNull(homeDir, "homeDir");
    Path keyFile = keyFile(homeDir);
    byte[] raw = null;
    byte[] seed = null;
    try {
      if (!Files.exists(keyFile, LinkOption.NOFOLLOW_LINKS)) {
        throw new KeyFileException(
            "no node key at " + keyFile + "; create one first (e.g. `bdx init`)");
      }
      if (!Files.isRegularFile(keyFile, LinkOption.NOFOLLOW_LINKS)) {
        throw new KeyFileException("the node key " + keyFile + " is not a regular file");
      }
      if (isPosix(keyFile)) {
        Set<PosixFilePermission> perms = permissions(keyFile);
        if (perms.contains(PosixFilePermission.GROUP_READ)
            || perms.contains(PosixFilePermission.GROUP_WRITE)
            || perms.contains(PosixFilePermission.OTHERS_READ)
            || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
          throw new KeyFileException(
              "the node key "
                  + keyFile
                  + " can be read or written by other users ("
                  + PosixFilePermissions.toString(perms)
                  + "); run `chmod 600 "
                  + keyFile
                  + "` and try again");
        }
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

  private static void checkPublicFile(Path homeDir, NodeKeys keys) throws IOException {
    Path pub = publicFile(homeDir);
    if (!Files.exists(pub, LinkOption.NOFOLLOW_LINKS)) {
      return; // node.pub is derived; its absence is harmless
    }
    if (Files.size(pub) > MAX_FILE_BYTES) {
      throw new KeyFileException("the public key file " + pub + " is too large");
    }
    String expected =
        PUBLIC_HEADER
            + "\n"
            + Base64.getEncoder().encodeToString(keys.publicKey())
            + "\n"
            + keys.nodeId().value()
            + "\n";
    String actual = new String(Files.readAllBytes(pub), StandardCharsets.US_ASCII);
    if (!actual.equals(expected)) {
      throw new KeyFileException(
          "the public key file "
              + pub
              + " does not belong to the node key next to it; delete "
              + pub
              + " (it is recreated from node.key) or restore the matching key");
    }
  }

  private static void writeAtomically(
      Path dir, Path target, byte[] content, Set<PosixFilePermission> perms, boolean replace)
      throws IOException {
    Path tmp =
        perms == null
            ? Files.createTempFile(dir, "." + target.getFileName(), ".tmp")
            : Files.createTempFile(
                dir,
                "." + target.getFileName(),
                ".tmp",
                PosixFilePermissions.asFileAttribute(perms));
    try {
      if (perms != null) {
        Files.setPosixFilePermissions(tmp, perms); // the umask may have removed bits
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      if (!replace && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(target.toString());
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
      syncDirectory(dir);
    } finally {
      if (tmp != null) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      // Not every platform can open a directory; the move itself is still atomic.
    }
  }

  private static boolean isPosix(Path p) throws IOException {
    return Files.getFileStore(p).supportsFileAttributeView("posix");
  }

  private static Set<PosixFilePermission> permissions(Path p) throws IOException {
    return Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
  }
}
