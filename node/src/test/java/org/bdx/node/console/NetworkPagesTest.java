package org.bdx.node.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.node.TestNodes.withToken;
import static org.bdx.node.console.TwoNodes.addPartner;
import static org.bdx.node.console.TwoNodes.channel;

import io.grpc.ManagedChannel;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bdx.node.TestNodes;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.server.RunningNode;
import org.bdx.proto.v1.AddStaffRequest;
import org.bdx.proto.v1.AdminServiceGrpc;
import org.bdx.proto.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.GetAgreementRequest;
import org.bdx.proto.v1.Partner;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.PartnerStatus;
import org.bdx.proto.v1.ProposeAgreementRequest;
import org.bdx.proto.v1.ProposedTerms;
import org.bdx.proto.v1.RejectionCount;
import org.bdx.proto.v1.StaffRole;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network page over real HTTP: two nodes on loopback, East offering North an agreement, and
 * North's coordinator answering it in North's console.
 */
class NetworkPagesTest {
  @TempDir Path tmp;
  private final NodeConfig.HostPort loopback = new NodeConfig.HostPort("127.0.0.1", 0);
  private RunningNode east;
  private RunningNode north;
  private NodeHome northHome;
  private ManagedChannel eastChannel;
  private ManagedChannel northChannel;
  private AdminServiceBlockingStub northAdmin;
  private String agreementId;
  private int port;

  @BeforeEach
  void start() throws Exception {
    NodeHome eastHome = new NodeHome(tmp.resolve("east"));
    northHome = new NodeHome(tmp.resolve("north"));
    TestNodes.init(
        eastHome,
        new NodeConfig("East Outreach", loopback, loopback, "CA", Duration.ofDays(30), 0));
    TestNodes.init(
        northHome, new NodeConfig("North Peers", loopback, loopback, "CA", Duration.ofDays(30), 0));
    east =
        RunningNode.start(
            eastHome, TestNodes.PASSPHRASE, Clock.systemUTC(), loopback, loopback, List.of());
    north =
        RunningNode.start(
            northHome, TestNodes.PASSPHRASE, Clock.systemUTC(), loopback, loopback, List.of());
    eastChannel = channel(east);
    northChannel = channel(north);
    AdminServiceBlockingStub eastAdmin =
        withToken(AdminServiceGrpc.newBlockingStub(eastChannel), eastHome.readAdminToken());
    northAdmin =
        withToken(AdminServiceGrpc.newBlockingStub(northChannel), northHome.readAdminToken());
    addPartner(eastAdmin, "north", north);
    addPartner(northAdmin, "east", east);
    DirectionTerms send =
        DirectionTerms.newBuilder()
            .setAllHarms(true)
            .setAllAreas(true)
            .addFieldPaths("area")
            .addFieldPaths("phone_numbers")
            .setRetentionDays(30)
            .build();
    agreementId =
        eastAdmin
            .proposeAgreement(
                ProposeAgreementRequest.newBuilder()
                    .setPartner("north")
                    .setTerms(
                        ProposedTerms.newBuilder()
                            .setWeSend(send)
                            .setWeReceive(
                                send.toBuilder().setReceiverClass(PartnerClass.PARTNER_CLASS_PEER)))
                    .build())
            .getAgreement()
            .getAgreementId();
    port = north.startConsole(loopback, Clock.systemUTC()).port();
  }

  @AfterEach
  void stop() {
    eastChannel.shutdownNow();
    northChannel.shutdownNow();
    north.close();
    east.close();
  }

  @Test
  void coordinator_seesTheOfferInPlainWords_andAcceptsIt() throws Exception {
    ConsoleClient c = new ConsoleClient(port);
    c.login(northHome.readAdminToken());
    String page = c.get("/network").body();
    assertThat(page)
        .contains("<h1>Partners and agreements</h1>")
        .contains("href=\"/network\"")
        .contains("<h3>east</h3>")
        .contains("Sex-worker-led organization")
        .contains("<dt>Last exchange</dt><dd>Never</dd>")
        .contains("<dt>Refused from them</dt><dd>Nothing</dd>")
        .contains("<h3>With east</h3>")
        .contains("Offered to us; not answered")
        .contains("Warnings of every kind of harm in every area, with: area, phone numbers")
        .contains("action=\"/agreement/" + agreementId + "/accept\"")
        .contains("Accept this agreement")
        .doesNotContain("Pause sharing");

    HttpResponse<String> accepted = c.postFrom("/network", "/agreement/" + agreementId + "/accept");
    assertThat(accepted.statusCode()).isEqualTo(303);
    assertThat(accepted.headers().firstValue("Location")).hasValue("/network?accepted");
    assertThat(state()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
    assertThat(c.get("/network?accepted").body())
        .contains("The agreement is accepted")
        .contains("<dt>State</dt><dd>Sharing</dd>")
        .contains("Pause sharing")
        .doesNotContain("Accept this agreement");
  }

  @Test
  void coordinator_pausesSharing_thenStartsItAgain() throws Exception {
    ConsoleClient c = new ConsoleClient(port);
    c.login(northHome.readAdminToken());
    c.postFrom("/network", "/agreement/" + agreementId + "/accept");

    HttpResponse<String> paused = c.postFrom("/network", "/agreement/" + agreementId + "/suspend");
    assertThat(paused.headers().firstValue("Location")).hasValue("/network?suspended");
    assertThat(state()).isEqualTo(AgreementState.AGREEMENT_STATE_SUSPENDED);
    assertThat(c.get("/network?suspended").body())
        .contains("Sharing is paused")
        .contains("<dt>State</dt><dd>Paused by us</dd>")
        .contains("Start sharing again");

    HttpResponse<String> resumed = c.postFrom("/network", "/agreement/" + agreementId + "/resume");
    assertThat(resumed.headers().firstValue("Location")).hasValue("/network?resumed");
    assertThat(state()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
    assertThat(c.get("/network").body()).contains("<dt>State</dt><dd>Sharing</dd>");
  }

  @Test
  void intakeStaff_getNoNetworkLink_andTheNodeRefusesThePageAndTheButtons() throws Exception {
    String robin =
        northAdmin
            .addStaff(
                AddStaffRequest.newBuilder()
                    .setName("robin")
                    .setRole(StaffRole.STAFF_ROLE_INTAKE)
                    .build())
            .getCredential();
    ConsoleClient c = new ConsoleClient(port);
    c.login(robin);
    assertThat(c.get("/check").body())
        .contains("href=\"/bulletin\"")
        .doesNotContain("href=\"/network\"");
    HttpResponse<String> page = c.get("/network");
    assertThat(page.statusCode()).isEqualTo(403);
    assertThat(page.body()).contains("needs coordinator").doesNotContain("Accept this agreement");
    // The node's own role rule decides, not the missing button.
    HttpResponse<String> accept = c.postFrom("/check", "/agreement/" + agreementId + "/accept");
    assertThat(accept.statusCode()).isEqualTo(403);
    assertThat(state()).isEqualTo(AgreementState.AGREEMENT_STATE_PROPOSED);
  }

  @Test
  void accept_withoutTheFormsToken_isRefused_andChangesNothing() throws Exception {
    ConsoleClient c = new ConsoleClient(port);
    c.login(northHome.readAdminToken());
    HttpResponse<String> r = c.post("/agreement/" + agreementId + "/accept", Map.of());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(state()).isEqualTo(AgreementState.AGREEMENT_STATE_PROPOSED);
  }

  @Test
  void partner_whatWasRefused_isCountedByReasonInPlainWords_andEscaped() {
    String card =
        NetworkPages.partner(
            ConsoleWords.english(),
            Partner.newBuilder()
                .setName("<north>")
                .setPartnerClass(PartnerClass.PARTNER_CLASS_POLICE)
                .build(),
            PartnerStatus.newBuilder()
                .setInboundRejected(3)
                .addInboundRejectedByReason(
                    RejectionCount.newBuilder().setReason("FIELD_NOT_GRANTED").setCount(2))
                .addInboundRejectedByReason(
                    RejectionCount.newBuilder().setReason("BAD_SIGNATURE").setCount(1))
                .setLastError("the partner's node is not running or not reachable")
                .build());
    assertThat(card)
        .contains("<h3>&lt;north&gt;</h3>")
        .contains("Police liaison")
        .contains("3 warnings not kept")
        .contains("2 held more than your agreement allows")
        .contains("1 did not check out as theirs")
        .contains("(FIELD_NOT_GRANTED)")
        .contains("<dd>No: the partner&#39;s node is not running or not reachable</dd>");
  }

  @Test
  void agreement_withTheirNewTermsPending_saysHowToAcceptThem_andAViewerGetsNoButton() {
    org.bdx.proto.v1.Agreement a =
        org.bdx.proto.v1.Agreement.newBuilder()
            .setAgreementId("agr1")
            .setPartner("east")
            .setState(AgreementState.AGREEMENT_STATE_ACTIVE)
            .setPendingAmendment(
                org.bdx.proto.v1.PendingAmendment.newBuilder().setProposedByUs(false))
            .build();
    String card = NetworkPages.agreement(ConsoleWords.english(), null, a, false);
    assertThat(card)
        .contains("They proposed new terms")
        .contains("bdx agreement accept agr1")
        .doesNotContain("<form");
  }

  private AgreementState state() {
    return northAdmin
        .getAgreement(GetAgreementRequest.newBuilder().setAgreementId(agreementId).build())
        .getAgreement()
        .getState();
  }
}
