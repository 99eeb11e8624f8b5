package org.bdx.node.staff;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.BadRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bdx.node.InProcessNode;
import org.bdx.node.TestNodes;
import org.bdx.node.home.NodeHome;
import org.bdx.node.search.AlertIndex;
import org.bdx.node.server.Node;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.TestAlerts;
import org.bdx.node.store.TestCiphers;
import org.bdx.node.store.Unsealed;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.Consent;
import org.bdx.proto.v1.Disclosure;
import org.bdx.proto.v1.GetAlertRequest;
import org.bdx.proto.v1.ListReportsRequest;
import org.bdx.proto.v1.PurgeReportRequest;
import org.bdx.proto.v1.PurgeReportResponse;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.RetractAlertRequest;
import org.bdx.proto.v1.SearchAlertsRequest;
import org.bdx.proto.v1.SubmitReportRequest;
import org.bdx.proto.v1.SubmitReportResponse;
import org.bdx.proto.v1.UpdateAlertRequest;
import org.bdx.proto.v1.UpdateConsentRequest;
import org.bdx.proto.v1.Vehicle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UpdateAlert, RetractAlert, UpdateConsent, PurgeReport and expiry through the client API: end to
 * end from {@code staff/ClientApi} through {@code intake/AlertLifecycle} to the store's files. The
 * merge rules alone are tested in {@code intake/AlertLifecycleMergeTest}.
 */
class AlertLifecycleApiTest {
  static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

  @TempDir Path tmp;
  NodeHome home;
  Node node;
  InProcessNode served;
  ManagedChannel channel;
  ClientServiceGrpc.ClientServiceBlockingStub client;

  @BeforeEach
  void start() throws Exception {
    home = InProcessNode.newHome(tmp.resolve("home"));
    open(NOW);
  }

  private void open(Instant now) throws IOException {
    served = InProcessNode.open(home, now);
    node = served.node;
    channel = served.channel;
    // The coordinator's credential: purging a report needs that role (API-1); roles are tested in
    // CredentialsTest.
    client = TestNodes.withToken(ClientServiceGrpc.newBlockingStub(channel), home.readAdminToken());
  }

  @AfterEach
  void stop() throws Exception {
    served.close();
  }

  private SubmitReportResponse submit(Report.Builder r) {
    return client.submitReport(SubmitReportRequest.newBuilder().setReport(r).build());
  }

  private AlertView get(String alertId) {
    return client.getAlert(GetAlertRequest.newBuilder().setAlertId(alertId).build()).getAlert();
  }

  private List<AlertView> search(String text) {
    return client
        .searchAlerts(SearchAlertsRequest.newBuilder().setText(text).build())
        .getAlertsList();
  }

  private static Status.Code code(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
    throw new AssertionError("the call succeeded");
  }

  @Test
  void update_issuesTheNextVersion_withFreshSalts_sameIdAndExpiry() {
    SubmitReportResponse s =
        submit(
            ClientApiTest.validReport()
                .setAggressorDescription("tall")
                .setVehicle(Vehicle.newBuilder().setPlate("ABC 123")));
    AlertView v1 = s.getAlert();
    AlertView v2 =
        client
            .updateAlert(
                UpdateAlertRequest.newBuilder()
                    .setAlertId(v1.getAlertId())
                    .setChanges(Report.newBuilder().setAggressorDescription("identified: tall"))
                    .addClear("vehicle.plate")
                    .build())
            .getAlert();
    assertThat(v2.getAlertId()).isEqualTo(v1.getAlertId());
    assertThat(v2.getVersion()).isEqualTo(2);
    assertThat(v2.getStatus()).isEqualTo(AlertStatus.ALERT_STATUS_UPDATED);
    assertThat(v2.getExpiresAt()).isEqualTo(v1.getExpiresAt());
    assertThat(v2.getFields().getAggressorDescription()).isEqualTo("identified: tall");
    assertThat(v2.getFields().getVehiclePlate()).isEmpty();
    assertThat(v2.getFields().getArea()).isEqualTo("Downtown East");
    assertThat(v2.getTombstone()).isFalse();
    // Fresh salts: no disclosure of version 1 reappears in version 2.
    List<Disclosure> before = v1.getEnvelope().getDisclosuresList();
    for (Disclosure d : v2.getEnvelope().getDisclosuresList()) {
      assertThat(before).extracting(Disclosure::getSalt).doesNotContain(d.getSalt());
    }
    assertThat(get(v1.getAlertId()).getVersion()).isEqualTo(2);
    assertThat(search("identified")).hasSize(1);
    assertThat(client.searchAlerts(SearchAlertsRequest.newBuilder().setPlate("ABC").build()))
        .extracting(r -> r.getAlertsCount())
        .isEqualTo(0);
  }

  @Test
  void update_thatChangesNoAlertField_issuesNoVersion() {
    AlertView v1 = submit(ClientApiTest.validReport()).getAlert();
    AlertView same =
        client
            .updateAlert(
                UpdateAlertRequest.newBuilder()
                    .setAlertId(v1.getAlertId())
                    .setChanges(Report.newBuilder().setNarrative("corrected account"))
                    .build())
            .getAlert();
    assertThat(same.getVersion()).isEqualTo(1);
    assertThat(same.getEnvelope()).isEqualTo(v1.getEnvelope());
  }

  @Test
  void update_invalidMergedReport_namesEveryField_andStoresNothing() {
    AlertView v1 = submit(ClientApiTest.validReport()).getAlert();
    StatusRuntimeException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            StatusRuntimeException.class,
            () ->
                client.updateAlert(
                    UpdateAlertRequest.newBuilder()
                        .setAlertId(v1.getAlertId())
                        .setChanges(
                            Report.newBuilder().addPhoneNumbers("12").setIncidentDate("2030-01-01"))
                        .addClear("area")
                        .build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    List<String> fields = new ArrayList<>();
    for (var any : StatusProto.fromThrowable(e).getDetailsList()) {
      try {
        any.unpack(BadRequest.class)
            .getFieldViolationsList()
            .forEach(v -> fields.add(v.getField()));
      } catch (Exception ex) {
        throw new AssertionError(ex);
      }
    }
    assertThat(fields).contains("incident_date", "area", "phone_numbers[0]");
    assertThat(get(v1.getAlertId()).getVersion()).isEqualTo(1);
  }

  @Test
  void unknown_malformed_andReceivedAlerts_areRefused() throws Exception {
    String unknown = TestAlerts.newId();
    UpdateAlertRequest.Builder upd =
        UpdateAlertRequest.newBuilder().setChanges(Report.newBuilder().setArea("Elsewhere"));
    assertThat(code(() -> client.updateAlert(upd.setAlertId(unknown).build())))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(code(() -> client.updateAlert(upd.setAlertId("not-an-id").build())))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);

    // A partner's alert held here: only its origin can issue versions.
    String received = TestAlerts.newId();
    try (NodeDatabase db =
        NodeDatabase.open(home.databaseFile(), TestCiphers.of(home.dir(), TestNodes.PASSPHRASE))) {
      new AlertStore(db, new AlertIndex())
          .put(
              TestAlerts.alert(
                      TestAlerts.OTHER_ORIGIN, received, 1, TestAlerts.fields("2026-11-01").build())
                  .withProvenance(TestAlerts.OTHER_ORIGIN, TestAlerts.newId(), 3_900_000_000L));
    }
    StatusRuntimeException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            StatusRuntimeException.class,
            () -> client.updateAlert(upd.setAlertId(received).build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(e.getStatus().getDescription()).contains("only the origin can issue versions");
    assertThat(
            code(
                () ->
                    client.retractAlert(
                        RetractAlertRequest.newBuilder()
                            .setAlertId(received)
                            .setReason("wrong")
                            .build())))
        .isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(get(received).getVersion()).isEqualTo(1); // twin: it is held and readable
  }

  @Test
  void retract_leavesATombstoneWithTheLocalReason_andNothingFurtherCanBeIssued() {
    AlertView v1 = submit(ClientApiTest.validReport().setAggressorDescription("tall")).getAlert();
    String id = v1.getAlertId();
    assertThat(
            code(
                () -> client.retractAlert(RetractAlertRequest.newBuilder().setAlertId(id).build())))
        .isEqualTo(Status.Code.INVALID_ARGUMENT); // a reason is required
    AlertView t =
        client
            .retractAlert(
                RetractAlertRequest.newBuilder().setAlertId(id).setReason("entered twice").build())
            .getAlert();
    assertThat(t.getVersion()).isEqualTo(2);
    assertThat(t.getStatus()).isEqualTo(AlertStatus.ALERT_STATUS_RETRACTED);
    assertThat(t.getTombstone()).isTrue();
    assertThat(t.getFields().getSerializedSize()).isZero();
    assertThat(t.getEnvelope().getDisclosuresCount()).isZero();
    assertThat(get(id).getRetractionReason()).isEqualTo("entered twice");
    assertThat(search("tall")).isEmpty();

    UpdateAlertRequest upd =
        UpdateAlertRequest.newBuilder()
            .setAlertId(id)
            .setChanges(Report.newBuilder().setArea("Elsewhere"))
            .build();
    assertThat(code(() -> client.updateAlert(upd))).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(
            code(
                () ->
                    client.retractAlert(
                        RetractAlertRequest.newBuilder()
                            .setAlertId(id)
                            .setReason("again")
                            .build())))
        .isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  @Test
  void consent_isANewVersionWithTheNewAudience_andContactOnlyWhenShared() {
    SubmitReportResponse s = submit(ClientApiTest.validReport());
    assertThat(s.getAlert().getFields().getReporterContact()).isEmpty();
    AlertView v2 =
        client
            .updateConsent(
                UpdateConsentRequest.newBuilder()
                    .setReportId(s.getReportId())
                    .setConsent(
                        Consent.newBuilder()
                            .setAudience(Audience.AUDIENCE_POLICE)
                            .setShareContact(true))
                    .build())
            .getAlert();
    assertThat(v2.getVersion()).isEqualTo(2);
    assertThat(v2.getAudience()).isEqualTo(Audience.AUDIENCE_POLICE);
    assertThat(v2.getFields().getReporterContact()).isEqualTo(ClientApiTest.CANARY);

    AlertView v3 =
        client
            .updateConsent(
                UpdateConsentRequest.newBuilder()
                    .setReportId(s.getReportId())
                    .setConsent(Consent.newBuilder().setAudience(Audience.AUDIENCE_PEER))
                    .build())
            .getAlert();
    assertThat(v3.getVersion()).isEqualTo(3);
    assertThat(v3.getAudience()).isEqualTo(Audience.AUDIENCE_PEER);
    assertThat(v3.getFields().getReporterContact()).isEmpty();

    assertThat(
            code(
                () ->
                    client.updateConsent(
                        UpdateConsentRequest.newBuilder()
                            .setReportId(TestAlerts.newId())
                            .setConsent(Consent.getDefaultInstance())
                            .build())))
        .isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void expiredAlerts_areNeitherFoundNorChangeable() throws Exception {
    AlertView a = submit(ClientApiTest.validReport().setAggressorDescription("tall")).getAlert();
    // Twin: found while valid.
    assertThat(search("tall")).hasSize(1);
    assertThat(get(a.getAlertId()).getVersion()).isEqualTo(1);

    stop();
    open(NOW.plus(Duration.ofDays(31))); // the node's lifetime is 30 days
    assertThat(search("tall")).isEmpty();
    assertThat(code(() -> get(a.getAlertId()))).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(
            code(
                () ->
                    client.updateAlert(
                        UpdateAlertRequest.newBuilder()
                            .setAlertId(a.getAlertId())
                            .setChanges(Report.newBuilder().setArea("Elsewhere"))
                            .build())))
        .isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  /** One word per canary, so a value kept in clear would show whole (lower-cased). */
  static final List<String> CANARIES =
      List.of(
          "Qxnarrative",
          "Qxcontact",
          "Qxdescription",
          "Qxname",
          "Qxhandle",
          "QXPLATE7",
          "Qxvehicle",
          "Qxsummary",
          "Qxarea",
          "Qxreason");

  @Test
  void purge_leavesNoCanaryInTheDatabaseFiles_norWasOneThereBefore() throws Exception {
    SubmitReportResponse s =
        submit(
            ClientApiTest.validReport()
                .setArea("Qxarea")
                .setNarrative("Qxnarrative")
                .setReporterContact("Qxcontact")
                .setConsent(
                    Consent.newBuilder().setAudience(Audience.AUDIENCE_PEER).setShareContact(true))
                .setAggressorDescription("Qxdescription")
                .addNamesUsed("Qxname")
                .addOnlineHandles("Qxhandle")
                .setVehicle(Vehicle.newBuilder().setDescription("Qxvehicle").setPlate("QXPLATE7"))
                .setModusOperandi("Qxsummary"));
    String id = s.getAlert().getAlertId();
    // An older version and a retraction reason exist too, so their pages must go as well.
    client.updateAlert(
        UpdateAlertRequest.newBuilder()
            .setAlertId(id)
            .setChanges(Report.newBuilder().setAggressorDescription("Qxdescription tall"))
            .build());
    // Twin of the purge: while the alert is current, the row keys open every canary of it (all
    // but the narrative, which is only in the report, and the reason, which comes next).
    String unsealedLive = unsealedText();
    for (String c : CANARIES) {
      if (!c.equals("Qxnarrative") && !c.equals("Qxreason")) {
        assertThat(unsealedLive).as(c).contains(c.toLowerCase(Locale.ROOT));
      }
    }
    client.retractAlert(
        RetractAlertRequest.newBuilder().setAlertId(id).setReason("Qxreason").build());
    SubmitReportResponse other =
        submit(ClientApiTest.validReport().setAggressorDescription("kept"));

    // Before the purge no canary is in the files either: reports, alerts, the queued envelopes,
    // the retraction reason and the search index are sealed or keyed hashes (spec AR-3, AR-6,
    // AR-7). Twin: the incident date, which is kept in clear for range queries, is found by the
    // same scan, so the scan can see what is in clear.
    String before = databaseBytes();
    assertThat(before).contains("2026-11-20");
    for (String c : CANARIES) {
      assertThat(before).as(c).doesNotContain(c.toLowerCase(Locale.ROOT));
    }
    // The retraction cleared the alert's content; its reason is held, sealed, until the purge.
    assertThat(unsealedText()).contains("qxreason");

    PurgeReportResponse p =
        client.purgeReport(PurgeReportRequest.newBuilder().setReportId(s.getReportId()).build());
    assertThat(p.getAlertId()).isEqualTo(id);
    assertThat(p.getRetractionVersion()).isEqualTo(3); // already retracted: no new version

    String after = databaseBytes();
    String unsealedAfter = unsealedText();
    for (String c : CANARIES) {
      assertThat(after).as(c).doesNotContain(c.toLowerCase(Locale.ROOT));
      assertThat(unsealedAfter).as(c).doesNotContain(c.toLowerCase(Locale.ROOT));
    }
    AlertView t = get(id);
    assertThat(t.getTombstone()).isTrue();
    assertThat(t.getRetractionReason()).isEmpty();
    assertThat(client.listReports(ListReportsRequest.getDefaultInstance()).getReportsList())
        .extracting(r -> r.getReportId())
        .containsExactly(other.getReportId());
    assertThat(search("kept")).hasSize(1); // the other report is untouched
    assertThat(
            code(
                () ->
                    client.purgeReport(
                        PurgeReportRequest.newBuilder().setReportId(s.getReportId()).build())))
        .isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void purge_ofALiveAlert_retractsItFirst() {
    SubmitReportResponse s = submit(ClientApiTest.validReport());
    PurgeReportResponse p =
        client.purgeReport(PurgeReportRequest.newBuilder().setReportId(s.getReportId()).build());
    assertThat(p.getRetractionVersion()).isEqualTo(2);
    assertThat(p.getPartnersNotified()).isZero(); // no partners
    AlertView t = get(s.getAlert().getAlertId());
    assertThat(t.getStatus()).isEqualTo(AlertStatus.ALERT_STATUS_RETRACTED);
    assertThat(t.getVersion()).isEqualTo(2);
  }

  @Test
  void submissionKey_afterRetractionAndPurge_answersTheTombstone_thenIsFreeAgain()
      throws IOException {
    String key = "import:qxkey-submission-7f3a";
    SubmitReportResponse first = submitUnder(key);
    String id = first.getAlert().getAlertId();
    client.retractAlert(RetractAlertRequest.newBuilder().setAlertId(id).setReason("dup").build());
    SubmitReportResponse again = submitUnder(key);
    // The report as held now: its alert is the retraction's tombstone.
    assertThat(again.getAlreadySubmitted()).isTrue();
    assertThat(again.getReportId()).isEqualTo(first.getReportId());
    assertThat(again.getAlert().getTombstone()).isTrue();
    assertThat(again.getAlert().getVersion()).isEqualTo(2);
    // Only the key's keyed hash is stored.
    assertThat(databaseBytes()).doesNotContain("qxkey-submission");

    client.purgeReport(PurgeReportRequest.newBuilder().setReportId(first.getReportId()).build());
    SubmitReportResponse afterPurge = submitUnder(key);
    assertThat(afterPurge.getAlreadySubmitted()).isFalse();
    assertThat(afterPurge.getReportId()).isNotEqualTo(first.getReportId());
    assertThat(afterPurge.getAlert().getVersion()).isEqualTo(1);
  }

  private SubmitReportResponse submitUnder(String key) {
    return client.submitReport(
        SubmitReportRequest.newBuilder()
            .setReport(ClientApiTest.validReport())
            .setSubmissionKey(key)
            .build());
  }

  /**
   * What the node's row keys open in its database (a second connection, as a seizer with the
   * passphrase would have).
   */
  private String unsealedText() {
    try (NodeDatabase db =
        NodeDatabase.open(home.databaseFile(), TestCiphers.of(home.dir(), TestNodes.PASSPHRASE))) {
      return Unsealed.text(db);
    }
  }

  /** node.db, node.db-wal and node.db-shm, lower-cased, as one string (ISO-8859-1). */
  private String databaseBytes() throws IOException {
    StringBuilder sb = new StringBuilder();
    Path db = home.databaseFile();
    for (Path f : List.of(db, Path.of(db + "-wal"), Path.of(db + "-shm"))) {
      if (Files.exists(f)) {
        sb.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).append('\n');
      }
    }
    return sb.toString().toLowerCase(Locale.ROOT);
  }
}
