package org.bdx.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bdx.node.TestNodes.withToken;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bdx.node.TestNodes;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.identity.KeyFiles;
import org.bdx.node.tls.FederationTls;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.GetNodeInfoRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client API stays local unless it speaks TLS, and beyond loopback even health and reflection
 * want a credential (spec API-2, API-4). Real servers on this machine's addresses.
 */
class LocalApiTest {
  @TempDir Path tmp;
  private NodeHome home;
  private final NodeConfig.HostPort anyInterface = new NodeConfig.HostPort("0.0.0.0", 0);
  private final NodeConfig.HostPort loopback = new NodeConfig.HostPort("127.0.0.1", 0);

  @BeforeEach
  void init() throws Exception {
    home = new NodeHome(tmp.resolve("n"));
    TestNodes.init(home, new NodeConfig("Org", loopback, loopback, "CA", Duration.ofDays(30), 0));
  }

  @Test
  void beyondLoopbackWithoutTls_isRefused_andLeavesTheHomeFree() throws Exception {
    assertThatThrownBy(
            () ->
                RunningNode.start(
                    home,
                    TestNodes.PASSPHRASE,
                    Clock.systemUTC(),
                    anyInterface,
                    loopback,
                    List.of()))
        .isInstanceOf(RunningNode.LocalApiExposed.class)
        .hasMessageContaining("refusing to serve the client API on 0.0.0.0:0 without TLS")
        .hasMessageContaining("client.tls=on");
    // Twin: on loopback the same home starts (nothing was left locked or open).
    try (RunningNode n =
        RunningNode.start(
            home, TestNodes.PASSPHRASE, Clock.systemUTC(), loopback, loopback, List.of())) {
      assertThat(health(plaintext(n.clientPort()), null)).isEqualTo(servingStatus());
    }
  }

  @Test
  void withTls_servesBeyondLoopback_pinnedByTheNodeKey_andHealthWantsACredential()
      throws Exception {
    Files.writeString(home.configFile(), "client.tls=on\n", StandardOpenOption.APPEND);
    try (RunningNode n =
        RunningNode.start(
            home, TestNodes.PASSPHRASE, Clock.systemUTC(), anyInterface, loopback, List.of())) {
      ManagedChannel tls =
          NettyChannelBuilder.forAddress("127.0.0.1", n.clientPort())
              .sslContext(FederationTls.clientApiClientContext(KeyFiles.loadPublic(home.dir())))
              .build();
      ManagedChannel plain = plaintext(n.clientPort());
      try {
        String admin = home.readAdminToken();
        assertThat(
                withToken(ClientServiceGrpc.newBlockingStub(tls), admin)
                    .getNodeInfo(GetNodeInfoRequest.getDefaultInstance())
                    .getNodeId())
            .isEqualTo(n.node().nodeId().value());
        // Health and reflection answer only a staff credential here.
        assertThat(health(tls, admin)).isEqualTo(servingStatus());
        assertCode(() -> health(tls, null), Status.Code.UNAUTHENTICATED);
        // Plaintext does not reach it at all.
        assertCode(
            () ->
                withToken(ClientServiceGrpc.newBlockingStub(plain), admin)
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .getNodeInfo(GetNodeInfoRequest.getDefaultInstance()),
            Status.Code.UNAVAILABLE);
      } finally {
        tls.shutdownNow();
        plain.shutdownNow();
      }
    }
  }

  @Test
  void isLoopback_onlyForLoopbackAddressesWrittenAsSuch() {
    for (String h : List.of("127.0.0.1", "127.1.2.3", "localhost", "::1")) {
      assertThat(new NodeConfig.HostPort(h, 1).isLoopback()).as(h).isTrue();
    }
    for (String h : List.of("0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "127.0.0.256", "example")) {
      assertThat(new NodeConfig.HostPort(h, 1).isLoopback()).as(h).isFalse();
    }
  }

  private static ManagedChannel plaintext(int port) {
    return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  private static HealthCheckResponse.ServingStatus servingStatus() {
    return HealthCheckResponse.ServingStatus.SERVING;
  }

  private static HealthCheckResponse.ServingStatus health(ManagedChannel ch, String token) {
    HealthGrpc.HealthBlockingStub stub =
        HealthGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS);
    if (token != null) {
      stub = withToken(stub, token);
    }
    return stub.check(HealthCheckRequest.getDefaultInstance()).getStatus();
  }

  private static void assertCode(Runnable call, Status.Code expected) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(expected));
  }
}
