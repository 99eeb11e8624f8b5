package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.TestOrg.freePort;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.bdx.node.home.NodeHome;
import org.bdx.node.server.RunningNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client API beyond loopback, as a coordinator sets it up with the CLI (spec API-2). */
class LocalApiEndToEndTest {
  @TempDir Path tmp;

  @Test
  void serveBeyondLoopbackWithoutTls_exitsOne_sayingWhatToDo() throws Exception {
    Path home = tmp.resolve("plain");
    ok(
        "init",
        "--home",
        home.toString(),
        "--name",
        "Plain",
        "--listen",
        "0.0.0.0:" + freePort(),
        "--federation-listen",
        "127.0.0.1:" + freePort());
    CliRun serve = CliRun.bdx("serve", "--home", home.toString());
    assertThat(serve.exitCode()).as(serve.toString()).isEqualTo(1);
    assertThat(serve.err())
        .contains("refusing to serve the client API on 0.0.0.0:")
        .contains("Listen on 127.0.0.1, or set client.tls=on in node.properties")
        .doesNotContain("Exception");
  }

  @Test
  void initWithClientTls_servesBeyondLoopback_andTheCliSpeaksTlsToIt() throws Exception {
    Path home = tmp.resolve("tls");
    ok(
        "init",
        "--home",
        home.toString(),
        "--name",
        "Tls",
        "--client-tls",
        "--listen",
        "0.0.0.0:" + freePort(),
        "--federation-listen",
        "127.0.0.1:" + freePort());
    try (RunningNode n =
        RunningNode.start(new NodeHome(home), Clock.systemUTC(), null, null, List.of())) {
      CliRun search = ok("alerts", "search", "--home", home.toString(), "--harm", "robbery");
      assertThat(search.out()).doesNotContain("Exception");
      ok("status", "--home", home.toString());
    }
  }
}
