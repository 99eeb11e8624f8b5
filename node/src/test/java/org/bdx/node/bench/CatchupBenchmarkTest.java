package org.bdx.node.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.bdx.node.TestNodes;
import org.bdx.node.home.NodeHome;
import org.bdx.node.identity.NodeId;
import org.bdx.node.policy.Grant;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.TestCiphers;
import org.bdx.node.vault.SecretAccess;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.SignedAlert;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catch-up throughput: a partner returns to a backlog of N alerts at the origin; how fast are they
 * received, verified and durably stored? Beside it, in the same run, the raw Bouncy Castle Ed25519
 * verify rate on one core, a raw SQLite insert rate, and the pipeline's stages in isolation.
 *
 * <p>For each N: origin A and receiver B are real nodes ({@link BenchNetwork}: mutual TLS,
 * agreement through AdminService). B is stopped; A gets a backlog of N reports, built in process
 * ({@link BacklogGenerator}: same classes as SubmitReport, so real signatures and real per-partner
 * redaction); then B is started again on the same ports and the time is taken from B's first {@code
 * Subscribe} arriving at A ({@link CatchupTap}) to B's inbound cursor reaching the last queued
 * sequence. B advances its cursor in the transaction that stores the batch (synchronous=FULL), so
 * that means all N are durably stored; the cursor is polled every 10 ms on a second connection to
 * B's database, and the count of B's alerts is checked afterwards.
 *
 * <p>A benchmark, not a test: it asserts only that everything arrived, never a duration (DESIGN
 * §6). Run with {@code ./mvnw -B -q -pl node -am verify -Pbenchmark -Dtest=CatchupBenchmarkTest
 * -Dsurefire.failIfNoSpecifiedTests=false} (about 5 minutes). Knobs: {@code bench.backlogs}
 * (default {@code 100000}; {@code 100000,1000000} for both sizes, about 25 minutes on a 2-core
 * machine, most of it generating the million-alert backlog), {@code bench.stageItems} (items for
 * the isolated receiver stages, 20000), {@code bench.jfr} (profile the catch-up with JFR, default
 * true), {@code bench.timeoutMinutes} (30), {@code bench.processes} ({@code one}, the default: both
 * nodes in this JVM on all cores; {@code pinned}: after the backlog is built, origin and receiver
 * each run in a JVM of their own ({@link NodeProcess}) pinned to core 0 and core 1 with {@code
 * taskset}, and the raw verify rate is also measured in a JVM pinned to core 1). Beside the rate
 * over the whole catch-up it reports the warm rate, over the second half of the backlog only.
 * Results go to stdout and {@code node/target/benchmarks/catchup.md} (and the JFR recordings to
 * {@code catchup-N.jfr} beside it).
 *
 * <p>Long because the harness keeps its two ways of running the catch-up (one JVM, pinned
 * processes), the timing and the report together, so one file shows what is measured and how.
 */
@Tag("benchmark")
class CatchupBenchmarkTest {
  final int[] backlogs =
      Arrays.stream(System.getProperty("bench.backlogs", "100000").split(","))
          .map(String::strip)
          .mapToInt(Integer::parseInt)
          .toArray();
  final int stageItems = Integer.getInteger("bench.stageItems", 20_000);
  final boolean jfr = Boolean.parseBoolean(System.getProperty("bench.jfr", "true"));
  final int jfrPeriodMs = Integer.getInteger("bench.jfrPeriodMs", 20);
  final int timeoutMinutes = Integer.getInteger("bench.timeoutMinutes", 30);
  final boolean storeStage = Boolean.parseBoolean(System.getProperty("bench.storeStage", "false"));

  /**
   * {@code one} (default): both nodes in the harness's JVM on all cores; {@code pinned}: each node
   * in its own JVM, the origin on core 0 and the receiver on core 1 ({@code taskset}).
   */
  final boolean pinned = System.getProperty("bench.processes", "one").equals("pinned");

  @TempDir Path tmp;

  record Row(
      int n,
      long queued,
      long stored,
      long cursor,
      double genSeconds,
      double enqueueMs,
      double enqueueIndexedMs,
      double seconds,
      double fromRestartSeconds,
      double warmRate,
      double rawVerify,
      double rawVerifyPinned,
      double verifier,
      double outboxRead64,
      double outboxRead1000,
      double apply64,
      double apply1000,
      double rawInsert64,
      double rawInsert1000,
      long itemBytes,
      int acks,
      double[] segmentRates,
      double cpuShare,
      double gcSeconds,
      long peakHeap,
      long maxHeap,
      String loadBeforeGen,
      String loadBeforeCatchup,
      String loadAfter,
      String cpuByThread,
      String storeOnly,
      String profile) {
    double rate() {
      return stored / seconds;
    }

    /** The raw verify rate the ratio is taken against: on the receiver's core when pinned. */
    double rawForRatio() {
      return Double.isNaN(rawVerifyPinned) ? rawVerify : rawVerifyPinned;
    }
  }

  /**
   * One timed catch-up: when B was started, when its first Subscribe reached A, when its cursor
   * reached the end, the cursor's steps (nanos, cursor) and what the CPU did meanwhile.
   */
  record Catchup(
      long restartAt,
      long subscribeAt,
      long end,
      List<long[]> timeline,
      double cpuShare,
      String cpuByThread,
      double gcSeconds,
      long peakHeap,
      double rawVerifyPinned) {}

  @Test
  void catchupThroughput() throws Exception {
    Logger.getLogger("org.bdx").setLevel(Level.WARNING);
    String started = Instant.now().toString();
    Path outDir = Paths.get("target", "benchmarks");
    Files.createDirectories(outDir);
    List<Row> rows = new ArrayList<>();
    for (int n : backlogs) {
      Row r = run(n, outDir);
      rows.add(r);
      String report = render(started, rows);
      System.out.println(report);
      Files.writeString(outDir.resolve("catchup.md"), report);
    }
    System.out.println("written to " + outDir.resolve("catchup.md").toAbsolutePath());
    for (Row r : rows) {
      assertThat(r.queued()).as("queued, N=" + r.n()).isEqualTo(r.n());
      assertThat(r.stored()).as("stored at the receiver, N=" + r.n()).isEqualTo(r.n());
    }
  }

  private Row run(int n, Path outDir) throws Exception {
    Path dir = tmp.resolve("backlog-" + n);
    Files.createDirectories(dir);
    CatchupTap tap = new CatchupTap();
    try (BenchNetwork net = BenchNetwork.start(dir, 1, tap)) {
      net.awaitConnected(Duration.ofSeconds(60));
      BenchNetwork.Member b = net.receivers.get(0);
      NodeId aId = net.origin.id();
      NodeId bId = b.id();
      NodeHome aHome = net.origin.running().node().home();
      NodeHome bHome = b.running().node().home();
      int[] bPorts = {b.running().clientPort(), b.running().federationPort()};
      BenchNetwork.Restart restart = net.stop(b);

      // The backlog, while B is away.
      String loadBeforeGen = loadAverage();
      BacklogGenerator.Result gen = BacklogGenerator.generate(aHome, bId, n);
      System.out.printf(
          Locale.ROOT,
          "N=%d: generated %d queued items in %.1f s (last seq %d); one more report stored and"
              + " queued: %.2f ms (with a (partner, origin, alert id) index: %.2f ms)%n",
          n,
          gen.queued(),
          gen.nanos() / 1e9,
          gen.lastSeq(),
          gen.enqueueNanos() / 1e6,
          gen.enqueueIndexedNanos() / 1e6);

      // Raw limits and isolated stages, same run, same disk, one thread each.
      long sampleRows = Math.min(n, 100_000);
      StageRates.OutboxRead read64 = StageRates.outboxRead(aHome, bId, 64, sampleRows, stageItems);
      double read1000 = StageRates.outboxRead(aHome, bId, 1000, sampleRows, 0).perSecond();
      double readRate = read64.perSecond();
      List<FeedItem> items = read64.kept();
      SignedAlert sample = items.get(0).getAlert();
      byte[] pub = AlertHeader.parseFrom(sample.getHeader()).getOriginPublicKey().toByteArray();
      double rawVerify = StageRates.rawVerify(sample, pub, 5_000, 20_000);
      double verifier = StageRates.verifierRate(items, aId);
      Grant grant = StageRates.inboundGrant(bHome, aId);
      double apply64 = StageRates.receiverApply(dir.resolve("stage-64"), items, grant, 64);
      double apply1000 = StageRates.receiverApply(dir.resolve("stage-1000"), items, grant, 1000);
      double insert64 = StageRates.rawInsert(dir.resolve("raw-64"), 2048, 64, 50_000);
      double insert1000 = StageRates.rawInsert(dir.resolve("raw-1000"), 2048, 1000, 50_000);
      long itemBytes = items.stream().mapToLong(FeedItem::getSerializedSize).sum() / items.size();
      items = null;
      read64 = null;
      System.gc();
      System.out.printf(
          Locale.ROOT,
          "N=%d: raw verify %.0f/s, verifier %.0f/s, outbox read %.0f/s (64) %.0f/s (1000),"
              + " apply %.0f/s (64) %.0f/s (1000), raw insert %.0f/s (64) %.0f/s (1000)%n",
          n,
          rawVerify,
          verifier,
          readRate,
          read1000,
          apply64,
          apply1000,
          insert64,
          insert1000);

      String storeOnly = null;
      if (storeStage) {
        StageRates.StoreOnly w =
            StageRates.receiverStore(dir.resolve("stage-store"), aHome, bId, grant, n, 512);
        StringBuilder t = new StringBuilder();
        for (double x : w.tenths()) {
          t.append(t.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", x));
        }
        storeOnly = String.format(Locale.ROOT, "%.0f | %s", w.perSecond(), t);
        System.out.printf(Locale.ROOT, "N=%d: receiver's writer alone %s%n", n, storeOnly);
        System.gc();
      }

      // The catch-up.
      String loadBeforeCatchup = loadAverage();
      Path jfrFile = outDir.resolve("catchup-" + n + (pinned ? "-receiver" : "") + ".jfr");
      Catchup c =
          pinned
              ? pinnedCatchup(
                  net, aId, bId, aHome, bHome, bPorts, sample, pub, gen.lastSeq(), jfrFile)
              : inProcessCatchup(tap, restart, bId, aId, bHome, gen.lastSeq(), jfrFile);
      String loadAfter = loadAverage();
      long end = c.end();
      long subscribeAt = c.subscribeAt();
      List<long[]> timeline = c.timeline();
      double seconds = (end - subscribeAt) / 1e9;

      long firstSeq = gen.lastSeq() - gen.queued() + 1;
      double[] segments = new double[10];
      long prevAt = subscribeAt;
      for (int d = 1; d <= 10; d++) {
        long seqAt = firstSeq + gen.queued() * d / 10 - 1;
        long at = reachedAt(timeline, seqAt);
        segments[d - 1] = at == 0 ? 0 : StageRates.rate(gen.queued() / 10, at - prevAt);
        prevAt = at;
      }
      // Warm: the second half of the backlog only, after the JIT has compiled the path (most of
      // its work is in the first seconds; the tenths above show it).
      long half = gen.queued() / 2;
      long halfAt = reachedAt(timeline, firstSeq + half - 1);
      double warmRate = halfAt == 0 ? 0 : StageRates.rate(gen.queued() - half, end - halfAt);

      long[] counted = countAt(bHome, aId);
      String profile = jfr ? JfrBreakdown.render(JfrBreakdown.analyze(jfrFile)) : null;
      System.out.printf(
          Locale.ROOT,
          "N=%d: caught up %d in %.1f s = %.0f alerts/s, second half %.0f alerts/s (stored at B: %d,"
              + " cursor %d)%n",
          n,
          gen.queued(),
          seconds,
          counted[0] / seconds,
          warmRate,
          counted[0],
          counted[1]);
      return new Row(
          n,
          gen.queued(),
          counted[0],
          counted[1],
          gen.nanos() / 1e9,
          gen.enqueueNanos() / 1e6,
          gen.enqueueIndexedNanos() / 1e6,
          seconds,
          (end - c.restartAt()) / 1e9,
          warmRate,
          rawVerify,
          c.rawVerifyPinned(),
          verifier,
          readRate,
          read1000,
          apply64,
          apply1000,
          insert64,
          insert1000,
          itemBytes,
          timeline.size(),
          segments,
          c.cpuShare(),
          c.gcSeconds(),
          c.peakHeap(),
          Runtime.getRuntime().maxMemory(),
          loadBeforeGen,
          loadBeforeCatchup,
          loadAfter,
          c.cpuByThread(),
          storeOnly,
          profile);
    }
  }

  /** Both nodes in this JVM, as before: B restarted in process, JFR over the whole JVM. */
  private Catchup inProcessCatchup(
      CatchupTap tap,
      BenchNetwork.Restart restart,
      NodeId bId,
      NodeId aId,
      NodeHome bHome,
      long lastSeq,
      Path jfrFile)
      throws Exception {
    tap.watch(bId);
    HeapSampler heap = new HeapSampler();
    Recording recording = null;
    if (jfr) {
      recording = new Recording(Configuration.getConfiguration("default"));
      recording.setDestination(jfrFile);
      // Finer than the default 20 ms, so a 10-second catch-up still gives a usable profile.
      recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(jfrPeriodMs));
      recording.enable("jdk.Compilation").withThreshold(Duration.ZERO);
      recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(jfrPeriodMs));
      recording.start();
    }
    ThreadCpu threadCpu = new ThreadCpu();
    threadCpu.start();
    long cpu0 = processCpuNanos();
    long gc0 = gcMillis();
    long restartAt = System.nanoTime();
    restart.start();
    List<long[]> timeline = new ArrayList<>();
    long end = awaitCursor(bHome, aId, lastSeq, restartAt, timeline, tap::items);
    long cpu = processCpuNanos() - cpu0;
    String cpuByThread = ThreadCpu.render(threadCpu.stop());
    long gcMs = gcMillis() - gc0;
    long wallForCpu = System.nanoTime() - restartAt;
    if (recording != null) {
      recording.stop();
      recording.close();
    }
    long peak = heap.stop();
    return new Catchup(
        restartAt,
        tap.subscribeAt(),
        end,
        timeline,
        (double) cpu / wallForCpu / Runtime.getRuntime().availableProcessors(),
        cpuByThread,
        gcMs / 1e3,
        peak,
        Double.NaN);
  }

  /**
   * Each node in a JVM of its own ({@link NodeProcess}), the origin pinned to core 0 and the
   * receiver to core 1 with {@code taskset}; this JVM (which only polls B's cursor every 10 ms and
   * reads the children's output) is pinned to core 0 with the origin meanwhile. The raw verify rate
   * is measured first in a JVM pinned to core 1 alone. B's JFR recording, if any, covers B's
   * process from its start to the end of the catch-up.
   */
  private Catchup pinnedCatchup(
      BenchNetwork net,
      NodeId aId,
      NodeId bId,
      NodeHome aHome,
      NodeHome bHome,
      int[] bPorts,
      SignedAlert sample,
      byte[] pub,
      long lastSeq,
      Path jfrFile)
      throws Exception {
    Path work = Files.createTempDirectory(tmp, "pinned");
    Path passFile = work.resolve("passphrase");
    Files.writeString(passFile, new String(TestNodes.PASSPHRASE.reveal(SecretAccess.INSECURE)));
    Path alertFile = work.resolve("alert.bin");
    Path pubFile = work.resolve("pub.bin");
    Files.write(alertFile, sample.toByteArray());
    Files.write(pubFile, pub);

    Child verify =
        Child.start(work, "verify", "1", "verify", alertFile.toString(), pubFile.toString());
    double rawPinned = Double.parseDouble(verify.expect("rawverify ").strip());
    verify.awaitExit();
    System.out.printf(Locale.ROOT, "raw verify on core 1 alone: %.0f/s%n", rawPinned);

    int[] aPorts = net.stopOrigin();
    Child a =
        Child.start(
            work,
            "origin",
            "0",
            "serve",
            aHome.dir().toString(),
            Integer.toString(aPorts[0]),
            Integer.toString(aPorts[1]),
            passFile.toString(),
            bId.value());
    Child b = null;
    long pid = ProcessHandle.current().pid();
    try {
      a.expect("ready");
      taskset("-a", "-p", "-c", "0", Long.toString(pid));
      List<String> bArgs =
          new ArrayList<>(
              List.of(
                  "serve",
                  bHome.dir().toString(),
                  Integer.toString(bPorts[0]),
                  Integer.toString(bPorts[1]),
                  passFile.toString(),
                  "-"));
      if (jfr) {
        bArgs.add(jfrFile.toAbsolutePath().toString());
        bArgs.add(Integer.toString(jfrPeriodMs));
      }
      long aCpu0 = a.cpuNanos();
      long restartAt = System.nanoTime();
      b = Child.start(work, "receiver", "1", bArgs.toArray(String[]::new));
      List<long[]> timeline = new ArrayList<>();
      long end = awaitCursor(bHome, aId, lastSeq, restartAt, timeline, () -> -1);
      long wall = System.nanoTime() - restartAt;
      double aCores = (double) (a.cpuNanos() - aCpu0) / wall;
      double bCores = (double) b.cpuNanos() / wall;
      long subscribeAt = Long.parseLong(a.expect("subscribe ").strip());
      b.stop();
      a.stop();
      String cpu =
          String.format(
              Locale.ROOT,
              "origin (core 0) %.2f, receiver (core 1, from its JVM's start) %.2f",
              aCores,
              bCores);
      return new Catchup(
          restartAt,
          subscribeAt,
          end,
          timeline,
          (aCores + bCores) / 2,
          cpu,
          Double.NaN,
          0,
          rawPinned);
    } finally {
      taskset("-a", "-p", "-c", "0-1", Long.toString(pid));
      if (b != null) {
        b.kill();
      }
      a.kill();
    }
  }

  private static void taskset(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("taskset"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException("taskset failed: " + out);
    }
  }

  /** A {@link NodeProcess} pinned to one core, its stdout read line by line. */
  private static final class Child {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private Child(Process process) {
      this.process = process;
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                try (BufferedReader r = process.inputReader()) {
                  for (String l = r.readLine(); l != null; l = r.readLine()) {
                    lines.add(l);
                  }
                } catch (IOException e) {
                  // the process is gone
                }
              });
    }

    static Child start(Path work, String name, String core, String... args) throws IOException {
      List<String> cmd = new ArrayList<>();
      cmd.addAll(
          List.of(
              "taskset",
              "-c",
              core,
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "--enable-native-access=ALL-UNNAMED",
              "-cp",
              System.getProperty("java.class.path"),
              NodeProcess.class.getName()));
      cmd.addAll(List.of(args));
      return new Child(
          new ProcessBuilder(cmd).redirectError(work.resolve(name + ".stderr").toFile()).start());
    }

    /** Waits (up to 10 minutes) for a line starting with {@code prefix}; returns the rest. */
    String expect(String prefix) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (System.nanoTime() < deadline) {
        String l = lines.poll(1, TimeUnit.SECONDS);
        if (l != null && l.startsWith(prefix)) {
          return l.substring(prefix.length());
        }
        if (l == null && !process.isAlive() && lines.isEmpty()) {
          throw new IllegalStateException("child exited without printing " + prefix);
        }
      }
      throw new IllegalStateException("no " + prefix + " within 10 minutes");
    }

    long cpuNanos() {
      return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    void stop() throws Exception {
      try (var w = process.outputWriter()) {
        w.write("stop\n");
      }
      expect("closed");
      awaitExit();
    }

    void awaitExit() throws InterruptedException {
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        throw new IllegalStateException("child did not exit");
      }
    }

    void kill() {
      process.destroyForcibly();
    }
  }

  /** When the timeline's cursor first reached {@code seq}, or 0 if it never did. */
  private static long reachedAt(List<long[]> timeline, long seq) {
    for (long[] point : timeline) {
      if (point[1] >= seq) {
        return point[0];
      }
    }
    return 0;
  }

  /**
   * Polls B's inbound cursor (committed in the transaction that stores each batch) every 10 ms
   * until it reaches {@code lastSeq}, on a connection of its own, read only and in autocommit, so
   * it never takes the write lock (NodeDatabase's transactions are IMMEDIATE and would contend with
   * B's writer). Records each change in {@code timeline}; returns when it was seen at the end.
   */
  private long awaitCursor(
      NodeHome bHome,
      NodeId aId,
      long lastSeq,
      long restartAt,
      List<long[]> timeline,
      java.util.function.LongSupplier handed)
      throws Exception {
    long deadline = restartAt + TimeUnit.MINUTES.toNanos(timeoutMinutes);
    try (Connection bDb =
        DriverManager.getConnection("jdbc:sqlite:file:" + bHome.databaseFile() + "?mode=ro")) {
      long lastLog = System.nanoTime();
      while (System.nanoTime() < deadline) {
        long cursor;
        try {
          cursor = cursorAt(bDb, aId);
        } catch (SQLException busy) {
          cursor = timeline.isEmpty() ? 0 : timeline.get(timeline.size() - 1)[1];
        }
        long now = System.nanoTime();
        if (timeline.isEmpty() || timeline.get(timeline.size() - 1)[1] != cursor) {
          timeline.add(new long[] {now, cursor});
        }
        if (cursor >= lastSeq) {
          return now;
        }
        if (now - lastLog > 10_000_000_000L) {
          lastLog = now;
          System.out.printf(
              Locale.ROOT,
              "  ... items handed %d, B's cursor %d of %d%n",
              handed.getAsLong(),
              cursor,
              lastSeq);
        }
        Thread.sleep(10);
      }
    }
    return System.nanoTime(); // timed out: counted by the stored check afterwards
  }

  private static long cursorAt(Connection c, NodeId origin) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT inbound_cursor FROM sync_state WHERE partner_node_id = ?")) {
      ps.setString(1, origin.value());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    }
  }

  /** (alerts held from the origin, inbound cursor) at the receiver, via a second connection. */
  private static long[] countAt(NodeHome receiver, NodeId origin) {
    try (NodeDatabase db =
        NodeDatabase.open(
            receiver.databaseFile(), TestCiphers.of(receiver.dir(), TestNodes.PASSPHRASE))) {
      return db.inTransaction(
          c -> {
            long[] out = new long[2];
            try (PreparedStatement ps =
                c.prepareStatement("SELECT COUNT(*) FROM alerts WHERE origin_node_id = ?")) {
              ps.setString(1, origin.value());
              try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                out[0] = rs.getLong(1);
              }
            }
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT inbound_cursor FROM sync_state WHERE partner_node_id = ?")) {
              ps.setString(1, origin.value());
              try (ResultSet rs = ps.executeQuery()) {
                out[1] = rs.next() ? rs.getLong(1) : 0;
              }
            }
            return out;
          });
    }
  }

  /** Samples the used heap every 20 ms; {@link #stop} returns the highest value seen. */
  private static final class HeapSampler {
    private volatile boolean stop;
    private volatile long peak;
    private final Thread thread;

    HeapSampler() {
      var memory = ManagementFactory.getMemoryMXBean();
      thread =
          Thread.ofPlatform()
              .daemon()
              .name("bench-heap")
              .start(
                  () -> {
                    while (!stop) {
                      peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
                      try {
                        Thread.sleep(20);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  });
    }

    long stop() throws InterruptedException {
      stop = true;
      thread.join();
      return peak;
    }
  }

  private String render(String started, List<Row> rows) {
    StringBuilder b = new StringBuilder();
    b.append("Run started ").append(started).append('\n');
    b.append(
        String.format(
            Locale.ROOT,
            "Machine: %d CPUs visible to the JVM, %s %s, Java %s (%s), max heap %.1f GiB%n%n",
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("os.name"),
            System.getProperty("os.arch"),
            Runtime.version(),
            System.getProperty("java.vm.name"),
            Runtime.getRuntime().maxMemory() / (double) (1L << 30)));
    b.append(
        "| backlog | nodes | time s | alerts/s (whole) | alerts/s warm (2nd half) | raw verify/s"
            + " (1 core) | ratio whole / warm | peak heap MiB | generation s | load avg (before gen"
            + " / before / after catch-up) |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %d | %s | %.1f | %.0f | %.0f | %s | %.2f / %.2f | %d | %.0f | %s / %s / %s |%n",
              r.n(),
              Double.isNaN(r.rawVerifyPinned()) ? "one JVM, 2 cores" : "pinned, 1 core each",
              r.seconds(),
              r.rate(),
              r.warmRate(),
              Double.isNaN(r.rawVerifyPinned())
                  ? String.format(Locale.ROOT, "%.0f", r.rawVerify())
                  : String.format(
                      Locale.ROOT,
                      "%.0f on core 1 alone (%.0f in the harness)",
                      r.rawVerifyPinned(),
                      r.rawVerify()),
              r.rate() / r.rawForRatio(),
              r.warmRate() / r.rawForRatio(),
              r.peakHeap() >> 20,
              r.genSeconds(),
              r.loadBeforeGen(),
              r.loadBeforeCatchup(),
              r.loadAfter()));
    }
    b.append("\nStages in isolation, same run (per second, one thread each):\n\n");
    b.append(
        "| backlog | A: Outbox.read batch 64 / 1000 | B: AlertVerifier | B: FeedReceiver.apply"
            + " batch 64 / 1000 (fresh db) | raw SQLite insert 2 KiB, 64 / 1000 per tx |\n");
    b.append("|---|---|---|---|---|\n");
    for (Row r : rows) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %d | %.0f / %.0f | %.0f | %.0f / %.0f | %.0f / %.0f |%n",
              r.n(),
              r.outboxRead64(),
              r.outboxRead1000(),
              r.verifier(),
              r.apply64(),
              r.apply1000(),
              r.rawInsert64(),
              r.rawInsert1000()));
    }
    b.append(
        "\nOrigin, while the backlog waits: one more report stored and queued in its own"
            + " transaction (median of "
            + BacklogGenerator.ENQUEUE_SAMPLES
            + ", rolled back), production schema vs. with an index on outbox (partner_node_id,"
            + " origin_node_id, alert_id, version):\n\n");
    b.append("| backlog | production ms | with index ms |\n|---|---|---|\n");
    for (Row r : rows) {
      b.append(
          String.format(
              Locale.ROOT, "| %d | %.2f | %.2f |%n", r.n(), r.enqueueMs(), r.enqueueIndexedMs()));
    }
    b.append("\nDuring the catch-up:\n\n");
    b.append(
        "| backlog | stored / queued (cursor) | from restart s | feed item bytes | cursor steps"
            + " seen | JVM CPU share of all cores | GC s | alerts/s per tenth of the backlog |\n");
    b.append("|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      StringBuilder seg = new StringBuilder();
      for (double s : r.segmentRates()) {
        seg.append(seg.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", s));
      }
      b.append(
          String.format(
              Locale.ROOT,
              "| %d | %d / %d (%d) | %.1f | %d | %d | %.0f %% | %.1f | %s |%n",
              r.n(),
              r.stored(),
              r.queued(),
              r.cursor(),
              r.fromRestartSeconds(),
              r.itemBytes(),
              r.acks(),
              100 * r.cpuShare(),
              r.gcSeconds(),
              seg));
    }
    b.append(
        "\nCPU during the catch-up (cores; one JVM: by thread, digits in names folded to N, JIT and"
            + " GC threads not included; pinned: each node's process, all its threads):\n\n| backlog | threads |\n|---|---|\n");
    for (Row r : rows) {
      b.append("| ").append(r.n()).append(" | ").append(r.cpuByThread()).append(" |\n");
    }
    if (rows.stream().anyMatch(r -> r.storeOnly() != null)) {
      b.append(
          "\nThe receiver's writer alone (`bench.storeStage`): every queued item checked"
              + " untimed, then FeedReceiver.store timed, 512 per transaction, fresh database:\n\n"
              + "| backlog | stored/s | per tenth of the backlog |\n|---|---|---|\n");
      for (Row r : rows) {
        if (r.storeOnly() != null) {
          b.append("| ").append(r.n()).append(" | ").append(r.storeOnly()).append(" |\n");
        }
      }
    }
    for (Row r : rows) {
      if (r.profile() != null) {
        b.append("\nJFR profile of the catch-up, N = ").append(r.n()).append(":\n\n");
        b.append(r.profile());
      }
    }
    return b.toString();
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (Exception e) {
      return "n/a";
    }
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  private static long gcMillis() {
    long t = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      t += Math.max(0, gc.getCollectionTime());
    }
    return t;
  }
}
