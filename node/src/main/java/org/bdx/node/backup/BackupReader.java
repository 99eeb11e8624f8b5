package org.bdx.node.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.bdx.node.vault.SymmetricKey;
import org.bdx.node.vault.VaultException;

/**
 * Reads a backup file ({@link BackupFormat}): the header first, so the vault it carries can be
 * opened with the passphrase, then the archive, each chunk verified before any of its bytes is
 * handed on. Whoever extracts writes to files that are not final until the whole file verified:
 * only then is the last chunk known to be there and nothing to follow it.
 */
public final class BackupReader {
  /** Where the entries of an archive go, in order. */
  public interface EntrySink {
    /** A stream for the bytes of entry {@code name}; closed once they are written. */
    OutputStream open(String name) throws IOException;
  }

  private final InputStream in;
  private final String what;
  private final byte[] header;

  private BackupReader(InputStream in, String what, byte[] header) {
    this.in = in;
    this.what = what;
    this.header = header;
  }

  /**
   * Reads the header of the backup in {@code in}; {@code what} names the file in messages.
   *
   * @throws BackupException if it is not a backup, of a format this code does not know, or too
   *     short to hold a header
   */
  public static BackupReader open(InputStream in, String what) throws IOException {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(what, "what");
    byte[] magic = in.readNBytes(BackupFormat.MAGIC.length);
    if (!Arrays.equals(magic, BackupFormat.MAGIC)) {
      throw new BackupException(what + " is not a BDX backup");
    }
    int version = in.read();
    if (version < 0) {
      throw truncated(what);
    }
    if (version != BackupFormat.VERSION) {
      throw new BackupException(
          what
              + " is a backup of format "
              + version
              + ", which this bdx does not know; upgrade"
              + " bdx");
    }
    byte[] rest = in.readNBytes(BackupFormat.HEADER_LENGTH - BackupFormat.MAGIC.length - 1);
    if (rest.length != BackupFormat.HEADER_LENGTH - BackupFormat.MAGIC.length - 1) {
      throw truncated(what);
    }
    byte[] header =
        ByteBuffer.allocate(BackupFormat.HEADER_LENGTH)
            .put(magic)
            .put((byte) version)
            .put(rest)
            .array();
    return new BackupReader(in, what, header);
  }

  /** The backup's random id. */
  public byte[] backupId() {
    int from = BackupFormat.MAGIC.length + 1;
    return Arrays.copyOfRange(header, from, from + BackupFormat.ID_LENGTH);
  }

  /** The vault file the backup carries, sealed under the passphrase of when it was made. */
  public byte[] vaultFile() {
    return Arrays.copyOfRange(
        header, BackupFormat.MAGIC.length + 1 + BackupFormat.ID_LENGTH, header.length);
  }

  /**
   * Decrypts the archive with {@code key} (the backup subkey of the vault the header carries) and
   * gives each entry's bytes to {@code sink}, in the order of {@link BackupFormat#ENTRIES}.
   *
   * @throws BackupException if a chunk does not verify, the file ends before its last chunk or goes
   *     on after it, or the archive is not laid out as a backup
   */
  public void extract(SymmetricKey key, EntrySink sink) throws IOException {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(sink, "sink");
    Chunks plain = new Chunks(key);
    byte[] buf = new byte[BackupFormat.CHUNK];
    for (String expected : BackupFormat.ENTRIES) {
      if (plain.readByte() != BackupFormat.ENTRY) {
        throw layout();
      }
      int nameLength = plain.readByte();
      if (nameLength < 1 || nameLength > BackupFormat.MAX_NAME) {
        throw layout();
      }
      String name = new String(plain.readFully(nameLength), StandardCharsets.US_ASCII);
      long size = ByteBuffer.wrap(plain.readFully(8)).getLong();
      if (!name.equals(expected) || size < 0 || size > BackupFormat.MAX_ENTRY) {
        throw layout();
      }
      try (OutputStream out = sink.open(name)) {
        long left = size;
        while (left > 0) {
          int n = plain.read(buf, (int) Math.min(buf.length, left));
          if (n < 0) {
            throw layout();
          }
          out.write(buf, 0, n);
          left -= n;
        }
      }
    }
    if (plain.readByte() != BackupFormat.END || plain.read(buf, 1) >= 0) {
      throw layout();
    }
    Arrays.fill(buf, (byte) 0);
  }

  /** The archive's bytes, chunk by chunk, each verified before any of it is returned. */
  private final class Chunks {
    private final SymmetricKey key;
    private byte[] current = new byte[0];
    private int at;
    private long index;
    private boolean last;

    Chunks(SymmetricKey key) {
      this.key = key;
    }

    /** Up to {@code max} bytes into {@code buf}, or -1 after the last chunk's last byte. */
    int read(byte[] buf, int max) throws IOException {
      while (at == current.length) {
        if (last) {
          return -1;
        }
        next();
      }
      int n = Math.min(max, current.length - at);
      System.arraycopy(current, at, buf, 0, n);
      at += n;
      return n;
    }

    int readByte() throws IOException {
      byte[] one = new byte[1];
      return read(one, 1) < 0 ? -1 : one[0] & 0xff;
    }

    byte[] readFully(int n) throws IOException {
      byte[] out = new byte[n];
      int got = 0;
      byte[] buf = new byte[n];
      while (got < n) {
        int r = read(buf, n - got);
        if (r < 0) {
          throw layout();
        }
        System.arraycopy(buf, 0, out, got, r);
        got += r;
      }
      return out;
    }

    private void next() throws IOException {
      int flags = in.read();
      if (flags < 0) {
        throw truncated(what);
      }
      byte[] len = in.readNBytes(4);
      if (len.length < 4) {
        throw truncated(what);
      }
      if (flags != 0 && flags != BackupFormat.FLAG_LAST) {
        throw damaged("chunk " + index + " has unknown flags");
      }
      int length = ByteBuffer.wrap(len).getInt();
      if (length < SymmetricKey.OVERHEAD || length > BackupFormat.MAX_SEALED) {
        throw damaged("chunk " + index + " has an impossible length");
      }
      byte[] sealed = in.readNBytes(length);
      if (sealed.length < length) {
        throw truncated(what);
      }
      byte[] text;
      try {
        text = key.open(BackupFormat.aad(header, index, flags), sealed);
      } catch (VaultException e) {
        throw damaged("chunk " + index + " does not verify (altered, or out of place)");
      }
      if (flags == BackupFormat.FLAG_LAST) {
        last = true;
        if (in.read() >= 0) {
          throw damaged("bytes follow its last chunk");
        }
      } else if (text.length == 0) {
        throw layout();
      }
      Arrays.fill(current, (byte) 0);
      current = text;
      at = 0;
      index++;
    }
  }

  private BackupException damaged(String why) {
    return new BackupException("the backup " + what + " is damaged: " + why);
  }

  private BackupException layout() {
    return damaged("its contents are not laid out as a backup");
  }

  private static BackupException truncated(String what) {
    return new BackupException(
        "the backup " + what + " is truncated: it ends before its last chunk");
  }
}
