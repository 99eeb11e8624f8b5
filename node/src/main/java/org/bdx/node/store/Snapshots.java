package org.bdx.node.store;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import org.sqlite.SQLiteConfig;

/**
 * Consistent copies of a database while the node writes to it, for backups (spec AR-9.2). {@code
 * VACUUM INTO} runs on a read-only connection of its own, inside one read transaction: in WAL mode
 * it sees the last commit before it began and nothing after, and the node's writer goes on
 * meanwhile (a checkpoint that wants to cut the log short waits for it). The copy holds no free
 * pages, so no deleted content either.
 */
public final class Snapshots {
  /** The tables {@link #count} may count. */
  public enum Table {
    REPORTS("reports"),
    ALERTS("alerts");

    private final String name;

    Table(String name) {
      this.name = name;
    }
  }

  private Snapshots() {}

  /**
   * Writes the committed state of the database {@code source} to the new file {@code target}, which
   * must not exist (its directory should be owner-only: the copy is as readable as the database).
   *
   * @throws StoreException if the copy cannot be made; the message names files, never content
   */
  public static void copy(Path source, Path target) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new StoreException("snapshot target exists: " + target.getFileName());
    }
    try (Connection c = readOnly(source);
        PreparedStatement ps = c.prepareStatement("VACUUM INTO ?")) {
      ps.setString(1, target.toAbsolutePath().toString());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot copy " + source.getFileName() + " for a backup", e);
    }
  }

  /** How many rows {@code table} of the database file {@code database} holds. */
  public static long count(Path database, Table table) {
    try (Connection c = readOnly(database);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table.name)) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new StoreException("cannot read " + database.getFileName(), e);
    }
  }

  private static Connection readOnly(Path file) throws SQLException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new StoreException("no database " + file.getFileName());
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(NodeDatabase.BUSY_TIMEOUT_MS);
    return config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
  }
}
