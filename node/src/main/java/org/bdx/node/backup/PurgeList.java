package org.bdx.node.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.SequencedSet;
import org.bdx.node.store.Ids;
import org.bdx.node.vault.SecureFiles;

/**
 * The ids of the reports this node purged, one a line, in the file {@code purged-reports} of its
 * home, outside every database (spec AR-9.5). A backup holds the key of every report that existed
 * when it was taken; restoring it would bring back a report purged since. The list, kept beside the
 * backups, tells a restore which purges to make again. It holds ids only: a random id says nothing
 * of a report.
 *
 * <pre>
 * bdx-purged-reports-v1
 * 4xq7...   (26 characters, one report id a line)
 * </pre>
 *
 * An id is appended, and forced to disk, before the purge destroys the report's key: a crash in
 * between lists a purge that did not happen, which a restore then makes (staff meant it), never the
 * other way round.
 */
public final class PurgeList {
  /** The file's name in the home directory. */
  public static final String FILE = "purged-reports";

  /** The first line of the file. */
  static final String HEADER = "bdx-purged-reports-v1";

  /** Most ids a list given to a restore may hold. */
  public static final int MAX_IDS = 1_000_000;

  private static final long MAX_BYTES = (HEADER.length() + 2L) + (Ids.LENGTH + 2L) * MAX_IDS;

  private final Path file;

  /** The list of the home directory {@code homeDir}. */
  public PurgeList(Path homeDir) {
    this.file = Objects.requireNonNull(homeDir, "homeDir").resolve(FILE);
  }

  public Path file() {
    return file;
  }

  /**
   * Appends {@code reportId} and forces it to disk; creates the file (owner-only) first if there is
   * none. A line an earlier append did not finish (a crash) is dropped first: its purge never
   * began, and ended with a line end it would make the whole list unreadable.
   */
  public synchronized void record(String reportId) throws IOException {
    if (!Ids.isValid(reportId)) {
      throw new IllegalArgumentException("not a report id");
    }
    boolean created = false;
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      if (SecureFiles.isPosix(file.toAbsolutePath().getParent())) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(SecureFiles.FILE_600));
      } else {
        Files.createFile(file);
      }
      created = true;
    }
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      StringBuilder line = new StringBuilder();
      if (size == 0) {
        line.append(HEADER).append('\n');
      } else {
        size = afterLastLineEnd(ch, size);
        ch.truncate(size);
        if (size == 0) {
          line.append(HEADER).append('\n');
        }
      }
      line.append(reportId).append('\n');
      ByteBuffer b = ByteBuffer.wrap(line.toString().getBytes(StandardCharsets.US_ASCII));
      long at = size;
      while (b.hasRemaining()) {
        at += ch.write(b, at);
      }
      ch.force(true);
    }
    if (created) {
      SecureFiles.syncDirectory(file.toAbsolutePath().getParent());
    }
  }

  /** The length of the file up to and including its last line end (0 if it has none). */
  private static long afterLastLineEnd(FileChannel ch, long size) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(256);
    long end = size;
    while (end > 0) {
      long from = Math.max(0, end - b.capacity());
      b.clear().limit((int) (end - from));
      while (b.hasRemaining()) {
        if (ch.read(b, from + b.position()) < 0) {
          throw new IOException("the list of purged reports became shorter while it was read");
        }
      }
      for (int i = b.limit() - 1; i >= 0; i--) {
        if (b.get(i) == '\n') {
          return from + i + 1;
        }
      }
      end = from;
    }
    return 0;
  }

  /** The ids in this home's list; none if it has no list yet. */
  public SequencedSet<String> ids() throws IOException {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return new LinkedHashSet<>();
    }
    return read(file);
  }

  /**
   * The ids in the list {@code file}, in order, each once. A last line without its line end (an
   * append cut short) is ignored: its purge never began.
   *
   * @throws IOException if the file is missing, too large, or not such a list (the message names
   *     the first bad line)
   */
  public static SequencedSet<String> read(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such list of purged reports");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, MAX_BYTES + 1));
    }
    if (bytes.length > MAX_BYTES) {
      throw new IOException(
          file + " is too large for a list of purged reports (at most " + MAX_IDS + " ids)");
    }
    String text = new String(bytes, StandardCharsets.US_ASCII);
    String[] lines = text.split("\n", -1);
    if (!lines[0].strip().equals(HEADER)) {
      throw new IOException(
          file + " is not a list of purged reports (its first line is not " + HEADER + ")");
    }
    SequencedSet<String> ids = new LinkedHashSet<>();
    // The last element follows the last line end: empty, or a line an append did not finish.
    for (int i = 1; i < lines.length - 1; i++) {
      String id = lines[i].strip();
      if (id.isEmpty()) {
        continue;
      }
      if (!Ids.isValid(id)) {
        throw new IOException(
            file + " is not a list of purged reports: line " + (i + 1) + " is not a report id");
      }
      ids.add(id);
    }
    return ids;
  }

  /** Writes {@code ids} as the list {@code file}, replacing it atomically, owner-only. */
  public static void write(Path file, Collection<String> ids) throws IOException {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (String id : ids) {
      if (!Ids.isValid(id)) {
        throw new IllegalArgumentException("not a report id");
      }
      sb.append(id).append('\n');
    }
    SecureFiles.writeAtomically(
        file, sb.toString().getBytes(StandardCharsets.US_ASCII), SecureFiles.FILE_600, true);
  }
}
