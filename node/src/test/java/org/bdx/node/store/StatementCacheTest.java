package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatementCacheTest {
  @TempDir Path dir;

  Connection raw;
  StatementCache cache;
  Connection c;

  @BeforeEach
  void setUp() throws SQLException {
    raw = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t.db"));
    try (Statement s = raw.createStatement()) {
      s.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
      s.execute("INSERT INTO t (k, v) VALUES (1, 'one'), (2, 'two'), (3, 'three')");
    }
    cache = new StatementCache(raw);
    c = cache.connection();
  }

  @AfterEach
  void tearDown() throws SQLException {
    cache.clear();
    raw.close();
  }

  private static PreparedStatement underlying(PreparedStatement ps) throws SQLException {
    return ps.unwrap(PreparedStatement.class);
  }

  @Test
  void prepare_sameSqlAfterClose_reusesTheCompiledStatement() throws SQLException {
    String sql = "SELECT v FROM t WHERE k = ?";
    PreparedStatement first;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      first = underlying(ps);
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      assertThat(underlying(ps)).isSameAs(first);
    }
    assertThat(cache.idleCount()).isEqualTo(1);
  }

  @Test
  void prepare_sameSqlWhileInUse_getsASecondStatement() throws SQLException {
    String sql = "SELECT v FROM t WHERE k >= ? ORDER BY k";
    try (PreparedStatement outer = c.prepareStatement(sql)) {
      outer.setInt(1, 1);
      try (ResultSet rs = outer.executeQuery()) {
        int rows = 0;
        while (rs.next()) {
          rows++;
          try (PreparedStatement inner = c.prepareStatement(sql)) {
            assertThat(underlying(inner)).isNotSameAs(underlying(outer));
            inner.setInt(1, 3);
            try (ResultSet r2 = inner.executeQuery()) {
              assertThat(r2.next()).isTrue();
              assertThat(r2.getString(1)).isEqualTo("three");
            }
          }
        }
        // The nested use did not disturb the outer iteration.
        assertThat(rows).isEqualTo(3);
      }
    }
    assertThat(cache.idleCount()).isEqualTo(1);
  }

  @Test
  void close_resultSetLeftOpen_statementIsResetForTheNextUse() throws SQLException {
    String sql = "SELECT v FROM t WHERE k = ?";
    PreparedStatement ps = c.prepareStatement(sql);
    ps.setInt(1, 2);
    ResultSet left = ps.executeQuery();
    assertThat(left.next()).isTrue();
    ps.close(); // result set still open, parameter still bound

    try (PreparedStatement again = c.prepareStatement(sql)) {
      // Parameters were cleared: an unbound parameter is NULL, which matches no key.
      try (ResultSet rs = again.executeQuery()) {
        assertThat(rs.next()).isFalse();
      }
      again.setInt(1, 1);
      try (ResultSet rs = again.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("one");
      }
    }
  }

  @Test
  void use_afterClose_throws() throws SQLException {
    PreparedStatement ps = c.prepareStatement("SELECT 1");
    ps.close();
    ps.close(); // closing twice is harmless

    assertThat(ps.isClosed()).isTrue();
    assertThatThrownBy(ps::executeQuery).isInstanceOf(SQLException.class);
  }

  @Test
  void prepare_manyDistinctSql_keepsAtMostTheBound() throws SQLException {
    for (int i = 0; i < StatementCache.MAX_IDLE + 40; i++) {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + i)) {
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getInt(1)).isEqualTo(i);
        }
      }
    }
    assertThat(cache.idleCount()).isEqualTo(StatementCache.MAX_IDLE);
  }

  @Test
  void close_theConnectionThroughTheCache_isRefused() throws SQLException {
    assertThatThrownBy(c::close).isInstanceOf(SQLException.class);
    assertThat(raw.isClosed()).isFalse();
  }

  @Test
  void writes_throughCachedStatements_commitAndRollBack() throws SQLException {
    String sql = "INSERT INTO t (k, v) VALUES (?, ?)";
    raw.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setInt(1, 10);
      ps.setString(2, "ten");
      ps.executeUpdate();
    }
    raw.rollback();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setInt(1, 11);
      ps.setString(2, "eleven");
      ps.executeUpdate();
    }
    raw.commit();
    raw.setAutoCommit(true);

    try (Statement s = raw.createStatement();
        ResultSet rs = s.executeQuery("SELECT group_concat(k) FROM t WHERE k >= 10")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("11");
    }
  }
}
