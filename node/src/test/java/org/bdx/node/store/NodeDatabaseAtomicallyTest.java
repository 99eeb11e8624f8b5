package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link NodeDatabase#atomically}: the transaction boundary for code that does no SQL itself. */
class NodeDatabaseAtomicallyTest {

  @TempDir Path dir;
  NodeDatabase db;

  @BeforeEach
  void open() {
    db = TestAlerts.open(dir);
    db.inTransaction(c -> c.createStatement().executeUpdate("CREATE TABLE t (x INTEGER)"));
  }

  @AfterEach
  void close() {
    db.close();
  }

  /** What a store method does: its own inTransaction, which joins any enclosing one. */
  private void insert(int x) {
    db.inTransaction(c -> c.createStatement().executeUpdate("INSERT INTO t VALUES (" + x + ")"));
  }

  private long rows() {
    return db.inTransaction(
        c -> {
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  @Test
  void commits_andReturnsTheResult() {
    String r =
        db.atomically(
            () -> {
              insert(1);
              insert(2);
              return "done";
            });
    assertThat(r).isEqualTo("done");
    assertThat(rows()).isEqualTo(2);
  }

  @Test
  void rollsBackEveryJoinedStoreCall_whenTheWorkThrows() {
    assertThatThrownBy(
            () ->
                db.atomically(
                    () -> {
                      insert(1);
                      throw new IllegalStateException("a check failed after a write");
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a check failed after a write");
    assertThat(rows()).isZero();
  }

  @Test
  void insideInTransaction_joinsIt_andCommitsOnlyAtTheOutermostLevel() {
    assertThatThrownBy(
            () ->
                db.inTransaction(
                    c -> {
                      db.atomically(
                          () -> {
                            insert(1);
                            return null;
                          });
                      throw new IllegalStateException("the outer transaction fails");
                    }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(rows()).isZero();

    assertThatThrownBy(
            () ->
                db.atomically(
                    () -> {
                      db.atomically(
                          () -> {
                            insert(1);
                            return null;
                          });
                      throw new IllegalStateException("the outer work fails");
                    }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(rows()).isZero();
  }

  @Test
  void aStorageFailureInside_isAStoreException_andRollsBack() {
    assertThatThrownBy(
            () ->
                db.atomically(
                    () -> {
                      insert(1);
                      return db.inTransaction(c -> c.createStatement().executeUpdate("NOT SQL"));
                    }))
        .isInstanceOf(StoreException.class);
    assertThat(rows()).isZero();
  }
}
