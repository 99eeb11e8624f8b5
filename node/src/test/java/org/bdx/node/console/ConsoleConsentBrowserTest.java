package org.bdx.node.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.node.TestNodes.withToken;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.bdx.node.TestNodes;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.server.RunningNode;
import org.bdx.proto.v1.AcceptAgreementRequest;
import org.bdx.proto.v1.AddPartnerRequest;
import org.bdx.proto.v1.AdminServiceGrpc;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.GetAlertRequest;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.ProposeAgreementRequest;
import org.bdx.proto.v1.ProposedTerms;
import org.bdx.proto.v1.SearchAlertsRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Consent changed in the console reaches a partner (spec VER-4, VER-5): two real nodes on loopback
 * with mutual TLS, an agreement with a police-class partner, a report entered in headless Chromium
 * with the reporter's consent to the police liaison, and that consent then narrowed in the console.
 * The partner's copy must go. Waits are on the partner's own API; the deadline only keeps a broken
 * node from hanging the build.
 */
class ConsoleConsentBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String PHONE = "604 555 0142";

  @TempDir Path dir;
  private final List<AutoCloseable> opened = new ArrayList<>();

  private record Member(
      NodeHome home,
      RunningNode running,
      AdminServiceGrpc.AdminServiceBlockingStub admin,
      ClientServiceGrpc.ClientServiceBlockingStub client) {
    String endpoint() {
      return "127.0.0.1:" + running.federationPort();
    }

    String nodeId() {
      return running.node().nodeId().value();
    }

    /** The alert as this node holds it, or null if it holds none. */
    AlertView held(String alertId, String origin) {
      try {
        return client
            .getAlert(
                GetAlertRequest.newBuilder().setAlertId(alertId).setOriginNodeId(origin).build())
            .getAlert();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
          throw e;
        }
        return null;
      }
    }
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : opened.reversed()) {
      c.close();
    }
  }

  @Test
  void consentNarrowedInTheConsole_withdrawsThePoliceLiaisonsCopy() throws Exception {
    Chromium.assumeInstalled();
    Member outreach = member("outreach");
    Member liaison = member("liaison");
    // The outreach organization shares with the police liaison, which shares back as a peer.
    addPartner(outreach, "liaison", liaison, PartnerClass.PARTNER_CLASS_POLICE);
    addPartner(liaison, "outreach", outreach, PartnerClass.PARTNER_CLASS_PEER);
    DirectionTerms send =
        DirectionTerms.newBuilder()
            .setAllHarms(true)
            .setAllAreas(true)
            .addFieldPaths("area")
            .addFieldPaths("phone_numbers")
            .setRetentionDays(30)
            .build();
    String agreement =
        outreach
            .admin()
            .proposeAgreement(
                ProposeAgreementRequest.newBuilder()
                    .setPartner("liaison")
                    .setTerms(
                        ProposedTerms.newBuilder()
                            .setWeSend(send)
                            .setWeReceive(
                                send.toBuilder().setReceiverClass(PartnerClass.PARTNER_CLASS_PEER)))
                    .build())
            .getAgreement()
            .getAgreementId();
    liaison
        .admin()
        .acceptAgreement(AcceptAgreementRequest.newBuilder().setAgreementId(agreement).build());

    NodeConfig.HostPort loopback = new NodeConfig.HostPort("127.0.0.1", 0);
    String base =
        "http://127.0.0.1:" + outreach.running().startConsole(loopback, Clock.systemUTC()).port();
    Chromium chromium = Chromium.open();
    opened.add(chromium);
    ChromeDriver browser = chromium.browser;

    browser.get(base + "/login");
    browser.findElement(By.id("credential")).sendKeys(outreach.home().readClientToken());
    assertThat(
            Chromium.clickForHeading(
                browser, browser.findElement(By.cssSelector("form[action='/login'] button"))))
        .isEqualTo("New report");
    WebElement date = browser.findElement(By.id("incident_date"));
    ((JavascriptExecutor) browser)
        .executeScript(
            "arguments[0].value = arguments[1];",
            date,
            LocalDate.now(ZoneOffset.UTC).minusDays(1).toString());
    browser.findElement(By.id("area")).sendKeys("Eastside");
    browser.findElement(By.id("harm-physical_assault")).click();
    browser.findElement(By.id("phone_numbers")).sendKeys(PHONE);
    browser.findElement(By.id("audience-police")).click();
    Chromium.clickAndWait(
        browser, browser.findElement(By.cssSelector("form[action='/report'] button[type=submit]")));
    assertThat(browser.findElement(By.cssSelector("[role=status]")).getText())
        .contains("The report is saved");
    String url = browser.getCurrentUrl();
    String alertId = url.substring(url.indexOf("/alert/") + 7, url.indexOf('?'));

    String origin = outreach.nodeId();
    await(
        "the police liaison holds the warning with its phone number",
        () -> {
          AlertView a = liaison.held(alertId, origin);
          return a != null && !a.getTombstone() && a.getFields().getPhoneNumbersCount() == 1;
        });
    assertThat(
            liaison.client().searchAlerts(SearchAlertsRequest.newBuilder().setPhone(PHONE).build()))
        .extracting(r -> r.getAlertsCount())
        .isEqualTo(1);

    // The person reporting no longer wants the police liaison to see it.
    browser.findElement(By.id("audience-peer")).click();
    Chromium.clickAndWait(
        browser,
        browser.findElement(By.cssSelector("form[action$='/consent'] button[type=submit]")));
    assertThat(browser.findElement(By.cssSelector("[role=status]")).getText())
        .contains("Who may see it is changed");
    assertThat(browser.findElement(By.cssSelector(".card")).getText())
        .contains("Only other sex-worker-led organizations we share with");
    chromium.assertNoAxeViolations("warning with its consent narrowed");
    chromium.shot("warning-consent-narrowed");

    await(
        "the police liaison's copy is withdrawn",
        () -> {
          AlertView a = liaison.held(alertId, origin);
          return a == null || a.getTombstone();
        });
    assertThat(
            liaison.client().searchAlerts(SearchAlertsRequest.newBuilder().setPhone(PHONE).build()))
        .extracting(r -> r.getAlertsCount())
        .isEqualTo(0);
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static void addPartner(Member at, String name, Member partner, PartnerClass cls) {
    at.admin()
        .addPartner(
            AddPartnerRequest.newBuilder()
                .setName(name)
                .setNodeId(partner.nodeId())
                .setEndpoint(partner.endpoint())
                .setPartnerClass(cls)
                .build());
  }

  private Member member(String name) throws Exception {
    NodeHome home = new NodeHome(dir.resolve(name));
    NodeConfig.HostPort any = new NodeConfig.HostPort("127.0.0.1", 0);
    TestNodes.init(home, new NodeConfig("Org " + name, any, any, "CA", Duration.ofDays(30), 0));
    // The test looks alerts up while it waits, far more often than staff would.
    Files.writeString(
        home.configFile(),
        "\nscreening.burst=1000000\nscreening.per_minute=1000000\n",
        StandardOpenOption.APPEND);
    RunningNode running =
        RunningNode.start(home, TestNodes.PASSPHRASE, Clock.systemUTC(), any, any, List.of());
    opened.add(running);
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", running.clientPort()).usePlaintext().build();
    opened.add(channel::shutdownNow);
    return new Member(
        home,
        running,
        withToken(AdminServiceGrpc.newBlockingStub(channel), home.readAdminToken()),
        withToken(ClientServiceGrpc.newBlockingStub(channel), home.readClientToken()));
  }
}
