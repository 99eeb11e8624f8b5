package org.bdx.cli.node;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.CliException;
import org.bdx.cli.command.Passphrases;
import org.bdx.node.console.ConsoleServer;
import org.bdx.node.console.ConsoleTls;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.server.Node;
import org.bdx.node.server.RunningNode;
import org.bdx.node.tls.FederationTls;
import org.bdx.node.vault.KdfParams;
import org.bdx.node.vault.Passphrase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "serve",
    description = {
      "Run the node in the foreground until Ctrl-C or SIGTERM.",
      "Serves the client and admin API for local staff, the staff console (web pages on"
          + " loopback), and the federation endpoint partners connect to (mutual TLS).",
    })
public final class ServeCommand extends BdxCommand {
  private static final Logger LOG = Logger.getLogger(ServeCommand.class.getName());

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "Override the client API address from the settings.")
  String listen;

  @Option(
      names = "--federation-listen",
      paramLabel = "HOST:PORT",
      description = "Override the address partners connect to.")
  String federationListen;

  @Option(
      names = "--console-listen",
      paramLabel = "HOST:PORT|off",
      description = {
        "Where the staff console (web pages for intake and outreach staff) listens; default"
            + " 127.0.0.1:7402, off for none. Another address needs TLS: --console-tls-cert and"
            + " --console-tls-key.",
        "If the default address is taken (another node on this machine), the node serves"
            + " without the console and says so; a given address that is taken is an error.",
      })
  String consoleListen;

  @Option(
      names = "--console-tls-cert",
      paramLabel = "FILE",
      description =
          "The console's certificate chain (PEM, its own certificate first), for serving it over"
              + " TLS; required for an address other than loopback. Use one staff browsers trust,"
              + " for the name they type.")
  Path consoleTlsCert;

  @Option(
      names = "--console-tls-key",
      paramLabel = "FILE",
      description =
          "The private key of --console-tls-cert (unencrypted PKCS#8 PEM, BEGIN PRIVATE KEY).")
  Path consoleTlsKey;

  @Option(
      names = "--passphrase-file",
      paramLabel = "FILE",
      description = {
        "A file holding only the node's passphrase. Without it: the file named by"
            + " $BDX_PASSPHRASE_FILE, else the systemd credential bdx-passphrase, else typed on the"
            + " terminal.",
        "A node made by an older bdx is encrypted under this passphrase on its first serve.",
      })
  Path passphraseFile;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      defaultValue = "info",
      description = {
        "How much the node logs: error, warning, info (the default) or debug.",
        "The log goes to standard error and to logs/bdx.0.log in the home (rotated at 5 MB,"
            + " 5 files, readable only by the node's user); it never holds report content or"
            + " secrets.",
      })
  ServeLog.Verbosity logLevel;

  @Override
  protected void run() throws Exception {
    NodeConfig.HostPort consoleAt = consoleAddress();
    SSLContext consoleTls = consoleAt == null ? null : consoleTls();
    if (consoleAt != null && !consoleAt.isLoopback() && consoleTls == null) {
      throw new CliException(new ConsoleServer.NotLoopback(consoleAt).getMessage());
    }
    // Beside the passphrase's key derivation, which holds one core for most of a second.
    FederationTls.prepareInBackground();
    NodeHome home = home();
    home.loadConfig(); // a clear error for a home without a node, before asking for a passphrase
    RunningNode running;
    try (Passphrase passphrase = passphrase(home)) {
      if (Node.needsEncryption(home)) {
        Node.Encrypted done = Node.encrypt(home, passphrase, KdfParams.DEFAULT);
        out()
            .printf(
                "Encrypted the node in %s: its key is now sealed in %s and %d report%s encrypted;"
                    + " the plaintext key file was overwritten and deleted.%n",
                home.dir(),
                home.vaultFile().getFileName(),
                done.reports(),
                done.reports() == 1 ? " is" : "s are");
        out().flush();
      }
      running =
          RunningNode.start(
              home,
              passphrase,
              Clock.systemUTC(),
              listen == null ? null : NodeConfig.HostPort.parse(listen),
              federationListen == null ? null : NodeConfig.HostPort.parse(federationListen),
              List.of());
    } catch (RunningNode.AddressInUse e) {
      throw new CliException(e.getMessage() + ". Is another node already running there?");
    }
    // The passphrase's key derivation (Argon2id over 64 MiB) left that much garbage in the old
    // generation, and an idle node runs no full collection to free it: collect once now, while
    // starting, so the heap shrinks back (scripts/jvm-options: -XX:-ShrinkHeapInSteps and the free
    // ratios) instead of the node holding ~60 MiB it never uses again.
    System.gc();
    // Only once the node opened: a wrong passphrase or a taken port leaves the home unchanged.
    ServeLog log;
    try {
      log = ServeLog.open(home.dir(), logLevel.level);
    } catch (RuntimeException e) {
      running.close();
      throw e;
    }
    try (log) {
      serve(running, consoleAt, consoleTls);
    }
  }

  /** The console's address, or null for none; refused before anything starts if not loopback. */
  private NodeConfig.HostPort consoleAddress() {
    if (consoleListen == null) {
      return ConsoleServer.DEFAULT_ADDRESS;
    }
    if (consoleListen.strip().equalsIgnoreCase("off")) {
      return null;
    }
    NodeConfig.HostPort at;
    try {
      at = NodeConfig.HostPort.parse(consoleListen);
    } catch (IllegalArgumentException e) {
      throw new CliException("--console-listen: " + e.getMessage() + ", or off");
    }
    return at;
  }

  /** The console's TLS from the operator's PEM files, or null for none; read before start. */
  private SSLContext consoleTls() {
    if (consoleTlsCert == null && consoleTlsKey == null) {
      return null;
    }
    if (consoleTlsCert == null || consoleTlsKey == null) {
      throw new CliException(
          "--console-tls-cert and --console-tls-key go together: give the certificate and its"
              + " key");
    }
    try {
      return ConsoleTls.fromPem(consoleTlsCert, consoleTlsKey);
    } catch (IOException e) {
      throw new CliException(e.getMessage());
    }
  }

  /** Starts the console; a taken default address is reported and the node serves without it. */
  private String startConsole(RunningNode running, NodeConfig.HostPort at, SSLContext tls)
      throws IOException {
    if (at == null) {
      return "the staff console is off";
    }
    try {
      int port = running.startConsole(at, Clock.systemUTC(), tls).port();
      return "the staff console is at "
          + (tls == null ? "http" : "https")
          + "://"
          + at.host()
          + ":"
          + port
          + "/";
    } catch (RunningNode.AddressInUse e) {
      if (consoleListen != null) {
        running.close();
        throw new CliException(e.getMessage() + ". Choose another with --console-listen.");
      }
      return "the staff console is not served: "
          + e.getMessage()
          + " (another node on this machine?); choose an address with --console-listen";
    }
  }

  private void serve(RunningNode running, NodeConfig.HostPort consoleAt, SSLContext consoleTls)
      throws Exception {
    String console = startConsole(running, consoleAt, consoleTls);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // SIGTERM or Ctrl-C: finish running calls, then close the database cleanly.
                  try {
                    running.close();
                  } finally {
                    stopped.countDown();
                  }
                },
                "bdx-shutdown"));
    NodeConfig config = running.node().config();
    String clientHost =
        listen == null ? config.listen().host() : NodeConfig.HostPort.parse(listen).host();
    String federationHost =
        federationListen == null
            ? config.federationListen().host()
            : NodeConfig.HostPort.parse(federationListen).host();
    // Logged before the line scripts wait for, so it is in the log file once they see that.
    LOG.info(
        () ->
            "node started: client API on "
                + clientHost
                + ":"
                + running.clientPort()
                + " and partners on "
                + federationHost
                + ":"
                + running.federationPort());
    out()
        .printf(
            "%s (%s) serving the client API on %s:%d and partners on %s:%d; stop with Ctrl-C%n",
            config.organizationName(),
            running.node().nodeId().fingerprint(),
            clientHost,
            running.clientPort(),
            federationHost,
            running.federationPort());
    out().printf("%s%n", console);
    out().flush();
    running.awaitTermination();
    stopped.await();
  }

  /**
   * A plaintext node (made by an older bdx) is encrypted under the passphrase given now, so on a
   * terminal it is typed twice; without any passphrase it is refused, not served in clear.
   */
  private Passphrase passphrase(NodeHome home) {
    if (!Node.needsEncryption(home)) {
      return Passphrases.existing(passphraseFile, session().env(), "the node in " + home.dir());
    }
    boolean given =
        passphraseFile != null
            || session().env().containsKey(Passphrases.ENV_FILE)
            || session().env().containsKey("CREDENTIALS_DIRECTORY");
    if (given || System.console() != null) {
      return given
          ? Passphrases.existing(passphraseFile, session().env(), "the node in " + home.dir())
          : Passphrases.chosen(null, "--passphrase-file", "the node in " + home.dir());
    }
    throw new CliException(
        "the node in "
            + home.dir()
            + " keeps its key and reports unencrypted (it was made by an older bdx) and will not"
            + " be served so; encrypt it once by serving it with a passphrase: bdx serve --home "
            + home.dir()
            + " --passphrase-file FILE (a file holding only the passphrase)");
  }
}
