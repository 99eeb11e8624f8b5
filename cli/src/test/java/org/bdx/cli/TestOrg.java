package org.bdx.cli;

import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.NetSteps.parse;

import io.grpc.ServerInterceptor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.bdx.node.home.NodeHome;
import org.bdx.node.identity.KeyFiles;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.server.Node;
import org.bdx.node.server.RunningNode;
import org.bdx.node.tls.Keepalive;
import org.bdx.node.vault.KdfParams;
import org.bdx.node.vault.Passphrase;
import org.bdx.node.vault.SecretAccess;
import org.bdx.node.vault.Vault;
import org.bdx.proto.v1.ProposeAgreementResponse;

/**
 * One organization in an end-to-end test: a home made with {@code bdx init} in {@code dir/key},
 * listening on two free loopback ports, and, once started, its node running in this JVM. Tests that
 * run {@code bdx serve} as a separate process only {@linkplain Builder#init() init} the home.
 *
 * <p>Organizations register each other as partners under their {@linkplain #key() keys} ("east",
 * "north"), the names the tests then use in CLI commands.
 *
 * <pre>
 * TestOrg east = TestOrg.builder(tmp, "east", "East Outreach").taps(eastSent).start();
 * TestOrg north = TestOrg.builder(tmp, "north", "North Peers").start();
 * TestOrg.peers(east, north);
 * String agreementId = TestOrg.agree(east, north, 30);
 * </pre>
 */
final class TestOrg {
  /** The field paths {@link #agree(TestOrg, TestOrg, int)} grants both ways. */
  private static final List<String> PEER_PATHS =
      List.of(
          "incident_date",
          "time_of_day",
          "area",
          "work_setting",
          "harms",
          "severity",
          "aggressor_description",
          "phone_numbers");

  private final String key;
  private final Path home;
  private final NodeId id;
  private final int clientPort;
  private final int federationPort;
  private final Clock clock;
  private final List<ServerInterceptor> taps;
  private final Keepalive keepalive;
  private RunningNode running;

  private TestOrg(Builder b, Path home, int clientPort, int federationPort) {
    this.key = b.key;
    this.home = home;
    this.id = KeyFiles.loadPublic(home);
    this.clientPort = clientPort;
    this.federationPort = federationPort;
    this.clock = b.clock;
    this.taps = b.taps;
    this.keepalive = b.keepalive;
  }

  private TestOrg(TestOrg moved, Path home) {
    this.key = moved.key;
    this.home = home;
    this.id = KeyFiles.loadPublic(home);
    this.clientPort = moved.clientPort;
    this.federationPort = moved.federationPort;
    this.clock = moved.clock;
    this.taps = moved.taps;
    this.keepalive = moved.keepalive;
  }

  /**
   * The same organization with its node in {@code newHome} (restored there from a backup): same
   * key, ports, clock, taps and timings; its passphrase file is copied beside the new home. Not
   * started.
   */
  TestOrg movedTo(Path newHome) throws IOException {
    if (!Files.exists(passphraseFile(newHome))) {
      Files.copy(passphraseFile(home), passphraseFile(newHome));
    }
    return new TestOrg(this, newHome);
  }

  /**
   * An organization whose home was made elsewhere (an upgrade fixture, by an older bdx), its
   * passphrase file beside it: moved to two free loopback ports (its partners must be told with
   * {@code bdx partner update --endpoint}), with the tests' screening limits. Not started; its
   * database is migrated when it starts.
   */
  static TestOrg existing(Path home, String key) throws IOException {
    int clientPort = freePort();
    int federationPort = freePort();
    Path properties = home.resolve("node.properties");
    StringBuilder kept = new StringBuilder();
    for (String line : Files.readAllLines(properties)) {
      if (!line.startsWith("client.listen") && !line.startsWith("federation.listen")) {
        kept.append(line).append('\n');
      }
    }
    kept.append("client.listen=127.0.0.1:")
        .append(clientPort)
        .append("\nfederation.listen=127.0.0.1:")
        .append(federationPort)
        .append("\nscreening.burst=1000000\nscreening.per_minute=1000000\n");
    Files.writeString(properties, kept);
    return new TestOrg(new Builder(home.getParent(), key, key), home, clientPort, federationPort);
  }

  /**
   * An organization whose home will be {@code dir/key}; {@code key} is also the name partners
   * register it under, {@code name} its organization name.
   */
  static Builder builder(Path dir, String key, String name) {
    return new Builder(dir, key, name);
  }

  static final class Builder {
    private final Path dir;
    private final String key;
    private final String name;
    private Clock clock = Clock.systemUTC();
    private List<ServerInterceptor> taps = List.of();
    private Keepalive keepalive = Keepalive.DEFAULTS;

    private Builder(Path dir, String key, String name) {
      this.dir = dir;
      this.key = key;
      this.name = name;
    }

    /** The clock the node runs on (default: the system clock). */
    Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Interceptors on the federation server, e.g. an {@link OutboundRecorder}. */
    Builder taps(ServerInterceptor... taps) {
      this.taps = List.of(taps);
      return this;
    }

    /** Federation keepalive timings (default: production's). */
    Builder keepalive(Keepalive keepalive) {
      this.keepalive = keepalive;
      return this;
    }

    /**
     * Runs {@code bdx init} on two free ports, with a generated passphrase in {@link
     * #passphraseFile}; nothing is started.
     */
    TestOrg init() throws IOException {
      Path home = dir.resolve(key);
      int clientPort = freePort();
      int federationPort = freePort();
      try (Passphrase generated = Passphrase.random(new SecureRandom())) {
        char[] chars = generated.reveal(SecretAccess.INSECURE);
        NodeHome.writeOwnerOnly(passphraseFile(home), new String(chars) + "\n");
        Arrays.fill(chars, '\0');
      }
      ok(
          "init",
          "--home",
          home.toString(),
          "--passphrase-file",
          passphraseFile(home).toString(),
          "--name",
          name,
          "--listen",
          "127.0.0.1:" + clientPort,
          "--federation-listen",
          "127.0.0.1:" + federationPort,
          "--region",
          "CA");
      // The tests poll searches while they wait for delivery; the limit is ScreeningLimitTest's.
      Files.writeString(
          home.resolve("node.properties"),
          "screening.burst=1000000\nscreening.per_minute=1000000\n",
          StandardOpenOption.APPEND);
      // `bdx init` sealed the vault with the real key derivation; sealed again with the cheap one
      // (Java API only), every start of this node, in this JVM or as a `bdx serve` process, opens
      // it at once: the crash test restarts its nodes many times under load.
      try (Passphrase p = Passphrase.fromFile(passphraseFile(home))) {
        Vault.changePassphrase(home, p, p, KdfParams.FOR_TESTS, new SecureRandom());
      }
      return new TestOrg(this, home, clientPort, federationPort);
    }

    /** {@link #init()}, then starts the node in this JVM. */
    TestOrg start() throws IOException {
      TestOrg org = init();
      org.start();
      return org;
    }
  }

  /** Starts the node in this JVM (again after {@link #stop()}: same home, clock, taps, timings). */
  void start() throws IOException {
    if (running != null) {
      throw new IllegalStateException(key + " is already running");
    }
    try (Passphrase passphrase = Passphrase.fromFile(passphraseFile(home))) {
      running =
          RunningNode.start(new NodeHome(home), passphrase, clock, null, null, taps, keepalive);
    }
  }

  /** Stops the node if it runs here; the home stays. */
  void stop() {
    if (running != null) {
      running.close();
      running = null;
    }
  }

  /** Stops each organization that was created (tolerates nulls, for a failed set-up). */
  static void stopAll(TestOrg... orgs) {
    for (TestOrg o : orgs) {
      if (o != null) {
        o.stop();
      }
    }
  }

  String key() {
    return key;
  }

  Path home() {
    return home;
  }

  /** Where the passphrase of the node in {@code home} is kept: a file beside the home. */
  static Path passphraseFile(Path home) {
    return home.resolveSibling(home.getFileName() + ".passphrase");
  }

  /** The passphrase file as a {@code --passphrase-file} argument. */
  String passphraseArg() {
    return passphraseFile(home).toString();
  }

  /** The node key, unsealed from the home's vault with its passphrase. */
  NodeKeys keys() {
    try (Passphrase p = Passphrase.fromFile(passphraseFile(home));
        Vault vault = Vault.open(home, p)) {
      return KeyFiles.load(home, vault);
    }
  }

  /** The home as a {@code --home} argument. */
  String homeArg() {
    return home.toString();
  }

  NodeId id() {
    return id;
  }

  int clientPort() {
    return clientPort;
  }

  int federationPort() {
    return federationPort;
  }

  /** Where partners reach its federation server. */
  String endpoint() {
    return "127.0.0.1:" + federationPort;
  }

  /** The node running in this JVM. */
  Node node() {
    if (running == null) {
      throw new IllegalStateException(key + " is not running in this JVM");
    }
    return running.node();
  }

  /** {@code bdx partner add} here: {@code other}, under its key, of class peer or police. */
  void addPartner(TestOrg other, String partnerClass) {
    addPartner(other, partnerClass, other.endpoint());
  }

  /** As above, reaching {@code other} at {@code endpoint} (e.g. through a relay). */
  void addPartner(TestOrg other, String partnerClass, String endpoint) {
    ok(
        "partner",
        "add",
        "--home",
        homeArg(),
        "--name",
        other.key,
        "--node-id",
        other.id.value(),
        "--endpoint",
        endpoint,
        "--class",
        partnerClass);
  }

  /** Registers each as the other's partner, class peer. */
  static void peers(TestOrg a, TestOrg b) {
    a.addPartner(b, "peer");
    b.addPartner(a, "peer");
  }

  /**
   * {@code bdx agreement propose} of {@code terms} from {@code proposer} to {@code acceptor}, with
   * any further {@code options}, then {@code bdx agreement accept} at the acceptor; returns the
   * agreement id.
   */
  static String agree(TestOrg proposer, TestOrg acceptor, Path terms, String... options)
      throws Exception {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "agreement",
                "propose",
                "--home",
                proposer.homeArg(),
                "--partner",
                acceptor.key,
                "--terms",
                terms.toString(),
                "--json"));
    args.addAll(List.of(options));
    CliRun r = ok(args.toArray(String[]::new));
    String id =
        parse(r.out(), ProposeAgreementResponse.getDefaultInstance())
            .getAgreement()
            .getAgreementId();
    ok("agreement", "accept", id, "--home", acceptor.homeArg());
    return id;
  }

  /**
   * {@link #agree(TestOrg, TestOrg, Path)} with peer terms: {@link #PEER_PATHS}, all harms and
   * areas, the given retention, both ways.
   */
  static String agree(TestOrg proposer, TestOrg acceptor, int retentionDays) throws Exception {
    Path terms =
        NetSteps.termsFile(
            proposer.home.getParent(),
            "terms-" + proposer.key + "-" + acceptor.key + ".json",
            PEER_PATHS,
            PEER_PATHS,
            retentionDays);
    return agree(proposer, acceptor, terms);
  }

  /** Ports handed out in this JVM: never twice, whether or not a node bound them yet. */
  private static final java.util.Set<Integer> HANDED_OUT =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * A loopback port free now, below Linux's ephemeral range (32768 and up): a port from that range
   * could be taken, between this check and the node's bind, by any outgoing connection (a node
   * dialling a partner), which made tests fail now and then with "address already in use".
   */
  static int freePort() throws IOException {
    java.util.concurrent.ThreadLocalRandom random =
        java.util.concurrent.ThreadLocalRandom.current();
    for (int i = 0; i < 200; i++) {
      int port = random.nextInt(20_000, 32_000);
      if (!HANDED_OUT.add(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException taken) {
        // in use by something else: try another
      }
    }
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
