package org.bdx.node.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.signing.AlertVerifier;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.TestCiphers;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.Consent;
import org.bdx.proto.v1.GetAlertRequest;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.SignedAlert;
import org.bdx.proto.v1.SubmitReportRequest;
import org.bdx.proto.v1.TimeOfDay;
import org.bdx.proto.v1.Vehicle;
import org.bdx.proto.v1.WorkSetting;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Federation propagation latency: from a committed report at the origin to the alert stored at each
 * partner, for 1, 10 and 20 partners on loopback, with the raw limits measured in the same run (a
 * gRPC bidi echo over the same mutual TLS, and a SQLite commit on the same disk).
 *
 * <p>A benchmark, not a test: it asserts only that every alert arrived, never a duration (DESIGN
 * §6). Excluded from the normal build; run it with {@code ./mvnw -B -q -pl node -am verify
 * -Pbenchmark}. Results go to stdout and {@code node/target/benchmarks/propagation.md}.
 *
 * <p>Knobs (system properties): {@code bench.partners} (default {@code 1,10,20}), {@code
 * bench.warmup} (50), {@code bench.reports} (200), {@code bench.rate} (reports per second, 20).
 *
 * <p>Timing: {@code t0} is taken just after {@code ClientService.SubmitReport} returns (the report,
 * its alert and the outbox rows are committed). {@code t1} for a receiver is when the origin
 * receives that receiver's {@code FeedAck} covering the alert ({@link FeedTap}); a receiver acks
 * only after the batch is committed, so {@code t1} is at most one loopback hop late. For N = 1 the
 * receiver is also polled with {@code GetAlert} every 1 ms as a cross-check of the ack method.
 */
@Tag("benchmark")
class PropagationBenchmarkTest {
  static final Logger QUIET = Logger.getLogger("org.bdx");

  final int[] partnerCounts =
      Arrays.stream(System.getProperty("bench.partners", "1,10,20").split(","))
          .map(String::strip)
          .mapToInt(Integer::parseInt)
          .toArray();
  final int warmup = Integer.getInteger("bench.warmup", 50);
  final int reports = Integer.getInteger("bench.reports", 200);
  final int rate = Integer.getInteger("bench.rate", 20);

  /** Echo message size: a feed item carrying one of the benchmark's alerts is about 1.8 KiB. */
  static final int RAW_MESSAGE_BYTES = 2048;

  @TempDir Path tmp;

  record Row(
      int partners,
      int reports,
      int pairs,
      int delivered,
      int verified,
      Samples latency,
      Samples fromCallStart,
      Samples originToSent,
      Samples sentToAck,
      Samples submitCall,
      Samples polled,
      Samples rawRtt,
      Samples sqliteCommit,
      long itemBytes,
      double achievedRate,
      double cpuMsPerReport,
      double cpuUtilization,
      double idleUtilization) {}

  @Test
  void propagationLatency() throws Exception {
    QUIET.setLevel(Level.WARNING);
    String started = Instant.now().toString();
    String loadBefore = loadAverage();
    List<Row> rows = new ArrayList<>();
    for (int n : partnerCounts) {
      rows.add(run(n));
    }
    String loadAfter = loadAverage();
    String crypto = cryptoCost();
    String report = render(started, loadBefore, loadAfter, rows, crypto);
    System.out.println(report);
    Path out = Paths.get("target", "benchmarks", "propagation.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report);
    System.out.println("written to " + out.toAbsolutePath());
    for (Row r : rows) {
      assertThat(r.delivered()).as("acked pairs, N=" + r.partners()).isEqualTo(r.pairs());
      assertThat(r.verified()).as("stored pairs, N=" + r.partners()).isEqualTo(r.pairs());
    }
  }

  private SignedAlert sampleEnvelope;
  private String sampleOrigin;

  private Row run(int n) throws Exception {
    Path dir = tmp.resolve("n" + n);
    Files.createDirectories(dir);
    // Raw limits first, on an idle JVM (no nodes running), in this same run.
    Samples raw = new Samples(RawStreamRtt.measure(RAW_MESSAGE_BYTES, 500, 2000));
    Samples sqlite = new Samples(sqliteCommits(dir.resolve("sqlite"), 20, 200));

    FeedTap tap = new FeedTap();
    try (BenchNetwork net = BenchNetwork.start(dir, n, tap)) {
      net.awaitConnected(Duration.ofSeconds(60));
      long interval = TimeUnit.SECONDS.toNanos(1) / rate;

      List<String> warm = new ArrayList<>();
      for (int i = 0; i < warmup; i++) {
        warm.add(submit(net, i).alertId());
        Thread.sleep(interval / 1_000_000);
      }
      awaitAcked(net, tap, warm, Duration.ofSeconds(120));

      // Idle baseline: what the network costs with feeds open and no reports.
      long idleCpu0 = processCpuNanos();
      long idle0 = System.nanoTime();
      Thread.sleep(3000);
      double idleShare =
          (double) (processCpuNanos() - idleCpu0)
              / (System.nanoTime() - idle0)
              / Runtime.getRuntime().availableProcessors();

      Poller poller =
          n == 1 ? new Poller(net.receivers.get(0).client(), net.origin.id().value()) : null;
      List<Submitted> measured = new ArrayList<>();
      long cpuBegin = processCpuNanos();
      long begin = System.nanoTime();
      for (int i = 0; i < reports; i++) {
        long due = begin + i * interval;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        Submitted s = submit(net, warmup + i);
        measured.add(s);
        if (poller != null) {
          poller.queue.add(s.alertId());
        }
      }
      double achieved = reports / ((System.nanoTime() - begin) / 1e9);
      List<String> ids = measured.stream().map(Submitted::alertId).toList();
      awaitAcked(net, tap, ids, Duration.ofSeconds(120));
      long cpu = processCpuNanos() - cpuBegin;
      long wall = System.nanoTime() - begin;
      Samples polled = null;
      if (poller != null) {
        polled = poller.finish(measured);
      }

      List<Long> lat = new ArrayList<>();
      List<Long> fromStart = new ArrayList<>();
      List<Long> toSent = new ArrayList<>();
      List<Long> toAck = new ArrayList<>();
      int delivered = 0;
      for (Submitted s : measured) {
        for (BenchNetwork.Member r : net.receivers) {
          Long sent = tap.sentAt(r.id(), s.alertId());
          Long acked = tap.ackedAt(r.id(), s.alertId());
          if (acked == null || sent == null) {
            continue;
          }
          delivered++;
          lat.add(acked - s.t0());
          fromStart.add(acked - (s.t0() - s.callNanos()));
          toSent.add(sent - s.t0());
          toAck.add(acked - sent);
        }
      }
      int verified = verifyStored(net, ids);
      sampleEnvelope = tap.lastEnvelope();
      sampleOrigin = net.origin.id().value();
      return new Row(
          n,
          reports,
          reports * n,
          delivered,
          verified,
          new Samples(toArray(lat)),
          new Samples(toArray(fromStart)),
          new Samples(toArray(toSent)),
          new Samples(toArray(toAck)),
          new Samples(measured.stream().mapToLong(Submitted::callNanos).toArray()),
          polled,
          raw,
          sqlite,
          tap.meanItemBytes(),
          achieved,
          cpu / 1e6 / reports,
          (double) cpu / wall / Runtime.getRuntime().availableProcessors(),
          idleShare);
    }
  }

  record Submitted(String alertId, long t0, long callNanos) {}

  private static Submitted submit(BenchNetwork net, int i) {
    long before = System.nanoTime();
    String alertId =
        net.origin
            .client()
            .submitReport(SubmitReportRequest.newBuilder().setReport(report(i)).build())
            .getAlert()
            .getAlertId();
    long t0 = System.nanoTime();
    return new Submitted(alertId, t0, t0 - before);
  }

  /** A full report, about 1 KiB as an alert; everything but the narrative and contact is shared. */
  static Report report(int i) {
    return Report.newBuilder()
        .setIncidentDate(LocalDate.now(ZoneOffset.UTC).minusDays(1).toString())
        .setTimeOfDay(TimeOfDay.TIME_OF_DAY_NIGHT)
        .setArea("Downtown East")
        .setWorkSetting(WorkSetting.WORK_SETTING_OUTCALL)
        .addHarms(HarmCategory.HARM_CATEGORY_PHYSICAL_ASSAULT)
        .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
        .setSeverity(Severity.SEVERITY_HIGH)
        .setAggressorDescription(
            "Tall man, about 40, short grey hair, scar over left eyebrow, wears a dark green"
                + " rain jacket and work boots; smells of cigarettes; calm at first, then"
                + " aggressive when asked for payment up front. Report "
                + i)
        .addNamesUsed("Mike")
        .addNamesUsed("Michael D.")
        .addPhoneNumbers(String.format(Locale.ROOT, "604 555 %04d", i % 10_000))
        .setVehicle(
            Vehicle.newBuilder().setDescription("silver minivan, dented rear").setPlate("ABC 123"))
        .addOnlineHandles("@bench_handle_" + i)
        .setModusOperandi(
            "Books hotel outcalls through the ad sites late at night, insists on cash at the end,"
                + " then refuses to pay and blocks the door; has taken phones to stop calls for"
                + " help.")
        .addLanguages("en")
        .setNarrative("Narrative stays at the origin. " + i)
        .setReporterContact("contact stays at the origin")
        .setConsent(Consent.newBuilder().setAudience(Audience.AUDIENCE_PEER))
        .build();
  }

  private static void awaitAcked(BenchNetwork net, FeedTap tap, List<String> ids, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (String id : ids) {
      for (BenchNetwork.Member r : net.receivers) {
        while (tap.ackedAt(r.id(), id) == null) {
          if (System.nanoTime() > deadline) {
            return; // counted as not delivered
          }
          Thread.sleep(5);
        }
      }
    }
  }

  /** How many (alert, receiver) pairs each receiver's ClientService returns as stored. */
  private static int verifyStored(BenchNetwork net, List<String> ids) {
    int found = 0;
    String origin = net.origin.id().value();
    for (BenchNetwork.Member r : net.receivers) {
      for (String id : ids) {
        try {
          r.client()
              .getAlert(
                  GetAlertRequest.newBuilder().setAlertId(id).setOriginNodeId(origin).build());
          found++;
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
            throw e;
          }
        }
      }
    }
    return found;
  }

  /**
   * Cross-check of the ack method for N = 1: a thread polls the receiver's GetAlert every 1 ms for
   * each alert in submission order and records when it is first found.
   */
  private static final class Poller {
    final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    final java.util.Map<String, Long> foundAt = new java.util.concurrent.ConcurrentHashMap<>();
    final Thread thread;
    volatile boolean stop;

    Poller(ClientServiceGrpc.ClientServiceBlockingStub client, String origin) {
      thread =
          Thread.ofPlatform()
              .name("bench-poller")
              .daemon()
              .start(
                  () -> {
                    try {
                      while (!stop) {
                        String id = queue.poll(100, TimeUnit.MILLISECONDS);
                        if (id == null) {
                          continue;
                        }
                        GetAlertRequest req =
                            GetAlertRequest.newBuilder()
                                .setAlertId(id)
                                .setOriginNodeId(origin)
                                .build();
                        while (!stop) {
                          try {
                            client.getAlert(req);
                            foundAt.put(id, System.nanoTime());
                            break;
                          } catch (StatusRuntimeException e) {
                            Thread.sleep(1);
                          }
                        }
                      }
                    } catch (InterruptedException e) {
                      // stopping
                    }
                  });
    }

    Samples finish(List<Submitted> measured) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (foundAt.size() < measured.size() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      stop = true;
      thread.join(5000);
      return new Samples(
          measured.stream()
              .filter(s -> foundAt.containsKey(s.alertId()))
              .mapToLong(s -> foundAt.get(s.alertId()) - s.t0())
              .toArray());
    }
  }

  /** Commit latency of a 1 KiB insert through the node's own database class (same pragmas). */
  static long[] sqliteCommits(Path dir, int warm, int n) throws Exception {
    Files.createDirectories(dir);
    try (NodeDatabase db = NodeDatabase.open(dir.resolve("bench.db"), TestCiphers.CIPHER)) {
      db.inTransaction(
          c -> {
            try (Statement s = c.createStatement()) {
              s.execute("CREATE TABLE bench (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
            }
            return null;
          });
      byte[] body = new byte[1024];
      new SecureRandom().nextBytes(body);
      long[] out = new long[n];
      for (int i = 0; i < warm + n; i++) {
        long t0 = System.nanoTime();
        db.inTransaction(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement("INSERT INTO bench (body) VALUES (?)")) {
                ps.setBytes(1, body);
                ps.executeUpdate();
              }
              return null;
            });
        long t1 = System.nanoTime();
        if (i >= warm) {
          out[i - warm] = t1 - t0;
        }
      }
      return out;
    }
  }

  /** Ed25519 sign and full alert verification cost, per alert. */
  private String cryptoCost() throws Exception {
    NodeKeys keys = NodeKeys.generate(new SecureRandom());
    byte[] header =
        sampleEnvelope == null ? new byte[400] : sampleEnvelope.getHeader().toByteArray();
    int rounds = 2000;
    long[] sign = new long[rounds];
    long[] verify = new long[rounds];
    long[] alert = new long[rounds];
    byte[] sig = keys.sign(header);
    byte[] pub = keys.publicKey();
    AlertVerifier verifier = new AlertVerifier();
    org.bdx.node.identity.NodeId origin =
        sampleOrigin == null ? null : org.bdx.node.identity.NodeId.parse(sampleOrigin);
    for (int pass = 0; pass < 2; pass++) { // first pass warms up
      for (int i = 0; i < rounds; i++) {
        long t0 = System.nanoTime();
        keys.sign(header);
        long t1 = System.nanoTime();
        NodeKeys.verify(pub, header, sig);
        long t2 = System.nanoTime();
        if (sampleEnvelope != null) {
          verifier.verify(sampleEnvelope, origin);
        }
        long t3 = System.nanoTime();
        sign[i] = t1 - t0;
        verify[i] = t2 - t1;
        alert[i] = t3 - t2;
      }
    }
    Samples s = new Samples(sign);
    Samples v = new Samples(verify);
    Samples a = new Samples(alert);
    return String.format(
        Locale.ROOT,
        "Ed25519 (BouncyCastle) over a %d-byte alert header: sign p50 %s µs, verify p50 %s µs;"
            + " full receiver check of one alert (AlertVerifier: signature + disclosure digests)"
            + " p50 %s µs, p99 %s µs.",
        header.length,
        Samples.us(s.percentile(50)),
        Samples.us(v.percentile(50)),
        Samples.us(a.percentile(50)),
        Samples.us(a.percentile(99)));
  }

  private String render(
      String started, String loadBefore, String loadAfter, List<Row> rows, String crypto) {
    StringBuilder b = new StringBuilder();
    b.append("Run started ").append(started).append('\n');
    b.append(
        String.format(
            Locale.ROOT,
            "Machine: %d CPUs visible to the JVM, %s %s, Java %s (%s); load average before %s,"
                + " after %s%n",
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("os.name"),
            System.getProperty("os.arch"),
            Runtime.version(),
            System.getProperty("java.vm.name"),
            loadBefore,
            loadAfter));
    b.append(
        String.format(
            Locale.ROOT,
            "Settings: warm-up %d reports, %d measured reports per N, target rate %d/s%n%n",
            warmup,
            reports,
            rate));
    b.append(
        "| N | reports | pairs delivered | p50 ms | p99 ms | max ms | raw gRPC stream RTT p50 / p99"
            + " ms ("
            + RAW_MESSAGE_BYTES
            + " B, mTLS) | SQLite commit p50 / p99 ms |\n");
    b.append("|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %d | %d | %d / %d | %s | %s | %s | %s / %s | %s / %s |%n",
              r.partners(),
              r.reports(),
              r.delivered(),
              r.pairs(),
              r.latency().p50(),
              r.latency().p99(),
              r.latency().maxMs(),
              r.rawRtt().p50(),
              r.rawRtt().p99(),
              r.sqliteCommit().p50(),
              r.sqliteCommit().p99()));
    }
    b.append("\nBreakdown (per report and receiver):\n\n");
    b.append(
        "| N | from SubmitReport call start p50 / p99 / max ms | SubmitReport call p50 / p99 ms"
            + " | commit → item handed to gRPC at origin p50 / p99 ms"
            + " | handed → ack back p50 / p99 ms | achieved rate /s"
            + " | JVM CPU per report ms (share of all cores; idle share) | feed item bytes"
            + " | stored (GetAlert) |\n");
    b.append("|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %d | %s / %s / %s | %s / %s | %s / %s | %s / %s | %.1f"
                  + " | %.1f (%.0f%%; idle %.0f%%) | %d | %d / %d |%n",
              r.partners(),
              r.fromCallStart().p50(),
              r.fromCallStart().p99(),
              r.fromCallStart().maxMs(),
              r.submitCall().p50(),
              r.submitCall().p99(),
              r.originToSent().p50(),
              r.originToSent().p99(),
              r.sentToAck().p50(),
              r.sentToAck().p99(),
              r.achievedRate(),
              r.cpuMsPerReport(),
              100 * r.cpuUtilization(),
              100 * r.idleUtilization(),
              r.itemBytes(),
              r.verified(),
              r.pairs()));
    }
    for (Row r : rows) {
      if (r.polled() != null) {
        b.append(
            String.format(
                Locale.ROOT,
                "%nCross-check N=%d: GetAlert polled every 1 ms found %d alerts, p50 %s ms, p99 %s"
                    + " ms (ack method in the same run: p50 %s ms, p99 %s ms).%n",
                r.partners(),
                r.polled().count(),
                r.polled().p50(),
                r.polled().p99(),
                r.latency().p50(),
                r.latency().p99()));
      }
    }
    b.append('\n').append(crypto).append('\n');
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

  /** CPU time used by this JVM (all nodes, the harness and the build's test JVM), in ns. */
  private static long processCpuNanos() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  private static long[] toArray(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).toArray();
  }
}
