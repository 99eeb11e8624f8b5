package org.bdx.node.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.sqlite.SQLiteConfig;

/**
 * The node's SQLite database: one file, WAL mode, one JDBC connection guarded by a lock (SQLite has
 * a single writer anyway; this keeps it simple and correct). Prepared statements are reused across
 * transactions ({@link StatementCache}).
 *
 * <p>Durability: {@code synchronous=FULL}, so a committed transaction survives power loss, except
 * one run through {@link #inUnsyncedTransaction}, which is durable once {@link #sync} returns.
 * {@code secure_delete=ON} overwrites deleted content. {@code foreign_keys=ON}.
 *
 * <p>Permissions: the database file is created owner-only (0600) before SQLite opens it. SQLite
 * creates its {@code -wal} and {@code -shm} files with the permissions of the database file. The
 * node's home directory (the parent) is expected to be 0700; this class does not create it.
 *
 * <p>Schema: the {@link Migrations} not yet recorded in {@code schema_migrations} are applied at
 * open, each in its own transaction. A database with a newer schema than this code knows is
 * refused.
 */
public final class NodeDatabase implements AutoCloseable {

  static final int BUSY_TIMEOUT_MS = 10_000;

  /** Page cache per connection, KiB (SQLite's default is 2 000). */
  static final int CACHE_KIB = 32 * 1024;

  /**
   * Log pages after which a commit copies the log into the database itself (SQLite's default 1
   * 000): a backstop, normally the {@link Checkpointer} does it first.
   */
  static final int WAL_CHECKPOINT_PAGES = 16384;

  /** How often the {@link Checkpointer} copies the log into the database. */
  static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(200);

  /** Size the log file is cut back to after a checkpoint, bytes. */
  static final long WAL_LIMIT_BYTES = 64L * 1024 * 1024;

  /** How often a truncating checkpoint is tried while another checkpoint holds the log. */
  static final int CHECKPOINT_ATTEMPTS = 100;

  static final long CHECKPOINT_RETRY_MILLIS = 20;

  private final Path file;
  private final RowCipher cipher; // null for a database that holds no sealed values
  private final Connection connection;
  private final StatementCache statements;
  private final Checkpointer checkpointer;
  private static final Logger LOG = Logger.getLogger(NodeDatabase.class.getName());

  private final ReentrantLock lock = new ReentrantLock();
  private int depth;
  private boolean closed;
  private boolean broken; // could not restore synchronous=FULL: refuses all work until closed
  // Content was overwritten or deleted in the open transaction (or a truncation after an earlier
  // one failed): the write-ahead log must be cut once the transaction has committed.
  private boolean removedContent;
  private boolean truncatePending;

  private NodeDatabase(
      Path file, RowCipher cipher, Connection connection, Checkpointer checkpointer) {
    this.file = file;
    this.cipher = cipher;
    this.connection = connection;
    this.statements = new StatementCache(connection);
    this.checkpointer = checkpointer;
  }

  /**
   * Opens the node's database, whose sealed values are sealed and opened with {@code cipher} (spec
   * AR-6). The cipher stays the caller's to close, after the database.
   */
  public static NodeDatabase open(Path dbFile, RowCipher cipher) {
    Objects.requireNonNull(cipher, "cipher");
    return open(dbFile, Migrations.all(), cipher);
  }

  /**
   * Opens with an explicit migration list and no row keys: for a database that holds no sealed
   * values ({@code reportkeys.db}) and for tests of the database itself.
   */
  public static NodeDatabase open(Path dbFile, List<Migration> migrations) {
    return open(dbFile, migrations, null);
  }

  /** Opens with an explicit migration list and row keys (tests, and future tooling). */
  public static NodeDatabase open(Path dbFile, List<Migration> migrations, RowCipher cipher) {
    Objects.requireNonNull(dbFile, "dbFile");
    Migrator.check(migrations);
    Path file = dbFile.toAbsolutePath().normalize();
    if (file.toString().indexOf('?') >= 0) {
      throw new StoreException("database path must not contain '?'");
    }
    Path parent = file.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new StoreException("database directory does not exist: " + parent);
    }
    createOwnerOnly(file);

    Connection c;
    try {
      SQLiteConfig config = new SQLiteConfig();
      config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
      config.setBusyTimeout(BUSY_TIMEOUT_MS);
      c = config.createConnection("jdbc:sqlite:" + file);
    } catch (SQLException e) {
      throw new StoreException("cannot open database " + file, e);
    }
    try {
      configure(c);
      if (Migrator.migrate(c, migrations, cipher)) {
        // Values were rewritten in place (sealed): rebuild the file from its live rows only, so
        // no free page keeps an older value, then empty the log.
        try (Statement s = c.createStatement()) {
          s.execute("VACUUM");
          s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
      }
    } catch (SQLException | RuntimeException e) {
      try {
        c.close();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof StoreException se) {
        throw se;
      }
      throw new StoreException("cannot open database " + file, e);
    }
    Checkpointer checkpointer;
    try {
      SQLiteConfig config = new SQLiteConfig();
      config.setBusyTimeout(BUSY_TIMEOUT_MS);
      checkpointer =
          new Checkpointer(
              config.createConnection("jdbc:sqlite:" + file),
              CHECKPOINT_INTERVAL,
              "bdx-db-checkpoint");
    } catch (SQLException e) {
      try {
        c.close();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new StoreException("cannot open database " + file, e);
    }
    return new NodeDatabase(file, cipher, c, checkpointer);
  }

  public Path file() {
    return file;
  }

  /** The keys of this database's sealed values. */
  RowCipher cipher() {
    if (cipher == null) {
      throw new IllegalStateException("this database was opened without row keys");
    }
    return cipher;
  }

  /**
   * Runs {@code work} in a transaction: commits if it returns, rolls back if it throws. A call from
   * inside another transaction on the same thread joins it (commit or roll back happens once, at
   * the outermost level).
   *
   * @throws StoreException wrapping an {@link SQLException}; unchecked exceptions from {@code work}
   *     propagate as they are
   */
  public <T> T inTransaction(SqlWork<T> work) {
    return transaction(work, false);
  }

  /**
   * Runs one statement with {@code args} bound in order ({@link #bind}), in the caller's
   * transaction or a new one.
   *
   * @return the number of rows changed
   */
  int update(String sql, Object... args) {
    return inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
          }
        });
  }

  /** The first column of the first row {@code sql} selects with {@code args}, or 0 if none. */
  long queryLong(String sql, Object... args) {
    return inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? rs.getLong(1) : 0L;
            }
          }
        });
  }

  /** Binds strings, whole numbers, byte arrays and nulls by position; anything else is a bug. */
  static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      switch (a) {
        case null -> ps.setNull(i + 1, java.sql.Types.NULL);
        case String v -> ps.setString(i + 1, v);
        case Long v -> ps.setLong(i + 1, v);
        case Integer v -> ps.setInt(i + 1, v);
        case byte[] v -> ps.setBytes(i + 1, v);
        default -> throw new IllegalArgumentException("cannot bind a " + a.getClass().getName());
      }
    }
  }

  /**
   * Runs work in one transaction, as inTransaction, for callers outside store that do no SQL
   * themselves.
   */
  public <T> T atomically(Supplier<T> work) {
    Objects.requireNonNull(work, "work");
    return inTransaction(c -> work.get());
  }

  /**
   * Like {@link #inTransaction}, but the commit does not wait for the disk ({@code
   * synchronous=NORMAL} for this transaction only). The commit is still atomic and survives the
   * process being killed; a power cut may undo it, whole. For work that can be redone, such as
   * storing a batch of a partner's feed: nobody outside this node may be told the work is stored
   * until {@link #sync} has returned after the commit. Called inside another transaction, it joins
   * that one, which keeps its durability.
   *
   * @throws StoreException as {@link #inTransaction}; also if the durable setting cannot be put
   *     back, after which the database refuses all work rather than commit without syncs
   */
  public <T> T inUnsyncedTransaction(SqlWork<T> work) {
    return transaction(work, true);
  }

  /**
   * Runs work in one transaction whose commit does not wait for the disk, as {@link
   * #inUnsyncedTransaction}, for callers outside store that do no SQL themselves: nobody outside
   * this node may be told the work is stored until {@link #sync} has returned after it.
   */
  public <T> T atomicallyUnsynced(Supplier<T> work) {
    Objects.requireNonNull(work, "work");
    return inUnsyncedTransaction(c -> work.get());
  }

  /**
   * Makes every transaction committed before this call durable: forces the log, then the database
   * file, to disk. A committed page is in one of the two even if a checkpoint moves it meanwhile.
   * Does not take the writer's lock: the writer goes on while the disk catches up, and several
   * commits share one sync.
   *
   * @throws StoreException if a file cannot be forced (the message names the file, not its content)
   */
  public void sync() {
    force(Path.of(file + "-wal"));
    force(file);
  }

  private static void force(Path p) {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      ch.force(false);
    } catch (NoSuchFileException e) {
      // No log (last connection closed it after a full checkpoint): nothing of it to force.
    } catch (IOException e) {
      throw new StoreException("cannot force " + p.getFileName() + " to disk", e);
    }
  }

  private <T> T transaction(SqlWork<T> work, boolean unsynced) {
    Objects.requireNonNull(work, "work");
    lock.lock();
    try {
      if (closed) {
        throw new StoreException("database is closed");
      }
      if (broken) {
        throw new StoreException("database refuses work: it could not be made durable again");
      }
      if (depth > 0) {
        depth++;
        try {
          return work.run(statements.connection());
        } catch (SQLException e) {
          throw new StoreException("database operation failed", e);
        } finally {
          depth--;
        }
      }
      depth = 1;
      boolean relaxed = false;
      try {
        if (unsynced) {
          relaxed = true;
          synchronous("NORMAL");
        }
        removedContent = false;
        connection.setAutoCommit(false);
        T result = work.run(statements.connection());
        connection.commit();
        truncatePending |= removedContent;
        return result;
      } catch (SQLException e) {
        rollbackQuietly(e);
        throw new StoreException("database operation failed", e);
      } catch (RuntimeException | Error e) {
        rollbackQuietly(e);
        throw e;
      } finally {
        depth = 0;
        removedContent = false;
        try {
          connection.setAutoCommit(true);
        } catch (SQLException e) {
          // The connection is unusable; later calls will fail loudly.
        }
        if (relaxed) {
          restoreFullSync();
        }
        if (truncatePending) {
          truncateAfterRemoval();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Marks the open transaction as one that overwrote or deleted stored content (an alert's earlier
   * version, a withdrawn field, a queued envelope, a reason, a report body): once it commits, the
   * write-ahead log is checkpointed and cut to zero bytes, because its frames still hold the pages
   * as they were, sealed under keys that are still live (spec AR-6.4, EXP-5). Must be called inside
   * a transaction.
   */
  void removedContent() {
    if (depth == 0) {
      throw new StoreException("content removed outside a transaction");
    }
    removedContent = true;
  }

  /**
   * The truncation after a committed removal. The removal stands whatever happens here; if a reader
   * holds the log, it is tried again after the next transaction (and the background checkpointer
   * and secure_delete still act meanwhile).
   */
  private void truncateAfterRemoval() {
    try {
      checkpoint();
      truncatePending = false;
    } catch (StoreException e) {
      LOG.warning("could not cut the write-ahead log after removing content; will try again");
    }
  }

  private void synchronous(String level) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA synchronous=" + level);
    }
  }

  /** Fails closed: a connection that cannot be made durable again is not used again. */
  private void restoreFullSync() {
    try {
      synchronous("FULL");
    } catch (SQLException e) {
      broken = true;
      throw new StoreException("cannot restore synchronous=FULL; database refuses further work", e);
    }
  }

  /**
   * Copies every committed page from the write-ahead log into the database file and truncates the
   * log to zero bytes, so no older image of a page (e.g. one holding deleted content) survives in
   * the {@code -wal} file. Call it outside any transaction.
   *
   * @throws StoreException if called inside a transaction or the checkpoint could not complete
   */
  public void checkpoint() {
    lock.lock();
    try {
      if (closed) {
        throw new StoreException("database is closed");
      }
      if (depth > 0) {
        throw new StoreException("checkpoint inside a transaction");
      }
      // The background Checkpointer may be copying pages at this moment; SQLite then answers
      // busy at once rather than wait for it, so try again for a while.
      for (int attempt = 1; ; attempt++) {
        try (Statement s = connection.createStatement();
            ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
          // Columns: busy (0 = completed), pages in the log, pages checkpointed.
          if (rs.next() && rs.getInt(1) == 0) {
            return;
          }
        } catch (SQLException e) {
          throw new StoreException("the write-ahead log could not be checkpointed", e);
        }
        if (attempt == CHECKPOINT_ATTEMPTS) {
          throw new StoreException("the write-ahead log could not be checkpointed");
        }
        try {
          Thread.sleep(CHECKPOINT_RETRY_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StoreException("interrupted while checkpointing the write-ahead log");
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** The schema version recorded in the database. */
  public int schemaVersion() {
    return inTransaction(Migrator::currentVersion);
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      checkpointer.close();
      statements.clear();
      try (Statement s = connection.createStatement()) {
        s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      } catch (SQLException e) {
        // Best effort: the WAL is replayed at next open.
      }
      try {
        connection.close();
      } catch (SQLException e) {
        throw new StoreException("cannot close database", e);
      }
    } finally {
      lock.unlock();
    }
  }

  private void rollbackQuietly(Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private static void createOwnerOnly(Path file) {
    boolean posix =
        Files.getFileAttributeView(file.getParent(), PosixFileAttributeView.class) != null;
    try {
      if (posix) {
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
        try {
          Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
        } catch (FileAlreadyExistsException e) {
          // Existing database: tighten if someone widened it.
          Set<PosixFilePermission> current = Files.getPosixFilePermissions(file);
          if (!EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)
              .containsAll(current)) {
            Files.setPosixFilePermissions(file, ownerOnly);
          }
        }
      } else if (!Files.exists(file)) {
        Files.createFile(file);
      }
    } catch (IOException e) {
      throw new StoreException("cannot create database file " + file, e);
    }
  }

  private static void configure(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("PRAGMA journal_mode=WAL")) {
        if (!rs.next() || !"wal".equalsIgnoreCase(rs.getString(1))) {
          throw new StoreException("cannot switch database to WAL mode");
        }
      }
      s.execute("PRAGMA synchronous=FULL");
      s.execute("PRAGMA foreign_keys=ON");
      s.execute("PRAGMA secure_delete=ON");
      s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MS);
      // Room for a whole feed batch's dirty pages (alert rows, indexes, full-text segments), so a
      // transaction does not spill pages to the log before it commits. The writer checkpoints only
      // as a backstop; the Checkpointer does it from its own thread. Measured on catch-up
      // (docs/benchmarks.md).
      s.execute("PRAGMA cache_size=-" + CACHE_KIB);
      s.execute("PRAGMA wal_autocheckpoint=" + WAL_CHECKPOINT_PAGES);
      s.execute("PRAGMA journal_size_limit=" + WAL_LIMIT_BYTES);
    }
    if (!hasFts5(c)) {
      throw new StoreException("this SQLite build has no FTS5; bdx needs it for search");
    }
  }

  private static boolean hasFts5(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT sqlite_compileoption_used('ENABLE_FTS5')")) {
      return rs.next() && rs.getInt(1) == 1;
    }
  }
}
