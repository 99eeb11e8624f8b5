package org.bdx.node.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.bdx.node.vault.KeyedHash;
import org.bdx.node.vault.SymmetricKey;
import org.bdx.node.vault.Vault;
import org.bdx.node.vault.VaultException;

/**
 * The keys of {@code node.db}'s rows (spec AR-6, AR-7): every stored value that says something
 * about a person or a place is sealed (AES-256-GCM under the vault's rows key), or, where it must
 * be found by value, replaced by a keyed hash (HMAC-SHA256 under the search-index key).
 *
 * <pre>
 * sealed = 0x01 || nonce (12) || AES-256-GCM(rows key, aad, value) || tag (16)
 * aad    = ASCII("bdx/v1/at-rest/" || column) || 0x00 || part 1 || 0x00 || part 2 ...
 * </pre>
 *
 * The column name ({@code "alerts.fields"}) and the row's identity in the associated data tie a
 * sealed value to its place: moved to another row or column, it does not open.
 */
public final class RowCipher implements AutoCloseable {
  private static final byte VERSION = 1;
  private static final String LABEL = "bdx/v1/at-rest/";

  private final SymmetricKey rows;
  private final KeyedHash index;
  private final SecureRandom rng;

  private RowCipher(SymmetricKey rows, KeyedHash index, SecureRandom rng) {
    this.rows = rows;
    this.index = index;
    this.rng = rng;
  }

  /** The row keys of an open vault. */
  public static RowCipher of(Vault vault, SecureRandom rng) {
    Objects.requireNonNull(vault, "vault");
    Objects.requireNonNull(rng, "rng");
    SymmetricKey indexKey = vault.subKey(Vault.Purpose.SEARCH_INDEX);
    try {
      return new RowCipher(vault.subKey(Vault.Purpose.ROWS), KeyedHash.of(indexKey), rng);
    } finally {
      indexKey.close();
    }
  }

  /**
   * The row keys derived from {@code root} as a vault derives them from its root key: for tests and
   * tools that have no vault file.
   */
  public static RowCipher fromRoot(SymmetricKey root, SecureRandom rng) {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(rng, "rng");
    try (SymmetricKey indexKey = root.derive(Vault.Purpose.SEARCH_INDEX.label())) {
      return new RowCipher(root.derive(Vault.Purpose.ROWS.label()), KeyedHash.of(indexKey), rng);
    }
  }

  /**
   * Seals {@code value}, stored in {@code column} of the row that {@code identity} names.
   *
   * @param column table and column, e.g. {@code "alerts.fields"}
   */
  public byte[] seal(String column, byte[] value, String... identity) {
    Objects.requireNonNull(value, "value");
    byte[] sealed = rows.seal(aad(column, identity), value, rng);
    byte[] out = new byte[1 + sealed.length];
    out[0] = VERSION;
    System.arraycopy(sealed, 0, out, 1, sealed.length);
    return out;
  }

  /** Seals the UTF-8 bytes of {@code value}. */
  public byte[] sealText(String column, String value, String... identity) {
    byte[] plain = value.getBytes(StandardCharsets.UTF_8);
    try {
      return seal(column, plain, identity);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /**
   * Opens a value {@link #seal} made for the same column and row.
   *
   * @throws StoreException if it does not open (another key, another place, altered bytes, or a
   *     value stored in clear); the message names the column, never the content
   */
  public byte[] open(String column, byte[] sealed, String... identity) {
    if (sealed == null || sealed.length < 1 + SymmetricKey.OVERHEAD || sealed[0] != VERSION) {
      throw new StoreException("a stored " + column + " value is not sealed");
    }
    try {
      return rows.open(aad(column, identity), Arrays.copyOfRange(sealed, 1, sealed.length));
    } catch (VaultException e) {
      throw new StoreException("a stored " + column + " value does not open with this node's keys");
    }
  }

  /** Opens a value {@link #sealText} made. */
  public String openText(String column, byte[] sealed, String... identity) {
    byte[] plain = open(column, sealed, identity);
    try {
      return new String(plain, StandardCharsets.UTF_8);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /**
   * The search-index term that stands for {@code token}: the first 8 bytes of HMAC-SHA256 of {@code
   * "t" || 0x00 || token} (UTF-8). Two tokens may share a term; whoever looks terms up checks each
   * row found.
   */
  public long term(String token) {
    return index.hash64(("t\0" + token).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * HMAC-SHA256 of {@code "n" || 0x00 || kind || 0x00 || name} (UTF-8) as lower-case hex: a key to
   * find a row by a name that is stored sealed. The caller folds case first if names are to match
   * regardless of it.
   */
  public String nameKey(String kind, String name) {
    byte[] h = index.hash(("n\0" + kind + "\0" + name).getBytes(StandardCharsets.UTF_8));
    StringBuilder hex = new StringBuilder(64);
    for (byte b : h) {
      hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return hex.toString();
  }

  private static byte[] aad(String column, String... identity) {
    Objects.requireNonNull(column, "column");
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    out.writeBytes((LABEL + column).getBytes(StandardCharsets.US_ASCII));
    for (String part : identity) {
      out.write(0);
      out.writeBytes(part.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  /** Zeroes the keys. */
  @Override
  public void close() {
    try {
      rows.close();
    } finally {
      index.close();
    }
  }

  @Override
  public String toString() {
    return "RowCipher[<redacted>]";
  }
}
