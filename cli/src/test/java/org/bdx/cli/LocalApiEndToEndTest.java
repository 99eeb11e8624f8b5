package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.TestOrg.freePort;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.bdx.node.home.NodeHome;
import org.bdx.node.server.RunningNode;
import org.bdx.node.vault.Passphrase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client API beyond loopback, as a coordinator sets it up with the CLI (spec API-2). */
class LocalApiEndToEndTest {
  @TempDir Path tmp;

  @Test
  void serveBeyondLoopbackWithoutTls_exitsOne_sayingWhatToDo() throws Exception {
    Path home = init("plain", "Plain", "0.0.0.0");
    Path passphrase = passphraseFile("plain");
    CliRun serve =
        CliRun.bdx("serve", "--home", home.toString(), "--passphrase-file", passphrase.toString());
    assertThat(serve.exitCode()).as(serve.toString()).isEqualTo(1);
    assertThat(serve.err())
        .contains("refusing to serve the client API on 0.0.0.0:")
        .contains("Listen on 127.0.0.1, or set client.tls=on in node.properties")
        .doesNotContain("Exception");
  }

  @Test
  void serveWithTheConsoleBeyondLoopback_exitsOne_beforeAnythingStarts() throws Exception {
    Path home = init("console", "Console", "127.0.0.1");
    Path passphrase = passphraseFile("console");
    CliRun serve =
        CliRun.bdx(
            "serve",
            "--home",
            home.toString(),
            "--passphrase-file",
            passphrase.toString(),
            "--console-listen",
            "0.0.0.0:7402");
    assertThat(serve.exitCode()).as(serve.toString()).isEqualTo(1);
    assertThat(serve.err())
        .contains("refusing to serve the console on 0.0.0.0:7402 without TLS")
        .contains("Listen on 127.0.0.1")
        .contains("--console-tls-cert and --console-tls-key")
        .doesNotContain("Exception");
  }

  @Test
  void serveWithAConsoleCertificateButNoKey_exitsOne_beforeAnythingStarts() throws Exception {
    Path home = init("halfTls", "Half", "127.0.0.1");
    Path passphrase = passphraseFile("halfTls");
    Path cert = tmp.resolve("console.crt");
    java.nio.file.Files.writeString(cert, "-----BEGIN CERTIFICATE-----\n");
    CliRun serve =
        CliRun.bdx(
            "serve",
            "--home",
            home.toString(),
            "--passphrase-file",
            passphrase.toString(),
            "--console-listen",
            "0.0.0.0:7402",
            "--console-tls-cert",
            cert.toString());
    assertThat(serve.exitCode()).as(serve.toString()).isEqualTo(1);
    assertThat(serve.err())
        .contains("--console-tls-cert and --console-tls-key go together")
        .doesNotContain("Exception");
  }

  @Test
  void serveWithAGivenConsoleAddressTaken_exitsOne_andLeavesTheHomeFree() throws Exception {
    Path home = init("taken", "Taken", "127.0.0.1");
    Path passphrase = passphraseFile("taken");
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      CliRun serve =
          CliRun.bdx(
              "serve",
              "--home",
              home.toString(),
              "--passphrase-file",
              passphrase.toString(),
              "--console-listen",
              "127.0.0.1:" + taken.getLocalPort());
      assertThat(serve.exitCode()).as(serve.toString()).isEqualTo(1);
      assertThat(serve.err())
          .contains("cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .contains("Choose another with --console-listen")
          .doesNotContain("Exception");
    }
    // The node it had opened was closed again: the home is free to serve.
    try (Passphrase p = Passphrase.fromFile(passphrase);
        RunningNode n =
            RunningNode.start(new NodeHome(home), p, Clock.systemUTC(), null, null, List.of())) {
      assertThat(n.clientPort()).isPositive();
    }
  }

  @Test
  void initWithClientTls_servesBeyondLoopback_andTheCliSpeaksTlsToIt() throws Exception {
    Path home = init("tls", "Tls", "0.0.0.0", "--client-tls");
    Path passphrase = passphraseFile("tls");
    try (Passphrase p = Passphrase.fromFile(passphrase);
        RunningNode n =
            RunningNode.start(new NodeHome(home), p, Clock.systemUTC(), null, null, List.of())) {
      CliRun search = ok("alerts", "search", "--home", home.toString(), "--harm", "robbery");
      assertThat(search.out()).doesNotContain("Exception");
      ok("status", "--home", home.toString());
    }
  }

  /**
   * {@code bdx init} of a node named {@code name} in {@code tmp/key}, its client API on {@code
   * listenHost}, its passphrase in {@link #passphraseFile}; the home.
   */
  private Path init(String key, String name, String listenHost, String... extra) throws Exception {
    Path home = tmp.resolve(key);
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "init",
                "--home",
                home.toString(),
                "--passphrase-file",
                passphraseFile(key).toString(),
                "--name",
                name));
    args.addAll(List.of(extra));
    args.addAll(
        List.of(
            "--listen",
            listenHost + ":" + freePort(),
            "--federation-listen",
            "127.0.0.1:" + freePort()));
    ok(args.toArray(String[]::new));
    return home;
  }

  /** Where the node {@code key}'s passphrase is, written the first time it is asked for. */
  private Path passphraseFile(String key) throws Exception {
    Path f = tmp.resolve(key + ".passphrase");
    if (!java.nio.file.Files.exists(f)) {
      NodeHome.writeOwnerOnly(f, "a passphrase for " + key + "\n");
    }
    return f;
  }
}
