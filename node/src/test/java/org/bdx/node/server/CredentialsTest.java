package org.bdx.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.bdx.node.edge.CredentialCheck;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.proto.v1.AdminServiceGrpc;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.GetNodeInfoRequest;
import org.bdx.proto.v1.GetStatusRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which credential opens which service (spec API-1, ADM-1, CONF-2): the client API takes the client
 * or the admin credential, the admin API only the admin credential, and nothing else opens either.
 * The subject is {@link Node#clientServices}, which gives each service its {@code
 * edge/CredentialCheck}; the check itself is exercised through it.
 */
class CredentialsTest {
  @TempDir Path tmp;

  private Node node;
  private Server server;
  private ManagedChannel channel;
  private String clientToken;
  private String adminToken;

  @BeforeEach
  void start() throws Exception {
    NodeHome home = new NodeHome(tmp.resolve("n"));
    NodeConfig.HostPort any = new NodeConfig.HostPort("127.0.0.1", 0);
    Node.init(home, new NodeConfig("Org", any, any, "CA", Duration.ofDays(30), 0));
    node = Node.open(home, Clock.systemUTC());
    clientToken = home.readClientToken();
    adminToken = home.readAdminToken();
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor();
    node.clientServices().forEach(builder::addService);
    server = builder.build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
    node.close();
  }

  @Test
  void clientApi_acceptsTheClientAndTheAdminCredential() {
    for (String token : new String[] {clientToken, adminToken}) {
      assertThat(
              bearer(ClientServiceGrpc.newBlockingStub(channel), token)
                  .getNodeInfo(GetNodeInfoRequest.getDefaultInstance())
                  .getNodeId())
          .isEqualTo(node.nodeId().value());
    }
  }

  @Test
  void clientApi_refusesAnyOtherCredential() {
    for (String token : new String[] {null, "", "not-the-token", clientToken + adminToken}) {
      assertUnauthenticated(
          () ->
              bearer(ClientServiceGrpc.newBlockingStub(channel), token)
                  .getNodeInfo(GetNodeInfoRequest.getDefaultInstance()));
    }
  }

  @Test
  void adminApi_acceptsOnlyTheAdminCredential() {
    assertThat(
            bearer(AdminServiceGrpc.newBlockingStub(channel), adminToken)
                .getStatus(GetStatusRequest.getDefaultInstance())
                .getNodeId())
        .isEqualTo(node.nodeId().value());
    for (String token : new String[] {null, clientToken, "not-the-token"}) {
      assertUnauthenticated(
          () ->
              bearer(AdminServiceGrpc.newBlockingStub(channel), token)
                  .getStatus(GetStatusRequest.getDefaultInstance()));
    }
  }

  private static <S extends AbstractStub<S>> S bearer(S stub, String token) {
    if (token == null) {
      return stub;
    }
    Metadata m = new Metadata();
    m.put(CredentialCheck.AUTHORIZATION, "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
  }

  private static void assertUnauthenticated(Runnable call) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }
}
