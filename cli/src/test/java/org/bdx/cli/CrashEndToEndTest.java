package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.allAlerts;
import static org.bdx.cli.NetSteps.awaitTrue;
import static org.bdx.cli.NetSteps.quietly;
import static org.bdx.cli.NetSteps.status;

import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.bdx.node.edge.CredentialCheck;
import org.bdx.node.home.NodeHome;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.Consent;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.SubmitReportRequest;
import org.bdx.proto.v1.TimeOfDay;
import org.bdx.proto.v1.UpdateAlertRequest;
import org.bdx.proto.v1.WorkSetting;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety (spec FEED-12): East (origin) and North (receiver) run as real {@code bdx serve}
 * processes. While reports and alert updates stream into East, both are killed with SIGKILL at
 * random moments (North four times, East twice) and restarted on the same home and ports.
 * Afterwards every acknowledged report's alert, at its acknowledged version or newer, is at East
 * and at North; North holds each alert once and nothing it rejected; and both hold exactly the same
 * (origin, alert id, version) set.
 *
 * <p>The schedule comes from a fixed seed, printed, and can be replayed with {@code
 * -Dbdx.crash.seed=N}; process timing still varies from run to run.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CrashEndToEndTest {
  static final int REPORTS = 300;

  /** The most reports the load sends while waiting for the last kill to land. */
  static final int MAX_REPORTS = 3 * REPORTS;

  static final int NORTH_KILLS = 4;
  static final int EAST_KILLS = 2;

  /** Pause of each of the three submitters between two reports. */
  static final int PACE_MILLIS = 100;

  /** Never the common pool: blocked submitters there would starve the readers of server output. */
  static final ExecutorService THREADS = Executors.newVirtualThreadPerTaskExecutor();

  @TempDir Path tmp;
  final List<Server> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    for (Server s : servers) {
      s.kill();
    }
  }

  @Test
  void sigkillDuringHeavySync_losesNothing_appliesNothingTwice_andBothSidesAgree()
      throws Exception {
    long seed = Long.getLong("bdx.crash.seed", 20261121L);
    System.out.println("CrashEndToEndTest seed=" + seed + " (replay with -Dbdx.crash.seed=N)");
    Random random = new Random(seed);

    // Homes only: each node runs as its own `bdx serve` process (Server, below), not in this JVM.
    TestOrg eastOrg = TestOrg.builder(tmp, "east", "East Outreach").init();
    TestOrg northOrg = TestOrg.builder(tmp, "north", "North Peers").init();
    Path east = eastOrg.home();
    Path north = northOrg.home();
    String eastId = eastOrg.id().value();
    Server eastServer = new Server("east", east);
    Server northServer = new Server("north", north);
    servers.add(eastServer);
    servers.add(northServer);
    eastServer.start();
    northServer.start();
    TestOrg.peers(eastOrg, northOrg);
    TestOrg.agree(eastOrg, northOrg, 30);

    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", eastOrg.clientPort()).usePlaintext().build();
    Map<String, Long> acknowledged = new ConcurrentHashMap<>();
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    Map<String, Integer> failures = new ConcurrentHashMap<>();
    boolean killsDuringLoad;
    try {
      var stub =
          ClientServiceGrpc.newBlockingStub(channel)
              .withCallCredentials(bearer(new NodeHome(east).readClientToken()))
              .withWaitForReady();
      // A few concurrent submitters, so a kill of East usually lands inside some call.
      AtomicInteger next = new AtomicInteger();
      // The load goes on past REPORTS until the last kill has landed (restarts under load can
      // take seconds), so no kill falls after the load; bounded all the same.
      AtomicBoolean killsDone = new AtomicBoolean();
      Runnable submitter =
          () -> {
            for (int i;
                (i = next.getAndIncrement()) < REPORTS || (!killsDone.get() && i < MAX_REPORTS); ) {
              try {
                String id =
                    stub.withDeadlineAfter(20, TimeUnit.SECONDS)
                        .submitReport(SubmitReportRequest.newBuilder().setReport(report(i)).build())
                        .getAlert()
                        .getAlertId();
                acknowledged.put(id, 1L);
                // Some alerts get newer versions (2, and for some 3) while the kills go on.
                for (int v = 2; v <= (i % 8 == 0 ? 3 : i % 4 == 0 ? 2 : 1); v++) {
                  long version =
                      stub.withDeadlineAfter(20, TimeUnit.SECONDS)
                          .updateAlert(
                              UpdateAlertRequest.newBuilder()
                                  .setAlertId(id)
                                  .setChanges(
                                      Report.newBuilder()
                                          .setAggressorDescription(
                                              "tall man, report " + i + ", version " + v))
                                  .build())
                          .getAlert()
                          .getVersion();
                  acknowledged.merge(id, version, Math::max);
                }
              } catch (StatusRuntimeException e) {
                // East died during a call: the report or version may or may not have been stored.
                failed.incrementAndGet();
                failures.merge(e.getStatus().getCode().toString(), 1, Integer::sum);
              } finally {
                finished.incrementAndGet();
              }
              try {
                Thread.sleep(PACE_MILLIS); // spread the load over the kill schedule
              } catch (InterruptedException e) {
                return;
              }
            }
          };
      CompletableFuture<Void> load =
          CompletableFuture.allOf(
              CompletableFuture.runAsync(submitter, THREADS),
              CompletableFuture.runAsync(submitter, THREADS),
              CompletableFuture.runAsync(submitter, THREADS));

      // Kill points are load positions, so every kill lands while reports stream in.
      List<Server> order = new ArrayList<>();
      for (int i = 0; i < NORTH_KILLS; i++) {
        order.add(northServer);
      }
      for (int i = 0; i < EAST_KILLS; i++) {
        order.add(eastServer);
      }
      Collections.shuffle(order, random);
      long t0 = System.nanoTime();
      int spacing = (REPORTS - 40) / order.size();
      CompletableFuture<Void> northRestart = CompletableFuture.completedFuture(null);
      for (int k = 0; k < order.size(); k++) {
        int at = 20 + k * spacing + random.nextInt(spacing / 2);
        Server victim = order.get(k);
        if (victim == northServer) {
          northRestart.get(90, TimeUnit.SECONDS); // North must be up again before the next kill
        }
        while (finished.get() < at && !load.isDone()) {
          Thread.sleep(5); // polls the load up to the kill point; no assertion rests on it
        }
        Thread.sleep(random.nextInt(PACE_MILLIS)); // somewhere inside a call, or between two
        System.out.println(
            "CrashEndToEndTest: SIGKILL "
                + victim.name
                + " after "
                + (finished.get())
                + " reports, t="
                + (System.nanoTime() - t0) / 1_000_000
                + " ms");
        if (victim == eastServer) {
          // The submitters wait (wait-for-ready) until East serves again.
          victim.kill();
          victim.start();
          channel.resetConnectBackoff();
        } else {
          // The load goes on while North is down and restarting.
          victim.kill();
          northRestart =
              CompletableFuture.runAsync(
                  () -> {
                    try {
                      victim.start();
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  },
                  THREADS);
        }
      }
      killsDuringLoad = !load.isDone();
      killsDone.set(true);
      northRestart.get(90, TimeUnit.SECONDS);
      load.get(120, TimeUnit.SECONDS);
    } finally {
      channel.shutdownNow();
    }
    System.out.println(
        "CrashEndToEndTest: "
            + acknowledged.size()
            + " reports acknowledged, "
            + failed.get()
            + " calls failed during a kill "
            + failures);
    assertThat(killsDuringLoad).as("every kill landed while reports were still coming").isTrue();
    assertThat(finished.get()).isBetween(REPORTS, MAX_REPORTS + 2);
    assertThat(acknowledged).isNotEmpty();

    // Settle: North catches up with whatever East holds.
    awaitTrue(
        quietly(() -> keys(allAlerts(north)).equals(keys(local(allAlerts(east))))),
        "North holds exactly East's alerts",
        90);
    awaitTrue(
        () -> status(east, "north").getOutboundWaiting() == 0,
        "East has nothing left waiting for North",
        30);

    List<AlertView> atEast = local(allAlerts(east));
    List<AlertView> atNorth = allAlerts(north);
    Set<String> eastIds = new HashSet<>(atEast.stream().map(AlertView::getAlertId).toList());
    List<String> northIds = atNorth.stream().map(AlertView::getAlertId).toList();
    // No acknowledged alert or version lost, on either side.
    assertThat(eastIds).containsAll(acknowledged.keySet());
    assertThat(northIds).containsAll(acknowledged.keySet());
    for (AlertView a : atNorth) {
      assertThat(a.getVersion())
          .as("version of " + a.getAlertId())
          .isGreaterThanOrEqualTo(acknowledged.getOrDefault(a.getAlertId(), 1L));
    }
    assertThat(atNorth).anyMatch(a -> a.getVersion() >= 3);
    // Nothing applied twice: one row per alert, none newer than East's, nothing rejected.
    assertThat(northIds).doesNotHaveDuplicates();
    assertThat(atNorth).allMatch(a -> !a.getLocal() && a.getOriginNodeId().equals(eastId));
    assertThat(keys(atNorth)).isEqualTo(keys(atEast));
    assertThat(status(north, "east").getInboundRejected()).isZero();
  }

  private static List<AlertView> local(List<AlertView> alerts) {
    return alerts.stream().filter(AlertView::getLocal).toList();
  }

  /** (origin, alert id, version) of each alert. */
  private static Set<String> keys(List<AlertView> alerts) {
    Set<String> out = new HashSet<>();
    for (AlertView a : alerts) {
      out.add(a.getOriginNodeId() + "/" + a.getAlertId() + "/" + a.getVersion());
    }
    return out;
  }

  private static Report report(int i) {
    return Report.newBuilder()
        .setIncidentDate(LocalDate.now().minusDays(1).toString())
        .setTimeOfDay(TimeOfDay.TIME_OF_DAY_NIGHT)
        .setArea("Downtown East")
        .setWorkSetting(WorkSetting.WORK_SETTING_OUTCALL)
        .addHarms(HarmCategory.HARM_CATEGORY_PHYSICAL_ASSAULT)
        .setSeverity(Severity.SEVERITY_HIGH)
        .setAggressorDescription("tall man, report " + i)
        .addPhoneNumbers(String.format("604-555-%04d", i))
        .setConsent(Consent.newBuilder().setAudience(Audience.AUDIENCE_PEER))
        .build();
  }

  private static CallCredentials bearer(String token) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor ex, MetadataApplier applier) {
        Metadata m = new Metadata();
        m.put(CredentialCheck.AUTHORIZATION, "Bearer " + token);
        applier.apply(m);
      }
    };
  }

  /** One node as a separate {@code bdx serve} process on its home's fixed ports. */
  static final class Server {
    final String name;
    final Path home;
    Process process;

    Server(String name, Path home) {
      this.name = name;
      this.home = home;
    }

    /** Starts the process and waits until it serves; retries while its ports are still held. */
    void start() throws Exception {
      String last = "";
      long started = System.nanoTime();
      for (int attempt = 0; attempt < 20; attempt++) {
        process =
            new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    System.getProperty("java.class.path"),
                    Bdx.class.getName(),
                    "serve",
                    "--home",
                    home.toString(),
                    "--passphrase-file",
                    TestOrg.passphraseFile(home).toString())
                .redirectErrorStream(true)
                .start();
        BufferedReader lines =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready =
            CompletableFuture.supplyAsync(
                () -> {
                  StringBuilder seen = new StringBuilder();
                  try {
                    for (String l; (l = lines.readLine()) != null; ) {
                      if (l.contains("serving the client API")) {
                        return "";
                      }
                      seen.append(l).append('\n');
                    }
                  } catch (IOException e) {
                    seen.append(e);
                  }
                  return seen.length() == 0 ? "exited" : seen.toString();
                },
                THREADS);
        last = ready.get(60, TimeUnit.SECONDS);
        if (last.isEmpty()) {
          // Keep draining its output so it never blocks on a full pipe.
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      while (lines.readLine() != null) {
                        // discard
                      }
                    } catch (IOException ignored) {
                      // process ended
                    }
                  });
          System.out.println(
              "CrashEndToEndTest: "
                  + name
                  + " serving after "
                  + (System.nanoTime() - started) / 1_000_000
                  + " ms");
          return;
        }
        System.out.println("CrashEndToEndTest: " + name + " did not start: " + last.strip());
        process.waitFor(10, TimeUnit.SECONDS);
        Thread.sleep(200); // e.g. the port is still held by the killed process
      }
      throw new AssertionError(name + " did not start:\n" + last);
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
    void kill() {
      Process p = process;
      if (p != null && p.isAlive()) {
        p.destroyForcibly();
        try {
          p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
