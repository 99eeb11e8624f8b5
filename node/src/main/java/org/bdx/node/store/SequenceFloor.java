package org.bdx.node.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * Where the outbox's feed sequences go on after a restore (spec AR-9.4, FEED-1). The node that made
 * a backup went on queuing items after it, and its partners acknowledged sequences the backup never
 * saw; a restored node that counted on from the backup would hand out those sequences again, and
 * partners would skip the new items as already held. So a restore moves the next sequence past
 * anything the lost node could have used.
 */
public final class SequenceFloor {
  private SequenceFloor() {}

  /**
   * Makes the next outbox sequence greater than {@code floor} and than every sequence the database
   * has used (SQLite {@code AUTOINCREMENT} keeps the highest in {@code sqlite_sequence}).
   *
   * @return the highest sequence now counted as used: the next item gets the one after it
   */
  public static long raiseOutbox(NodeDatabase db, long floor) {
    if (floor < 0) {
      throw new IllegalArgumentException("a sequence floor is not negative");
    }
    return db.inTransaction(
        c -> {
          long used = db.queryLong("SELECT COALESCE(MAX(seq), 0) FROM outbox");
          try (PreparedStatement ps =
              c.prepareStatement("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'")) {
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                used = Math.max(used, rs.getLong(1));
              }
            }
          }
          long next = Math.max(used, floor);
          if (db.update("UPDATE sqlite_sequence SET seq = ? WHERE name = 'outbox'", next) == 0) {
            db.update("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', ?)", next);
          }
          return next;
        });
  }

  /** The highest outbox sequence counted as used (0 if none). */
  public static long outbox(NodeDatabase db) {
    return Math.max(
        db.queryLong("SELECT COALESCE(MAX(seq), 0) FROM outbox"),
        db.queryLong("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = 'outbox'"));
  }
}
