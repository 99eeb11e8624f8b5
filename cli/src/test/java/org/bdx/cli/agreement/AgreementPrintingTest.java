package org.bdx.cli.agreement;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.bdx.proto.v1.Agreement;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.PendingAmendment;
import org.junit.jupiter.api.Test;

class AgreementPrintingTest {
  private static final DirectionTerms IN_FORCE =
      DirectionTerms.newBuilder()
          .setReceiverClass(PartnerClass.PARTNER_CLASS_PEER)
          .setAllHarms(true)
          .addAreas("Downtown")
          .addFieldPaths("area")
          .setRetentionDays(30)
          .build();

  private static Agreement active() {
    return Agreement.newBuilder()
        .setAgreementId("agr1")
        .setPartner("north")
        .setState(AgreementState.AGREEMENT_STATE_ACTIVE)
        .setTermsVersion(4)
        .setWeSend(IN_FORCE)
        .setWeReceive(IN_FORCE)
        .build();
  }

  private static String print(Agreement a) {
    StringWriter s = new StringWriter();
    try (PrintWriter out = new PrintWriter(s)) {
      AgreementPrinting.print(out, a);
    }
    return s.toString();
  }

  @Test
  void print_noAmendment_showsTheVersionAndNoPendingBlock() {
    String shown = print(active());
    assertThat(shown).contains("terms version:   4").doesNotContain("Pending amendment");
    assertThat(AgreementPrinting.stateFor(active())).isEqualTo("active");
  }

  @Test
  void print_partnersAmendment_marksEachChangeBesideTheTermsInForce() {
    Agreement a =
        active().toBuilder()
            .setPendingAmendment(
                PendingAmendment.newBuilder()
                    .setVersion(5)
                    .setWeSend(IN_FORCE.toBuilder().addFieldPaths("phone_numbers"))
                    .setWeReceive(IN_FORCE))
            .build();
    String shown = print(a);
    assertThat(shown)
        .contains("Pending amendment, version 5, proposed by north on ")
        .contains("bdx agreement accept agr1")
        .contains("bdx agreement decline agr1")
        .contains("fields:    area, phone_numbers   (in force: area)")
        .contains("We would receive (receiver is peer): no change");
    // Only the changed line carries the value in force.
    assertThat(shown).doesNotContain("areas:     downtown   (in force");
    assertThat(AgreementPrinting.stateFor(a))
        .isEqualTo("active, amendment pending (theirs: accept or decline)");
    a =
        a.toBuilder()
            .setPendingAmendment(a.getPendingAmendment().toBuilder().setProposedByUs(true))
            .build();
    assertThat(print(a))
        .contains("proposed by this node")
        .contains("Not in force until north accepts it");
    assertThat(AgreementPrinting.stateFor(a))
        .isEqualTo("active, amendment pending (yours: waiting for the partner)");
  }

  @Test
  void print_amendmentTextFromThePartner_cannotActOnTheTerminal() {
    Agreement a =
        active().toBuilder()
            .setPendingAmendment(
                PendingAmendment.newBuilder()
                    .setVersion(5)
                    .setWeSend(IN_FORCE)
                    .setWeReceive(IN_FORCE.toBuilder().addAreas("x\u001b[2J\nPending amendment")))
            .build();
    String shown = print(a);
    assertThat(shown).doesNotContain("\u001b").contains("x\\u001b[2j\\npending amendment");
  }
}
