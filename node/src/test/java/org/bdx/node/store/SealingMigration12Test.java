package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.bdx.node.agreement.Partners;
import org.bdx.node.audit.AuditAction;
import org.bdx.node.audit.AuditDetail;
import org.bdx.node.audit.AuditLog;
import org.bdx.node.audit.AuditVerification;
import org.bdx.node.error.BdxException;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.SignedAgreement;
import org.bdx.proto.v1.StaffRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema 12 (spec AR-8) on a database as bdx wrote it at schema 11: partner names and endpoints,
 * agreement terms and signatures, staff names and the audit log sealed in place, nothing lost,
 * names still unique ignoring case, and the audit chain unchanged: the same head, still verified,
 * still showing an edit.
 */
class SealingMigration12Test {
  @TempDir Path dir;

  private static final PartnerClass PEER = PartnerClass.PARTNER_CLASS_PEER;

  private static final List<String> CANARIES =
      List.of("QxEastOrg", "qxendpoint.example", "Qxtermsarea", "QxStaffName");

  private static NodeId id(int seed) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) seed);
    return NodeId.fromPublicKey(k);
  }

  private static AgreementRecord agreement(NodeId partner) {
    String id = "q".repeat(Ids.LENGTH);
    AgreementTerms terms =
        AgreementTerms.newBuilder()
            .setAgreementId(id)
            .setVersion(1)
            .setAcceptorNodeId(partner.value())
            .setProposerToAcceptor(DirectionTerms.newBuilder().addAreas("Qxtermsarea North"))
            .build();
    SignedAgreement signed =
        SignedAgreement.newBuilder()
            .setTerms(terms.toByteString())
            .setProposerSignature(ByteString.copyFrom(new byte[64]))
            .setAcceptorSignature(ByteString.copyFrom(new byte[] {7, 7, 7}))
            .build();
    return new AgreementRecord(
        id, partner, true, AgreementState.AGREEMENT_STATE_ACTIVE, false, signed, terms, 100);
  }

  @Test
  void upgrade_sealsPartnerNames_andLosesNothing() throws Exception {
    NodeId east = id(2);
    PartnerRecord partner =
        new PartnerRecord(east, "QxEastOrg", "qxendpoint.example:7443", PEER, 5);
    AgreementRecord agreement = agreement(east);
    byte[] credentialHash = new byte[32];
    Arrays.fill(credentialHash, (byte) 9);
    StaffRecord staff =
        new StaffRecord("QxStaffName", StaffRole.STAFF_ROLE_INTAKE, credentialHash, 1, 0);
    List<AuditRecord> entries;
    AuditRecord.Head head;
    try (NodeDatabase db = TestAlerts.open(dir)) {
      new PartnerStore(db).insert(partner);
      new AgreementStore(db).insert(agreement);
      new StaffStore(db).insert(staff);
      AuditLog log = new AuditLog(db, Clock.systemUTC());
      AuditLog.as(
          "QxStaffName",
          () -> {
            log.record(
                AuditAction.PARTNER_ADD,
                AuditDetail.of().add("partner", east.value()).add("partner_name", "QxEastOrg"));
            log.record(AuditAction.SEARCH, AuditDetail.of().add("criteria", "none"));
          });
      entries = log.list(0, 0, 500);
      head = log.head();
      LegacyDatabase.downgradeTo11(db);
    }
    // Twin: as bdx left them at schema 11, every canary is in the files in clear.
    for (String c : CANARIES) {
      assertThat(filesHolding(c)).as(c).isNotEmpty();
    }
    assertThat(schemaVersionOf(dir.resolve("node.db"))).isEqualTo(11);

    try (NodeDatabase db = TestAlerts.open(dir)) {
      assertThat(db.schemaVersion()).isEqualTo(Migrations.latestVersion());
      for (String c : CANARIES) {
        assertThat(filesHolding(c)).as(c).isEmpty();
      }
      PartnerStore partners = new PartnerStore(db);
      assertThat(partners.get(east)).contains(partner);
      assertThat(partners.byName("qxeastorg")).contains(partner);
      assertThat(partners.list()).containsExactly(partner);
      assertThat(new AgreementStore(db).get(agreement.agreementId())).contains(agreement);
      StaffStore staffStore = new StaffStore(db);
      assertThat(staffStore.get("QXSTAFFNAME")).contains(staff);
      assertThat(staffStore.list()).containsExactly(staff);
      String unsealed = Unsealed.text(db);
      for (String c : CANARIES) {
        assertThat(unsealed).as(c).contains(c.toLowerCase(Locale.ROOT));
      }

      // Names are still unique ignoring case, with the same answer as before.
      assertThatThrownBy(
              () ->
                  new Partners(db)
                      .add("qxeastORG", id(3), "h:1", PartnerClass.PARTNER_CLASS_SUPPORT))
          .isInstanceOf(BdxException.class)
          .hasMessage("the partner name \"qxeastORG\" is already taken");
      assertThatThrownBy(
              () -> partners.insert(new PartnerRecord(id(3), "qxeastorg", "h:1", PEER, 5)))
          .isInstanceOf(StoreException.class);
      byte[] otherHash = new byte[32];
      assertThatThrownBy(
              () ->
                  staffStore.insert(
                      new StaffRecord("qxstaffname", StaffRole.STAFF_ROLE_VIEWER, otherHash, 2, 0)))
          .isInstanceOf(StoreException.class);

      // The chain is the one written before: no hash was computed again.
      AuditLog log = new AuditLog(db, Clock.systemUTC());
      assertThat(log.list(0, 0, 500)).isEqualTo(entries);
      assertThat(log.head()).isEqualTo(head);
      AuditVerification v = log.verify();
      assertThat(v.intact()).isTrue();
      assertThat(v.headHash()).isEqualTo(head.hash());
      // New entries follow on.
      log.record(AuditAction.SEARCH, AuditDetail.of().add("criteria", "phone"));
      assertThat(log.verify().intact()).isTrue();
    }

    // And it still shows an edit: the first entry's sealed detail replaced by the second's,
    // which opens (the chain, not the seal, ties an entry to its place) but does not match.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("node.db"));
        Statement s = c.createStatement()) {
      s.execute("DROP TRIGGER audit_log_append_only_update");
      s.execute(
          "UPDATE audit_log SET detail = (SELECT detail FROM audit_log WHERE seq = 2)"
              + " WHERE seq = 1");
    }
    try (NodeDatabase db = TestAlerts.open(dir)) {
      AuditLog log = new AuditLog(db, Clock.systemUTC());
      assertThat(log.list(0, 0, 1).get(0).detail()).isEqualTo("criteria=none");
      AuditVerification v = log.verify();
      assertThat(v.badSeq()).isEqualTo(1);
      assertThat(v.problem()).isEqualTo(AuditVerification.Problem.EDITED);
    }
  }

  private static int schemaVersionOf(Path file) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        PreparedStatement ps = c.prepareStatement("SELECT MAX(version) FROM schema_migrations");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** The files of the database directory that hold {@code canary}, as typed or lower-cased. */
  private List<String> filesHolding(String canary) throws IOException {
    List<String> hits = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        if (bytes.contains(canary) || bytes.contains(canary.toLowerCase(Locale.ROOT))) {
          hits.add(f.getFileName().toString());
        }
      }
    }
    return hits;
  }
}
