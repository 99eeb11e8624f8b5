package org.bdx.node.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.bdx.node.TestNodes;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.server.RunningNode;
import org.bdx.proto.v1.AddStaffRequest;
import org.bdx.proto.v1.AdminServiceGrpc;
import org.bdx.proto.v1.StaffRole;
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
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;

/**
 * The staff console in headless Chromium, driven through Selenium as a person would use it;
 * axe-core checks each page against WCAG 2.1 A and AA, and each page's screenshot goes to {@code
 * target/console-screenshots/} (see {@link Chromium}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
  @TempDir static Path tmp;
  private RunningNode node;
  private Chromium chromium;
  private ChromeDriver browser;
  private String base;
  private NodeHome home;

  @BeforeAll
  void start() throws Exception {
    Chromium.assumeInstalled();
    home = new NodeHome(tmp.resolve("n"));
    NodeConfig.HostPort loopback = new NodeConfig.HostPort("127.0.0.1", 0);
    TestNodes.init(home, new NodeConfig("Org", loopback, loopback, "CA", Duration.ofDays(30), 0));
    node =
        RunningNode.start(
            home, TestNodes.PASSPHRASE, Clock.systemUTC(), loopback, loopback, List.of());
    base = "http://127.0.0.1:" + node.startConsole(loopback, Clock.systemUTC()).port();
    chromium = Chromium.open();
    browser = chromium.browser;
    this.token = home.readClientToken();
  }

  private String token;

  @AfterAll
  void stop() {
    if (chromium != null) {
      chromium.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  @Order(0)
  void theAxeCheck_findsAnUnlabelledField_soItsSilenceMeansSomething() {
    browser.get("data:text/html,<!DOCTYPE html><html lang=en><title>t</title><main><input></main>");
    assertThat(axeViolations()).anyMatch(v -> v.toString().startsWith("label:"));
  }

  @Test
  @Order(1)
  void aWrongCredential_staysOnTheLoginPage_sayingSo() throws Exception {
    browser.get(base + "/login");
    assertNoAxeViolations("login");
    shot("login");
    browser.findElement(By.id("credential")).sendKeys("bdxs-wrong");
    Chromium.clickAndWait(
        browser, browser.findElement(By.cssSelector("form[action='/login'] button")));
    assertThat(browser.findElement(By.id("credential-error")).getText())
        .contains("not an active staff account");
    assertThat(browser.getCurrentUrl()).endsWith("/login");
  }

  @Test
  @Order(2)
  void logIn_opensTheNewReportPage() throws Exception {
    browser.get(base + "/login");
    browser.findElement(By.id("credential")).sendKeys(token);
    assertThat(
            Chromium.clickForHeading(
                browser, browser.findElement(By.cssSelector("form[action='/login'] button"))))
        .isEqualTo("New report");
    assertNoAxeViolations("new report");
    shot("new-report");
  }

  @Test
  @Order(3)
  void aReportWithoutArea_showsTheErrorAtTheField_thenFixed_isSaved() throws Exception {
    browser.get(base + "/report");
    setValue("incident_date", LocalDate.now(ZoneOffset.UTC).minusDays(2).toString());
    browser.findElement(By.id("harm-robbery")).click();
    browser.findElement(By.id("phone_numbers")).sendKeys("(604) 555-0177");
    browser.findElement(By.cssSelector("details summary")).click();
    browser.findElement(By.id("vehicle_plate")).sendKeys("KXR 4821");
    submit();
    assertThat(browser.findElement(By.id("area-error")).getText()).contains("required");
    assertThat(browser.findElement(By.id("area")).getAttribute("aria-invalid")).isEqualTo("true");
    // What was typed is still there.
    assertThat(browser.findElement(By.id("phone_numbers")).getAttribute("value"))
        .isEqualTo("(604) 555-0177");
    assertNoAxeViolations("report with an error");
    shot("new-report-error");

    browser.findElement(By.id("area")).sendKeys("Eastside");
    submit();
    assertThat(browser.findElement(By.cssSelector("[role=status]")).getText())
        .contains("The report is saved");
    assertNoAxeViolations("saved warning");
    shot("warning");
  }

  @Test
  @Order(4)
  void check_findsIt_byThePhoneInAnotherFormat_andByAPlateFragment() throws Exception {
    search("+1 604.555.0177");
    assertThat(browser.findElement(By.id("results")).getText()).startsWith("1 warning for");
    assertThat(browser.findElements(By.cssSelector(".cards .card"))).hasSize(1);
    assertThat(browser.findElement(By.cssSelector(".cards .card")).getText())
        .contains("Robbery")
        .contains("Eastside");
    assertNoAxeViolations("check");
    shot("check");
    search("xr48");
    assertThat(browser.findElement(By.id("results")).getText()).startsWith("1 warning for");
  }

  @Test
  @Order(5)
  void aFormPostedFromAnotherOrigin_isRefused_andStoresNothing() throws Exception {
    // Another site on this machine whose page posts a report to the console as soon as it opens.
    HttpServer attacker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    String page =
        """
        <!DOCTYPE html><html><body>
        <form id="f" method="post" action="%s/report">
        <input name="incident_date" value="%s"><input name="area" value="Elsewhere">
        <input name="harms" value="robbery"><input name="phone_numbers" value="604 555 0166">
        </form><script>document.getElementById('f').submit();</script></body></html>
        """
            .formatted(base, LocalDate.now(ZoneOffset.UTC).minusDays(1));
    attacker.createContext(
        "/",
        ex -> {
          byte[] b = page.getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
          ex.sendResponseHeaders(200, b.length);
          ex.getResponseBody().write(b);
          ex.close();
        });
    attacker.start();
    try {
      browser.get("http://127.0.0.1:" + attacker.getAddress().getPort() + "/");
      waitForUrl(base + "/report");
      assertThat(browser.findElement(By.tagName("body")).getText()).startsWith("Refused");
    } finally {
      attacker.stop(0);
    }
    search("604 555 0166");
    assertThat(browser.findElement(By.id("results")).getText()).startsWith("No warnings");
  }

  @Test
  @Order(6)
  void vehicleFields_areHiddenForInCallWork_andBackInTheTabOrderForStreetWork() throws Exception {
    browser.get(base + "/report");
    choose("work_setting", "incall");
    assertThat(browser.findElement(By.cssSelector("details.vehicle")).isDisplayed()).isFalse();
    // With the keyboard alone: Tab from the last aggressor field skips the vehicle.
    browser.findElement(By.id("modus_operandi")).click();
    new Actions(browser).sendKeys(Keys.TAB).perform();
    assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("narrative");
    assertNoAxeViolations("new report, in-call");
    shot("new-report-incall");

    choose("work_setting", "street");
    assertThat(browser.findElement(By.cssSelector("details.vehicle")).isDisplayed()).isTrue();
    browser.findElement(By.id("modus_operandi")).click();
    new Actions(browser).sendKeys(Keys.TAB).perform();
    assertThat(browser.switchTo().activeElement().getTagName()).isEqualTo("summary");
    // Opened with the keyboard, its fields come next.
    new Actions(browser).sendKeys(Keys.ENTER).sendKeys(Keys.TAB).perform();
    assertThat(browser.switchTo().activeElement().getAttribute("id"))
        .isEqualTo("vehicle_description");
    assertNoAxeViolations("new report, street");

    // A plate typed before the setting changes to indoor stays in sight: nothing is sent unseen.
    browser.findElement(By.id("vehicle_plate")).sendKeys("KXR");
    choose("work_setting", "indoor");
    assertThat(browser.findElement(By.id("vehicle_plate")).isDisplayed()).isTrue();
    browser.findElement(By.id("vehicle_plate")).clear();
    assertThat(browser.findElement(By.cssSelector("details.vehicle")).isDisplayed()).isFalse();
  }

  @Test
  @Order(7)
  void aSavedDraft_survivesAReload_andIsDiscarded() throws Exception {
    browser.get(base + "/report");
    browser.findElement(By.id("area")).sendKeys("Harbour");
    browser.findElement(By.id("narrative")).sendKeys("half told, to be finished");
    Chromium.clickAndWait(
        browser, browser.findElement(By.cssSelector("button[formaction='/report/draft']")));
    assertThat(browser.findElement(By.cssSelector("[role=status]")).getText())
        .contains("Draft saved");
    browser.get(base + "/report");
    assertThat(browser.findElement(By.cssSelector("[role=status]")).getText())
        .contains("This is your saved draft");
    assertThat(browser.findElement(By.id("area")).getAttribute("value")).isEqualTo("Harbour");
    assertThat(browser.findElement(By.id("narrative")).getAttribute("value"))
        .isEqualTo("half told, to be finished");
    assertNoAxeViolations("new report with a draft");
    shot("new-report-draft");

    Chromium.clickAndWait(
        browser, browser.findElement(By.cssSelector("button[formaction='/report/discard']")));
    assertThat(browser.findElement(By.cssSelector("[role=status]")).getText())
        .contains("The draft is discarded");
    assertThat(browser.findElement(By.id("area")).getAttribute("value")).isEmpty();
  }

  @Test
  @Order(8)
  void check_withAreaAndDates_narrowsTheResults_andABackwardsRangeIsSaidAtTheField()
      throws Exception {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    browser.get(base + "/check");
    browser.findElement(By.id("q")).sendKeys("604 555 0177");
    browser.findElement(By.id("area")).sendKeys("Eastside");
    setValue("since", today.minusDays(7).toString());
    Chromium.clickAndWait(browser, browser.findElement(By.cssSelector("form[role=search] button")));
    assertThat(browser.findElement(By.id("results")).getText())
        .startsWith("1 warning for")
        .contains("in Eastside from");
    assertNoAxeViolations("check with filters");
    shot("check-filters");

    browser.findElement(By.id("area")).clear();
    browser.findElement(By.id("area")).sendKeys("Harbour");
    Chromium.clickAndWait(browser, browser.findElement(By.cssSelector("form[role=search] button")));
    assertThat(browser.findElement(By.id("results")).getText()).startsWith("No warnings");

    setValue("until", today.minusDays(30).toString());
    Chromium.clickAndWait(browser, browser.findElement(By.cssSelector("form[role=search] button")));
    assertThat(browser.findElement(By.id("until-error")).getText())
        .isEqualTo("The last date is before the first date.");
    assertNoAxeViolations("check with a date mistake");
  }

  @Test
  @Order(9)
  void aWarning_updatedWhenTheAggressorIsIdentified_showsTheNewVersion() throws Exception {
    openWarning("604 555 0177");
    browser.findElement(By.id("names_used")).sendKeys("Dave");
    Chromium.clickAndWait(
        browser,
        browser.findElement(By.cssSelector("form[action$='/update'] button[type=submit]")));
    assertThat(browser.findElement(By.cssSelector("[role=status]")).getText())
        .contains("The warning is updated");
    assertThat(browser.findElement(By.cssSelector(".card")).getText()).contains("Dave");
    assertNoAxeViolations("updated warning");
    shot("warning-updated");
  }

  @Test
  @Order(10)
  void aCoordinator_purgesTheReport_afterAConfirmationPageSayingWhatCannotBeUndone()
      throws Exception {
    String kim = addCoordinator("kim");
    Chromium.clickAndWait(browser, browser.findElement(By.cssSelector("form.logout button")));
    browser.findElement(By.id("credential")).sendKeys(kim);
    Chromium.clickAndWait(
        browser, browser.findElement(By.cssSelector("form[action='/login'] button")));
    openWarning("604 555 0177");
    assertThat(
            Chromium.clickForHeading(
                browser, browser.findElement(By.linkText("Purge the report…"))))
        .isEqualTo("Purge this report?");
    assertThat(browser.findElement(By.cssSelector(".summary")).getText())
        .contains("Purging cannot be undone")
        .contains("Its own key is destroyed first")
        .contains("told to remove their copies");
    assertNoAxeViolations("purge confirmation");
    shot("purge-confirm");

    Chromium.clickAndWait(browser, browser.findElement(By.cssSelector("button.danger")));
    assertThat(browser.findElement(By.cssSelector("[role=status]")).getText())
        .contains("The report is purged");
    assertNoAxeViolations("purged warning");
    shot("purged");
    search("604 555 0177");
    assertThat(browser.findElement(By.id("results")).getText()).startsWith("No warnings");
  }

  @Test
  @Order(11)
  void inSpanish_afterSwitching_aReportIsSaved_axeFindsNothing_andTheChoiceOutlivesLogout()
      throws Exception {
    browser.get(base + "/report");
    switchLanguage("es");
    assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("es");
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Nuevo reporte");
    assertNoAxeViolations("new report in Spanish");
    shot("new-report-es");
    setValue("incident_date", LocalDate.now(ZoneOffset.UTC).minusDays(1).toString());
    browser.findElement(By.id("area")).sendKeys("Centro");
    browser.findElement(By.id("harm-threats")).click();
    browser.findElement(By.id("phone_numbers")).sendKeys("604 555 0199");
    submit();
    assertThat(browser.findElement(By.cssSelector("[role=status]")).getText())
        .contains("El reporte está guardado");
    assertThat(browser.findElement(By.cssSelector(".card h3")).getText()).isEqualTo("Amenazas");
    assertNoAxeViolations("saved warning in Spanish");

    assertThat(
            Chromium.clickForHeading(
                browser, browser.findElement(By.cssSelector("form.logout button"))))
        .isEqualTo("Iniciar sesión");
    browser.findElement(By.id("credential")).sendKeys(token);
    assertThat(
            Chromium.clickForHeading(
                browser, browser.findElement(By.cssSelector("form[action='/login'] button"))))
        .isEqualTo("Nuevo reporte");
  }

  @Test
  @Order(12)
  void everyPage_fitsAPhoneScreen_360pxWide_inEnglishAndInThai() throws Exception {
    browser.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        java.util.Map.of("width", 360, "height", 780, "deviceScaleFactor", 2, "mobile", false));
    try {
      for (String lang : List.of("en", "th")) {
        browser.get(base + "/check");
        switchLanguage(lang);
        for (String path : List.of("/report", "/check", "/bulletin", "/network")) {
          browser.get(base + path);
          assertFitsTheScreen(lang + " " + path);
        }
        search("604 555 0199");
        assertFitsTheScreen(lang + " check with results");
        Chromium.clickAndWait(browser, browser.findElement(By.cssSelector(".cards .card h3 a")));
        assertFitsTheScreen(lang + " warning");
        if (lang.equals("th")) {
          assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("th");
          assertNoAxeViolations("warning in Thai at phone width");
          shot("warning-th-phone");
          browser.get(base + "/report");
          assertFitsTheScreen("th /report");
          shot("new-report-th-phone");
        }
      }
      browser.get(base + "/check");
      switchLanguage("en");
    } finally {
      browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", java.util.Map.of());
    }
  }

  /** No horizontal scrolling: nothing is wider than the screen. */
  private void assertFitsTheScreen(String what) {
    JavascriptExecutor js = browser;
    long scroll =
        ((Number) js.executeScript("return document.documentElement.scrollWidth")).longValue();
    long inner = ((Number) js.executeScript("return window.innerWidth")).longValue();
    assertThat(inner).as("viewport width").isEqualTo(360);
    Object wide =
        js.executeScript(
            "return [...document.querySelectorAll('body *')]"
                + ".filter(e => e.getBoundingClientRect().right > window.innerWidth)"
                + ".slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id"
                + " + ' ' + Math.round(e.getBoundingClientRect().right))");
    assertThat(scroll)
        .as("page width of " + what + " at 360 px; too wide: " + wide)
        .isLessThanOrEqualTo(inner);
  }

  /** Chooses a language with the header's switch, as a person would. */
  private void switchLanguage(String tag) throws InterruptedException {
    browser.findElement(By.cssSelector("#console-lang option[value=" + tag + "]")).click();
    Chromium.clickAndWait(browser, browser.findElement(By.cssSelector("form.language button")));
    assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo(tag);
  }

  /** Picks an option of a select, as a click on it would. */
  private void choose(String select, String value) {
    browser.findElement(By.cssSelector("#" + select + " option[value=" + value + "]")).click();
  }

  private void openWarning(String phone) throws InterruptedException {
    search(phone);
    assertThat(
            Chromium.clickForHeading(
                browser, browser.findElement(By.cssSelector(".cards .card h3 a"))))
        .startsWith("Warning ");
  }

  private String addCoordinator(String name) throws Exception {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", node.clientPort()).usePlaintext().build();
    try {
      Metadata md = new Metadata();
      md.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
          "Bearer " + home.readAdminToken());
      return AdminServiceGrpc.newBlockingStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
          .addStaff(
              AddStaffRequest.newBuilder()
                  .setName(name)
                  .setRole(StaffRole.STAFF_ROLE_COORDINATOR)
                  .build())
          .getCredential();
    } finally {
      channel.shutdownNow();
    }
  }

  private void search(String q) throws InterruptedException {
    browser.get(base + "/check");
    browser.findElement(By.id("q")).sendKeys(q);
    Chromium.clickAndWait(browser, browser.findElement(By.cssSelector("form[role=search] button")));
  }

  private void submit() throws InterruptedException {
    Chromium.clickAndWait(
        browser, browser.findElement(By.cssSelector("form[action='/report'] button[type=submit]")));
  }

  /** A date field's value, set as the browser's date picker would (its typing is locale's). */
  private void setValue(String id, String value) {
    WebElement e = browser.findElement(By.id(id));
    ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1];", e, value);
  }

  private void waitForUrl(String url) throws InterruptedException {
    // The attacker page submits as it loads; wait (bounded) until the browser is on the answer.
    for (int i = 0; i < 100 && !browser.getCurrentUrl().equals(url); i++) {
      Thread.sleep(50);
    }
    assertThat(browser.getCurrentUrl()).isEqualTo(url);
  }

  private void assertNoAxeViolations(String what) {
    chromium.assertNoAxeViolations(what);
  }

  private List<?> axeViolations() {
    return chromium.axeViolations();
  }

  private void shot(String name) throws Exception {
    chromium.shot(name);
  }
}
