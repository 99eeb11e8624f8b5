package org.bdx.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import org.bdx.node.TestNodes;
import org.bdx.node.edge.CredentialCheck;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.GetNodeInfoRequest;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.SubmitReportRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both servers of a node on real loopback sockets. */
class RunningNodeTest {
  @TempDir Path tmp;

  @Test
  void clientApi_refusesOversizedRequests_andKeepsServing() throws Exception {
    NodeHome home = new NodeHome(tmp.resolve("n"));
    NodeConfig.HostPort any = new NodeConfig.HostPort("127.0.0.1", 0);
    TestNodes.init(home, new NodeConfig("Org", any, any, "CA", Duration.ofDays(30), 0));
    try (RunningNode running =
        RunningNode.start(home, TestNodes.PASSPHRASE, Clock.systemUTC(), any, any, List.of())) {
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("127.0.0.1", running.clientPort()).usePlaintext().build();
      try {
        String token = home.readClientToken();
        var stub =
            ClientServiceGrpc.newBlockingStub(ch)
                .withCallCredentials(
                    new CallCredentials() {
                      @Override
                      public void applyRequestMetadata(
                          RequestInfo info, Executor ex, MetadataApplier applier) {
                        Metadata m = new Metadata();
                        m.put(CredentialCheck.AUTHORIZATION, "Bearer " + token);
                        applier.apply(m);
                      }
                    });
        Report huge =
            Report.newBuilder()
                .setNarrative("x".repeat(NodeServer.MAX_CLIENT_MESSAGE_BYTES + 1))
                .build();
        assertThatThrownBy(
                () -> stub.submitReport(SubmitReportRequest.newBuilder().setReport(huge).build()))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
        // The node is still serving.
        assertThat(stub.getNodeInfo(GetNodeInfoRequest.getDefaultInstance()).getOrganizationName())
            .isEqualTo("Org");
      } finally {
        ch.shutdownNow();
      }
    }
  }
}
