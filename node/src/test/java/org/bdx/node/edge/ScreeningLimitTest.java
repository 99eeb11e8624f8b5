package org.bdx.node.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.RetryInfo;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.bdx.node.TestNodes;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.server.Node;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.GetAlertRequest;
import org.bdx.proto.v1.SearchAlertsRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Searches and alert views are limited per staff account (spec API-9), through the node's own
 * client services: burst 3, refilled at 6 a minute.
 */
class ScreeningLimitTest {
  @TempDir Path tmp;

  private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T12:00:00Z"));
  private Node node;
  private Server server;
  private ManagedChannel channel;
  private ClientServiceGrpc.ClientServiceBlockingStub asAdmin;
  private ClientServiceGrpc.ClientServiceBlockingStub asClient;

  @BeforeEach
  void start() throws Exception {
    NodeHome home = new NodeHome(tmp.resolve("n"));
    NodeConfig.HostPort any = new NodeConfig.HostPort("127.0.0.1", 0);
    TestNodes.init(home, new NodeConfig("Org", any, any, "CA", Duration.ofDays(30), 0));
    Files.writeString(
        home.configFile(),
        "screening.burst=3\nscreening.per_minute=6\n",
        StandardOpenOption.APPEND);
    node = Node.open(home, TestNodes.PASSPHRASE, clock);
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder b = InProcessServerBuilder.forName(name).directExecutor();
    node.clientServices().forEach(b::addService);
    server = b.build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    asAdmin = bearer(home.readAdminToken());
    asClient = bearer(home.readClientToken());
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    server.shutdownNow();
    node.close();
  }

  @Test
  void overTheBurst_isResourceExhausted_withWhenToRetry() {
    search(asAdmin);
    search(asAdmin);
    view(asAdmin); // a view counts like a search
    StatusRuntimeException e = refused(asAdmin);
    assertThat(e.getStatus().getDescription())
        .isEqualTo("too many searches and alert views from staff account admin; try again in 10 s");
    RetryInfo retry =
        StatusProto.fromThrowable(e).getDetailsList().stream()
            .filter(a -> a.is(RetryInfo.class))
            .map(
                a -> {
                  try {
                    return a.unpack(RetryInfo.class);
                  } catch (Exception x) {
                    throw new AssertionError(x);
                  }
                })
            .findFirst()
            .orElseThrow();
    assertThat(retry.getRetryDelay().getSeconds()).isEqualTo(10);
  }

  @Test
  void eachAccount_hasItsOwnBucket() {
    for (int i = 0; i < 3; i++) {
      search(asAdmin);
    }
    refused(asAdmin);
    search(asClient); // twin: another person is not slowed by the first
  }

  @Test
  void tokensComeBack_atThePerMinuteRate() {
    for (int i = 0; i < 3; i++) {
      search(asAdmin);
    }
    refused(asAdmin);
    clock.advance(Duration.ofSeconds(9));
    refused(asAdmin);
    clock.advance(Duration.ofSeconds(1));
    search(asAdmin);
    refused(asAdmin);
  }

  private ClientServiceGrpc.ClientServiceBlockingStub bearer(String token) {
    Metadata m = new Metadata();
    m.put(CredentialCheck.AUTHORIZATION, "Bearer " + token);
    return ClientServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
  }

  private static void search(ClientServiceGrpc.ClientServiceBlockingStub s) {
    s.searchAlerts(SearchAlertsRequest.newBuilder().setText("beard").build());
  }

  private static void view(ClientServiceGrpc.ClientServiceBlockingStub s) {
    Status.Code code =
        catchThrowableOfType(
                StatusRuntimeException.class,
                () ->
                    s.getAlert(
                        GetAlertRequest.newBuilder()
                            .setAlertId("aaaaaaaaaaaaaaaaaaaaaaaaaa")
                            .build()))
            .getStatus()
            .getCode();
    assertThat(code).as("let through, and not found").isEqualTo(Status.Code.NOT_FOUND);
  }

  private static StatusRuntimeException refused(ClientServiceGrpc.ClientServiceBlockingStub s) {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> s.searchAlerts(SearchAlertsRequest.newBuilder().setText("beard").build()));
    assertThat(e).as("refused").isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    return e;
  }

  /** A clock the test moves. */
  private static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
