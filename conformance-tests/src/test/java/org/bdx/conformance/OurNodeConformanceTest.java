package org.bdx.conformance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.server.Node;
import org.bdx.node.server.RunningNode;
import org.bdx.node.vault.KdfParams;
import org.bdx.node.vault.Passphrase;

/** The conformance suite against the reference node, started on loopback for the build. */
class OurNodeConformanceTest extends BdxConformanceSuite {
  private Path dir;
  private RunningNode node;
  private final Passphrase passphrase = Passphrase.random(new SecureRandom());

  @Override
  protected NodeUnderTest nodeUnderTest() throws Exception {
    dir = Files.createTempDirectory("bdx-conformance");
    NodeHome home = new NodeHome(dir.resolve("node"));
    NodeConfig.HostPort any = new NodeConfig.HostPort("127.0.0.1", 0);
    // relay.max_hops 2: the node's own alerts are signed with max_hops >= 1, so the suite's
    // relayOwnAlertBack reaches the RELAY-5 "ignored" path rather than RELAY-2's rejection.
    Node.init(
        home,
        new NodeConfig("Node Under Test", any, any, "CA", Duration.ofDays(30), 2),
        passphrase,
        KdfParams.FOR_TESTS);
    // The suite polls searches while it waits for delivery (CONF-1: a node made for the purpose).
    Files.writeString(
        home.configFile(),
        "screening.burst=1000000\nscreening.per_minute=1000000\n",
        StandardOpenOption.APPEND);
    node = RunningNode.start(home, passphrase, Clock.systemUTC(), any, any, List.of());
    return new NodeUnderTest(
        "127.0.0.1:" + node.clientPort(),
        home.readAdminToken(),
        "127.0.0.1:" + node.federationPort(),
        "127.0.0.1");
  }

  @Override
  protected void afterSuite() throws Exception {
    if (node != null) {
      node.close();
    }
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
