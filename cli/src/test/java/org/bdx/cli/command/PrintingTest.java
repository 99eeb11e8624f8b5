package org.bdx.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.PathStep;
import org.bdx.proto.v1.ReceivedCopy;
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

  @Test
  void alert_fromAPartner_showsControlAndBidiCharactersAsEscapes_andEachFieldOnItsLine() {
    AlertView a =
        AlertView.newBuilder()
            .setAlertId("a".repeat(26))
            .setVersion(1)
            .setOriginName("east\u001b]0;owned\u0007")
            .setOriginNodeId(PARTNER.value())
            .addReceivedThrough(
                ReceivedCopy.newBuilder().setName("east\u202E").addDisclosedPaths("area"))
            .setFields(
                AlertFields.newBuilder()
                    .setIncidentDate("2026-11-14")
                    .setArea("Harbour\u2066")
                    .setAggressorDescription("tall\u202Eecnal\u001b[2J\n  phones: 555-0000\u009b")
                    .addNamesUsed("Mike\u200F"))
            .build();
    StringWriter buf = new StringWriter();
    try (PrintWriter out = new PrintWriter(buf)) {
      Printing.alert(out, a);
    }
    String shown = buf.toString();
    assertThat(shown)
        .contains("east\\u001B]0;owned\\u0007")
        .contains("came through:     east\\u202E")
        .contains("Harbour\\u2066")
        .contains("tall\\u202Eecnal\\u001B[2J\\n  phones: 555-0000\\u009B")
        .contains("Mike\\u200F");
    assertThat(shown.chars().filter(TerminalText::unsafe).filter(c -> c != '\n')).isEmpty();
    // The forged "phones:" line stays inside the aggressor line.
    assertThat(shown.lines().filter(l -> l.contains("phones:"))).hasSize(1);
  }
}
