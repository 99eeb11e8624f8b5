package org.bdx.node.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;

/**
 * Brings a database to the newest schema of a migration list, one transaction per migration, and
 * records each in {@code schema_migrations}; a migration with a step is given the row keys. A
 * database newer than the list is refused, so an older bdx never writes a layout it does not know.
 */
final class Migrator {
  private Migrator() {}

  /** Checks that {@code migrations} is numbered 1, 2, 3, ... in order. */
  static void check(List<Migration> migrations) {
    Objects.requireNonNull(migrations, "migrations");
    if (migrations.isEmpty()) {
      throw new IllegalArgumentException("no migrations");
    }
    for (int i = 0; i < migrations.size(); i++) {
      if (migrations.get(i).version() != i + 1) {
        throw new IllegalArgumentException("migrations must be numbered 1, 2, 3, ... in order");
      }
    }
  }

  /** Applies the migrations not yet applied; returns whether one of them rewrote values. */
  static boolean migrate(Connection c, List<Migration> migrations, RowCipher cipher)
      throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS schema_migrations ("
              + "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
    }
    int known = migrations.get(migrations.size() - 1).version();
    int current = currentVersion(c);
    if (current > known) {
      throw new StoreException(
          "database schema version "
              + current
              + " is newer than this bdx (knows up to "
              + known
              + "); upgrade bdx");
    }
    if (current == 13 && copiesFirst(c)) {
      current = repairCopiesFirst13(c, migrations);
    }
    boolean rewrote = false;
    for (Migration m : migrations) {
      if (m.version() <= current) {
        continue;
      }
      if (m.step() != null && cipher == null) {
        throw new StoreException(
            "migration " + m.version() + " (" + m.description() + ") needs the node's keys");
      }
      inOneTransaction(
          c,
          "migration " + m.version() + " (" + m.description() + ")",
          () -> {
            execute(c, m.sql());
            if (m.step() != null) {
              m.step().run(c, cipher);
            }
            record(c, m.version());
          });
      rewrote |= m.step() != null;
    }
    return rewrote;
  }

  /** Work on the connection that either commits whole or leaves nothing. */
  private interface Work {
    void run() throws SQLException;
  }

  private static void inOneTransaction(Connection c, String what, Work work) throws SQLException {
    c.setAutoCommit(false);
    try {
      work.run();
      c.commit();
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new StoreException(what + " failed", e);
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static void execute(Connection c, String... statements) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  private static void record(Connection c, int version) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)")) {
      ps.setInt(1, version);
      ps.setLong(2, System.currentTimeMillis() / 1000);
      ps.executeUpdate();
    }
  }

  /**
   * Whether this schema 13 is the other one. For a while main numbered "one row per partner a
   * received alert's copy came from" 13; a merge then put "signed relay paths; rejections by
   * reason" before it, as 13, and the copies became 14 (with a {@code hops} column). A home made in
   * that while records 13 with {@code alert_copies} and without {@code inbound_rejections}: run as
   * it stands, 13 would be skipped and 14 would fail on a table that exists.
   */
  private static boolean copiesFirst(Connection c) throws SQLException {
    return hasTable(c, "alert_copies") && !hasTable(c, "inbound_rejections");
  }

  /**
   * Brings a copies-first schema 13 to today's 14: today's 13 as it is, and of 14 only what that 13
   * lacked (the {@code hops} column; its rows were copied then). One transaction.
   *
   * @return 14
   */
  private static int repairCopiesFirst13(Connection c, List<Migration> migrations)
      throws SQLException {
    Migration m13 = migrations.stream().filter(m -> m.version() == 13).findFirst().orElseThrow();
    if (m13.step() != null) {
      throw new StoreException("migration 13 is expected to be SQL only");
    }
    inOneTransaction(
        c,
        "bringing a copies-first schema 13 to 14",
        () -> {
          execute(c, m13.sql());
          execute(c, "ALTER TABLE alert_copies ADD COLUMN hops BLOB");
          record(c, 14);
        });
    return 14;
  }

  private static boolean hasTable(Connection c, String name) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** The newest migration recorded, 0 for a new database. */
  static int currentVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
