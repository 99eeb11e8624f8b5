package org.bdx.node.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Copies the write-ahead log into the database file from a thread and connection of its own ({@code
 * PRAGMA wal_checkpoint(PASSIVE)}, which never blocks the writer), so the node's one writing
 * connection spends its time on transactions rather than on checkpoints. The writer keeps SQLite's
 * automatic checkpoint as a backstop at a higher threshold, in case this thread falls behind.
 */
final class Checkpointer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Checkpointer.class.getName());

  private final Connection connection;
  private final Duration interval;
  private final Thread thread;
  private volatile boolean closed;

  Checkpointer(Connection connection, Duration interval, String name) {
    this.connection = connection;
    this.interval = interval;
    this.thread = Thread.ofPlatform().daemon().name(name).start(this::run);
  }

  private void run() {
    while (!closed) {
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      if (closed) {
        return;
      }
      try (Statement s = connection.createStatement();
          ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
        rs.next();
      } catch (SQLException e) {
        // The writer's automatic checkpoint still bounds the log; say why only.
        LOG.log(Level.FINE, "background checkpoint failed: " + e.getErrorCode());
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      connection.close();
    } catch (SQLException e) {
      // Closing a connection that only checkpoints loses nothing.
    }
  }
}
