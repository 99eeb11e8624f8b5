package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bdx.node.search.AlertIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeDatabaseTest {

  @TempDir Path dir;

  private static Map<Integer, Long> migrationRows(NodeDatabase db) {
    return db.inTransaction(
        c -> {
          Map<Integer, Long> rows = new LinkedHashMap<>();
          try (Statement s = c.createStatement();
              ResultSet rs =
                  s.executeQuery(
                      "SELECT version, applied_at FROM schema_migrations ORDER BY version")) {
            while (rs.next()) {
              rows.put(rs.getInt(1), rs.getLong(2));
            }
          }
          return rows;
        });
  }

  private static String pragma(NodeDatabase db, String name) {
    return db.inTransaction(c -> pragmaIn(c, name));
  }

  private static String pragmaIn(Connection c, String name) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void open_emptyDatabase_appliesAllMigrations_andPragmas() {
    try (NodeDatabase db = TestAlerts.open(dir)) {
      assertThat(db.schemaVersion()).isEqualTo(Migrations.latestVersion());
      assertThat(migrationRows(db).keySet())
          .containsExactlyElementsOf(Migrations.all().stream().map(Migration::version).toList());
      assertThat(pragma(db, "journal_mode")).isEqualToIgnoringCase("wal");
      assertThat(pragma(db, "synchronous")).isEqualTo("2"); // FULL
      assertThat(pragma(db, "foreign_keys")).isEqualTo("1");
      assertThat(pragma(db, "secure_delete")).isEqualTo("1");
      assertThat(Integer.parseInt(pragma(db, "busy_timeout"))).isPositive();
      assertThat(pragma(db, "cache_size")).isEqualTo("-" + NodeDatabase.CACHE_KIB);
      assertThat(pragma(db, "wal_autocheckpoint"))
          .isEqualTo(String.valueOf(NodeDatabase.WAL_CHECKPOINT_PAGES));
    }
  }

  @Test
  void commit_belowTheWritersThreshold_isCopiedIntoTheDatabaseInTheBackground() throws Exception {
    try (NodeDatabase db = TestAlerts.open(dir)) {
      Path main = dir.resolve("node.db");
      long before = Files.size(main);
      // About 4 MiB in one transaction: far below the writer's own checkpoint threshold
      // (WAL_CHECKPOINT_PAGES, 64 MiB), so only the background checkpoint moves it into node.db.
      db.inTransaction(
          c -> {
            try (Statement s = c.createStatement()) {
              s.execute("CREATE TABLE filler (b BLOB NOT NULL)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO filler (b) VALUES (?)")) {
              byte[] b = new byte[4096];
              for (int i = 0; i < 1024; i++) {
                ps.setBytes(1, b);
                ps.executeUpdate();
              }
            }
            return null;
          });
      // Without the background checkpoint this waits the full 20 s and fails.
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (Files.size(main) < before + (4 << 20) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(Files.size(main)).isGreaterThanOrEqualTo(before + (4 << 20));
    }
  }

  @Test
  void open_createsOwnerOnlyFiles() throws Exception {
    try (NodeDatabase db = TestAlerts.open(dir)) {
      new AlertStore(db, new AlertIndex())
          .put(
              TestAlerts.alert(
                  TestAlerts.ORIGIN,
                  TestAlerts.newId(),
                  1,
                  TestAlerts.fields("2026-01-01").build()));
      for (String name : List.of("node.db", "node.db-wal", "node.db-shm")) {
        Path f = dir.resolve(name);
        assertThat(f).as(name).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
            .as(name)
            .isEqualTo("rw-------");
      }
    }
  }

  @Test
  void open_existingWorldReadableFile_isTightened() throws Exception {
    try (NodeDatabase db = TestAlerts.open(dir)) {
      assertThat(db.schemaVersion()).isEqualTo(Migrations.latestVersion());
    }
    Files.setPosixFilePermissions(
        dir.resolve("node.db"), PosixFilePermissions.fromString("rw-r--r--"));
    try (NodeDatabase db = TestAlerts.open(dir)) {
      assertThat(
              PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("node.db"))))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void reopen_existingDatabase_keepsData_andDoesNotReapplyMigrations() throws Exception {
    String id = TestAlerts.newId();
    Map<Integer, Long> before;
    try (NodeDatabase db = TestAlerts.open(dir)) {
      assertThat(
              new AlertStore(db, new AlertIndex())
                  .put(
                      TestAlerts.alert(
                          TestAlerts.ORIGIN, id, 1, TestAlerts.fields("2026-01-01").build())))
          .isTrue();
      before = migrationRows(db);
    }
    Thread.sleep(1100); // a re-application would record a later applied_at
    try (NodeDatabase db = TestAlerts.open(dir)) {
      assertThat(migrationRows(db)).isEqualTo(before);
      assertThat(new AlertStore(db, new AlertIndex()).get(TestAlerts.ORIGIN, id)).isPresent();
    }
  }

  @Test
  void open_withNewMigration_appliesOnlyTheNewOne() {
    Map<Integer, Long> before;
    try (NodeDatabase db = TestAlerts.open(dir)) {
      before = migrationRows(db);
    }
    int next = Migrations.latestVersion() + 1;
    List<Migration> withNext = new ArrayList<>(Migrations.all());
    withNext.add(
        new Migration(
            next,
            "test: extra table",
            "CREATE TABLE extra (x INTEGER)",
            "INSERT INTO extra VALUES (7)"));
    try (NodeDatabase db =
        NodeDatabase.open(dir.resolve("node.db"), withNext, TestCiphers.CIPHER)) {
      Map<Integer, Long> after = migrationRows(db);
      assertThat(after).containsAllEntriesOf(before).containsKey(next).hasSize(before.size() + 1);
      assertThat(db.schemaVersion()).isEqualTo(next);
    }
  }

  @Test
  void open_databaseFromSchemaOne_upgradesAndKeepsAlerts() {
    String id = TestAlerts.newId();
    try (NodeDatabase db =
        NodeDatabase.open(dir.resolve("node.db"), Migrations.all().subList(0, 1))) {
      assertThat(db.schemaVersion()).isEqualTo(1);
      db.inTransaction(
          c ->
              c.createStatement()
                  .executeUpdate(
                      "INSERT INTO alerts (origin_node_id, alert_id, version, status, issued_at,"
                          + " expires_at, audience, fields, disclosed_paths, envelope, local,"
                          + " stored_at, incident_date, area_lc, plate) VALUES ('"
                          + TestAlerts.ORIGIN
                          + "', '"
                          + id
                          + "', 1, 1, 0, 1, 1, x'', '', x'', 1, 0, '2026-01-01', 'x', '')"));
    }
    try (NodeDatabase db = TestAlerts.open(dir)) {
      assertThat(db.schemaVersion()).isEqualTo(Migrations.latestVersion());
      long kept =
          db.inTransaction(
              c -> {
                try (ResultSet rs =
                    c.createStatement()
                        .executeQuery(
                            "SELECT count(*) FROM alerts WHERE alert_id = '"
                                + id
                                + "' AND received_from IS NULL")) {
                  rs.next();
                  return rs.getLong(1);
                }
              });
      assertThat(kept).isEqualTo(1);
    }
  }

  @Test
  void open_failingMigration_rolledBack_andNotRecorded() {
    int broken = Migrations.latestVersion() + 1;
    List<Migration> next = new ArrayList<>(Migrations.all());
    next.add(
        new Migration(broken, "test: broken", "CREATE TABLE half (x INTEGER)", "THIS IS NOT SQL"));
    assertThatThrownBy(() -> NodeDatabase.open(dir.resolve("node.db"), next, TestCiphers.CIPHER))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("migration " + broken);
    try (NodeDatabase db = TestAlerts.open(dir)) {
      assertThat(db.schemaVersion()).isEqualTo(Migrations.latestVersion());
      boolean halfExists =
          db.inTransaction(
              c -> {
                try (ResultSet rs =
                    c.createStatement()
                        .executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'half'")) {
                  rs.next();
                  return rs.getInt(1) > 0;
                }
              });
      assertThat(halfExists).isFalse();
    }
  }

  @Test
  void open_newerSchema_refused() {
    try (NodeDatabase db = TestAlerts.open(dir)) {
      db.inTransaction(
          c ->
              c.createStatement()
                  .executeUpdate(
                      "INSERT INTO schema_migrations (version, applied_at) VALUES (99, 0)"));
    }
    assertThatThrownBy(() -> TestAlerts.open(dir))
        .isInstanceOf(StoreException.class)
        .hasMessage(
            "database schema version 99 is newer than this bdx (knows up to "
                + Migrations.latestVersion()
                + "); upgrade bdx");
  }

  @Test
  void open_missingDirectory_refused() {
    assertThatThrownBy(
            () -> NodeDatabase.open(dir.resolve("nope").resolve("node.db"), TestCiphers.CIPHER))
        .isInstanceOf(StoreException.class);
  }

  @Test
  void open_notADatabase_refused() throws Exception {
    Files.writeString(
        dir.resolve("node.db"), "this is not sqlite at all, just some text padding".repeat(20));
    assertThatThrownBy(() -> TestAlerts.open(dir)).isInstanceOf(StoreException.class);
  }

  private static int rowsInT(NodeDatabase db) {
    return db.inTransaction(
        c -> {
          try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            return rs.getInt(1);
          }
        });
  }

  @Test
  void inUnsyncedTransaction_commitsWithoutSync_thenPutsFullSyncBack() {
    try (NodeDatabase db = TestAlerts.open(dir)) {
      db.inTransaction(c -> c.createStatement().executeUpdate("CREATE TABLE t (x INTEGER)"));
      String during =
          db.inUnsyncedTransaction(
              c -> {
                c.createStatement().executeUpdate("INSERT INTO t VALUES (1)");
                return pragmaIn(c, "synchronous");
              });
      assertThat(during).isEqualTo("1"); // NORMAL: the commit does not wait for the disk
      assertThat(pragma(db, "synchronous")).isEqualTo("2"); // FULL again for everyone else
      db.sync();
      assertThat(rowsInT(db)).isEqualTo(1);
    }
  }

  @Test
  void inUnsyncedTransaction_failing_rollsBack_andPutsFullSyncBack() {
    try (NodeDatabase db = TestAlerts.open(dir)) {
      db.inTransaction(c -> c.createStatement().executeUpdate("CREATE TABLE t (x INTEGER)"));
      assertThatThrownBy(
              () ->
                  db.inUnsyncedTransaction(
                      c -> {
                        c.createStatement().executeUpdate("INSERT INTO t VALUES (1)");
                        throw new IllegalStateException("boom");
                      }))
          .isInstanceOf(IllegalStateException.class);
      assertThat(pragma(db, "synchronous")).isEqualTo("2");
      assertThat(rowsInT(db)).isZero();
    }
  }

  @Test
  void inUnsyncedTransaction_insideATransaction_joinsIt_andKeepsItsFullSync() {
    try (NodeDatabase db = TestAlerts.open(dir)) {
      String inner =
          db.inTransaction(c -> db.inUnsyncedTransaction(c2 -> pragmaIn(c2, "synchronous")));
      assertThat(inner).isEqualTo("2");
    }
  }

  @Test
  void sync_withALogAndAfterItWasTruncated_succeeds() {
    try (NodeDatabase db = TestAlerts.open(dir)) {
      db.inUnsyncedTransaction(c -> c.createStatement().executeUpdate("CREATE TABLE t (x)"));
      assertThat(Files.exists(Path.of(db.file() + "-wal"))).isTrue();
      db.sync();
      db.checkpoint(); // log truncated to zero bytes
      db.sync();
    }
  }

  @Test
  void inTransaction_rollsBackOnException_andJoinsNested() {
    try (NodeDatabase db = TestAlerts.open(dir)) {
      db.inTransaction(c -> c.createStatement().executeUpdate("CREATE TABLE t (x INTEGER)"));
      assertThatThrownBy(
              () ->
                  db.inTransaction(
                      c -> {
                        c.createStatement().executeUpdate("INSERT INTO t VALUES (1)");
                        db.inTransaction(
                            c2 -> c2.createStatement().executeUpdate("INSERT INTO t VALUES (2)"));
                        throw new IllegalStateException("boom");
                      }))
          .isInstanceOf(IllegalStateException.class);
      assertThat(rowsInT(db)).isZero();
      assertThatThrownBy(() -> db.inTransaction(c -> c.createStatement().executeUpdate("NOT SQL")))
          .isInstanceOf(StoreException.class);
    }
  }

  @Test
  void atomically_joinsAnEnclosingTransaction_andRollsBackWithIt() {
    try (NodeDatabase db = TestAlerts.open(dir)) {
      db.inTransaction(c -> c.createStatement().executeUpdate("CREATE TABLE t (x INTEGER)"));
      assertThatThrownBy(
              () ->
                  db.atomically(
                      () -> {
                        db.inTransaction(
                            c -> c.createStatement().executeUpdate("INSERT INTO t VALUES (1)"));
                        db.inTransaction(
                            c -> c.createStatement().executeUpdate("INSERT INTO t VALUES (2)"));
                        throw new IllegalStateException("boom");
                      }))
          .isInstanceOf(IllegalStateException.class);
      assertThat(rowsInT(db)).isZero();
      // Twin: the same work without the failure commits both rows at once.
      int inserted =
          db.atomically(
              () ->
                  db.inTransaction(
                          c -> c.createStatement().executeUpdate("INSERT INTO t VALUES (1)"))
                      + db.inTransaction(
                          c -> c.createStatement().executeUpdate("INSERT INTO t VALUES (2)")));
      assertThat(inserted).isEqualTo(2);
      assertThat(rowsInT(db)).isEqualTo(2);
    }
  }

  @Test
  void atomicallyUnsynced_commitsWithoutSync_andInsideATransactionKeepsItsFullSync() {
    try (NodeDatabase db = TestAlerts.open(dir)) {
      String alone = db.atomicallyUnsynced(() -> pragma(db, "synchronous"));
      assertThat(alone).isEqualTo("1"); // NORMAL: the commit does not wait for the disk
      assertThat(pragma(db, "synchronous")).isEqualTo("2");
      String joined = db.inTransaction(c -> db.atomicallyUnsynced(() -> pragma(db, "synchronous")));
      assertThat(joined).isEqualTo("2");
    }
  }

  @Test
  void fts5_unicode61AndTrigram_work() {
    try (NodeDatabase db = TestAlerts.open(dir)) {
      db.inTransaction(
          c -> {
            try (Statement s = c.createStatement()) {
              s.execute(
                  "CREATE VIRTUAL TABLE temp.words USING fts5(t, tokenize='unicode61 remove_diacritics 2')");
              s.execute("CREATE VIRTUAL TABLE temp.tri USING fts5(p, tokenize='trigram')");
              s.execute("INSERT INTO temp.words (rowid, t) VALUES (1, 'Très grand, barbe')");
              s.execute("INSERT INTO temp.tri (rowid, p) VALUES (1, 'ABC123')");
            }
            try (PreparedStatement ps =
                c.prepareStatement("SELECT rowid FROM temp.words WHERE words MATCH ?")) {
              ps.setString(1, "\"tres\" \"barb\"*");
              try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
              }
            }
            try (PreparedStatement ps =
                c.prepareStatement("SELECT rowid FROM temp.tri WHERE tri MATCH ?")) {
              ps.setString(1, "\"C12\"");
              try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
              }
              ps.setString(1, "\"C13\"");
              try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isFalse();
              }
            }
            return null;
          });
    }
  }
}
