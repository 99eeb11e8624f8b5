package org.bdx.node.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.stub.StreamObserver;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.keys.KeyEvents;
import org.bdx.node.keys.KeyLog;
import org.bdx.proto.v1.GetKeyLogRequest;
import org.bdx.proto.v1.GetKeyLogResponse;
import org.bdx.proto.v1.SignedKeyEvent;
import org.junit.jupiter.api.Test;

/** {@code GetKeyLog} serves the node's own log from {@code from_sequence} on (spec KEY-15). */
class GetKeyLogTest {
  private static final SecureRandom RNG = new SecureRandom();

  private final NodeKeys first = NodeKeys.generate(RNG);
  private final NodeKeys second = NodeKeys.generate(RNG);
  private final List<SignedKeyEvent> log = log();

  private List<SignedKeyEvent> log() {
    try {
      KeyLog one =
          KeyLog.verify(
              first.nodeId(),
              List.of(KeyEvents.inception(first, second.publicKey(), 1_800_000_000L)));
      return one.append(
              KeyEvents.rotation(one, second, NodeKeys.generate(RNG).publicKey(), 1_800_000_100L))
          .events();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private List<SignedKeyEvent> call(List<SignedKeyEvent> own, long from) {
    FederationApi api = new FederationApi(null, null, () -> own);
    List<GetKeyLogResponse> got = new ArrayList<>();
    api.getKeyLog(
        GetKeyLogRequest.newBuilder().setFromSequence(from).build(),
        new StreamObserver<>() {
          @Override
          public void onNext(GetKeyLogResponse value) {
            got.add(value);
          }

          @Override
          public void onError(Throwable t) {
            throw new AssertionError(t);
          }

          @Override
          public void onCompleted() {}
        });
    assertThat(got).hasSize(1);
    return got.get(0).getEventsList();
  }

  @Test
  void getKeyLog_fromZero_servesTheWholeLogInOrder() {
    assertThat(call(log, 0)).containsExactlyElementsOf(log);
  }

  @Test
  void getKeyLog_fromAnEvent_servesTheRest() {
    assertThat(call(log, 1)).containsExactly(log.get(1));
  }

  @Test
  void getKeyLog_atOrPastTheEnd_servesNothing() {
    assertThat(call(log, 2)).isEmpty();
    assertThat(call(log, -1L)).as("2^64 - 1 as uint64").isEmpty();
    assertThat(call(List.of(), 0)).as("no log yet").isEmpty();
  }
}
