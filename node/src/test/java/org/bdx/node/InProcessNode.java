package org.bdx.node;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.server.Node;
import org.bdx.node.server.NodeServer;

/**
 * A node whose client services are served over the in-process transport, for tests of the client,
 * admin and stats APIs: opened at a fixed instant, closed with its server and channel. Stubs get a
 * staff credential with {@link TestNodes#withToken}.
 */
public final class InProcessNode implements AutoCloseable {
  public final Node node;
  public final ManagedChannel channel;
  private final NodeServer server;

  private InProcessNode(Node node, NodeServer server, ManagedChannel channel) {
    this.node = node;
    this.server = server;
    this.channel = channel;
  }

  /**
   * A new home in {@code dir}: organization "Test Org", phone region CA, alerts kept 30 days, the
   * default addresses (never bound: the transport is in-process).
   */
  public static NodeHome newHome(Path dir) throws IOException {
    NodeHome home = new NodeHome(dir);
    TestNodes.init(
        home,
        new NodeConfig(
            "Test Org",
            NodeConfig.DEFAULT_LISTEN,
            NodeConfig.DEFAULT_FEDERATION_LISTEN,
            "CA",
            Duration.ofDays(30),
            2));
    return home;
  }

  /** Opens {@code home} with its clock fixed at {@code now} and serves its client services. */
  public static InProcessNode open(NodeHome home, Instant now) throws IOException {
    Node node = Node.open(home, TestNodes.PASSPHRASE, Clock.fixed(now, ZoneOffset.UTC));
    String name = InProcessServerBuilder.generateName();
    NodeServer server =
        new NodeServer(InProcessServerBuilder.forName(name).directExecutor(), node.clientServices())
            .start();
    return new InProcessNode(
        node, server, InProcessChannelBuilder.forName(name).directExecutor().build());
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    server.stop();
    node.close();
  }
}
