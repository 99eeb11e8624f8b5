package org.bdx.node.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.node.TestNodes.withToken;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.bdx.node.TestNodes;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.mail.TestSmtp;
import org.bdx.node.server.RunningNode;
import org.bdx.proto.v1.AddStaffRequest;
import org.bdx.proto.v1.AddSubscriberRequest;
import org.bdx.proto.v1.AdminServiceGrpc;
import org.bdx.proto.v1.DistributionServiceGrpc;
import org.bdx.proto.v1.StaffRole;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bulletin page over real HTTP: a node sending through a real SMTP server on loopback, one
 * warning entered in its console, previewed, opened alone to print and sent.
 */
class BulletinPagesTest {
  @TempDir Path tmp;
  private final NodeConfig.HostPort loopback = new NodeConfig.HostPort("127.0.0.1", 0);
  private final String since = LocalDate.now(ZoneOffset.UTC).minusDays(10).toString();
  private NodeHome home;
  private RunningNode node;
  private TestSmtp smtp;
  private ManagedChannel channel;
  private int port;

  @BeforeEach
  void start() throws Exception {
    smtp = new TestSmtp(tmp);
    smtp.start();
    home = new NodeHome(tmp.resolve("n"));
    TestNodes.init(
        home, new NodeConfig("East Outreach", loopback, loopback, "CA", Duration.ofDays(30), 0));
    Files.writeString(
        home.configFile(),
        smtp.settings() + "bulletin.on_high_severity=false\n",
        StandardOpenOption.APPEND);
    node =
        RunningNode.start(
            home, TestNodes.PASSPHRASE, Clock.systemUTC(), loopback, loopback, List.of());
    port = node.startConsole(loopback, Clock.systemUTC()).port();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", node.clientPort()).usePlaintext().build();
    ConsoleClient intake = new ConsoleClient(port);
    intake.login(home.readClientToken());
    HttpResponse<String> saved =
        intake.postFrom(
            "/report",
            "/report",
            "incident_date",
            LocalDate.now(ZoneOffset.UTC).minusDays(2).toString(),
            "area",
            "Eastside",
            "harms",
            "robbery",
            "aggressor_description",
            "grey beard, snake tattoo",
            "audience",
            "peer");
    assertThat(saved.statusCode()).isEqualTo(303);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    node.close();
    smtp.close();
  }

  @Test
  void page_beforeChoosing_offersTheLastMonthAndEveryLanguage_withoutAPreview() throws Exception {
    ConsoleClient c = new ConsoleClient(port);
    c.login(home.readClientToken());
    String page = c.get("/bulletin").body();
    assertThat(page)
        .contains("<h1>Bulletin</h1>")
        .contains(
            "id=\"since\" name=\"since\" value=\""
                + LocalDate.now(ZoneOffset.UTC).minusDays(30)
                + "\"")
        .contains("<option value=\"vi\" lang=\"vi\">Tiếng Việt (Vietnamese)</option>")
        .doesNotContain("<iframe");
  }

  @Test
  void preview_saysHowManyWarnings_framesTheBulletin_andSaysHowToPrintIt() throws Exception {
    ConsoleClient c = new ConsoleClient(port);
    c.login(home.readClientToken());
    HttpResponse<String> r = c.get("/bulletin?since=" + since + "&area=&lang=en");
    assertThat(r.statusCode()).isEqualTo(200);
    String view = "/bulletin/view?since=" + since + "&amp;area=&amp;lang=en";
    assertThat(r.body())
        .contains("1 warning since " + since)
        .contains("<iframe class=\"bulletin\" title=\"The bulletin\" sandbox src=\"" + view + "\"")
        .contains("<a href=\"" + view + "\">Open the bulletin on its own to print it</a>")
        .contains("use your browser&#39;s Print");
    // Only this page may frame, and only from the console itself; the rest stay unframeable.
    assertThat(r.headers().firstValue("Content-Security-Policy"))
        .hasValue(BulletinPages.FRAMING_CSP);
    assertThat(BulletinPages.FRAMING_CSP)
        .contains("frame-src 'self'")
        .contains("default-src 'none'")
        .doesNotContain("script");
    assertThat(c.get("/check").headers().firstValue("Content-Security-Policy"))
        .hasValue(ConsoleServer.CSP);
  }

  @Test
  void view_isTheNodesOwnBulletin_underAPolicyThatRunsNothing() throws Exception {
    ConsoleClient c = new ConsoleClient(port);
    c.login(home.readClientToken());
    HttpResponse<String> r = c.get("/bulletin/view?since=" + since + "&area=&lang=fr");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains("<html lang=\"fr\"")
        .contains("<style>")
        .contains("@media print")
        .contains("Eastside")
        .contains("grey beard");
    assertThat(r.headers().firstValue("Content-Security-Policy"))
        .hasValue(BulletinPages.BULLETIN_CSP);
    assertThat(BulletinPages.BULLETIN_CSP)
        .contains("sandbox")
        .contains("frame-ancestors 'self'")
        .doesNotContain("script");
    assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("SAMEORIGIN");
    // Another area: the warning is not in it.
    assertThat(c.get("/bulletin/view?since=" + since + "&area=Harbour&lang=en").body())
        .doesNotContain("Eastside");
  }

  @Test
  void preview_withAWrongDate_namesTheFieldAndShowsNoBulletin() throws Exception {
    ConsoleClient c = new ConsoleClient(port);
    c.login(home.readClientToken());
    HttpResponse<String> r = c.get("/bulletin?since=last+week&area=&lang=en");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body())
        .contains("id=\"since-error\"")
        .contains("aria-invalid=\"true\"")
        .doesNotContain("<iframe");
  }

  @Test
  void coordinator_sendsIt_andSeesWhatBecameOfIt() throws Exception {
    subscriber("worker@example.org");
    ConsoleClient c = new ConsoleClient(port);
    c.login(home.readAdminToken());
    assertThat(c.get("/bulletin").body())
        .contains("action=\"/bulletin/send\"")
        .contains("Send the bulletin");
    HttpResponse<String> r = c.postFrom("/bulletin", "/bulletin/send", "since", since);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains("<h1>Bulletin sent</h1>")
        .contains("Sent to 1 subscriber,")
        .contains("<dt>Delivered now</dt><dd>1</dd>")
        .contains("<dt>Still waiting to go</dt><dd>None</dd>")
        .contains("<dt>Given up</dt><dd>None</dd>")
        .doesNotContain("worker@example.org");
    assertThat(smtp.received()).hasSize(1);
  }

  @Test
  void intakeStaff_seeNoSendButton_andTheNodeRefusesToSendForThem() throws Exception {
    subscriber("worker@example.org");
    ConsoleClient c = new ConsoleClient(port);
    c.login(home.readClientToken());
    assertThat(c.get("/bulletin").body()).doesNotContain("/bulletin/send");
    HttpResponse<String> r = c.postFrom("/bulletin", "/bulletin/send", "since", since);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(smtp.received()).isEmpty();
  }

  @Test
  void aViewer_mayPreviewTheBulletin() throws Exception {
    String sam =
        withToken(AdminServiceGrpc.newBlockingStub(channel), home.readAdminToken())
            .addStaff(
                AddStaffRequest.newBuilder()
                    .setName("sam")
                    .setRole(StaffRole.STAFF_ROLE_VIEWER)
                    .build())
            .getCredential();
    ConsoleClient c = new ConsoleClient(port);
    c.login(sam);
    assertThat(c.get("/bulletin?since=" + since + "&area=&lang=en").body())
        .contains("1 warning since");
  }

  private void subscriber(String address) throws Exception {
    withToken(DistributionServiceGrpc.newBlockingStub(channel), home.readAdminToken())
        .addSubscriber(AddSubscriberRequest.newBuilder().setAddress(address).build());
  }
}
