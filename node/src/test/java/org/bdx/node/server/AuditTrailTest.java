package org.bdx.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.bdx.node.TestNodes;
import org.bdx.node.edge.CredentialCheck;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.identity.NodeKeys;
import org.bdx.proto.v1.AddPartnerRequest;
import org.bdx.proto.v1.AddStaffRequest;
import org.bdx.proto.v1.AdminServiceGrpc;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.AuditEntry;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.Consent;
import org.bdx.proto.v1.GetAlertRequest;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.ListAuditRequest;
import org.bdx.proto.v1.ListAuditResponse;
import org.bdx.proto.v1.ListReportsRequest;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.PurgeReportRequest;
import org.bdx.proto.v1.RemovePartnerRequest;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.RetractAlertRequest;
import org.bdx.proto.v1.RevokeStaffRequest;
import org.bdx.proto.v1.SearchAlertsRequest;
import org.bdx.proto.v1.StaffRole;
import org.bdx.proto.v1.SubmitReportRequest;
import org.bdx.proto.v1.SubmitReportResponse;
import org.bdx.proto.v1.UpdateAlertRequest;
import org.bdx.proto.v1.UpdateConsentRequest;
import org.bdx.proto.v1.UpdatePartnerRequest;
import org.bdx.proto.v1.VerifyAuditRequest;
import org.bdx.proto.v1.VerifyAuditResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the local APIs record in the audit log (spec ADM-12): each call's entry names the staff
 * account that made it and the records it touched, never a searched or stored value. The subject is
 * the node's wiring ({@link Node#clientServices}: the edge's {@code AuditActor} names the account,
 * each room records in its own transaction), exercised through the client and admin APIs.
 */
class AuditTrailTest {
  static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  static final String CANARY_PHONE = "604 555 0199";
  static final String CANARY_DIGITS = "5550199";
  static final String CANARY_TEXT = "CANARYWORDq4x";
  static final String CANARY_NARRATIVE = "CANARY-NARRATIVE-77ab";
  static final String CANARY_CONTACT = "CANARY-CONTACT-19fe";
  static final String CANARY_AREA = "CANARYAREAv2";

  @TempDir Path tmp;
  private Node node;
  private Server server;
  private ManagedChannel channel;
  private ClientServiceGrpc.ClientServiceBlockingStub asClient;
  private ClientServiceGrpc.ClientServiceBlockingStub asAdmin;
  private AdminServiceGrpc.AdminServiceBlockingStub admin;

  @BeforeEach
  void start() throws Exception {
    NodeHome home = new NodeHome(tmp.resolve("n"));
    NodeConfig.HostPort any = new NodeConfig.HostPort("127.0.0.1", 0);
    TestNodes.init(home, new NodeConfig("Org", any, any, "CA", Duration.ofDays(30), 0));
    Files.writeString(
        home.configFile(),
        "screening.burst=8\nscreening.per_minute=1\n",
        StandardOpenOption.APPEND);
    node = Node.open(home, TestNodes.PASSPHRASE, Clock.fixed(NOW, ZoneOffset.UTC));
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder b = InProcessServerBuilder.forName(name).directExecutor();
    node.clientServices().forEach(b::addService);
    server = b.build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    asClient = bearer(ClientServiceGrpc.newBlockingStub(channel), home.readClientToken());
    asAdmin = bearer(ClientServiceGrpc.newBlockingStub(channel), home.readAdminToken());
    admin = bearer(AdminServiceGrpc.newBlockingStub(channel), home.readAdminToken());
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    server.shutdownNow();
    node.close();
  }

  private static <S extends AbstractStub<S>> S bearer(S stub, String credential) {
    Metadata m = new Metadata();
    m.put(CredentialCheck.AUTHORIZATION, "Bearer " + credential);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
  }

  private ClientServiceGrpc.ClientServiceBlockingStub viewer(String name) {
    String credential =
        admin
            .addStaff(
                AddStaffRequest.newBuilder()
                    .setName(name)
                    .setRole(StaffRole.STAFF_ROLE_VIEWER)
                    .build())
            .getCredential();
    return bearer(ClientServiceGrpc.newBlockingStub(channel), credential);
  }

  private static Report.Builder report() {
    return Report.newBuilder()
        .setIncidentDate("2026-11-20")
        .setArea(CANARY_AREA)
        .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
        .addPhoneNumbers("604 555 0123")
        .setNarrative(CANARY_NARRATIVE)
        .setReporterContact(CANARY_CONTACT)
        .setConsent(Consent.newBuilder().setAudience(Audience.AUDIENCE_PEER));
  }

  private SubmitReportResponse submit() {
    return asClient.submitReport(SubmitReportRequest.newBuilder().setReport(report()).build());
  }

  /** Every entry, through ListAudit, in pages of 2. */
  private List<AuditEntry> entries() {
    List<AuditEntry> all = new ArrayList<>();
    long after = 0;
    do {
      ListAuditResponse r =
          admin.listAudit(
              ListAuditRequest.newBuilder().setAfterSequence(after).setPageSize(2).build());
      all.addAll(r.getEntriesList());
      after = r.getNextAfterSequence();
    } while (after != 0);
    return all;
  }

  /** "actor | action | detail" of every entry after the first {@code skip}. */
  private List<String> lines(int skip) {
    return entries().stream()
        .skip(skip)
        .map(e -> e.getActor() + " | " + e.getAction() + " | " + e.getDetail())
        .toList();
  }

  /** Every byte ListAudit answers, as one string (one char per byte). */
  private String listedBytes() {
    StringBuilder sb = new StringBuilder();
    for (AuditEntry e : entries()) {
      sb.append(new String(e.toByteArray(), StandardCharsets.ISO_8859_1)).append('\n');
    }
    return sb.toString();
  }

  @Test
  void aNewNode_recordsTheAccountsItMadeItself() {
    assertThat(lines(0))
        .containsExactly(
            "node | staff.add | account=admin role=coordinator",
            "node | staff.add | account=client role=intake");
  }

  @Test
  void everyLocalCall_isRecordedWithItsAccountAndRecords_neverItsValues() {
    ClientServiceGrpc.ClientServiceBlockingStub vic = viewer("vic");
    vic.searchAlerts(
        SearchAlertsRequest.newBuilder().setPhone(CANARY_PHONE).setText(CANARY_TEXT).build());
    SubmitReportResponse first = submit();
    String alertId = first.getAlert().getAlertId();
    String reportId = first.getReportId();
    asClient.getAlert(GetAlertRequest.newBuilder().setAlertId(alertId).build());
    vic.searchAlerts(
        SearchAlertsRequest.newBuilder()
            .setArea(CANARY_AREA)
            .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
            .setSince("2026-01-01")
            .build());
    asClient.listReports(ListReportsRequest.getDefaultInstance());
    asClient.updateAlert(
        UpdateAlertRequest.newBuilder()
            .setAlertId(alertId)
            .setChanges(Report.newBuilder().setAggressorDescription("CANARYDESCm1"))
            .build());
    asClient.updateAlert(
        UpdateAlertRequest.newBuilder()
            .setAlertId(alertId)
            .setChanges(Report.newBuilder().setNarrative(CANARY_NARRATIVE + " more"))
            .build());
    asClient.updateConsent(
        UpdateConsentRequest.newBuilder()
            .setReportId(reportId)
            .setConsent(Consent.newBuilder().setAudience(Audience.AUDIENCE_POLICE))
            .build());
    asClient.retractAlert(
        RetractAlertRequest.newBuilder().setAlertId(alertId).setReason("CANARYREASONz8").build());
    SubmitReportResponse second = submit();
    asAdmin.purgeReport(PurgeReportRequest.newBuilder().setReportId(second.getReportId()).build());
    String partner = NodeKeys.generate(new java.security.SecureRandom()).nodeId().value();
    admin.addPartner(
        AddPartnerRequest.newBuilder()
            .setName("north")
            .setNodeId(partner)
            .setEndpoint("127.0.0.1:9")
            .setPartnerClass(PartnerClass.PARTNER_CLASS_PEER)
            .build());
    admin.updatePartner(
        UpdatePartnerRequest.newBuilder()
            .setPartner("north")
            .setEndpoint("127.0.0.1:19")
            .setName("north2")
            .build());
    admin.removePartner(RemovePartnerRequest.newBuilder().setPartner("north2").build());
    admin.revokeStaff(RevokeStaffRequest.newBuilder().setName("vic").build());

    String own = node.nodeId().value();
    String second2 = second.getAlert().getAlertId();
    assertThat(lines(2))
        .containsExactly(
            "admin | staff.add | account=vic role=viewer",
            "vic | search | criteria=phone,text results=0",
            "client | report.enter | report=" + reportId + " alert=" + alertId + " version=1",
            "client | alert.view | alert=" + alertId + " origin=" + own,
            "vic | search | criteria=area,harms,since results=1",
            "client | report.list | results=1",
            "client | report.correct | report=" + reportId + " alert=" + alertId + " version=2",
            "client | report.correct | report="
                + reportId
                + " alert="
                + alertId
                + " version=2 unchanged=true",
            "client | report.consent | report=" + reportId + " alert=" + alertId + " version=3",
            "client | report.retract | report=" + reportId + " alert=" + alertId + " version=4",
            "client | report.enter | report="
                + second.getReportId()
                + " alert="
                + second2
                + " version=1",
            "admin | report.purge | report="
                + second.getReportId()
                + " alert="
                + second2
                + " version=2",
            "admin | partner.add | partner=" + partner + " partner_name=north class=peer",
            "admin | partner.update | partner="
                + partner
                + " partner_name=north2 changed=name,endpoint previous_name=north",
            "admin | partner.remove | partner=" + partner + " partner_name=north2",
            "admin | staff.revoke | account=vic");

    String bytes = listedBytes();
    for (String canary :
        List.of(
            CANARY_DIGITS,
            CANARY_TEXT,
            CANARY_AREA,
            CANARY_NARRATIVE,
            CANARY_CONTACT,
            "CANARYDESCm1",
            "CANARYREASONz8",
            "CANARY")) {
      assertThat(bytes).as("the audit log holds %s", canary).doesNotContain(canary);
    }
    // Partner endpoints are not recorded either.
    assertThat(bytes).doesNotContain("127.0.0.1");
    // The twin: the same scan finds what the log does hold.
    assertThat(bytes).contains(reportId).contains(alertId).contains("vic").contains(partner);

    VerifyAuditResponse v = admin.verifyAudit(VerifyAuditRequest.getDefaultInstance());
    assertThat(v.getIntact()).as(v.toString()).isTrue();
    assertThat(v.getEntries()).isEqualTo(18);
    assertThat(v.getHeadSequence()).isEqualTo(18);
    assertThat(v.getHeadHash()).isEqualTo(entries().get(17).getHash());
  }

  @Test
  void aRefusedOrFailedCall_recordsNothingButTheRefusal() {
    int before = entries().size();
    StatusRuntimeException bad =
        (StatusRuntimeException)
            org.assertj.core.api.Assertions.catchThrowable(
                () ->
                    asClient.submitReport(
                        SubmitReportRequest.newBuilder()
                            .setReport(report().setIncidentDate("2026-13-45"))
                            .build()));
    assertThat(bad.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThatThrownBy(
            () -> asClient.searchAlerts(SearchAlertsRequest.newBuilder().setPhone("12").build()))
        .isInstanceOf(StatusRuntimeException.class);
    assertThatThrownBy(
            () ->
                asClient.getAlert(GetAlertRequest.newBuilder().setAlertId("a".repeat(26)).build()))
        .isInstanceOf(StatusRuntimeException.class);
    assertThat(entries()).hasSize(before);

    // Over the screening limit (burst 8, no refill on a fixed clock): the refusal is recorded.
    ClientServiceGrpc.ClientServiceBlockingStub vic = viewer("vic");
    for (int i = 0; i < 8; i++) {
      vic.searchAlerts(SearchAlertsRequest.newBuilder().setText(CANARY_TEXT).build());
    }
    StatusRuntimeException refused =
        (StatusRuntimeException)
            org.assertj.core.api.Assertions.catchThrowable(
                () ->
                    vic.searchAlerts(
                        SearchAlertsRequest.newBuilder().setText(CANARY_TEXT).build()));
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    List<String> after = lines(before);
    assertThat(after).hasSize(1 + 8 + 1);
    assertThat(after.get(after.size() - 1))
        .isEqualTo(
            "vic | screening.refused | account=vic call=SearchAlerts retry_after_seconds=60");
    assertThat(listedBytes()).doesNotContain(CANARY_TEXT);
  }

  @Test
  void listAudit_isPagedAndBounded_andOnlyForCoordinators() {
    submit();
    ListAuditResponse firstTwo =
        admin.listAudit(ListAuditRequest.newBuilder().setPageSize(2).build());
    assertThat(firstTwo.getEntriesList())
        .extracting(AuditEntry::getSequence)
        .containsExactly(1L, 2L);
    assertThat(firstTwo.getNextAfterSequence()).isEqualTo(2);
    ListAuditResponse rest =
        admin.listAudit(ListAuditRequest.newBuilder().setAfterSequence(2).build());
    assertThat(rest.getEntriesList())
        .extracting(AuditEntry::getAction)
        .containsExactly("report.enter");
    assertThat(rest.getNextAfterSequence()).isZero();
    assertThat(
            admin
                .listAudit(ListAuditRequest.newBuilder().setSince(NOW.getEpochSecond() + 1).build())
                .getEntriesList())
        .isEmpty();
    for (ListAuditRequest wrong :
        List.of(
            ListAuditRequest.newBuilder().setPageSize(501).build(),
            ListAuditRequest.newBuilder().setPageSize(-1).build(),
            ListAuditRequest.newBuilder().setSince(-1).build())) {
      assertThatThrownBy(() -> admin.listAudit(wrong))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }
    AdminServiceGrpc.AdminServiceBlockingStub intake =
        bearer(AdminServiceGrpc.newBlockingStub(channel), clientCredential());
    assertThatThrownBy(() -> intake.verifyAudit(VerifyAuditRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
  }

  private String clientCredential() {
    try {
      return node.home().readClientToken();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
