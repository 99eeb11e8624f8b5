package org.bdx.node.server;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.bdx.node.console.ConsoleServer;
import org.bdx.node.home.ClientApiSettings;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.home.ServeLock;
import org.bdx.node.search.PhoneNumbers;
import org.bdx.node.tls.Keepalive;
import org.bdx.node.vault.Passphrase;
import org.bdx.node.vault.Vault;

/**
 * A node with both its servers running: the client and admin API on the configured client address
 * and the federation endpoint (mutual TLS) on the federation address. Used by {@code bdx serve},
 * the demo, tests and benchmarks.
 */
public final class RunningNode implements AutoCloseable {
  private final Node node;
  private final NodeServer client;
  private final NodeServer federation;
  private final ServeLock lock;

  /** The staff console and its in-process route to the client API, once started. */
  private ConsoleServer console;

  private Server consoleApi;
  private ManagedChannel consoleChannel;

  private RunningNode(Node node, NodeServer client, NodeServer federation, ServeLock lock) {
    this.node = node;
    this.client = client;
    this.federation = federation;
    this.lock = lock;
  }

  /**
   * Opens the node in {@code home}, unlocked with {@code passphrase} (which the caller keeps), and
   * starts serving. The passphrase is checked before anything is written, so a wrong one changes
   * nothing on disk.
   *
   * @param federationTaps interceptors added to the federation services, innermost last; tests use
   *     them to record what the node sends to partners before encryption
   * @throws AddressInUse when an address cannot be bound
   * @throws ServeLock.HomeInUse when another node already serves {@code home}
   * @throws org.bdx.node.vault.VaultException.WrongPassphrase if the passphrase does not open it
   */
  public static RunningNode start(
      NodeHome home,
      Passphrase passphrase,
      Clock clock,
      NodeConfig.HostPort clientAddress,
      NodeConfig.HostPort federationAddress,
      List<ServerInterceptor> federationTaps)
      throws IOException {
    return start(
        home,
        passphrase,
        clock,
        clientAddress,
        federationAddress,
        federationTaps,
        Keepalive.DEFAULTS);
  }

  /** As above, with other federation keepalive timings (tests shorten them). */
  public static RunningNode start(
      NodeHome home,
      Passphrase passphrase,
      Clock clock,
      NodeConfig.HostPort clientAddress,
      NodeConfig.HostPort federationAddress,
      List<ServerInterceptor> federationTaps,
      Keepalive keepalive)
      throws IOException {
    // A clear error for a home without a node or a wrong passphrase, before anything is created.
    Vault vault = Node.unlock(home, passphrase);
    ServeLock lock;
    try {
      lock = ServeLock.acquire(home);
    } catch (IOException | RuntimeException e) {
      vault.close();
      throw e;
    }
    Node node;
    try {
      node = Node.withKeyLog(Node.open(home, vault, clock, keepalive), passphrase);
    } catch (IOException | RuntimeException e) {
      releaseQuietly(lock);
      throw e;
    }
    NodeConfig.HostPort clientAt = clientAddress != null ? clientAddress : node.config().listen();
    NodeConfig.HostPort federationAt =
        federationAddress != null ? federationAddress : node.config().federationListen();
    ClientApiSettings clientApi;
    try {
      clientApi = ClientApiSettings.load(home.configFile());
      if (!clientAt.isLoopback() && !clientApi.tls()) {
        throw new LocalApiExposed(clientAt);
      }
    } catch (IOException | RuntimeException e) {
      node.close();
      releaseQuietly(lock);
      throw e;
    }
    NodeServer client;
    try {
      NettyServerBuilder builder =
          NettyServerBuilder.forAddress(clientAt.toSocketAddress())
              .maxInboundMessageSize(NodeServer.MAX_CLIENT_MESSAGE_BYTES)
              .maxInboundMetadataSize(16 * 1024);
      if (clientApi.tls()) {
        builder.sslContext(node.clientApiTls());
      }
      client =
          new NodeServer(
                  builder,
                  node.clientServices(),
                  clientAt.isLoopback() ? List.of() : List.of(node.standardServicesGuard()))
              .start();
    } catch (IOException e) {
      node.close();
      releaseQuietly(lock);
      throw new AddressInUse(clientAt, e);
    }
    NodeServer federation;
    try {
      List<ServerServiceDefinition> services =
          node.federationServices().stream()
              .map(s -> ServerInterceptors.intercept(s, federationTaps))
              .toList();
      federation =
          new NodeServer(node.federationServerBuilder(federationAt.toSocketAddress()), services)
              .start();
    } catch (IOException e) {
      stopQuietly(client);
      node.close();
      releaseQuietly(lock);
      throw new AddressInUse(federationAt, e);
    }
    lock.describe(
        "client API on "
            + clientAt.host()
            + ":"
            + client.port()
            + ", partners on "
            + federationAt.host()
            + ":"
            + federation.port());
    node.startFederation();
    node.startDistribution();
    return new RunningNode(node, client, federation, lock);
  }

  public static RunningNode start(NodeHome home, Passphrase passphrase, Clock clock)
      throws IOException {
    return start(home, passphrase, clock, null, null, List.of());
  }

  public Node node() {
    return node;
  }

  public int clientPort() {
    return client.port();
  }

  public int federationPort() {
    return federation.port();
  }

  /** Blocks until the client server has stopped. */
  public void awaitTermination() throws InterruptedException {
    client.awaitTermination();
  }

  /**
   * Starts the staff console on {@code at}. It calls the client API in-process, through the same
   * guards as the gRPC server (credential, role, rate limit, audit actor, error mapping).
   *
   * @throws ConsoleServer.NotLoopback if {@code at} is not a loopback address
   * @throws AddressInUse if the address is taken
   */
  public ConsoleServer startConsole(NodeConfig.HostPort at, Clock clock) throws IOException {
    return startConsole(at, clock, null);
  }

  /**
   * Starts the staff console on {@code at}, over TLS with {@code tls} when given (required beyond
   * loopback, as for the client API).
   *
   * @param tls the operator's certificate and key ({@link org.bdx.node.console.ConsoleTls}), or
   *     null for plain HTTP on loopback
   * @throws ConsoleServer.NotLoopback if {@code at} is not a loopback address and there is no TLS
   * @throws AddressInUse if the address is taken
   */
  public synchronized ConsoleServer startConsole(
      NodeConfig.HostPort at, Clock clock, javax.net.ssl.SSLContext tls) throws IOException {
    if (!at.isLoopback() && tls == null) {
      throw new ConsoleServer.NotLoopback(at);
    }
    if (console != null) {
      throw new IllegalStateException("the console is already running");
    }
    String name = "bdx-console-" + UUID.randomUUID();
    InProcessServerBuilder builder =
        InProcessServerBuilder.forName(name)
            .maxInboundMessageSize(NodeServer.MAX_CLIENT_MESSAGE_BYTES);
    node.clientServices().forEach(builder::addService);
    Server api = builder.build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    try {
      console =
          ConsoleServer.start(
              at,
              channel,
              node::authenticate,
              new PhoneNumbers(node.config().phoneRegion()),
              clock,
              ConsoleServer.DEFAULT_IDLE,
              tls);
    } catch (IOException e) {
      channel.shutdownNow();
      api.shutdownNow();
      throw e instanceof ConsoleServer.NotLoopback ? e : new AddressInUse(at, e);
    }
    consoleApi = api;
    consoleChannel = channel;
    return console;
  }

  /** Stops taking calls, lets running ones finish briefly, stops the feeds, closes the database. */
  @Override
  public void close() {
    synchronized (this) {
      if (console != null) {
        console.close();
        consoleChannel.shutdownNow();
        consoleApi.shutdownNow();
        console = null;
      }
    }
    node.stopFeeds();
    stopQuietly(federation);
    stopQuietly(client);
    node.close();
    releaseQuietly(lock);
  }

  private static void releaseQuietly(ServeLock lock) {
    try {
      lock.close();
    } catch (IOException e) {
      // The lock goes with the process anyway.
    }
  }

  private static void stopQuietly(NodeServer s) {
    try {
      s.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The client API would be reachable from other machines in plaintext: reports, searches and
   * credentials would cross the network readable by anyone on it (spec API-2).
   */
  public static final class LocalApiExposed extends IOException {
    public LocalApiExposed(NodeConfig.HostPort address) {
      super(
          "refusing to serve the client API on "
              + address
              + " without TLS: other machines could read reports, searches and staff"
              + " credentials on the way. Listen on 127.0.0.1, or set "
              + ClientApiSettings.KEY_TLS
              + "=on in node.properties (tools then pin this node's key).");
    }
  }

  /** A server address could not be bound. */
  public static final class AddressInUse extends IOException {
    public AddressInUse(NodeConfig.HostPort address, IOException cause) {
      super("cannot listen on " + address + ": " + root(cause), cause);
    }

    private static String root(Throwable t) {
      while (t.getCause() != null) {
        t = t.getCause();
      }
      return t.getMessage();
    }
  }
}
