package org.bdx.node.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The search index rows a transaction has written so far, held back until just before it commits
 * and then written in key order. An alert's terms are random keyed hashes, so written as each alert
 * is stored they land all over the index, one B-tree descent each; a transaction of a thousand
 * received alerts wrote about 95 000 of them in random order (docs/benchmarks.md, encrypted store).
 * In key order, neighbouring rows share their leaf pages and the path to them.
 *
 * <p>Anything that reads or deletes index rows in the same transaction flushes them first ({@link
 * NodeDatabase#flushPendingTerms}), so nothing can see the index without them. Not thread-safe:
 * used under the database's lock, by the thread that holds the transaction.
 */
final class PendingTerms {
  private record Row(long term, int day, long seq) {}

  /** The index's key order. Written out: the composed comparator was 5 % of a catch-up's time. */
  private static final Comparator<Row> KEY_ORDER =
      (a, b) -> {
        int c = Long.compare(a.term, b.term);
        if (c == 0) {
          c = Integer.compare(a.day, b.day);
        }
        return c != 0 ? c : Long.compare(a.seq, b.seq);
      };

  private Row[] rows = new Row[256];
  private int size;

  void add(long term, int day, long seq) {
    if (size == rows.length) {
      rows = Arrays.copyOf(rows, size * 2);
    }
    rows[size++] = new Row(term, day, seq);
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** Writes the held rows in key order and forgets them. Inside the caller's transaction. */
  void flush(Connection c) throws SQLException {
    if (size == 0) {
      return;
    }
    Arrays.sort(rows, 0, size, KEY_ORDER);
    int i = 0;
    while (i < size) {
      int n = Math.min(SearchIndex.TERMS_PER_INSERT, Integer.highestOneBit(size - i));
      try (PreparedStatement ps = c.prepareStatement(SearchIndex.insertTerms(n))) {
        for (int k = 0; k < n; k++, i++) {
          Row r = rows[i];
          ps.setLong(3 * k + 1, r.term);
          ps.setInt(3 * k + 2, r.day);
          ps.setLong(3 * k + 3, r.seq);
        }
        ps.executeUpdate();
      }
    }
    clear();
  }

  /** Forgets the held rows (the transaction rolled back, or flushed them). */
  void clear() {
    Arrays.fill(rows, 0, size, null);
    size = 0;
    if (rows.length > 4096) {
      rows = new Row[256]; // a large catch-up batch does not keep its array for good
    }
  }
}
