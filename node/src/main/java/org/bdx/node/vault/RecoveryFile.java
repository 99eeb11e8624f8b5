package org.bdx.node.vault;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * A node's next key (spec KEY-3.1, KEY-11), sealed under the node's passphrase as the vault is
 * (AR-1: Argon2id, then AES-256-GCM), in a file of its own that the coordinator moves off the
 * serving machine. The node writes it when it makes a key event and never reads it: only a rotation
 * or a revocation, made when the serving key is to be replaced, opens it.
 *
 * <pre>
 * offset size
 *   0     8   ASCII "BDXRECOV"
 *   8     1   format version, 1
 *   9     1   key derivation, 1 = Argon2id version 0x13
 *  10     4   memory in KiB        (unsigned, big-endian)
 *  14     4   passes
 *  18     4   lanes
 *  22    16   salt
 *  38    55   node id, ASCII
 *  93     8   sequence of the key event that commits to this key (big-endian)
 * 101    32   SHA-256(LP("bdx/v1/key-event", event)) of that event's exact bytes
 * 133    12   AES-256-GCM nonce
 * 145    49   AES-256-GCM of the payload (33 bytes) and the 16-byte tag, with bytes 0..132 as
 *             associated data, under Argon2id(passphrase as UTF-8, salt) of 32 bytes
 * payload: 1 byte payload version (1) || 32-byte Ed25519 seed of the next key
 * </pre>
 *
 * The header names the node and the event in clear so that a coordinator holding several files can
 * tell which is which, and a rotation can check that a file belongs to the log's last event before
 * it asks for the passphrase; the associated data binds them to the key.
 */
public final class RecoveryFile {
  private static final byte[] MAGIC = "BDXRECOV".getBytes(StandardCharsets.US_ASCII);
  private static final int FORMAT_VERSION = 1;
  private static final int KDF_ARGON2ID = 1;
  private static final int PAYLOAD_VERSION = 1;
  private static final int SALT_LENGTH = 16;
  private static final int NODE_ID_LENGTH = 55;
  private static final int DIGEST_LENGTH = 32;
  static final int HEADER_LENGTH =
      8 + 1 + 1 + 12 + SALT_LENGTH + NODE_ID_LENGTH + 8 + DIGEST_LENGTH;
  private static final int PAYLOAD_LENGTH = 1 + Vault.SEED_LENGTH;

  /** The file's length in bytes (194). */
  public static final int FILE_LENGTH = HEADER_LENGTH + SymmetricKey.OVERHEAD + PAYLOAD_LENGTH;

  /** What the header says, in clear: whose next key this is and which event committed to it. */
  public record Header(String nodeId, long sequence, byte[] eventDigest) {
    public Header {
      Objects.requireNonNull(nodeId, "nodeId");
      if (nodeId.length() != NODE_ID_LENGTH
          || !StandardCharsets.US_ASCII.newEncoder().canEncode(nodeId)) {
        throw new IllegalArgumentException("a node id is 55 ASCII characters");
      }
      if (sequence < 0) {
        throw new IllegalArgumentException("a sequence is not negative");
      }
      if (eventDigest == null || eventDigest.length != DIGEST_LENGTH) {
        throw new IllegalArgumentException("an event digest is 32 bytes");
      }
      eventDigest = eventDigest.clone();
    }

    @Override
    public byte[] eventDigest() {
      return eventDigest.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Header h
          && h.nodeId.equals(nodeId)
          && h.sequence == sequence
          && Arrays.equals(h.eventDigest, eventDigest);
    }

    @Override
    public int hashCode() {
      return Objects.hash(nodeId, sequence, Arrays.hashCode(eventDigest));
    }
  }

  private RecoveryFile() {}

  /**
   * Seals {@code seed} under {@code passphrase} and writes it to {@code file} (mode 600, a
   * temporary file forced to disk and renamed over {@code file}, so the file is durable when this
   * returns). Replaces an existing file: the caller replaces only a file whose key no stored event
   * committed to.
   */
  public static void write(
      Path file, Header header, byte[] seed, Passphrase passphrase, KdfParams kdf, SecureRandom rng)
      throws IOException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(passphrase, "passphrase");
    Objects.requireNonNull(kdf, "kdf");
    if (seed == null || seed.length != Vault.SEED_LENGTH) {
      throw new IllegalArgumentException("a seed is 32 bytes");
    }
    byte[] salt = new byte[SALT_LENGTH];
    rng.nextBytes(salt);
    byte[] head =
        ByteBuffer.allocate(HEADER_LENGTH)
            .put(MAGIC)
            .put((byte) FORMAT_VERSION)
            .put((byte) KDF_ARGON2ID)
            .putInt(kdf.memoryKiB())
            .putInt(kdf.iterations())
            .putInt(kdf.parallelism())
            .put(salt)
            .put(header.nodeId().getBytes(StandardCharsets.US_ASCII))
            .putLong(header.sequence())
            .put(header.eventDigest())
            .array();
    byte[] payload = new byte[PAYLOAD_LENGTH];
    try (SymmetricKey kek = Vault.derive(passphrase, salt, kdf)) {
      payload[0] = PAYLOAD_VERSION;
      System.arraycopy(seed, 0, payload, 1, Vault.SEED_LENGTH);
      byte[] sealed = kek.seal(head, payload, rng);
      byte[] content = new byte[HEADER_LENGTH + sealed.length];
      System.arraycopy(head, 0, content, 0, HEADER_LENGTH);
      System.arraycopy(sealed, 0, content, HEADER_LENGTH, sealed.length);
      SecureFiles.writeAtomically(file, content, SecureFiles.FILE_600, true);
    } finally {
      Arrays.fill(payload, (byte) 0);
    }
  }

  /** Reads the clear header of {@code file} without the passphrase. */
  public static Header header(Path file) {
    return parseHeader(file, read(file));
  }

  /**
   * Opens {@code file} with {@code passphrase}: the seed of the next key, which the caller zeroes.
   *
   * @throws VaultException.WrongPassphrase if the passphrase does not open it
   * @throws VaultException if the file is missing, damaged or of an unknown format
   */
  public static byte[] openSeed(Path file, Passphrase passphrase) {
    Objects.requireNonNull(passphrase, "passphrase");
    byte[] raw = read(file);
    parseHeader(file, raw);
    ByteBuffer b = ByteBuffer.wrap(raw, 10, 12);
    KdfParams kdf;
    try {
      kdf = new KdfParams(b.getInt(), b.getInt(), b.getInt());
    } catch (VaultException e) {
      throw damaged(file, e.getMessage());
    }
    byte[] salt = Arrays.copyOfRange(raw, 22, 22 + SALT_LENGTH);
    byte[] head = Arrays.copyOf(raw, HEADER_LENGTH);
    byte[] payload;
    try (SymmetricKey kek = Vault.derive(passphrase, salt, kdf)) {
      payload = kek.open(head, Arrays.copyOfRange(raw, HEADER_LENGTH, raw.length));
    } catch (VaultException e) {
      throw new VaultException.WrongPassphrase(
          "the passphrase does not open the recovery file " + file);
    }
    try {
      if (payload.length != PAYLOAD_LENGTH || payload[0] != PAYLOAD_VERSION) {
        throw damaged(file, "unknown payload");
      }
      return Arrays.copyOfRange(payload, 1, PAYLOAD_LENGTH);
    } finally {
      Arrays.fill(payload, (byte) 0);
    }
  }

  private static Header parseHeader(Path file, byte[] raw) {
    if (!Arrays.equals(Arrays.copyOf(raw, MAGIC.length), MAGIC)) {
      throw damaged(file, "it does not start with BDXRECOV");
    }
    int format = raw[8] & 0xff;
    if (format != FORMAT_VERSION) {
      throw new VaultException(
          "the recovery file "
              + file
              + " has format "
              + format
              + ", which this bdx does not know; upgrade bdx");
    }
    if ((raw[9] & 0xff) != KDF_ARGON2ID) {
      throw damaged(file, "unknown key derivation");
    }
    ByteBuffer b = ByteBuffer.wrap(raw, 22 + SALT_LENGTH, NODE_ID_LENGTH + 8 + DIGEST_LENGTH);
    byte[] id = new byte[NODE_ID_LENGTH];
    b.get(id);
    long sequence = b.getLong();
    byte[] digest = new byte[DIGEST_LENGTH];
    b.get(digest);
    try {
      return new Header(new String(id, StandardCharsets.US_ASCII), sequence, digest);
    } catch (IllegalArgumentException e) {
      throw damaged(file, "bad header");
    }
  }

  private static byte[] read(Path file) {
    Objects.requireNonNull(file, "file");
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new VaultException("no recovery file at " + file);
      }
      try (InputStream in = Files.newInputStream(file)) {
        byte[] raw = in.readNBytes(FILE_LENGTH + 1);
        if (raw.length != FILE_LENGTH) {
          throw damaged(file, "wrong length");
        }
        return raw;
      }
    } catch (AccessDeniedException e) {
      throw new VaultException("permission denied reading the recovery file " + file, e);
    } catch (IOException e) {
      throw new VaultException(
          "could not read the recovery file " + file + " (" + e.getClass().getSimpleName() + ")",
          e);
    }
  }

  private static VaultException damaged(Path file, String why) {
    return new VaultException("the recovery file " + file + " is damaged (" + why + ")");
  }
}
