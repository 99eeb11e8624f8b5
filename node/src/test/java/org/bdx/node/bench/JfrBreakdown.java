package org.bdx.node.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the JVM's time went during the catch-up, from a JFR recording (default settings: Java
 * execution samples and native method samples every 20 ms per thread). Each sample is put in the
 * first bucket whose frames it contains, most specific first. Native samples are kept separately
 * and only those in SQLite's JNI code count (a thread waiting in epoll is also "in native").
 */
final class JfrBreakdown {
  private JfrBreakdown() {}

  private record Bucket(String label, Predicate<List<String>> matches) {}

  private static Predicate<List<String>> has(String... all) {
    return frames -> {
      for (String want : all) {
        if (frames.stream().noneMatch(f -> f.startsWith(want))) {
          return false;
        }
      }
      return true;
    };
  }

  /** The receiver's frames: its checks (FeedChecks) and its store step (FeedReceiver). */
  private static final String[] RECEIVER = {
    "org.bdx.node.sync.FeedReceiver.", "org.bdx.node.sync.FeedChecks."
  };

  private static Predicate<List<String>> receiverAnd(String... all) {
    Predicate<List<String>> inReceiver =
        frames ->
            frames.stream().anyMatch(f -> f.startsWith(RECEIVER[0]) || f.startsWith(RECEIVER[1]));
    return inReceiver.and(has(all));
  }

  private static final List<Bucket> BUCKETS =
      List.of(
          new Bucket(
              "B: verify (AlertVerifier)", receiverAnd("org.bdx.node.signing.AlertVerifier.")),
          new Bucket(
              "B: keyed hash of index terms (RowCipher.term)",
              receiverAnd("org.bdx.node.store.RowCipher.term")),
          new Bucket(
              "B: sealing (RowCipher.seal, AES-GCM)",
              receiverAnd("org.bdx.node.store.RowCipher.seal")),
          new Bucket(
              "B: search index (SearchIndex.insert)",
              receiverAnd("org.bdx.node.store.SearchIndex.insert")),
          new Bucket(
              "B: store row (AlertStore.put, other)",
              receiverAnd("org.bdx.node.store.AlertStore.put")),
          new Bucket(
              "B: commit",
              frames ->
                  receiverAnd().test(frames)
                      && frames.stream()
                          .anyMatch(f -> f.startsWith("org.sqlite.") && f.endsWith(".commit"))),
          new Bucket("B: FeedReceiver / FeedChecks other", receiverAnd()),
          new Bucket("B: FeedClient other", has("org.bdx.node.sync.FeedClient.")),
          new Bucket("A: Outbox.read", has("org.bdx.node.sync.Outbox.read")),
          new Bucket("A: Outbox.acked", has("org.bdx.node.sync.Outbox.acked")),
          new Bucket("A: Outbox.countAfter (status)", has("org.bdx.node.sync.Outbox.countAfter")),
          new Bucket("A: FeedService other", has("org.bdx.node.federation.FeedService")),
          new Bucket(
              "background checkpoint (Checkpointer)", has("org.bdx.node.store.Checkpointer.")),
          new Bucket("TLS (sun.security.ssl, crypto)", has("sun.security.ssl.")),
          new Bucket("gRPC/Netty other", has("io.grpc.")),
          new Bucket("other", frames -> true));

  /**
   * @param jitCompileMillis time the JIT compilers spent during the recording (difference of {@code
   *     jdk.CompilerStatistics.totalTimeSpent}; -1 if not recorded): CPU the catch-up did not get,
   *     and that a longer-running node no longer pays
   * @param jitCompilations methods compiled during the recording
   */
  record Result(
      Map<String, Long> java,
      Map<String, Long> sqlite,
      Map<String, Long> hotJava,
      long jitCompileMillis,
      long jitCompilations) {
    long javaTotal() {
      return java.values().stream().mapToLong(Long::longValue).sum();
    }

    long sqliteTotal() {
      return sqlite.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  static Result analyze(Path jfr) throws IOException {
    Map<String, Long> java = new LinkedHashMap<>();
    Map<String, Long> sqlite = new LinkedHashMap<>();
    for (Bucket b : BUCKETS) {
      java.put(b.label(), 0L);
      sqlite.put(b.label(), 0L);
    }
    Map<String, Long> hot = new TreeMap<>();
    long[] jit = {Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE};
    try (RecordingFile f = new RecordingFile(jfr)) {
      while (f.hasMoreEvents()) {
        RecordedEvent e = f.readEvent();
        String type = e.getEventType().getName();
        if (type.equals("jdk.CompilerStatistics")) {
          long ms = e.getDuration("totalTimeSpent").toMillis();
          long n = e.getInt("compileCount");
          jit[0] = Math.min(jit[0], ms);
          jit[1] = Math.max(jit[1], ms);
          jit[2] = Math.min(jit[2], n);
          jit[3] = Math.max(jit[3], n);
          continue;
        }
        boolean exec = type.equals("jdk.ExecutionSample");
        if (!exec && !type.equals("jdk.NativeMethodSample")) {
          continue;
        }
        RecordedStackTrace st = e.getStackTrace();
        if (st == null || st.getFrames().isEmpty()) {
          continue;
        }
        List<String> frames =
            st.getFrames().stream()
                .map(
                    (RecordedFrame fr) ->
                        fr.getMethod().getType().getName() + "." + fr.getMethod().getName())
                .toList();
        if (!exec && !frames.get(0).startsWith("org.sqlite.")) {
          continue;
        }
        String bucket =
            BUCKETS.stream().filter(b -> b.matches().test(frames)).findFirst().get().label();
        (exec ? java : sqlite).merge(bucket, 1L, Long::sum);
        if (exec) {
          hot.merge(frames.get(0), 1L, Long::sum);
        }
      }
    }
    Map<String, Long> top = new LinkedHashMap<>();
    hot.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(12)
        .forEach(en -> top.put(en.getKey(), en.getValue()));
    boolean seen = jit[1] >= jit[0];
    return new Result(java, sqlite, top, seen ? jit[1] - jit[0] : -1, seen ? jit[3] - jit[2] : -1);
  }

  static String render(Result r) {
    StringBuilder b = new StringBuilder();
    long jt = Math.max(1, r.javaTotal());
    long st = Math.max(1, r.sqliteTotal());
    b.append("| where (first match) | Java samples | share | SQLite native samples | share |\n");
    b.append("|---|---|---|---|---|\n");
    for (String k : r.java().keySet()) {
      long j = r.java().get(k);
      long s = r.sqlite().get(k);
      if (j == 0 && s == 0) {
        continue;
      }
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %.0f %% | %d | %.0f %% |%n",
              k,
              j,
              100.0 * j / jt,
              s,
              100.0 * s / st));
    }
    b.append(
        String.format(Locale.ROOT, "| total | %d | | %d | |%n", r.javaTotal(), r.sqliteTotal()));
    if (r.jitCompileMillis() >= 0) {
      b.append(
          String.format(
              Locale.ROOT,
              "%nJIT compilers during the recording: %.1f s of compile time, %d methods compiled"
                  + " (not in the samples above).%n",
              r.jitCompileMillis() / 1000.0,
              r.jitCompilations()));
    }
    b.append("\nHottest Java frames (self):\n\n");
    for (Map.Entry<String, Long> en : r.hotJava().entrySet()) {
      b.append(
          String.format(
              Locale.ROOT,
              "- %s: %d (%.0f %%)%n",
              en.getKey(),
              en.getValue(),
              100.0 * en.getValue() / jt));
    }
    return b.toString();
  }
}
