package org.bdx.node.backup;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bdx.node.vault.SymmetricKey;
import org.bdx.node.vault.Vault;

/**
 * The layout of a backup file (spec AR-9.1). In clear only what a restore needs before it has a
 * key:
 *
 * <pre>
 * header  = "BDXBACKUP" (9) || format version 1 (1) || backup id (16, random) || vault file (131)
 * chunk   = flags (1: 1 for the last chunk, else 0) || length L (4, big-endian) || sealed (L)
 * sealed  = nonce (12) || AES-256-GCM(backup key, aad, plaintext) || tag (16)
 * aad     = "bdx/v1/backup-chunk" || 0x00 || header || chunk index (8, big-endian) || flags (1)
 * </pre>
 *
 * The backup key is the vault's {@link Vault.Purpose#BACKUP} subkey, so the passphrase that opens
 * the vault in the header opens the backup and nothing else is needed. The chunks' plaintexts,
 * joined, are the archive: entries {@code 0x01 || name length (1) || name (ASCII) || size (8) ||
 * bytes}, exactly the {@link #ENTRIES} in that order, then {@code 0x00}. A chunk holds 1 to {@link
 * #CHUNK} bytes of it, the last one 0 to {@link #CHUNK}. The index and the last-chunk flag in the
 * associated data make a reordered, dropped, doubled or cut chunk fail to open; the header in it
 * binds every chunk to this backup.
 */
public final class BackupFormat {
  static final byte[] MAGIC = "BDXBACKUP".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  public static final int ID_LENGTH = 16;
  static final int HEADER_LENGTH = MAGIC.length + 1 + ID_LENGTH + Vault.FILE_LENGTH;

  /** Plaintext bytes per chunk, at most. */
  public static final int CHUNK = 64 * 1024;

  static final int MAX_SEALED = CHUNK + SymmetricKey.OVERHEAD;
  static final int FLAG_LAST = 1;
  static final int ENTRY = 1;
  static final int END = 0;

  /** Longest entry name, bytes. */
  static final int MAX_NAME = 64;

  /** Largest entry a restore accepts, bytes (1 TiB): a size beyond it is damage. */
  static final long MAX_ENTRY = 1L << 40;

  private static final byte[] AAD_LABEL =
      "bdx/v1/backup-chunk\0".getBytes(StandardCharsets.US_ASCII);

  /** What the node was and when: {@code key=value} lines. */
  public static final String MANIFEST = "manifest";

  public static final String SETTINGS = "node.properties";
  public static final String PUBLIC_KEY = "keys/node.pub";
  public static final String DATABASE = "node.db";
  public static final String REPORT_KEYS = "reportkeys.db";

  /** Every entry of a version 1 archive, in order. */
  public static final List<String> ENTRIES =
      List.of(MANIFEST, SETTINGS, PUBLIC_KEY, DATABASE, REPORT_KEYS);

  private BackupFormat() {}

  static byte[] aad(byte[] header, long index, int flags) {
    return ByteBuffer.allocate(AAD_LABEL.length + header.length + 8 + 1)
        .put(AAD_LABEL)
        .put(header)
        .putLong(index)
        .put((byte) flags)
        .array();
  }
}
