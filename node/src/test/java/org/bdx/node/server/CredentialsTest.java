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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.bdx.node.TestNodes;
import org.bdx.node.edge.CredentialCheck;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.proto.v1.AddStaffRequest;
import org.bdx.proto.v1.AddStaffResponse;
import org.bdx.proto.v1.AdminServiceGrpc;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.GetNodeInfoRequest;
import org.bdx.proto.v1.GetStatusRequest;
import org.bdx.proto.v1.ListReportsRequest;
import org.bdx.proto.v1.ListStaffRequest;
import org.bdx.proto.v1.PurgeReportRequest;
import org.bdx.proto.v1.RevokeStaffRequest;
import org.bdx.proto.v1.SearchAlertsRequest;
import org.bdx.proto.v1.StaffAccount;
import org.bdx.proto.v1.StaffRole;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which credential opens which service (spec API-1, ADM-1, CONF-2): the client API takes the client
 * or the admin credential, the admin API only the admin credential, and nothing else opens either.
 * The subject is {@link Node#clientServices}, which gives each service its {@code
 * edge/CredentialCheck}; the check itself is exercised through it.
 */
class CredentialsTest {
  @TempDir Path tmp;

  private Node node;
  private Server server;
  private ManagedChannel channel;
  private String clientToken;
  private String adminToken;

  @BeforeEach
  void start() throws Exception {
    NodeHome home = new NodeHome(tmp.resolve("n"));
    NodeConfig.HostPort any = new NodeConfig.HostPort("127.0.0.1", 0);
    TestNodes.init(home, new NodeConfig("Org", any, any, "CA", Duration.ofDays(30), 0));
    node = Node.open(home, TestNodes.PASSPHRASE, Clock.systemUTC());
    clientToken = home.readClientToken();
    adminToken = home.readAdminToken();
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor();
    node.clientServices().forEach(builder::addService);
    server = builder.build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
    node.close();
  }

  @Test
  void clientApi_acceptsTheClientAndTheAdminCredential() {
    for (String token : new String[] {clientToken, adminToken}) {
      assertThat(
              bearer(ClientServiceGrpc.newBlockingStub(channel), token)
                  .getNodeInfo(GetNodeInfoRequest.getDefaultInstance())
                  .getNodeId())
          .isEqualTo(node.nodeId().value());
    }
  }

  @Test
  void clientApi_refusesAnyOtherCredential() {
    for (String token : new String[] {null, "", "not-the-token", clientToken + adminToken}) {
      assertUnauthenticated(
          () ->
              bearer(ClientServiceGrpc.newBlockingStub(channel), token)
                  .getNodeInfo(GetNodeInfoRequest.getDefaultInstance()));
    }
  }

  @Test
  void adminApi_acceptsOnlyTheAdminCredential() {
    assertThat(
            bearer(AdminServiceGrpc.newBlockingStub(channel), adminToken)
                .getStatus(GetStatusRequest.getDefaultInstance())
                .getNodeId())
        .isEqualTo(node.nodeId().value());
    for (String token : new String[] {null, "not-the-token"}) {
      assertUnauthenticated(
          () ->
              bearer(AdminServiceGrpc.newBlockingStub(channel), token)
                  .getStatus(GetStatusRequest.getDefaultInstance()));
    }
    // The client credential is an intake account: known, but its role may not (ADM-1).
    assertStatus(
        () ->
            bearer(AdminServiceGrpc.newBlockingStub(channel), clientToken)
                .getStatus(GetStatusRequest.getDefaultInstance()),
        Status.Code.PERMISSION_DENIED);
  }

  @Test
  void roles_allowWhatEachMayDo_andRefuseTheRest() {
    AdminServiceGrpc.AdminServiceBlockingStub admin =
        bearer(AdminServiceGrpc.newBlockingStub(channel), adminToken);
    String viewer = addStaff(admin, "vi", StaffRole.STAFF_ROLE_VIEWER);
    String intake = addStaff(admin, "in", StaffRole.STAFF_ROLE_INTAKE);
    String coordinator = addStaff(admin, "co", StaffRole.STAFF_ROLE_COORDINATOR);

    // Everyone may search; the twin of each refusal below.
    for (String c : new String[] {viewer, intake, coordinator}) {
      assertThat(
              bearer(ClientServiceGrpc.newBlockingStub(channel), c)
                  .searchAlerts(SearchAlertsRequest.getDefaultInstance())
                  .getAlertsCount())
          .isZero();
    }
    // A viewer may not list reports (nor enter one); intake may.
    assertStatus(
        () ->
            bearer(ClientServiceGrpc.newBlockingStub(channel), viewer)
                .listReports(ListReportsRequest.getDefaultInstance()),
        Status.Code.PERMISSION_DENIED);
    assertThat(
            bearer(ClientServiceGrpc.newBlockingStub(channel), intake)
                .listReports(ListReportsRequest.getDefaultInstance())
                .getReportsCount())
        .isZero();
    // Intake may not purge or use the admin API; a coordinator may (NOT_FOUND: it was let in).
    PurgeReportRequest purge =
        PurgeReportRequest.newBuilder().setReportId("aaaaaaaaaaaaaaaaaaaaaaaaaa").build();
    assertStatus(
        () -> bearer(ClientServiceGrpc.newBlockingStub(channel), intake).purgeReport(purge),
        Status.Code.PERMISSION_DENIED);
    assertStatus(
        () -> bearer(ClientServiceGrpc.newBlockingStub(channel), coordinator).purgeReport(purge),
        Status.Code.NOT_FOUND);
    assertStatus(
        () ->
            bearer(AdminServiceGrpc.newBlockingStub(channel), intake)
                .listStaff(ListStaffRequest.getDefaultInstance()),
        Status.Code.PERMISSION_DENIED);
    assertThat(
            bearer(AdminServiceGrpc.newBlockingStub(channel), coordinator)
                .listStaff(ListStaffRequest.getDefaultInstance())
                .getAccountsList())
        .extracting(StaffAccount::getName)
        .containsExactly("admin", "client", "co", "in", "vi");
  }

  @Test
  void revokedCredential_failsFromTheNextCall_othersGoOn() {
    AdminServiceGrpc.AdminServiceBlockingStub admin =
        bearer(AdminServiceGrpc.newBlockingStub(channel), adminToken);
    String leaving = addStaff(admin, "leaving", StaffRole.STAFF_ROLE_INTAKE);
    ClientServiceGrpc.ClientServiceBlockingStub asLeaving =
        bearer(ClientServiceGrpc.newBlockingStub(channel), leaving);
    asLeaving.searchAlerts(SearchAlertsRequest.getDefaultInstance());

    admin.revokeStaff(RevokeStaffRequest.newBuilder().setName("LEAVING").build());

    assertUnauthenticated(() -> asLeaving.searchAlerts(SearchAlertsRequest.getDefaultInstance()));
    bearer(ClientServiceGrpc.newBlockingStub(channel), clientToken)
        .searchAlerts(SearchAlertsRequest.getDefaultInstance());
  }

  @Test
  void theLastCoordinator_cannotBeRevoked_butOneOfTwoCan() {
    AdminServiceGrpc.AdminServiceBlockingStub admin =
        bearer(AdminServiceGrpc.newBlockingStub(channel), adminToken);
    assertStatus(
        () -> admin.revokeStaff(RevokeStaffRequest.newBuilder().setName("admin").build()),
        Status.Code.FAILED_PRECONDITION);
    String second = addStaff(admin, "second", StaffRole.STAFF_ROLE_COORDINATOR);
    admin.revokeStaff(RevokeStaffRequest.newBuilder().setName("admin").build());
    assertUnauthenticated(() -> admin.listStaff(ListStaffRequest.getDefaultInstance()));
    assertThat(
            bearer(AdminServiceGrpc.newBlockingStub(channel), second)
                .listStaff(ListStaffRequest.getDefaultInstance())
                .getAccountsCount())
        .isEqualTo(3);
  }

  @Test
  void addStaff_refusesATakenNameOrAMissingRole() {
    AdminServiceGrpc.AdminServiceBlockingStub admin =
        bearer(AdminServiceGrpc.newBlockingStub(channel), adminToken);
    addStaff(admin, "sam", StaffRole.STAFF_ROLE_VIEWER);
    assertStatus(
        () -> addStaff(admin, "SAM", StaffRole.STAFF_ROLE_VIEWER), Status.Code.ALREADY_EXISTS);
    assertStatus(
        () -> addStaff(admin, "robin", StaffRole.STAFF_ROLE_UNSPECIFIED),
        Status.Code.INVALID_ARGUMENT);
    assertStatus(
        () -> addStaff(admin, "not a name", StaffRole.STAFF_ROLE_VIEWER),
        Status.Code.INVALID_ARGUMENT);
  }

  private static String addStaff(
      AdminServiceGrpc.AdminServiceBlockingStub admin, String name, StaffRole role) {
    AddStaffResponse r =
        admin.addStaff(AddStaffRequest.newBuilder().setName(name).setRole(role).build());
    assertThat(r.getCredential()).startsWith("bdxs-");
    return r.getCredential();
  }

  private static <S extends AbstractStub<S>> S bearer(S stub, String token) {
    if (token == null) {
      return stub;
    }
    Metadata m = new Metadata();
    m.put(CredentialCheck.AUTHORIZATION, "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
  }

  private static void assertUnauthenticated(Runnable call) {
    assertStatus(call, Status.Code.UNAUTHENTICATED);
  }

  private static void assertStatus(Runnable call, Status.Code expected) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(expected));
  }
}
