package org.bdx.node.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.bdx.node.search.AlertIndex;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.LegacyDatabase;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.store.TestAlerts;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How long a node's first start after a change of the index rules takes: the store of {@link
 * AlertCorpus} ({@code bench.alerts}, 100 000 by default) is filled, its index marked as built
 * under other rules, and {@link AlertStore#reindexIfNeeded} timed, as {@code Node.open} runs it.
 * Written to {@code node/target/benchmarks/reindex.md}; docs/benchmarks.md says how to run it.
 */
@Tag("benchmark")
class ReindexBenchmarkTest {
  final int alerts = Integer.getInteger("bench.alerts", 100_000);
  final long seed = Long.getLong("bench.seed", 13);

  @Test
  void reindexAtScale() throws Exception {
    Path outDir = Paths.get("target", "benchmarks");
    Files.createDirectories(outDir);
    Path dir = Files.createTempDirectory(Paths.get("target"), "reindex-bench-");
    StringBuilder out = new StringBuilder();
    NodeDatabase db = TestAlerts.open(dir);
    try {
      AlertStore store = fill(db);
      db.inTransaction(
          c -> {
            try (Statement s = c.createStatement()) {
              s.executeUpdate("UPDATE search_index_rules SET rules = 0 WHERE one = 1");
            }
            return null;
          });
      double load0 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      long t0 = System.nanoTime();
      long read = store.reindexIfNeeded((done, total) -> {});
      long nanos = System.nanoTime() - t0;
      db.checkpoint();
      out.append(
          String.format(
              Locale.ROOT,
              "%s: reindexed %d alerts in %.1f s (%.0f alerts/s); database %.1f MiB;"
                  + " load average before %.2f, after %.2f; nproc %d%n",
              Instant.now(),
              read,
              nanos / 1e9,
              read / (nanos / 1e9),
              size(dir) / 1048576.0,
              load0,
              ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
              Runtime.getRuntime().availableProcessors()));
      System.out.print(out);
    } finally {
      db.close();
      delete(dir);
    }
    Files.writeString(outDir.resolve("reindex.md"), out);
  }

  /** Fills {@code db} with the corpus's alerts, 1 000 per transaction, and checkpoints it. */
  private AlertStore fill(NodeDatabase db) {
    AlertCorpus corpus = new AlertCorpus(seed, 30_000, 30_000);
    AlertStore store = new AlertStore(db, new AlertIndex());
    for (int from = 0; from < alerts; from += 1_000) {
      List<AlertStore.Row> rows = new ArrayList<>();
      for (int i = from; i < Math.min(alerts, from + 1_000); i++) {
        StoredAlert a = corpus.alert(i);
        rows.add(store.row(a, AlertStore.Hops.NONE));
      }
      db.atomically(
          () -> {
            for (AlertStore.Row r : rows) {
              store.put(r);
            }
            return null;
          });
    }
    db.checkpoint();
    return store;
  }

  /**
   * How long the first start after the upgrade to schema 21 takes: the store is filled, its index
   * put back to schema 20's layout ({@link LegacyDatabase#downgradeTo20}), and the next open, which
   * writes every alert's terms as one full-text document, timed. Written to {@code
   * node/target/benchmarks/migration-21.md}. (Schema 20's own migration, from 19, took 23.1 s at
   * 100 000 alerts: docs/operating.md.)
   */
  @Test
  void migration21AtScale() throws Exception {
    Path outDir = Paths.get("target", "benchmarks");
    Files.createDirectories(outDir);
    Path dir = Files.createTempDirectory(Paths.get("target"), "migration-bench-");
    String out;
    try {
      long rows;
      try (NodeDatabase db = TestAlerts.open(dir)) {
        fill(db);
        LegacyDatabase.downgradeTo20(db);
        db.checkpoint();
        rows =
            db.inTransaction(
                c -> {
                  try (Statement st = c.createStatement();
                      java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM alert_terms")) {
                    return rs.next() ? rs.getLong(1) : 0L;
                  }
                });
      }
      double load0 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      long t0 = System.nanoTime();
      try (NodeDatabase db = TestAlerts.open(dir)) {
        long nanos = System.nanoTime() - t0;
        out =
            String.format(
                Locale.ROOT,
                "%s: opened %d alerts (%d index rows) at schema 20 and migrated to %d in %.1f s"
                    + " (%.0f alerts/s); database %.1f MiB after; load average before %.2f,"
                    + " after %.2f; nproc %d%n",
                Instant.now(),
                alerts,
                rows,
                db.schemaVersion(),
                nanos / 1e9,
                alerts / (nanos / 1e9),
                size(dir) / 1048576.0,
                load0,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
      }
      System.out.print(out);
    } finally {
      delete(dir);
    }
    Files.writeString(outDir.resolve("migration-21.md"), out);
  }

  /** Deletes {@code dir} and all below it. */
  private static void delete(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static long size(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
