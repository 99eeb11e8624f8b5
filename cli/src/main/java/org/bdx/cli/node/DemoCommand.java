package org.bdx.cli.node;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.bdx.cli.Bdx;
import org.bdx.cli.BdxCommand;
import org.bdx.cli.CliException;
import org.bdx.node.Node;
import org.bdx.node.server.NodeServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A guided tour on a throwaway node: creates it in a temporary directory, enters made-up reports
 * through the real commands and searches them, printing each command as it goes.
 */
@Command(
    name = "demo",
    description = {
      "Run a short demonstration on a throwaway node in a temporary directory:",
      "enter made-up reports and search them with the real commands.",
    })
public final class DemoCommand extends BdxCommand {
  @Option(names = "--keep", description = "Keep the temporary node's directory afterwards.")
  boolean keep;

  @Override
  protected void run() throws Exception {
    Path dir = Files.createTempDirectory("bdx-demo-");
    Path home = dir.resolve("east");
    int port = freeLoopbackPort();
    PrintWriter out = out();
    LocalDate today = LocalDate.now();
    try {
      step(
          "Create a node for a made-up organization",
          "init",
          "--home",
          home.toString(),
          "--name",
          "Demo Outreach East",
          "--listen",
          "127.0.0.1:" + port,
          "--region",
          "CA");
      try (Node node = Node.open(new org.bdx.node.home.NodeHome(home), Clock.systemUTC())) {
        NodeServer server =
            new NodeServer(
                    NettyServerBuilder.forAddress(
                        new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port)),
                    node.clientServices())
                .start();
        out.println();
        out.println("(The node now serves on 127.0.0.1:" + port + ", as `bdx serve` would.)");
        try {
          step(
              "Enter a report: outcall, assault, with a phone number and a partial plate",
              "report",
              "add",
              "--home",
              home.toString(),
              "--date",
              today.minusDays(3).toString(),
              "--time",
              "evening",
              "--area",
              "Downtown East",
              "--setting",
              "outcall",
              "--harm",
              "physical_assault",
              "--harm",
              "refused_payment",
              "--severity",
              "high",
              "--description",
              "Man about 40, tall, grey beard, snake tattoo on left forearm",
              "--name-used",
              "Mike",
              "--phone",
              "604-555-0123",
              "--vehicle",
              "dark blue pickup",
              "--plate",
              "BC 12",
              "--summary",
              "Books outcalls to hotels, argues about the rate, then gets violent",
              "--narrative",
              "The reporter's own words stay on this node.",
              "--contact",
              "reachable through the drop-in",
              "--audience",
              "support");
          step(
              "Enter another: street, stealthing, online handle",
              "report",
              "add",
              "--home",
              home.toString(),
              "--date",
              today.minusDays(10).toString(),
              "--area",
              "Main Street corridor",
              "--setting",
              "street",
              "--harm",
              "stealthing",
              "--severity",
              "moderate",
              "--description",
              "Young man, glasses, polite at first",
              "--handle",
              "gentleman_j",
              "--phone",
              "+1 (604) 555-0199",
              "--language",
              "en",
              "--language",
              "es");
          step(
              "Enter a third: threats from an incall client",
              "report",
              "add",
              "--home",
              home.toString(),
              "--date",
              today.minusDays(30).toString(),
              "--area",
              "Downtown East",
              "--setting",
              "incall",
              "--harm",
              "threats",
              "--harm",
              "harassment",
              "--description",
              "Heavy build, grey beard, smells of cigarettes",
              "--plate",
              "XYZ 987");
          step(
              "Search by phone number, typed differently than at intake",
              "alerts",
              "search",
              "--home",
              home.toString(),
              "--phone",
              "(604) 555 0123");
          step(
              "Search by part of a plate",
              "alerts",
              "search",
              "--home",
              home.toString(),
              "--plate",
              "bc1");
          step(
              "Search by words",
              "alerts",
              "search",
              "--home",
              home.toString(),
              "--text",
              "grey beard");
          step(
              "List the reports (no narratives or contacts in listings)",
              "report",
              "list",
              "--home",
              home.toString());
        } finally {
          server.stop();
        }
      }
      out.println();
      out.println(
          "Demo done."
              + (keep
                  ? " The node's directory is kept at " + home
                  : " Run with --keep to look at the node's directory afterwards."));
    } finally {
      if (!keep) {
        deleteTree(dir);
      }
    }
  }

  private void step(String what, String... args) {
    PrintWriter out = out();
    out.println();
    out.println("== " + what);
    List<String> shown = new ArrayList<>();
    for (String a : args) {
      shown.add(a.contains(" ") || a.isEmpty() ? "\"" + a + "\"" : a);
    }
    out.println("$ bdx " + String.join(" ", shown));
    out.flush();
    Bdx root = (Bdx) spec.root().userObject();
    int code = Bdx.run(out, err(), root.env(), args);
    if (code != 0) {
      throw new CliException("the demo step failed (exit " + code + "): " + what);
    }
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
