package org.bdx.cli.node;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.bdx.cli.BdxCommand;
import org.bdx.cli.CliException;
import org.bdx.node.Node;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.server.NodeServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", description = "Run the node in the foreground until Ctrl-C or SIGTERM.")
public final class ServeCommand extends BdxCommand {
  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "Override the client API address from the settings.")
  String listen;

  @Override
  protected void run() throws Exception {
    Node node = Node.open(home(), Clock.systemUTC());
    NodeConfig.HostPort address =
        listen != null ? NodeConfig.HostPort.parse(listen) : node.config().listen();
    NodeServer server;
    try {
      server =
          new NodeServer(
                  NettyServerBuilder.forAddress(address.toSocketAddress()), node.clientServices())
              .start();
    } catch (IOException e) {
      node.close();
      throw new CliException(
          "cannot listen on "
              + address
              + ": "
              + rootMessage(e)
              + ". Is another node already running there?");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // SIGTERM or Ctrl-C: finish running calls, then close the database cleanly.
                  try {
                    server.stop();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  } finally {
                    node.close();
                    stopped.countDown();
                  }
                },
                "bdx-shutdown"));
    out()
        .printf(
            "%s (%s) serving the client API on %s:%d; stop with Ctrl-C%n",
            node.config().organizationName(),
            node.nodeId().fingerprint(),
            address.host(),
            server.port());
    out().flush();
    server.awaitTermination();
    stopped.await();
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
