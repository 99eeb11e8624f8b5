package org.bdx.node.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bdx.node.TestNodes.withToken;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Instant;
import org.bdx.node.InProcessNode;
import org.bdx.node.home.NodeHome;
import org.bdx.node.server.Node;
import org.bdx.proto.v1.AddStaffRequest;
import org.bdx.proto.v1.AdminServiceGrpc;
import org.bdx.proto.v1.AlertCount;
import org.bdx.proto.v1.AuditEntry;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.CountAlertsRequest;
import org.bdx.proto.v1.CountAlertsResponse;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.ListAuditRequest;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.StaffRole;
import org.bdx.proto.v1.StatsGroup;
import org.bdx.proto.v1.StatsGrouping;
import org.bdx.proto.v1.StatsServiceGrpc;
import org.bdx.proto.v1.SubmitReportRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CountAlerts over the in-process transport of a real node: the small counts never cross the wire
 * as numbers (STAT-3), bad requests name their field, every call is audited without its criteria's
 * values (STAT-4), and a viewer may call it while a caller without a credential may not (STAT-1).
 */
class StatsApiTest {
  static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

  @TempDir Path tmp;
  NodeHome home;
  Node node;
  InProcessNode served;
  ManagedChannel channel;
  ClientServiceGrpc.ClientServiceBlockingStub client;
  AdminServiceGrpc.AdminServiceBlockingStub admin;
  StatsServiceGrpc.StatsServiceBlockingStub stats;

  @BeforeEach
  void start() throws Exception {
    home = InProcessNode.newHome(tmp.resolve("home"));
    served = InProcessNode.open(home, NOW);
    node = served.node;
    channel = served.channel;
    client = withToken(ClientServiceGrpc.newBlockingStub(channel), home.readClientToken());
    admin = withToken(AdminServiceGrpc.newBlockingStub(channel), home.readAdminToken());
    stats = withToken(StatsServiceGrpc.newBlockingStub(channel), home.readClientToken());
  }

  @AfterEach
  void stop() throws Exception {
    served.close();
  }

  private void submit(int times, String date, String area) {
    for (int i = 0; i < times; i++) {
      client.submitReport(
          SubmitReportRequest.newBuilder()
              .setReport(
                  Report.newBuilder()
                      .setIncidentDate(date)
                      .setArea(area)
                      .addHarms(HarmCategory.HARM_CATEGORY_PHYSICAL_ASSAULT)
                      .setAggressorDescription("tall"))
              .build());
    }
  }

  private static CountAlertsRequest by(StatsGrouping g) {
    return CountAlertsRequest.newBuilder().setBy(g).build();
  }

  @Test
  void countAlerts_sendsNoCountFromOneToFour_asANumber() {
    submit(6, "2026-11-10", "Downtown");
    submit(2, "2026-11-12", "Strathcona");

    CountAlertsResponse r = stats.countAlerts(by(StatsGrouping.STATS_GROUPING_AREA));

    AlertCount none = AlertCount.getDefaultInstance();
    assertThat(r.getBy()).isEqualTo(StatsGrouping.STATS_GROUPING_AREA);
    assertThat(r.getGroupsList())
        .containsExactly(
            StatsGroup.newBuilder()
                .setKey("Downtown")
                .setOwn(AlertCount.newBuilder().setCount(6))
                .setReceived(none)
                .build(),
            StatsGroup.newBuilder()
                .setKey("Strathcona")
                .setOwn(AlertCount.newBuilder().setFewerThanFive(true))
                .setReceived(none)
                .build());
  }

  @Test
  void countAlerts_byMonth_withinThePeriod_andAudited() {
    submit(5, "2026-10-10", "Downtown");
    submit(1, "2026-11-12", "Downtown");

    CountAlertsResponse r =
        stats.countAlerts(
            CountAlertsRequest.newBuilder()
                .setSince("2026-10-01")
                .setUntil("2026-10-31")
                .setBy(StatsGrouping.STATS_GROUPING_MONTH)
                .build());

    assertThat(r.getSince()).isEqualTo("2026-10-01");
    assertThat(r.getUntil()).isEqualTo("2026-10-31");
    assertThat(r.getGroupsList()).hasSize(1);
    assertThat(r.getGroups(0).getKey()).isEqualTo("2026-10");
    assertThat(r.getGroups(0).getOwn().getCount()).isEqualTo(5);
    AuditEntry last =
        admin.listAudit(ListAuditRequest.getDefaultInstance()).getEntriesList().stream()
            .reduce((a, b) -> b)
            .orElseThrow();
    assertThat(last.getAction()).isEqualTo("stats");
    assertThat(last.getDetail()).isEqualTo("criteria=since,until by=month groups=1");
  }

  @Test
  void countAlerts_badRequests_nameTheirField() {
    assertInvalid(by(StatsGrouping.STATS_GROUPING_UNSPECIFIED), "by:");
    assertInvalid(
        CountAlertsRequest.newBuilder()
            .setSince("1 Nov")
            .setBy(StatsGrouping.STATS_GROUPING_AREA)
            .build(),
        "since: not a date in the form YYYY-MM-DD");
    assertInvalid(
        CountAlertsRequest.newBuilder()
            .setSince("2026-11-02")
            .setUntil("2026-11-01")
            .setBy(StatsGrouping.STATS_GROUPING_AREA)
            .build(),
        "until: 2026-11-01 is before since (2026-11-02)");
  }

  private void assertInvalid(CountAlertsRequest q, String message) {
    assertThatThrownBy(() -> stats.countAlerts(q))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains(message);
            });
  }

  @Test
  void countAlerts_aViewerMay_aCallerWithoutCredentialMayNot() {
    submit(5, "2026-11-10", "Downtown");
    String viewer =
        admin
            .addStaff(
                AddStaffRequest.newBuilder()
                    .setName("outreach-viewer")
                    .setRole(StaffRole.STAFF_ROLE_VIEWER)
                    .build())
            .getCredential();
    CountAlertsResponse r =
        withToken(StatsServiceGrpc.newBlockingStub(channel), viewer)
            .countAlerts(by(StatsGrouping.STATS_GROUPING_HARM));
    assertThat(r.getGroups(0).getKey()).isEqualTo("physical_assault");
    assertThat(r.getGroups(0).getOwn().getCount()).isEqualTo(5);

    assertThatThrownBy(
            () ->
                StatsServiceGrpc.newBlockingStub(channel)
                    .countAlerts(by(StatsGrouping.STATS_GROUPING_HARM)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    assertThatThrownBy(
            () ->
                withToken(StatsServiceGrpc.newBlockingStub(channel), "not-a-credential")
                    .countAlerts(by(StatsGrouping.STATS_GROUPING_HARM)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }
}
