package org.bdx.node.home;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

/**
 * The one serving process of a home. Two {@code bdx serve} on one home would each read the same
 * partners' feeds and end each other's streams, so the second must fail at once and say which
 * process holds the home. An operating-system lock on {@code serve.lock} does it: the lock goes
 * with the process, so a killed node leaves no stale lock behind, and the file's text (process id
 * and addresses) is only a description for the message.
 */
public final class ServeLock implements AutoCloseable {
  /** Longest description read back from a held lock file. */
  private static final int MAX_DESCRIPTION = 512;

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private ServeLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** The home is served by another process (or another node in this process). */
  public static final class HomeInUse extends IOException {
    private static final long serialVersionUID = 1L;

    HomeInUse(String message) {
      super(message);
    }
  }

  /**
   * Takes the home's serve lock.
   *
   * @throws HomeInUse if another process (or another node in this JVM) serves the home; the message
   *     names it
   */
  public static ServeLock acquire(NodeHome home) throws IOException {
    Objects.requireNonNull(home, "home");
    Path file = home.dir().resolve("serve.lock");
    FileChannel ch = open(file);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by another node in this JVM (tests, the demo)
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      String holder = describeHolder(ch);
      ch.close();
      throw new HomeInUse(
          "another bdx serve is already running on "
              + home.dir()
              + (holder.isEmpty() ? "" : " (" + holder + ")")
              + "; stop it first, or give this one another --home");
    }
    return new ServeLock(file, ch, lock);
  }

  /** Records who holds the lock, for the message a second serve prints. */
  public void describe(String text) throws IOException {
    String line = "pid " + ProcessHandle.current().pid() + ", " + text;
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(bytes), 0);
    channel.force(false);
  }

  public Path file() {
    return file;
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }

  private static FileChannel open(Path file) throws IOException {
    if (!Files.exists(file) && supportsPosix(file)) {
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // made by a serve starting at the same moment: the lock decides
      }
    }
    return FileChannel.open(
        file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  private static String describeHolder(FileChannel ch) {
    try {
      ByteBuffer buf = ByteBuffer.allocate(MAX_DESCRIPTION);
      ch.read(buf, 0);
      String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip();
      // Our own file, but bound what we echo and keep it on one printable line.
      return text.chars().allMatch(c -> c >= 0x20 && c != 0x7f) ? text : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static boolean supportsPosix(Path p) {
    Path dir = p.toAbsolutePath().getParent();
    return dir != null && dir.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
