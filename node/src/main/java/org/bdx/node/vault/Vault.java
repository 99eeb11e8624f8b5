package org.bdx.node.vault;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * The node's secrets, sealed under its passphrase in the file {@code vault} of the home directory
 * (spec AR-1): the Ed25519 seed of the node key and a random 256-bit root key from which every key
 * for data at rest is derived ({@link #subKey}). Changing the passphrase re-seals the same secrets,
 * so no data is re-encrypted.
 *
 * <pre>
 * offset size
 *  0      8   ASCII "BDXVAULT"
 *  8      1   format version, 1
 *  9      1   key derivation, 1 = Argon2id version 0x13
 * 10      4   memory in KiB        (unsigned, big-endian)
 * 14      4   passes
 * 18      4   lanes
 * 22     16   salt
 * 38     12   AES-256-GCM nonce
 * 50     81   AES-256-GCM of the payload (65 bytes) and the 16-byte tag, with bytes 0..37 as
 *             associated data, under Argon2id(passphrase as UTF-8, salt) of 32 bytes
 * payload: 1 byte payload version (1) || 32-byte Ed25519 seed || 32-byte root key
 * </pre>
 *
 * An open vault holds the seed and root key in memory until {@link #close}, which zeroes them.
 */
public final class Vault implements AutoCloseable {
  /** The vault's file name in the home directory. */
  public static final String FILE = "vault";

  public static final int SEED_LENGTH = 32;

  private static final byte[] MAGIC = "BDXVAULT".getBytes(StandardCharsets.US_ASCII);
  private static final int FORMAT_VERSION = 1;
  private static final int KDF_ARGON2ID = 1;
  private static final int PAYLOAD_VERSION = 1;
  private static final int SALT_LENGTH = 16;
  static final int HEADER_LENGTH = 8 + 1 + 1 + 4 + 4 + 4 + SALT_LENGTH;
  private static final int PAYLOAD_LENGTH = 1 + SEED_LENGTH + SymmetricKey.LENGTH;

  /** The vault file's length in bytes (131); a backup carries it whole (spec AR-9.1). */
  public static final int FILE_LENGTH = HEADER_LENGTH + SymmetricKey.OVERHEAD + PAYLOAD_LENGTH;

  /** What a subkey is for; each label names one purpose and never changes meaning. */
  public enum Purpose {
    /** Wraps each report's data key (spec AR-3). */
    REPORT_KEYS("bdx/v1/at-rest/report-keys"),
    /** Seals stored values other than report bodies: alerts, the outbox, partners (AR-6). */
    ROWS("bdx/v1/at-rest/rows"),
    /** Keys the hashes that stand in for searchable values in the search index (AR-7). */
    SEARCH_INDEX("bdx/v1/at-rest/search-index"),
    /** Seals the chunks of a backup file (spec AR-9). */
    BACKUP("bdx/v1/at-rest/backup");

    private final String label;

    Purpose(String label) {
      this.label = label;
    }

    /** The HKDF info, ASCII. */
    public String label() {
      return label;
    }
  }

  private final Path homeDir;
  private final KdfParams kdf;
  private final byte[] seed;
  private final SymmetricKey root;
  private volatile boolean closed;

  private Vault(Path homeDir, KdfParams kdf, byte[] seed, SymmetricKey root) {
    this.homeDir = homeDir;
    this.kdf = kdf;
    this.seed = seed;
    this.root = root;
  }

  /** The vault file of the home directory {@code homeDir}. */
  public static Path file(Path homeDir) {
    return homeDir.resolve(FILE);
  }

  public static boolean exists(Path homeDir) {
    return Files.exists(file(homeDir), LinkOption.NOFOLLOW_LINKS);
  }

  /** Creates a vault with a fresh seed and root key from {@code rng}; refuses to replace one. */
  public static Vault create(Path homeDir, Passphrase passphrase, KdfParams kdf, SecureRandom rng) {
    byte[] seed = new byte[SEED_LENGTH];
    rng.nextBytes(seed);
    try {
      return create(homeDir, passphrase, kdf, seed, rng);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /**
   * Creates a vault holding {@code seed} (an existing node key, when a plaintext node is encrypted)
   * and a fresh root key; the seed array is copied. Refuses to replace an existing vault.
   */
  public static Vault create(
      Path homeDir, Passphrase passphrase, KdfParams kdf, byte[] seed, SecureRandom rng) {
    Objects.requireNonNull(homeDir, "homeDir");
    Objects.requireNonNull(passphrase, "passphrase");
    Objects.requireNonNull(kdf, "kdf");
    if (seed == null || seed.length != SEED_LENGTH) {
      throw new IllegalArgumentException("a seed is 32 bytes");
    }
    Vault v = new Vault(homeDir, kdf, seed.clone(), SymmetricKey.random(rng));
    try {
      v.write(passphrase, kdf, rng, false);
      return v;
    } catch (RuntimeException e) {
      v.close();
      throw e;
    }
  }

  /**
   * Opens the vault of {@code homeDir} with {@code passphrase}. Reads only; nothing on disk
   * changes, whatever the outcome.
   *
   * @throws VaultException.WrongPassphrase if the passphrase does not open it
   * @throws VaultException if there is no vault, others may read it, or it is damaged
   */
  public static Vault open(Path homeDir, Passphrase passphrase) {
    Objects.requireNonNull(homeDir, "homeDir");
    Objects.requireNonNull(passphrase, "passphrase");
    byte[] raw = read(homeDir);
    ByteBuffer b = ByteBuffer.wrap(raw);
    byte[] magic = new byte[MAGIC.length];
    b.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw damaged(homeDir, "it does not start with BDXVAULT");
    }
    int format = b.get() & 0xff;
    if (format != FORMAT_VERSION) {
      throw new VaultException(
          "the vault "
              + file(homeDir)
              + " has format "
              + format
              + ", which this bdx does not know; upgrade bdx");
    }
    if ((b.get() & 0xff) != KDF_ARGON2ID || raw.length != FILE_LENGTH) {
      throw damaged(homeDir, "unknown key derivation or wrong length");
    }
    KdfParams kdf;
    try {
      kdf = new KdfParams(b.getInt(), b.getInt(), b.getInt());
    } catch (VaultException e) {
      throw damaged(homeDir, e.getMessage());
    }
    byte[] salt = new byte[SALT_LENGTH];
    b.get(salt);
    byte[] header = Arrays.copyOf(raw, HEADER_LENGTH);
    byte[] sealed = Arrays.copyOfRange(raw, HEADER_LENGTH, raw.length);
    byte[] payload;
    try (SymmetricKey kek = derive(passphrase, salt, kdf)) {
      payload = kek.open(header, sealed);
    } catch (VaultException e) {
      throw new VaultException.WrongPassphrase("wrong passphrase for the node in " + homeDir);
    }
    try {
      if (payload.length != PAYLOAD_LENGTH || payload[0] != PAYLOAD_VERSION) {
        throw damaged(homeDir, "unknown payload");
      }
      byte[] seed = Arrays.copyOfRange(payload, 1, 1 + SEED_LENGTH);
      byte[] rootBytes = Arrays.copyOfRange(payload, 1 + SEED_LENGTH, PAYLOAD_LENGTH);
      SymmetricKey root = SymmetricKey.of(rootBytes);
      Arrays.fill(rootBytes, (byte) 0);
      return new Vault(homeDir, kdf, seed, root);
    } finally {
      Arrays.fill(payload, (byte) 0);
    }
  }

  /**
   * Re-seals the vault of {@code homeDir} under {@code newPassphrase}, with a fresh salt and {@code
   * kdf}: the same seed and root key, so nothing sealed under them changes. The file is replaced
   * atomically; a wrong {@code oldPassphrase} changes nothing.
   *
   * @throws VaultException.WrongPassphrase if {@code oldPassphrase} does not open the vault
   */
  public static void changePassphrase(
      Path homeDir,
      Passphrase oldPassphrase,
      Passphrase newPassphrase,
      KdfParams kdf,
      SecureRandom rng) {
    try (Vault v = open(homeDir, oldPassphrase)) {
      v.write(newPassphrase, kdf, rng, true);
    }
  }

  /**
   * Replaces the node key's seed in the vault of {@code homeDir} with {@code newSeed} (a key
   * rotation, spec KEY-5), re-sealed under the same passphrase with a fresh salt: the root key
   * stays, so nothing sealed under it changes. The file is replaced atomically.
   *
   * @throws VaultException.WrongPassphrase if {@code passphrase} does not open the vault; nothing
   *     changes then
   */
  public static void replaceSeed(
      Path homeDir, Passphrase passphrase, byte[] newSeed, SecureRandom rng) {
    if (newSeed == null || newSeed.length != SEED_LENGTH) {
      throw new IllegalArgumentException("a seed is 32 bytes");
    }
    try (Vault old = open(homeDir, passphrase)) {
      byte[] rootBytes = old.root.export(SecretAccess.INSECURE);
      try (Vault replaced =
          new Vault(homeDir, old.kdf, newSeed.clone(), SymmetricKey.of(rootBytes))) {
        replaced.write(passphrase, old.kdf, rng, true);
      } finally {
        Arrays.fill(rootBytes, (byte) 0);
      }
    }
  }

  /** A copy of the node key's 32-byte seed; the caller zeroes it. */
  public byte[] seed(SecretAccess access) {
    Objects.requireNonNull(access, "reading the node key needs a SecretAccess token");
    check();
    return seed.clone();
  }

  /** The key for {@code purpose}: HKDF-SHA256 of the root key with the purpose's label. */
  public SymmetricKey subKey(Purpose purpose) {
    check();
    return root.derive(purpose.label());
  }

  /** The key derivation parameters the vault was sealed with. */
  public KdfParams kdf() {
    return kdf;
  }

  private void check() {
    if (closed) {
      throw new IllegalStateException("vault closed");
    }
  }

  private void write(Passphrase passphrase, KdfParams kdf, SecureRandom rng, boolean replace) {
    byte[] salt = new byte[SALT_LENGTH];
    rng.nextBytes(salt);
    ByteBuffer h = ByteBuffer.allocate(HEADER_LENGTH);
    h.put(MAGIC)
        .put((byte) FORMAT_VERSION)
        .put((byte) KDF_ARGON2ID)
        .putInt(kdf.memoryKiB())
        .putInt(kdf.iterations())
        .putInt(kdf.parallelism())
        .put(salt);
    byte[] header = h.array();
    byte[] payload = new byte[PAYLOAD_LENGTH];
    byte[] rootBytes = root.export(SecretAccess.INSECURE);
    byte[] content = null;
    try (SymmetricKey kek = derive(passphrase, salt, kdf)) {
      payload[0] = PAYLOAD_VERSION;
      System.arraycopy(seed, 0, payload, 1, SEED_LENGTH);
      System.arraycopy(rootBytes, 0, payload, 1 + SEED_LENGTH, SymmetricKey.LENGTH);
      byte[] sealed = kek.seal(header, payload, rng);
      content = new byte[HEADER_LENGTH + sealed.length];
      System.arraycopy(header, 0, content, 0, HEADER_LENGTH);
      System.arraycopy(sealed, 0, content, HEADER_LENGTH, sealed.length);
      SecureFiles.writeAtomically(file(homeDir), content, SecureFiles.FILE_600, replace);
    } catch (FileAlreadyExistsException e) {
      throw new VaultException(
          "a vault already exists at " + file(homeDir) + "; refusing to overwrite it");
    } catch (IOException e) {
      throw new VaultException(
          "could not write the vault " + file(homeDir) + " (" + e.getClass().getSimpleName() + ")",
          e);
    } finally {
      Arrays.fill(payload, (byte) 0);
      Arrays.fill(rootBytes, (byte) 0);
    }
  }

  /** Argon2id (RFC 9106, version 0x13) of the passphrase's UTF-8 bytes: the key-encryption key. */
  static SymmetricKey derive(Passphrase passphrase, byte[] salt, KdfParams kdf) {
    Argon2Parameters params =
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withSalt(salt)
            .withMemoryAsKB(kdf.memoryKiB())
            .withIterations(kdf.iterations())
            .withParallelism(kdf.parallelism())
            .build();
    Argon2BytesGenerator gen = new Argon2BytesGenerator();
    gen.init(params);
    byte[] password = passphrase.utf8();
    byte[] out = new byte[SymmetricKey.LENGTH];
    try {
      gen.generateBytes(password, out);
      return SymmetricKey.of(out);
    } finally {
      Arrays.fill(password, (byte) 0);
      Arrays.fill(out, (byte) 0);
    }
  }

  private static byte[] read(Path homeDir) {
    Path f = file(homeDir);
    try {
      if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
        throw new VaultException("no vault at " + f + "; was this home made by bdx init?");
      }
      if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
        throw new VaultException("the vault " + f + " is not a regular file");
      }
      if (SecureFiles.othersMayAccess(f)) {
        throw new VaultException(
            "the vault "
                + f
                + " can be read or written by other users; run `chmod 600 "
                + f
                + "` and try again");
      }
      try (InputStream in = Files.newInputStream(f)) {
        byte[] raw = in.readNBytes(FILE_LENGTH + 1);
        if (raw.length != FILE_LENGTH) {
          throw damaged(homeDir, "wrong length");
        }
        return raw;
      }
    } catch (AccessDeniedException e) {
      throw new VaultException("permission denied reading the vault " + f, e);
    } catch (IOException e) {
      throw new VaultException(
          "could not read the vault " + f + " (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  private static VaultException damaged(Path homeDir, String why) {
    return new VaultException("the vault " + file(homeDir) + " is damaged (" + why + ")");
  }

  /** Zeroes the seed and the root key. */
  @Override
  public void close() {
    closed = true;
    Arrays.fill(seed, (byte) 0);
    root.close();
  }

  @Override
  public String toString() {
    return "Vault[" + file(homeDir) + ", secrets=<redacted>]";
  }
}
