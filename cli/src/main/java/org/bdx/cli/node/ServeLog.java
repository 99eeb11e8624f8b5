package org.bdx.cli.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.bdx.cli.command.CliException;

/**
 * Where {@code bdx serve} writes its log: {@code logs/bdx.0.log} in the node's home, rotated at
 * {@link #LIMIT_BYTES} through {@link #FILES} files ({@code bdx.0.log} newest), in a directory only
 * the node's user can read, and still on standard error for a terminal or the journal. The node
 * logs no report content and no secrets, but partner names and addresses are nobody else's
 * business.
 */
final class ServeLog implements AutoCloseable {
  static final int LIMIT_BYTES = 5 * 1024 * 1024;
  static final int FILES = 5;

  private final Logger root = Logger.getLogger("");
  private final FileHandler file;
  private final Level previous;

  private ServeLog(FileHandler file, Level previous) {
    this.file = file;
    this.previous = previous;
  }

  /** The log directory of the node in {@code home}. */
  static Path directory(Path home) {
    return home.resolve("logs");
  }

  /** Starts writing the node's log under {@code home} at {@code level} and above. */
  static ServeLog open(Path home, Level level) {
    Path dir = directory(home);
    try {
      Files.createDirectories(dir);
      if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      }
      FileHandler file =
          new FileHandler(dir.resolve("bdx.%g.log").toString(), LIMIT_BYTES, FILES, true);
      file.setFormatter(new SimpleFormatter());
      file.setLevel(level);
      file.setEncoding("UTF-8");
      Logger root = Logger.getLogger("");
      Level previous = root.getLevel();
      root.setLevel(level);
      for (Handler h : root.getHandlers()) {
        h.setLevel(level);
      }
      root.addHandler(file);
      return new ServeLog(file, previous);
    } catch (IOException e) {
      throw new CliException(
          "cannot write the node's log in "
              + dir
              + " ("
              + e.getMessage()
              + "); check that the home directory is writable by this user");
    }
  }

  /** The levels {@code --log-level} takes, in the words operators use. */
  enum Verbosity {
    ERROR(Level.SEVERE),
    WARNING(Level.WARNING),
    INFO(Level.INFO),
    DEBUG(Level.FINE);

    final Level level;

    Verbosity(Level level) {
      this.level = level;
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  @Override
  public void close() {
    root.removeHandler(file);
    file.close();
    root.setLevel(previous);
  }
}
