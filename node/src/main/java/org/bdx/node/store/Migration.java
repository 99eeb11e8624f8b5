package org.bdx.node.store;

import java.util.List;
import java.util.Objects;

/**
 * One schema step. Applied once, in its own transaction, and recorded in {@code schema_migrations}.
 * Never edit a released migration: add a new one.
 */
public record Migration(int version, String description, String... sql) {
  public Migration {
    if (version < 1) {
      throw new IllegalArgumentException("migration version must be >= 1");
    }
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(sql, "sql");
    if (sql.length == 0) {
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
