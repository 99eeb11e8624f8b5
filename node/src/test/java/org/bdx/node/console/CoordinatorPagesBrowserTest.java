package org.bdx.node.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.node.TestNodes.withToken;
import static org.bdx.node.console.TwoNodes.addPartner;
import static org.bdx.node.console.TwoNodes.channel;

import io.grpc.ManagedChannel;
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
import org.bdx.proto.v1.AddSubscriberRequest;
import org.bdx.proto.v1.AdminServiceGrpc;
import org.bdx.proto.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.DistributionServiceGrpc;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.ProposeAgreementRequest;
import org.bdx.proto.v1.ProposedTerms;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A coordinator's pages in headless Chromium, as {@link ConsoleBrowserTest} drives the staff pages:
 * North's coordinator answers East's offered agreement on the network page, previews the bulletin
 * in its frame (which only works if the bulletin's own policy, the frame's sandbox and the session
 * cookie agree in a real browser), opens it alone to print, and sends it through a real SMTP
 * server. axe-core checks each console page; screenshots go to {@code target/console-screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CoordinatorPagesBrowserTest {
  @TempDir static Path tmp;
  private final NodeConfig.HostPort loopback = new NodeConfig.HostPort("127.0.0.1", 0);
  private RunningNode east;
  private RunningNode north;
  private TestSmtp smtp;
  private ManagedChannel eastChannel;
  private ManagedChannel northChannel;
  private ChromeDriver browser;
  private String base;
  private Chromium chrome;
  private String coordinator;

  @BeforeAll
  void start() throws Exception {
    // Before any node starts: skipped (outside CI) where the browser is not installed.
    Chromium.assumeInstalled();

    smtp = new TestSmtp(tmp);
    smtp.start();
    NodeHome eastHome = new NodeHome(tmp.resolve("east"));
    NodeHome northHome = new NodeHome(tmp.resolve("north"));
    TestNodes.init(
        eastHome,
        new NodeConfig("East Outreach", loopback, loopback, "CA", Duration.ofDays(30), 0));
    TestNodes.init(
        northHome, new NodeConfig("North Peers", loopback, loopback, "CA", Duration.ofDays(30), 0));
    Files.writeString(
        northHome.configFile(),
        smtp.settings() + "bulletin.on_high_severity=false\n",
        StandardOpenOption.APPEND);
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
    AdminServiceBlockingStub northAdmin =
        withToken(AdminServiceGrpc.newBlockingStub(northChannel), northHome.readAdminToken());
    addPartner(eastAdmin, "north", north);
    addPartner(northAdmin, "east", east);
    DirectionTerms send =
        DirectionTerms.newBuilder()
            .setAllHarms(true)
            .setAllAreas(true)
            .addFieldPaths("area")
            .setRetentionDays(30)
            .build();
    eastAdmin.proposeAgreement(
        ProposeAgreementRequest.newBuilder()
            .setPartner("north")
            .setTerms(
                ProposedTerms.newBuilder()
                    .setWeSend(send)
                    .setWeReceive(
                        send.toBuilder().setReceiverClass(PartnerClass.PARTNER_CLASS_PEER)))
            .build());
    withToken(DistributionServiceGrpc.newBlockingStub(northChannel), northHome.readAdminToken())
        .addSubscriber(
            AddSubscriberRequest.newBuilder().setAddress("outreach@example.org").build());

    int port = north.startConsole(loopback, Clock.systemUTC()).port();
    base = "http://127.0.0.1:" + port;
    ConsoleClient intake = new ConsoleClient(port);
    intake.login(northHome.readClientToken());
    assertThat(
            intake
                .postFrom(
                    "/report",
                    "/report",
                    "incident_date",
                    LocalDate.now(ZoneOffset.UTC).minusDays(3).toString(),
                    "area",
                    "Harbour",
                    "harms",
                    "robbery",
                    "audience",
                    "peer")
                .statusCode())
        .isEqualTo(303);
    coordinator = northHome.readAdminToken();

    chrome = Chromium.open();
    browser = chrome.browser;
  }

  @AfterAll
  void stop() {
    if (chrome != null) {
      chrome.close();
    }
    if (eastChannel != null) {
      eastChannel.shutdownNow();
      northChannel.shutdownNow();
    }
    if (north != null) {
      north.close();
    }
    if (east != null) {
      east.close();
    }
    if (smtp != null) {
      smtp.close();
    }
  }

  @Test
  @Order(1)
  void network_showsTheOffer_andAcceptingItStartsSharing() throws Exception {
    browser.get(base + "/login");
    browser.findElement(By.id("credential")).sendKeys(coordinator);
    Chromium.clickAndWait(
        browser, browser.findElement(By.cssSelector("form[action='/login'] button")));
    assertThat(
            Chromium.clickForHeading(
                browser, browser.findElement(By.linkText("Partners and agreements"))))
        .isEqualTo("Partners and agreements");
    assertThat(browser.findElement(By.id("main")).getText())
        .contains("Offered to us; not answered")
        .contains("Sex-worker-led organization");
    assertNoAxeViolations("network");
    shot("network");

    Chromium.clickAndWait(
        browser, browser.findElement(By.xpath("//button[text()='Accept this agreement']")));
    assertThat(browser.findElement(By.cssSelector("[role=status]")).getText())
        .contains("The agreement is accepted");
    assertThat(browser.findElement(By.id("main")).getText()).contains("Sharing");
    assertNoAxeViolations("network after accepting");
    shot("network-accepted");
  }

  @Test
  @Order(2)
  void bulletin_isPreviewedInItsFrame_andOpensAloneToPrint() throws Exception {
    browser.get(base + "/bulletin");
    setValue("since", LocalDate.now(ZoneOffset.UTC).minusDays(10).toString());
    Chromium.clickAndWait(
        browser, browser.findElement(By.xpath("//button[text()='Show the bulletin']")));
    assertThat(browser.findElement(By.id("preview")).getText()).startsWith("1 warning since");
    assertNoAxeViolations("bulletin");
    shot("bulletin");
    // The frame really shows the bulletin: its policy, sandbox and the session all allow it.
    WebElement frame = browser.findElement(By.cssSelector("iframe.bulletin"));
    browser.switchTo().frame(frame);
    try {
      assertThat(browser.findElement(By.tagName("body")).getText())
          .contains("North Peers")
          .contains("Harbour");
    } finally {
      browser.switchTo().defaultContent();
    }

    Chromium.clickAndWait(
        browser, browser.findElement(By.linkText("Open the bulletin on its own to print it")));
    assertThat(browser.getCurrentUrl()).contains("/bulletin/view?");
    assertThat(browser.findElement(By.tagName("body")).getText()).contains("Harbour");
    shot("bulletin-print");
  }

  @Test
  @Order(3)
  void bulletin_sentByTheCoordinator_saysWhatBecameOfIt() throws Exception {
    browser.get(base + "/bulletin");
    assertThat(
            Chromium.clickForHeading(
                browser, browser.findElement(By.xpath("//button[text()='Send the bulletin']"))))
        .isEqualTo("Bulletin sent");
    assertThat(browser.findElement(By.cssSelector("[role=status]")).getText())
        .contains("Sent to 1 subscriber");
    assertThat(smtp.received()).hasSize(1);
    assertNoAxeViolations("bulletin sent");
    shot("bulletin-sent");
  }

  private void setValue(String id, String value) {
    WebElement e = browser.findElement(By.id(id));
    ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1];", e, value);
  }

  private void assertNoAxeViolations(String what) {
    chrome.assertNoAxeViolations(what);
  }

  private void shot(String name) throws Exception {
    chrome.shot(name);
  }
}
