package org.bdx.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.PathStep;
import org.junit.jupiter.api.Test;

/** How staff read the path of a relayed alert (spec RELAY-9). */
class PrintingTest {
  private static final NodeId UNKNOWN = NodeId.fromPublicKey(new byte[32]);
  private static final NodeId PARTNER =
      NodeId.fromPublicKey(
          new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
            25, 26, 27, 28, 29, 30, 31, 32
          });

  @Test
  void path_namesEachOrganization_withTheFingerprintOfOneThisNodeDoesNotKnow() {
    String p =
        Printing.path(
            List.of(
                PathStep.newBuilder()
                    .setNodeId(UNKNOWN.value())
                    .setName("unknown organization")
                    .build(),
                PathStep.newBuilder().setNodeId(PARTNER.value()).setName("east").build()));
    assertThat(p).isEqualTo("unknown organization " + UNKNOWN.fingerprint() + " -> east");
  }
}
