package org.bdx.node.vault;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Writing files that hold secrets: atomically, with their final mode from the first byte. */
public final class SecureFiles {
  public static final Set<PosixFilePermission> DIR_700 =
      PosixFilePermissions.fromString("rwx------");
  public static final Set<PosixFilePermission> FILE_600 =
      PosixFilePermissions.fromString("rw-------");
  public static final Set<PosixFilePermission> FILE_644 =
      PosixFilePermissions.fromString("rw-r--r--");

  private SecureFiles() {}

  /**
   * Writes {@code content} to a temporary file in the target's directory that already has {@code
   * perms} (ignored where the file system has no POSIX permissions), forces it to disk, then
   * renames it over {@code target} atomically and forces the directory.
   *
   * @param replace whether an existing {@code target} may be replaced
   * @throws FileAlreadyExistsException if {@code target} exists and {@code replace} is false
   */
  public static void writeAtomically(
      Path target, byte[] content, Set<PosixFilePermission> perms, boolean replace)
      throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    boolean posix = isPosix(dir);
    Path tmp =
        posix
            ? Files.createTempFile(
                dir,
                "." + target.getFileName(),
                ".tmp",
                PosixFilePermissions.asFileAttribute(perms))
            : Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      if (posix) {
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

  /**
   * Overwrites the file with zeros, forces that to disk, then deletes it. On a journaling or
   * copy-on-write file system or an SSD the old blocks may survive elsewhere: this removes the easy
   * copy, not every copy.
   */
  public static void overwriteAndDelete(Path file) throws IOException {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    long size = Files.size(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(size, 1 << 16));
      long at = 0;
      while (at < size) {
        zeros.clear();
        zeros.limit((int) Math.min(zeros.capacity(), size - at));
        at += ch.write(zeros, at);
      }
      ch.force(true);
    }
    Files.delete(file);
    syncDirectory(file.toAbsolutePath().getParent());
  }

  /** Forces a directory's entries to disk where the platform allows opening a directory. */
  public static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      // Not every platform can open a directory; the move itself is still atomic.
    }
  }

  public static boolean isPosix(Path p) throws IOException {
    return Files.getFileStore(p).supportsFileAttributeView("posix");
  }

  /** Whether group or others may read or write {@code p} (false without POSIX permissions). */
  public static boolean othersMayAccess(Path p) throws IOException {
    if (!isPosix(p)) {
      return false;
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
    return perms.contains(PosixFilePermission.GROUP_READ)
        || perms.contains(PosixFilePermission.GROUP_WRITE)
        || perms.contains(PosixFilePermission.OTHERS_READ)
        || perms.contains(PosixFilePermission.OTHERS_WRITE);
  }
}
