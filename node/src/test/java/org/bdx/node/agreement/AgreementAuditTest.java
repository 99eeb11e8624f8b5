package org.bdx.node.agreement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import org.bdx.node.agreement.AgreementFixtures.Side;
import org.bdx.node.audit.AuditLog;
import org.bdx.node.store.AuditRecord;
import org.junit.jupiter.api.Test;

/**
 * Every change of a partner or an agreement is in the audit log of the node it happened at (spec
 * ADM-12.2): by the coordinator for a local change, by "partner NAME" for what the partner did.
 */
class AgreementAuditTest extends TwoNodes {

  private static List<String> entries(Side s) {
    return new AuditLog(s.db, Clock.systemUTC())
        .list(0, 0, 500).stream()
            .map(r -> r.actor() + " | " + r.action() + " | " + r.detail())
            .toList();
  }

  private static List<AuditRecord> records(Side s) {
    return new AuditLog(s.db, Clock.systemUTC()).list(0, 0, 500);
  }

  @Test
  void theWholeLifecycle_isRecordedOnBothSides_withWhoDidIt() {
    String id =
        AuditLog.as(
            "carol",
            () -> {
              var offer = propose();
              b.partnerActions.receiveOffer(a.keys.nodeId(), offer.signed());
              return offer.agreementId();
            });
    AuditLog.as("dana", () -> b.coordinator.accept(id));
    a.partnerActions.receiveConfirmation(b.keys.nodeId(), b.book.get(id).orElseThrow().signed());
    AuditLog.as("carol", () -> a.coordinator.suspend(id));
    b.partnerActions.receiveStateChange(
        a.keys.nodeId(), id, org.bdx.proto.v1.AgreementState.AGREEMENT_STATE_SUSPENDED);
    AuditLog.as("carol", () -> a.coordinator.resume(id));
    AuditLog.as("dana", () -> b.coordinator.terminate(id));
    a.partnerActions.receiveStateChange(
        b.keys.nodeId(), id, org.bdx.proto.v1.AgreementState.AGREEMENT_STATE_TERMINATED);
    // A repeated notice changes nothing and records nothing.
    a.partnerActions.receiveStateChange(
        b.keys.nodeId(), id, org.bdx.proto.v1.AgreementState.AGREEMENT_STATE_TERMINATED);
    AuditLog.as("carol", () -> a.partners.remove("bravo"));

    String bravo = "partner=" + b.keys.nodeId().value() + " partner_name=bravo";
    String alpha = "partner=" + a.keys.nodeId().value() + " partner_name=alpha";
    assertThat(entries(a))
        .containsExactly(
            "node | partner.add | " + bravo + " class=support",
            "carol | agreement.propose | agreement=" + id + " " + bravo + " state=proposed",
            "partner bravo | agreement.accept | agreement=" + id + " " + bravo + " state=active",
            "carol | agreement.suspend | agreement=" + id + " " + bravo + " state=suspended",
            "carol | agreement.resume | agreement=" + id + " " + bravo + " state=active",
            "partner bravo | agreement.terminate | agreement="
                + id
                + " "
                + bravo
                + " state=terminated",
            "carol | partner.remove | " + bravo);
    assertThat(entries(b))
        .containsExactly(
            "node | partner.add | " + alpha + " class=peer",
            "partner alpha | agreement.propose | agreement=" + id + " " + alpha + " state=proposed",
            "dana | agreement.accept | agreement=" + id + " " + alpha + " state=active",
            "partner alpha | agreement.suspend | agreement="
                + id
                + " "
                + alpha
                + " state=suspended",
            "dana | agreement.terminate | agreement=" + id + " " + alpha + " state=terminated");
    assertThat(new AuditLog(a.db, Clock.systemUTC()).verify().intact()).isTrue();
    assertThat(new AuditLog(b.db, Clock.systemUTC()).verify().intact()).isTrue();
  }

  @Test
  void aRefusedChange_recordsNothing() {
    String id = activate();
    int before = records(a).size();
    assertKind(
        () -> a.coordinator.accept(id), org.bdx.node.error.BdxException.Kind.FAILED_PRECONDITION);
    assertKind(
        () -> a.coordinator.resume(id), org.bdx.node.error.BdxException.Kind.FAILED_PRECONDITION);
    assertThat(records(a)).hasSize(before);
  }
}
