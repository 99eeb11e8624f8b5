package org.bdx.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.conformance.ConformanceFixture.WAIT;
import static org.bdx.conformance.ConformanceFixture.assertStatus;
import static org.bdx.conformance.ConformanceFixture.bearer;
import static org.bdx.conformance.ConformanceFixture.catchStatus;
import static org.bdx.conformance.ConformanceFixture.contains;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bdx.conformance.ConformanceFixture.Submitted;
import org.bdx.proto.v1.AddPartnerRequest;
import org.bdx.proto.v1.AddStaffRequest;
import org.bdx.proto.v1.AddStaffResponse;
import org.bdx.proto.v1.AdminServiceGrpc;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.AuditEntry;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.Consent;
import org.bdx.proto.v1.GetAlertRequest;
import org.bdx.proto.v1.GetNodeInfoRequest;
import org.bdx.proto.v1.GetStatusRequest;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.ListAuditRequest;
import org.bdx.proto.v1.ListAuditResponse;
import org.bdx.proto.v1.ListReportsRequest;
import org.bdx.proto.v1.ListStaffRequest;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.RemovePartnerRequest;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.RevokeStaffRequest;
import org.bdx.proto.v1.SearchAlertsRequest;
import org.bdx.proto.v1.StaffRole;
import org.bdx.proto.v1.SubmitReportRequest;
import org.bdx.proto.v1.VerifyAuditRequest;
import org.bdx.proto.v1.VerifyAuditResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Identity and the client and admin APIs (spec sections 2, 5, 12); needs no federation endpoint.
 */
abstract class ClientApiSection extends ConformanceSection {
  ClientApiSection(ConformanceFixture fixture) {
    super(fixture);
  }

  @Test
  @Order(1)
  @DisplayName(
      "ID-2, ID-3: the node id is derived from the public key; the fingerprint is its prefix")
  void identity() {
    byte[] pk = info.getPublicKey().toByteArray();
    assertThat(pk).hasSize(32);
    assertThat(info.getNodeId()).matches("bdx[a-z2-7]{52}").isEqualTo(SpecCrypto.nodeId(pk));
    assertThat(info.getFingerprint())
        .matches("[a-z2-7]{4}(-[a-z2-7]{4}){4}")
        .isEqualTo(SpecCrypto.fingerprint(info.getNodeId()));
    assertThat(info.getProtocolVersionsList()).contains("bdx.v1");
    assertThat(admin().getStatus(GetStatusRequest.getDefaultInstance()).getNodeId())
        .isEqualTo(info.getNodeId());
  }

  @Test
  @Order(2)
  @DisplayName("API-1, ADM-1, CONF-2: calls without the credential are UNAUTHENTICATED")
  void unauthenticated() {
    var anon = ClientServiceGrpc.newBlockingStub(local).withDeadlineAfter(WAIT, TimeUnit.SECONDS);
    var wrong =
        bearer(ClientServiceGrpc.newBlockingStub(local), "not-the-token")
            .withDeadlineAfter(WAIT, TimeUnit.SECONDS);
    var anonAdmin =
        AdminServiceGrpc.newBlockingStub(local).withDeadlineAfter(WAIT, TimeUnit.SECONDS);
    var wrongAdmin =
        bearer(AdminServiceGrpc.newBlockingStub(local), nut.adminToken() + "x")
            .withDeadlineAfter(WAIT, TimeUnit.SECONDS);
    assertStatus(
        () -> anon.getNodeInfo(GetNodeInfoRequest.getDefaultInstance()),
        Status.Code.UNAUTHENTICATED);
    assertStatus(
        () -> wrong.searchAlerts(SearchAlertsRequest.newBuilder().setText("x").build()),
        Status.Code.UNAUTHENTICATED);
    assertStatus(
        () -> anonAdmin.getStatus(GetStatusRequest.getDefaultInstance()),
        Status.Code.UNAUTHENTICATED);
    assertStatus(
        () -> wrongAdmin.getStatus(GetStatusRequest.getDefaultInstance()),
        Status.Code.UNAUTHENTICATED);
    // The twin: the admin credential opens both services (CONF-2).
    assertThat(client().getNodeInfo(GetNodeInfoRequest.getDefaultInstance()).getNodeId())
        .isNotEmpty();
  }

  @Test
  @Order(3)
  @DisplayName(
      "API-5, API-6: an invalid report is INVALID_ARGUMENT naming every bad field; nothing stored")
  void invalidReport() {
    String canary = "CNRY" + run + "INVALID";
    int before =
        client()
            .listReports(ListReportsRequest.newBuilder().setPageSize(500).build())
            .getReportsCount();
    Report bad =
        Report.newBuilder()
            .setIncidentDate("2026-13-45")
            .addHarmsValue(999)
            // Fewer than 4 digits whatever the run: a number with more is kept as typed (ALR-8).
            .addPhoneNumbers("12" + canary.replaceAll("[0-9]", ""))
            .setAggressorDescription("description " + canary)
            .build();
    StatusRuntimeException e =
        catchStatus(
            () -> client().submitReport(SubmitReportRequest.newBuilder().setReport(bad).build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    com.google.rpc.Status details = StatusProto.fromThrowable(e);
    assertThat(details).as("google.rpc.Status details").isNotNull();
    List<BadRequest.FieldViolation> violations = new ArrayList<>();
    for (var any : details.getDetailsList()) {
      if (any.is(BadRequest.class)) {
        try {
          violations.addAll(any.unpack(BadRequest.class).getFieldViolationsList());
        } catch (InvalidProtocolBufferException ex) {
          throw new AssertionError(ex);
        }
      }
    }
    assertThat(violations)
        .extracting(BadRequest.FieldViolation::getField)
        .anySatisfy(f -> assertThat(f).startsWith("incident_date"))
        .anySatisfy(f -> assertThat(f).startsWith("area"))
        .anySatisfy(f -> assertThat(f).startsWith("harms"))
        .anySatisfy(f -> assertThat(f).startsWith("phone_numbers[0]"));
    String phoneCanary = canary.replaceAll("[0-9]", "");
    assertThat(e.getStatus().getDescription()).doesNotContain(canary).doesNotContain(phoneCanary);
    assertThat(violations)
        .allSatisfy(
            v -> assertThat(v.getDescription()).doesNotContain(canary).doesNotContain(phoneCanary));
    // Nothing stored.
    assertThat(
            client()
                .listReports(ListReportsRequest.newBuilder().setPageSize(500).build())
                .getReportsCount())
        .isEqualTo(before);
    assertThat(
            client()
                .searchAlerts(SearchAlertsRequest.newBuilder().setText(canary).build())
                .getAlertsList())
        .isEmpty();
  }

  @Test
  @Order(4)
  @DisplayName(
      "API-7, SIG-7, SIG-5, ALR-3: a submitted report yields a signed version 1 without the narrative")
  void submittedAlert() throws Exception {
    Submitted s = peerReport != null ? peerReport : submit(Audience.AUDIENCE_PEER);
    AlertView a = s.alert();
    Alerts.Verified v = Alerts.verify(a.getEnvelope().toByteArray(), info.getNodeId());
    assertThat(v.header().getVersion()).isEqualTo(1);
    assertThat(v.header().getStatus()).isEqualTo(AlertStatus.ALERT_STATUS_ACTIVE);
    assertThat(v.header().getAlertId()).isEqualTo(s.alertId());
    assertThat(v.header().getAudience()).isEqualTo(Audience.AUDIENCE_PEER);
    assertThat(v.disclosed().keySet())
        .contains("incident_date", "area", "harms", "phone_numbers", "vehicle_plate")
        .contains("reporter_contact"); // share_contact was chosen
    assertThat(v.disclosed().get("phone_numbers").getPhoneNumbersList())
        .allMatch(p -> p.startsWith("+"));
    String narrative = s.report().getNarrative();
    assertThat(contains(a.getEnvelope().toByteArray(), narrative)).isFalse();
    assertThat(contains(a.toByteArray(), narrative)).isFalse();
  }

  @Test
  @Order(5)
  @DisplayName("5.1 GetAlert: NOT_FOUND for an unknown alert, INVALID_ARGUMENT for a malformed id")
  void getAlertErrors() {
    assertStatus(
        () ->
            client()
                .getAlert(GetAlertRequest.newBuilder().setAlertId(SpecCrypto.newId16()).build()),
        Status.Code.NOT_FOUND);
    assertStatus(
        () -> client().getAlert(GetAlertRequest.newBuilder().setAlertId("NOT/AN/ID").build()),
        Status.Code.INVALID_ARGUMENT);
  }

  @Test
  @Order(6)
  @DisplayName(
      "ADM-4.1: AddPartner refuses bad input (INVALID_ARGUMENT) and taken ids (ALREADY_EXISTS)")
  void addPartnerErrors() {
    SpecCrypto.Keys k = SpecCrypto.Keys.generate();
    AddPartnerRequest ok =
        AddPartnerRequest.newBuilder()
            .setName("conf-bad-" + run)
            .setNodeId(k.nodeId())
            .setEndpoint("127.0.0.1:9")
            .setPartnerClass(PartnerClass.PARTNER_CLASS_PEER)
            .build();
    assertStatus(
        () -> admin().addPartner(ok.toBuilder().setNodeId("bdxnotanodeid").build()),
        Status.Code.INVALID_ARGUMENT);
    assertStatus(
        () -> admin().addPartner(ok.toBuilder().setNodeId(info.getNodeId()).build()),
        Status.Code.INVALID_ARGUMENT);
    assertStatus(
        () -> admin().addPartner(ok.toBuilder().setEndpoint("no-port").build()),
        Status.Code.INVALID_ARGUMENT);
    assertStatus(
        () ->
            admin()
                .addPartner(
                    ok.toBuilder().setPartnerClass(PartnerClass.PARTNER_CLASS_UNSPECIFIED).build()),
        Status.Code.INVALID_ARGUMENT);
    admin().addPartner(ok);
    try {
      assertStatus(() -> admin().addPartner(ok), Status.Code.ALREADY_EXISTS);
      assertStatus(
          () -> admin().addPartner(ok.toBuilder().setName("conf-bad2-" + run).build()),
          Status.Code.ALREADY_EXISTS);
    } finally {
      admin().removePartner(RemovePartnerRequest.newBuilder().setPartner(ok.getName()).build());
    }
  }

  @Test
  @Order(7)
  @DisplayName(
      "API-1, ADM-1, ADM-11: a viewer account searches but may not submit (PERMISSION_DENIED);"
          + " revoked, it is UNAUTHENTICATED; the admin credential is unaffected")
  void staffRoles() {
    String name =
        "conf-viewer-" + run.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "");
    AddStaffResponse added =
        admin()
            .addStaff(
                AddStaffRequest.newBuilder()
                    .setName(name)
                    .setRole(StaffRole.STAFF_ROLE_VIEWER)
                    .build());
    assertThat(added.getAccount().getRole()).isEqualTo(StaffRole.STAFF_ROLE_VIEWER);
    assertThat(added.getCredential()).isNotEmpty();
    var viewer =
        bearer(ClientServiceGrpc.newBlockingStub(local), added.getCredential())
            .withDeadlineAfter(WAIT, TimeUnit.SECONDS);
    viewer.searchAlerts(SearchAlertsRequest.newBuilder().setText("x").build());
    assertStatus(
        () ->
            viewer.submitReport(
                SubmitReportRequest.newBuilder().setReport(Report.getDefaultInstance()).build()),
        Status.Code.PERMISSION_DENIED);
    assertStatus(
        () ->
            bearer(AdminServiceGrpc.newBlockingStub(local), added.getCredential())
                .withDeadlineAfter(WAIT, TimeUnit.SECONDS)
                .getStatus(GetStatusRequest.getDefaultInstance()),
        Status.Code.PERMISSION_DENIED);
    assertThat(
            admin().listStaff(ListStaffRequest.getDefaultInstance()).getAccountsList().stream()
                .filter(a -> a.getName().equalsIgnoreCase(name))
                .findFirst()
                .orElseThrow()
                .getRevokedAt())
        .isZero();

    admin().revokeStaff(RevokeStaffRequest.newBuilder().setName(name).build());

    assertStatus(
        () -> viewer.searchAlerts(SearchAlertsRequest.newBuilder().setText("x").build()),
        Status.Code.UNAUTHENTICATED);
    assertThat(client().getNodeInfo(GetNodeInfoRequest.getDefaultInstance()).getNodeId())
        .isEqualTo(info.getNodeId());
  }

  @Test
  @Order(8)
  @DisplayName(
      "ADM-12: a search is in the audit log by the account that made it, with the kinds of"
          + " criteria and never the searched text; VerifyAudit finds the log intact")
  void auditLog() {
    long before = admin().verifyAudit(VerifyAuditRequest.getDefaultInstance()).getHeadSequence();
    String viewerName = "conf-audit-" + run;
    String canary = "CNRY" + run + "AUDITED";
    AddStaffResponse added =
        admin()
            .addStaff(
                AddStaffRequest.newBuilder()
                    .setName(viewerName)
                    .setRole(StaffRole.STAFF_ROLE_VIEWER)
                    .build());
    try {
      client().searchAlerts(SearchAlertsRequest.newBuilder().setText(canary).build());
      bearer(ClientServiceGrpc.newBlockingStub(local), added.getCredential())
          .withDeadlineAfter(WAIT, TimeUnit.SECONDS)
          .searchAlerts(SearchAlertsRequest.newBuilder().setText(canary).build());
    } finally {
      admin().revokeStaff(RevokeStaffRequest.newBuilder().setName(viewerName).build());
    }

    List<AuditEntry> all = auditEntries(0);
    List<AuditEntry> since = all.stream().filter(e -> e.getSequence() > before).toList();
    // The admin credential's account is the actor of the staff.add that names the new viewer.
    String adminAccount =
        since.stream()
            .filter(e -> e.getAction().equals("staff.add"))
            .filter(e -> e.getDetail().contains("account=" + viewerName))
            .map(AuditEntry::getActor)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no staff.add entry naming " + viewerName));
    assertThat(adminAccount).isNotEmpty().isNotEqualTo(viewerName).isNotEqualTo("node");
    List<AuditEntry> searches = since.stream().filter(e -> e.getAction().equals("search")).toList();
    assertThat(searches)
        .as("search entries after sequence %d", before)
        .anySatisfy(
            e -> {
              assertThat(e.getActor()).isEqualTo(adminAccount);
              assertThat(e.getDetail()).contains("criteria=text");
            })
        .anySatisfy(e -> assertThat(e.getActor()).isEqualTo(viewerName));
    // No entry holds the searched text; the same scan finds the account's name (the twin).
    StringBuilder bytes = new StringBuilder();
    for (AuditEntry e : all) {
      assertThat(contains(e.toByteArray(), canary))
          .as("audit entry %d holds the searched text", e.getSequence())
          .isFalse();
      bytes.append(e.getActor()).append(' ').append(e.getDetail()).append('\n');
    }
    assertThat(bytes.toString()).contains(viewerName);

    VerifyAuditResponse v = admin().verifyAudit(VerifyAuditRequest.getDefaultInstance());
    assertThat(v.getIntact()).as(v.toString()).isTrue();
    assertThat(v.getHeadSequence()).isGreaterThanOrEqualTo(all.get(all.size() - 1).getSequence());
    assertThat(v.getHeadHash().size()).isEqualTo(32);
  }

  /** Every audit entry after {@code after}, page by page. */
  private List<AuditEntry> auditEntries(long after) {
    List<AuditEntry> out = new ArrayList<>();
    long next = after;
    do {
      ListAuditResponse r =
          admin()
              .listAudit(
                  ListAuditRequest.newBuilder().setAfterSequence(next).setPageSize(500).build());
      out.addAll(r.getEntriesList());
      next = r.getNextAfterSequence();
    } while (next != 0);
    return out;
  }

  @Test
  @Order(9)
  @DisplayName(
      "API-11: a report submitted again under its submission key is stored once; a bad key is"
          + " INVALID_ARGUMENT")
  void submissionKey() {
    Report report =
        Report.newBuilder()
            .setIncidentDate(LocalDate.now(ZoneOffset.UTC).minusDays(4).toString())
            .setArea("Conformance Area " + run)
            .addHarms(HarmCategory.HARM_CATEGORY_THREATS)
            .setAggressorDescription("submission key " + run)
            .setConsent(Consent.newBuilder().setAudience(Audience.AUDIENCE_PEER))
            .build();
    String key = "conformance:" + run + ":" + SpecCrypto.newId16();
    int before =
        client()
            .listReports(ListReportsRequest.newBuilder().setPageSize(500).build())
            .getReportsCount();
    var first =
        client()
            .submitReport(
                SubmitReportRequest.newBuilder().setReport(report).setSubmissionKey(key).build());
    assertThat(first.getAlreadySubmitted()).isFalse();
    // Sent again, even with other content: the report stored under the key, nothing new.
    var again =
        client()
            .submitReport(
                SubmitReportRequest.newBuilder()
                    .setReport(report.toBuilder().setArea("Another Area " + run))
                    .setSubmissionKey(key)
                    .build());
    assertThat(again.getAlreadySubmitted()).isTrue();
    assertThat(again.getReportId()).isEqualTo(first.getReportId());
    assertThat(again.getAlert().getAlertId()).isEqualTo(first.getAlert().getAlertId());
    assertThat(
            client()
                .listReports(ListReportsRequest.newBuilder().setPageSize(500).build())
                .getReportsCount())
        .isEqualTo(before + 1);
    // Without a key, or under another, the same report is a new one.
    var other =
        client()
            .submitReport(
                SubmitReportRequest.newBuilder()
                    .setReport(report)
                    .setSubmissionKey(key + "-2")
                    .build());
    assertThat(other.getAlreadySubmitted()).isFalse();
    assertThat(other.getReportId()).isNotEqualTo(first.getReportId());
    for (String bad : List.of("has space", "x".repeat(129), "tab\t", "caf\u00e9")) {
      StatusRuntimeException e =
          catchStatus(
              () ->
                  client()
                      .submitReport(
                          SubmitReportRequest.newBuilder()
                              .setReport(report)
                              .setSubmissionKey(bad)
                              .build()));
      assertThat(e.getStatus().getCode()).as(bad).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).as(bad).contains("submission_key");
    }
  }
}
