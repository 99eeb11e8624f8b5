package org.bdx.node.server;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Serves a node's gRPC services. Takes a {@link ServerBuilder} so tests can pass an in-process one;
 * adds the standard health service and server reflection so generic tools work.
 */
public final class NodeServer {
  private static final Logger LOG = Logger.getLogger(NodeServer.class.getName());

  /** Largest request a local client may send; a report is bounded far below this (API-3). */
  public static final int MAX_CLIENT_MESSAGE_BYTES = 1 << 20;

  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();

  public NodeServer(ServerBuilder<?> builder, List<ServerServiceDefinition> services) {
    this(builder, services, List.of());
  }

  /**
   * @param standardGuards interceptors around the health and reflection services: a credential
   *     check when the server is reachable from other machines (spec API-4), none on loopback
   */
  public NodeServer(
      ServerBuilder<?> builder,
      List<ServerServiceDefinition> services,
      List<ServerInterceptor> standardGuards) {
    services.forEach(builder::addService);
    builder.addService(ServerInterceptors.intercept(health.getHealthService(), standardGuards));
    builder.addService(
        ServerInterceptors.intercept(
            ProtoReflectionServiceV1.newInstance().bindService(), standardGuards));
    this.server = builder.build();
  }

  public NodeServer start() throws IOException {
    server.start();
    health.setStatus(
        HealthStatusManager.SERVICE_NAME_ALL_SERVICES,
        io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
    if (server.getPort() >= 0) {
      LOG.info(() -> "serving on port " + server.getPort());
    }
    return this;
  }

  /** The bound port, useful when started on port 0. */
  public int port() {
    return server.getPort();
  }

  /** Stops taking calls, lets running calls finish for a few seconds, then ends the rest. */
  public void stop() throws InterruptedException {
    health.enterTerminalState();
    server.shutdown();
    if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }
}
