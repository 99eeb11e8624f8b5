package org.bdx.cli.node;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.CliException;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.policy.SharingPolicy;
import org.bdx.node.server.RunningNode;
import org.bdx.node.vault.Passphrase;
import org.bdx.node.vault.SecretAccess;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.GetNodeInfoResponse;
import org.bdx.proto.v1.SearchAlertsResponse;
import org.bdx.proto.v1.SubmitReportResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A guided tour of a small network on this machine: three made-up organizations in temporary
 * directories, set up and used with the real commands, showing for each what it received and what
 * was withheld.
 */
@Command(
    name = "demo",
    description = {
      "Run a small demonstration network on this machine, keep it open until Ctrl-C, then clean"
          + " up.",
      "Three made-up organizations in temporary directories (two sex-worker-led peers and a"
          + " police liaison) are set up with the real commands; the demo then shows what each"
          + " received and what was withheld, and prints each organization's staff console"
          + " address and how to log in to it.",
    })
public final class DemoCommand extends BdxCommand {
  @Option(names = "--keep", description = "Keep the temporary directories afterwards.")
  boolean keep;

  @Option(
      names = "--no-wait",
      description =
          "End after the tour instead of keeping the nodes and their consoles open until Ctrl-C"
              + " (for scripts).")
  boolean noWait;

  @Option(
      names = "--bulletins",
      paramLabel = "DIR",
      defaultValue = "bdx-demo-bulletins",
      description =
          "Where the demo writes each organization's bulletin (default ${DEFAULT-VALUE}, in the"
              + " current directory); files of the same name there are replaced.")
  Path bulletinDir;

  /** Each console on a free loopback port: a node already serving on 7402 is left alone. */
  private static final NodeConfig.HostPort CONSOLE_AT = new NodeConfig.HostPort("127.0.0.1", 0);

  private static final List<String> PEER_FIELDS = SharingPolicy.pathsExceptContact();
  private static final List<String> POLICE_FIELDS =
      List.of("incident_date", "area", "harms", "severity");

  private record Org(String key, String name, Path home, RunningNode running) {
    String endpoint() {
      return "127.0.0.1:" + running.federationPort();
    }
  }

  @Override
  protected void run() throws Exception {
    // The demo narrates; the nodes' routine log lines would only interleave with it.
    java.util.logging.Logger.getLogger("org.bdx").setLevel(java.util.logging.Level.WARNING);
    Path dir = Files.createTempDirectory("bdx-demo-");
    PrintWriter out = out();
    List<Org> orgs = new ArrayList<>();
    AtomicBoolean cleaned = new AtomicBoolean();
    try {
      section("Three organizations, each with its own node (no central server)");
      Org east = start(dir, "east", "East Outreach", orgs);
      Org north = start(dir, "north", "North Peers", orgs);
      Org liaison = start(dir, "liaison", "City Police Liaison", orgs);

      section("Coordinators register each other, pinned by node id");
      out.println("(In real life they compare fingerprints by phone before this step.)");
      step(
          "partner",
          "add",
          "--home",
          home(east),
          "--name",
          "north",
          "--node-id",
          id(north),
          "--endpoint",
          north.endpoint(),
          "--class",
          "peer");
      step(
          "partner",
          "add",
          "--home",
          home(east),
          "--name",
          "liaison",
          "--node-id",
          id(liaison),
          "--endpoint",
          liaison.endpoint(),
          "--class",
          "police");
      quiet(
          "partner",
          "add",
          "--home",
          home(north),
          "--name",
          "east",
          "--node-id",
          id(east),
          "--endpoint",
          east.endpoint(),
          "--class",
          "peer");
      quiet(
          "partner",
          "add",
          "--home",
          home(liaison),
          "--name",
          "east",
          "--node-id",
          id(east),
          "--endpoint",
          east.endpoint(),
          "--class",
          "peer");
      out.println("(North and the Liaison register East the same way; they have no agreement");
      out.println(" with each other, so they cannot connect to each other at all.)");

      section("Sharing agreements, signed by both sides");
      Path peerTerms = terms(dir, "peer-terms.json", PEER_FIELDS, PEER_FIELDS);
      Path policeTerms = terms(dir, "police-terms.json", POLICE_FIELDS, List.of("area"));
      out.println("East and North (peers): every field except the reporter's contact.");
      out.println("East and the Liaison (police): only date, area, harms and severity.");
      String peerAgreement = propose(east, "north", peerTerms);
      step("agreement", "accept", peerAgreement, "--home", home(north));
      String policeAgreement = propose(east, "liaison", policeTerms);
      quiet("agreement", "accept", policeAgreement, "--home", home(liaison));
      out.println("(The Liaison accepts its agreement the same way.)");

      section("East takes three reports; each reporter chose how far theirs may go");
      LocalDate today = LocalDate.now();
      Map<String, String> reports = new LinkedHashMap<>();
      reports.put(
          report(
              east,
              "peer",
              today.minusDays(2),
              "Downtown East",
              "physical_assault",
              "604-555-0123",
              "Man about 40, grey beard, snake tattoo on left forearm"),
          "audience peer");
      reports.put(
          report(
              east,
              "support",
              today.minusDays(5),
              "Strathcona",
              "stealthing",
              "604-555-0199",
              "Young man, glasses, polite at first"),
          "audience support");
      reports.put(
          report(
              east,
              "police",
              today.minusDays(9),
              "Downtown East",
              "robbery",
              "604-555-0142",
              "Heavy build, drives a dark blue pickup"),
          "audience police");
      out.println("Reports stored at East; narratives and contacts never leave East.");

      waitForDelivery(north, 3);
      waitForDelivery(liaison, 1);

      section("What each organization received, and what was withheld");
      Map<String, AlertView> full = new LinkedHashMap<>();
      for (AlertView a : search(east)) {
        full.put(a.getAlertId(), a);
      }
      for (Org o : List.of(north, liaison)) {
        List<AlertView> got = search(o);
        out.printf("%n%s holds %d of East's %d alerts:%n", o.name(), got.size(), full.size());
        for (AlertView a : got) {
          TreeSet<String> withheld =
              new TreeSet<>(full.get(a.getAlertId()).getDisclosedPathsList());
          withheld.removeAll(a.getDisclosedPathsList());
          out.printf(
              "  %s (%s)%n    received: %s%n    withheld: %s%n",
              a.getAlertId(),
              reports.get(a.getAlertId()),
              String.join(", ", a.getDisclosedPathsList()),
              withheld.isEmpty() ? "nothing" : String.join(", ", withheld));
        }
        for (var e : full.entrySet()) {
          if (got.stream().noneMatch(a -> a.getAlertId().equals(e.getKey()))) {
            out.printf(
                "  %s (%s): not sent; the reporter did not choose this class%n",
                e.getKey(), reports.get(e.getKey()));
          }
        }
      }

      section("North searches what it received, by a phone number typed its own way");
      step("alerts", "search", "--home", home(north), "--phone", "(604) 555 0123");

      section("East's view of the network");
      step("status", "--home", home(east));

      section("Bulletins for workers: what each organization holds, as a printable sheet");
      Files.createDirectories(bulletinDir);
      for (Org o : orgs) {
        bulletin(o, today.minusDays(30));
      }

      section("Each organization's staff console, in your browser");
      for (Org o : orgs) {
        int port = o.running().startConsole(CONSOLE_AT, Clock.systemUTC()).port();
        NodeHome h = new NodeHome(o.home());
        out.printf(
            "%s: http://127.0.0.1:%d/%n"
                + "  log in as its coordinator with the credential in %s%n"
                + "  or as intake staff with the one in %s%n",
            o.name(), port, h.adminTokenFile(), h.clientTokenFile());
      }
      if (!noWait) {
        keepOpen(orgs, dir, cleaned);
      }
    } finally {
      cleanUp(orgs, dir, cleaned);
    }
    out.println();
    out.println(
        "Demo done."
            + (keep
                ? " The nodes' directories are kept under " + dir
                : " Run with --keep to look at the nodes' directories afterwards."));
  }

  /**
   * Keeps the nodes and their consoles open until Ctrl-C (or SIGTERM): the shutdown hook closes
   * them and removes the directories, and this thread waits for ever meanwhile.
   */
  private void keepOpen(List<Org> orgs, Path dir, AtomicBoolean cleaned)
      throws InterruptedException {
    PrintWriter out = out();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    cleanUp(orgs, dir, cleaned);
                    out.println();
                    out.println(
                        "Stopped the demo's nodes and consoles"
                            + (keep
                                ? "; their directories are kept under " + dir
                                : " and removed their directories."));
                  } catch (IOException | RuntimeException e) {
                    out.println("Stopping the demo failed: " + e.getMessage());
                  } finally {
                    out.flush();
                  }
                },
                "bdx-demo-shutdown"));
    out.println();
    out.println(
        "The nodes and their consoles stay open until you press Ctrl-C. (Run with --no-wait"
            + " to end after the tour.)");
    out.flush();
    new CountDownLatch(1).await();
  }

  /** Closes every node (and its console) and removes the directories, once. */
  private void cleanUp(List<Org> orgs, Path dir, AtomicBoolean cleaned) throws IOException {
    if (!cleaned.compareAndSet(false, true)) {
      return;
    }
    for (Org o : orgs) {
      o.running().close();
    }
    if (!keep) {
      deleteTree(dir);
    }
  }

  private Org start(Path dir, String key, String name, List<Org> orgs) throws Exception {
    Path home = dir.resolve(key);
    // A generated passphrase per node, in a file beside its home (a real one is chosen by a
    // person and kept apart from the node).
    Path passphraseFile = dir.resolve(key + ".passphrase");
    try (Passphrase generated = Passphrase.random(new SecureRandom())) {
      char[] chars = generated.reveal(SecretAccess.INSECURE);
      NodeHome.writeOwnerOnly(passphraseFile, new String(chars) + "\n");
      java.util.Arrays.fill(chars, '\0');
    }
    step(
        "init",
        "--home",
        home.toString(),
        "--passphrase-file",
        passphraseFile.toString(),
        "--name",
        name,
        "--listen",
        "127.0.0.1:" + freeLoopbackPort(),
        "--federation-listen",
        "127.0.0.1:" + freeLoopbackPort(),
        "--region",
        "CA");
    RunningNode running;
    try (Passphrase passphrase = Passphrase.fromFile(passphraseFile)) {
      running = RunningNode.start(new NodeHome(home), passphrase, Clock.systemUTC());
    }
    Org org = new Org(key, name, home, running);
    orgs.add(org);
    return org;
  }

  private String propose(Org from, String partner, Path terms) throws Exception {
    String out =
        step(
            "agreement",
            "propose",
            "--home",
            home(from),
            "--partner",
            partner,
            "--terms",
            terms.toString());
    String json = quiet("agreement", "list", "--home", home(from), "--json");
    var list = parse(json, org.bdx.proto.v1.ListAgreementsResponse.getDefaultInstance());
    return list.getAgreementsList().stream()
        .filter(a -> a.getPartner().equals(partner) && out.contains(a.getAgreementId()))
        .findFirst()
        .orElseThrow(() -> new CliException("the demo could not find its proposal"))
        .getAgreementId();
  }

  private String report(
      Org org,
      String audience,
      LocalDate date,
      String area,
      String harm,
      String phone,
      String description)
      throws Exception {
    String json =
        quiet(
            "report",
            "add",
            "--home",
            home(org),
            "--json",
            "--date",
            date.toString(),
            "--area",
            area,
            "--setting",
            "outcall",
            "--harm",
            harm,
            "--severity",
            "high",
            "--description",
            description,
            "--phone",
            phone,
            "--narrative",
            "The reporter's own words stay at East.",
            "--contact",
            "via the drop-in",
            "--audience",
            audience);
    String id = parse(json, SubmitReportResponse.getDefaultInstance()).getAlert().getAlertId();
    out().printf("$ bdx report add ... --audience %s    -> alert %s%n", audience, id);
    return id;
  }

  /**
   * Writes {@code o}'s bulletin as a PDF, or as HTML when this machine lacks the PDF fonts (the
   * node's message says what to install).
   */
  private void bulletin(Org o, LocalDate since) throws Exception {
    try {
      bulletin(o, since, "pdf");
    } catch (CliException e) {
      out().println("(No PDF: " + e.getMessage() + ")");
      bulletin(o, since, "html");
    }
  }

  private void bulletin(Org o, LocalDate since, String format) throws Exception {
    Path file = bulletinDir.resolve(o.key() + "." + format).toAbsolutePath().normalize();
    step(
        "bulletin",
        "--home",
        home(o),
        "--since",
        since.toString(),
        "--format",
        format,
        "--out",
        file.toString(),
        "--force");
  }

  private List<AlertView> search(Org o) throws Exception {
    String json = quiet("alerts", "search", "--home", home(o), "--json", "--limit", "100");
    return parse(json, SearchAlertsResponse.getDefaultInstance()).getAlertsList();
  }

  private void waitForDelivery(Org o, int expected) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (search(o).size() < expected) {
      if (System.nanoTime() > deadline) {
        throw new CliException(o.name() + " did not receive its alerts within 30 s");
      }
      Thread.sleep(50);
    }
  }

  private static Path terms(Path dir, String file, List<String> weSend, List<String> weReceive)
      throws IOException {
    String json =
        "{\"we_send\": {\"all_harms\": true, \"all_areas\": true, \"retention_days\": 90,"
            + " \"field_paths\": "
            + list(weSend)
            + "},"
            + " \"we_receive\": {\"receiver_class\": \"PARTNER_CLASS_PEER\", \"all_harms\": true,"
            + " \"all_areas\": true, \"retention_days\": 90, \"field_paths\": "
            + list(weReceive)
            + "}}";
    Path p = dir.resolve(file);
    Files.writeString(p, json);
    return p;
  }

  private static String list(List<String> items) {
    return "[\"" + String.join("\", \"", items) + "\"]";
  }

  private static String home(Org o) {
    return o.home().toString();
  }

  private String id(Org o) throws Exception {
    String json = quiet("id", "--home", home(o), "--json");
    return parse(json, GetNodeInfoResponse.getDefaultInstance()).getNodeId();
  }

  private void section(String title) {
    out().println();
    out().println("== " + title);
  }

  /** Runs a command, showing it and its output. */
  private String step(String... args) {
    List<String> shown = new ArrayList<>();
    for (String a : args) {
      shown.add(a.contains(" ") || a.isEmpty() ? "\"" + a + "\"" : a);
    }
    out().println("$ bdx " + String.join(" ", shown));
    String output = run(args);
    out().print(output);
    out().flush();
    return output;
  }

  /** Runs a command and returns its output without showing it. */
  private String quiet(String... args) {
    return run(args);
  }

  private String run(String... args) {
    StringWriter buf = new StringWriter();
    StringWriter errBuf = new StringWriter();
    // A fresh command line per step, in this one's environment, as if typed at the prompt.
    int code = session().run(new PrintWriter(buf), new PrintWriter(errBuf), args);
    if (code != 0) {
      throw new CliException(
          "the demo step `bdx "
              + String.join(" ", args)
              + "` failed: "
              + errBuf.toString().strip());
    }
    return buf.toString();
  }

  @SuppressWarnings("unchecked")
  private static <T extends Message> T parse(String json, T prototype)
      throws InvalidProtocolBufferException {
    Message.Builder b = prototype.newBuilderForType();
    JsonFormat.parser().merge(json.strip(), b);
    return (T) b.build();
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
