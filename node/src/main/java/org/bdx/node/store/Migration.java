package org.bdx.node.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * One schema step: SQL statements, then optionally a {@link Step} in Java (for rewriting stored
 * values, e.g. sealing them). Applied once, in its own transaction, and recorded in {@code
 * schema_migrations}. Never edit a released migration: add a new one.
 */
public record Migration(int version, String description, Step step, String... sql) {

  /** Work a migration does in Java after its SQL, in the same transaction. */
  @FunctionalInterface
  public interface Step {
    /**
     * @param cipher the keys of the database's rows
     */
    void run(Connection c, RowCipher cipher) throws SQLException;
  }

  /** A migration of SQL statements only. */
  public Migration(int version, String description, String... sql) {
    this(version, description, null, sql);
  }

  public Migration {
    if (version < 1) {
      throw new IllegalArgumentException("migration version must be >= 1");
    }
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(sql, "sql");
    if (sql.length == 0 && step == null) {
      throw new IllegalArgumentException("migration " + version + " has no statements");
    }
    sql = sql.clone();
    for (String s : sql) {
      Objects.requireNonNull(s, "sql statement");
    }
  }

  @Override
  public String[] sql() {
    return sql.clone();
  }

  public List<String> statements() {
    return List.of(sql);
  }
}
