package org.bdx.node.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bdx.node.sync.SyncFixture.GRANTED_PATHS;
import static org.bdx.node.sync.SyncFixture.canaryFields;
import static org.bdx.node.sync.SyncFixture.terms;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.bdx.node.audit.AuditLog;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.policy.Grant;
import org.bdx.node.store.AuditRecord;
import org.bdx.node.store.Ids;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.sync.SyncFixture.TestNode;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.PartnerClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every row the outbox queues is a disclosure in the audit log, in the same transaction (spec
 * ADM-12.2): alert id, version, field paths or header-only, the partner; never a value.
 */
class OutboxAuditTest {
  @TempDir Path dir;

  TestNode a;
  NodeId b;
  Grant grant;

  @BeforeEach
  void setUp() throws Exception {
    a = new TestNode(dir.resolve("a"));
    b = NodeKeys.generate(SyncFixture.RNG).nodeId();
    grant =
        new Grant(
            b, Ids.newId(SyncFixture.RNG), terms(PartnerClass.PARTNER_CLASS_PEER, GRANTED_PATHS));
  }

  @AfterEach
  void tearDown() throws Exception {
    a.close();
  }

  private List<AuditRecord> disclosures() {
    return a.audit.list(0, 0, 500).stream().filter(r -> r.action().equals("disclosure")).toList();
  }

  private String wholeLog() {
    return a.audit.list(0, 0, 500).stream()
        .map(r -> r.actor() + " " + r.action() + " " + r.detail())
        .collect(Collectors.joining("\n"));
  }

  @Test
  void aQueuedVersion_isRecordedWithItsFieldPathsAndPartner_neverItsValues() {
    a.grants.out.put(b, grant);
    StoredAlert x = AuditLog.as("robin", () -> a.publish(canaryFields(), Audience.AUDIENCE_PEER));
    List<AuditRecord> d = disclosures();
    assertThat(d).hasSize(1);
    assertThat(d.get(0).actor()).isEqualTo("robin");
    assertThat(d.get(0).detail())
        .isEqualTo(
            "alert="
                + x.alertId()
                + " version=1 partner="
                + b.value()
                + " partner_name=partner-"
                + b.fingerprint()
                + " fields=area,harms,incident_date,phone_numbers,severity");
    String log = wholeLog();
    // The alert carried these values (granted and withheld); none is in the log.
    for (String value :
        List.of(
            SyncFixture.GRANTED_PHONE,
            SyncFixture.GRANTED_PHONE.substring(2),
            "Downtown",
            SyncFixture.CANARY_DESCRIPTION.substring(0, 10),
            SyncFixture.CANARY_NAME,
            SyncFixture.CANARY_PLATE,
            SyncFixture.CANARY_CONTACT,
            SyncFixture.CANARY_MO.substring(0, 8))) {
      assertThat(log).as("the log holds %s", value).doesNotContain(value);
    }
    // The twin: the same scan finds the ids it should.
    assertThat(log).contains(x.alertId()).contains(b.value());
  }

  @Test
  void aRetraction_isRecordedHeaderOnly() {
    a.grants.out.put(b, grant);
    StoredAlert x = a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    a.publish(
        x.alertId(),
        2,
        AlertStatus.ALERT_STATUS_RETRACTED,
        AlertFields.getDefaultInstance(),
        Audience.AUDIENCE_PEER);
    List<AuditRecord> d = disclosures();
    assertThat(d).hasSize(2);
    assertThat(d.get(1).actor()).isEqualTo("node");
    assertThat(d.get(1).detail()).contains("version=2").endsWith(" fields=header-only");
  }

  @Test
  void nothingQueued_orRolledBack_recordsNothing() {
    a.publish(canaryFields(), Audience.AUDIENCE_PEER); // no grant: nothing queued
    StoredAlert x =
        a.sign(
            Ids.newId(SyncFixture.RNG),
            1,
            AlertStatus.ALERT_STATUS_ACTIVE,
            canaryFields(),
            Audience.AUDIENCE_PEER);
    a.grants.out.put(b, grant);
    assertThatThrownBy(
            () ->
                a.db.inTransaction(
                    c -> {
                      a.alerts.put(x);
                      a.outbox.enqueue(x);
                      throw new IllegalStateException("intake failed after enqueue");
                    }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(disclosures()).isEmpty();
    a.publish(canaryFields(), Audience.AUDIENCE_PEER); // the twin: queued, recorded
    assertThat(disclosures()).hasSize(1);
    assertThat(a.audit.verify().intact()).isTrue();
  }

  @Test
  void backfill_isTheNodes_evenWhenAStaffCallStartedIt() {
    a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    a.grants.out.put(b, grant);
    int queued = AuditLog.as("robin", () -> a.outbox.backfill(grant));
    assertThat(queued).isEqualTo(2);
    assertThat(disclosures()).hasSize(2).allSatisfy(r -> assertThat(r.actor()).isEqualTo("node"));
  }
}
