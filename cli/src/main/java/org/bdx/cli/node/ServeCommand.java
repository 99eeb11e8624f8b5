package org.bdx.cli.node;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.CliException;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.server.RunningNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "serve",
    description = {
      "Run the node in the foreground until Ctrl-C or SIGTERM.",
      "Serves the client and admin API for local staff, and the federation endpoint partners"
          + " connect to (mutual TLS).",
    })
public final class ServeCommand extends BdxCommand {
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

  @Override
  protected void run() throws Exception {
    RunningNode running;
    try {
      running =
          RunningNode.start(
              home(),
              Clock.systemUTC(),
              listen == null ? null : NodeConfig.HostPort.parse(listen),
              federationListen == null ? null : NodeConfig.HostPort.parse(federationListen),
              List.of());
    } catch (RunningNode.AddressInUse e) {
      throw new CliException(e.getMessage() + ". Is another node already running there?");
    }
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
    out()
        .printf(
            "%s (%s) serving the client API on %s:%d and partners on %s:%d; stop with Ctrl-C%n",
            config.organizationName(),
            running.node().nodeId().fingerprint(),
            clientHost,
            running.clientPort(),
            federationHost,
            running.federationPort());
    out().flush();
    running.awaitTermination();
    stopped.await();
  }
}
