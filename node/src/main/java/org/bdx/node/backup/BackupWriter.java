package org.bdx.node.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.bdx.node.vault.SymmetricKey;
import org.bdx.node.vault.Vault;

/**
 * Writes a backup file ({@link BackupFormat}) to a stream: the header, then the archive's entries,
 * sealed chunk by chunk as they fill. A full chunk is sealed only once more bytes arrive, so the
 * last chunk is always known when it is sealed. Holds one chunk in memory.
 */
final class BackupWriter {
  private final OutputStream out;
  private final SymmetricKey key;
  private final SecureRandom rng;
  private final byte[] header;
  private final byte[] plain = new byte[BackupFormat.CHUNK];
  private int filled;
  private long index;
  private int nextEntry;
  private boolean finished;

  private BackupWriter(OutputStream out, SymmetricKey key, SecureRandom rng, byte[] header) {
    this.out = out;
    this.key = key;
    this.rng = rng;
    this.header = header;
  }

  /**
   * Writes the header of a backup with id {@code backupId} carrying {@code vaultFile} (the vault's
   * bytes as on disk), whose chunks {@code key} seals (the vault's backup subkey).
   */
  static BackupWriter start(
      OutputStream out, SymmetricKey key, byte[] backupId, byte[] vaultFile, SecureRandom rng)
      throws IOException {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(rng, "rng");
    if (backupId == null || backupId.length != BackupFormat.ID_LENGTH) {
      throw new IllegalArgumentException("a backup id is 16 bytes");
    }
    if (vaultFile == null || vaultFile.length != Vault.FILE_LENGTH) {
      throw new IllegalArgumentException("a vault file is " + Vault.FILE_LENGTH + " bytes");
    }
    byte[] header =
        ByteBuffer.allocate(BackupFormat.HEADER_LENGTH)
            .put(BackupFormat.MAGIC)
            .put((byte) BackupFormat.VERSION)
            .put(backupId)
            .put(vaultFile)
            .array();
    out.write(header);
    return new BackupWriter(out, key, rng, header);
  }

  /** The next entry, whose bytes are {@code content}. */
  void entry(String name, byte[] content) throws IOException {
    entryHeader(name, content.length);
    plain(content, 0, content.length);
  }

  /** The next entry: exactly {@code size} bytes read from {@code content}. */
  void entry(String name, long size, InputStream content) throws IOException {
    entryHeader(name, size);
    byte[] buf = new byte[BackupFormat.CHUNK];
    long left = size;
    while (left > 0) {
      int n = content.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        throw new IOException(name + " became shorter while it was backed up");
      }
      plain(buf, 0, n);
      left -= n;
    }
    if (content.read() >= 0) {
      throw new IOException(name + " became longer while it was backed up");
    }
  }

  /** Ends the archive and seals its last chunk; every entry must have been written. */
  void finish() throws IOException {
    if (nextEntry != BackupFormat.ENTRIES.size()) {
      throw new IllegalStateException("a backup needs every entry");
    }
    plain(new byte[] {BackupFormat.END}, 0, 1);
    seal(BackupFormat.FLAG_LAST);
    finished = true;
    Arrays.fill(plain, (byte) 0);
    out.flush();
  }

  private void entryHeader(String name, long size) throws IOException {
    if (finished || nextEntry >= BackupFormat.ENTRIES.size()) {
      throw new IllegalStateException("no more entries in a backup");
    }
    if (!BackupFormat.ENTRIES.get(nextEntry).equals(name)) {
      throw new IllegalStateException("entry " + name + " out of order");
    }
    if (size < 0 || size > BackupFormat.MAX_ENTRY) {
      throw new IOException(name + " is too large to back up");
    }
    nextEntry++;
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(1 + 1 + n.length + 8);
    b.put((byte) BackupFormat.ENTRY).put((byte) n.length).put(n).putLong(size);
    plain(b.array(), 0, b.capacity());
  }

  private void plain(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (filled == plain.length) {
        seal(0); // more follows, so this full chunk is not the last
      }
      int n = Math.min(len, plain.length - filled);
      System.arraycopy(b, off, plain, filled, n);
      filled += n;
      off += n;
      len -= n;
    }
  }

  private void seal(int flags) throws IOException {
    byte[] text = Arrays.copyOf(plain, filled);
    byte[] sealed;
    try {
      sealed = key.seal(BackupFormat.aad(header, index, flags), text, rng);
    } finally {
      Arrays.fill(text, (byte) 0);
    }
    out.write(ByteBuffer.allocate(5).put((byte) flags).putInt(sealed.length).array());
    out.write(sealed);
    index++;
    filled = 0;
  }
}
