package org.bdx.node.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeerIdentityInterceptorTest {
  @Test
  void callWithoutTlsIsUnauthenticatedEvenIfEveryoneIsAPartner() throws Exception {
    AtomicInteger served = new AtomicInteger();
    String name = InProcessServerBuilder.generateName();
    Server server =
        InProcessServerBuilder.forName(name)
            .intercept(new PeerIdentityInterceptor(id -> true))
            .addService(
                ServerInterceptors.intercept(
                    new HealthStatusManager().getHealthService(),
                    new ServerInterceptor() {
                      // Per-service interceptors run after the server's global ones.
                      @Override
                      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
                          ServerCall<ReqT, RespT> call,
                          Metadata headers,
                          ServerCallHandler<ReqT, RespT> next) {
                        served.incrementAndGet();
                        return next.startCall(call, headers);
                      }
                    }))
            .build()
            .start();
    ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
    try {
      assertThatThrownBy(
              () ->
                  HealthGrpc.newBlockingStub(ch)
                      .withDeadlineAfter(5, TimeUnit.SECONDS)
                      .check(HealthCheckRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(e.getStatus().getDescription())
                    .isEqualTo(PeerIdentityInterceptor.REFUSAL);
              });
      assertThat(served).hasValue(0);
    } finally {
      ch.shutdownNow();
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
