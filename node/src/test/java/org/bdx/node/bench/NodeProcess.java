package org.bdx.node.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.identity.NodeId;
import org.bdx.node.server.RunningNode;
import org.bdx.node.vault.Passphrase;
import org.bdx.proto.v1.SignedAlert;

/**
 * A benchmark node in a process of its own, so the catch-up benchmark can pin origin and receiver
 * to one core each ({@code taskset}) and see the receiver's rate without the origin on its core.
 * Run by {@link CatchupBenchmarkTest} with the test class path; talks to it over stdin and stdout.
 *
 * <ul>
 *   <li>{@code serve HOME CLIENT_PORT FEDERATION_PORT PASSPHRASE_FILE [WATCHED_NODE_ID|-] [JFR_FILE
 *       PERIOD_MS]}: opens the node in HOME (made by {@link BenchNetwork}) on 127.0.0.1 and the
 *       given ports and prints {@code ready}. With a watched node id it taps its federation
 *       services ({@link CatchupTap}) and prints {@code subscribe NANOS} when that partner's first
 *       Subscribe arrives: {@link System#nanoTime} is the monotonic clock of the machine on Linux,
 *       the same in every process. With a JFR file it records Java and native method samples every
 *       PERIOD_MS from start to stop. A line {@code stop} (or the end of stdin) closes the node,
 *       writes the recording and prints {@code closed}.
 *   <li>{@code verify ALERT_FILE PUBLIC_KEY_FILE}: prints {@code rawverify RATE}, the raw Bouncy
 *       Castle verify rate of {@link StageRates#rawVerify} (5 000 warm-up, 20 000 timed).
 * </ul>
 */
final class NodeProcess {
  private NodeProcess() {}

  public static void main(String[] args) throws Exception {
    Logger.getLogger("org.bdx").setLevel(Level.WARNING);
    switch (args[0]) {
      case "serve" -> serve(args);
      case "verify" -> verify(args);
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  private static void verify(String[] args) throws Exception {
    SignedAlert alert = SignedAlert.parseFrom(Files.readAllBytes(Path.of(args[1])));
    byte[] pub = Files.readAllBytes(Path.of(args[2]));
    double rate = StageRates.rawVerify(alert, pub, 5_000, 20_000);
    System.out.printf(Locale.ROOT, "rawverify %.1f%n", rate);
    System.out.flush();
  }

  private static void serve(String[] args) throws Exception {
    NodeHome home = new NodeHome(Path.of(args[1]));
    NodeConfig.HostPort client = new NodeConfig.HostPort("127.0.0.1", Integer.parseInt(args[2]));
    NodeConfig.HostPort federation =
        new NodeConfig.HostPort("127.0.0.1", Integer.parseInt(args[3]));
    CatchupTap tap = new CatchupTap();
    boolean tapped = args.length > 5 && !args[5].equals("-");
    if (tapped) {
      tap.watch(new NodeId(args[5]));
    }
    Recording recording = null;
    if (args.length > 7) {
      recording = new Recording(Configuration.getConfiguration("default"));
      recording.setDestination(Path.of(args[6]));
      Duration period = Duration.ofMillis(Integer.parseInt(args[7]));
      recording.enable("jdk.ExecutionSample").withPeriod(period);
      recording.enable("jdk.NativeMethodSample").withPeriod(period);
      recording.enable("jdk.Compilation").withThreshold(Duration.ZERO);
      recording.start();
    }
    RunningNode node;
    try (Passphrase passphrase = Passphrase.fromFile(Path.of(args[4]))) {
      node =
          RunningNode.start(
              home,
              passphrase,
              Clock.systemUTC(),
              client,
              federation,
              tapped ? List.of(tap) : List.of());
    }
    System.out.println("ready");
    System.out.flush();
    if (tapped) {
      Thread.ofPlatform()
          .daemon()
          .name("bench-subscribe-watch")
          .start(
              () -> {
                while (tap.subscribeAt() == 0) {
                  try {
                    Thread.sleep(1);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
                System.out.println("subscribe " + tap.subscribeAt());
                System.out.flush();
              });
    }
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null && !line.equals("stop"); line = in.readLine()) {
      // only "stop" means anything
    }
    if (recording != null) {
      recording.stop();
      recording.close();
    }
    node.close();
    System.out.println("closed");
    System.out.flush();
    System.exit(0);
  }
}
