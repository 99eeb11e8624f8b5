package org.bdx.node.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.bdx.node.TestNodes;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.server.RunningNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The staff console in headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * which {@code scripts/test} installs), driven through Selenium as a person would use it; axe-core
 * (which {@code scripts/test} installs from npm under {@code .tools/axe}) checks each page against
 * WCAG 2.1 A and AA. Screenshots of each page go to {@code target/console-screenshots/}.
 *
 * <p>Skipped, saying why, only where the browser or axe-core is not installed and this is not CI
 * (on CI, where {@code scripts/test} installed both, their absence fails the test).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path AXE =
      Path.of("..", ".tools", "axe", "node_modules", "axe-core", "axe.min.js");
  private static final Path SHOTS = Path.of("target", "console-screenshots");

  @TempDir static Path tmp;
  private RunningNode node;
  private ChromeDriver browser;
  private String base;
  private String axe;

  @BeforeAll
  void start() throws Exception {
    boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    String missing =
        "headless Chromium is not installed (/usr/bin/chromium, /usr/bin/chromedriver):"
            + " apt-get install chromium chromium-driver, or run ./scripts/test, which does";
    if ("true".equals(System.getenv("CI"))) {
      // On CI, scripts/test installed them: their absence is a broken build, not a skip.
      assertThat(installed).as(missing).isTrue();
      assertThat(AXE).as("axe-core under .tools/axe, which scripts/test installs").isRegularFile();
    }
    Assumptions.assumeTrue(installed, missing);
    Assumptions.assumeTrue(
        Files.isRegularFile(AXE),
        "axe-core is not installed under .tools/axe: run ./scripts/test, which installs it");
    axe = Files.readString(AXE);
    NodeHome home = new NodeHome(tmp.resolve("n"));
    NodeConfig.HostPort loopback = new NodeConfig.HostPort("127.0.0.1", 0);
    TestNodes.init(home, new NodeConfig("Org", loopback, loopback, "CA", Duration.ofDays(30), 0));
    node =
        RunningNode.start(
            home, TestNodes.PASSPHRASE, Clock.systemUTC(), loopback, loopback, List.of());
    base = "http://127.0.0.1:" + node.startConsole(loopback, Clock.systemUTC()).port();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // No sandbox: CI runs as root, where Chromium's sandbox will not start.
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1000,1400");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    // A click that submits a form may return before the next page is there on a busy machine:
    // looking an element up waits for it (bounded), rather than failing at once.
    browser.manage().timeouts().implicitlyWait(java.time.Duration.ofSeconds(10));
    Files.createDirectories(SHOTS);
    this.token = home.readClientToken();
  }

  private String token;

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
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
    browser.findElement(By.cssSelector("button[type=submit]")).click();
    assertThat(browser.findElement(By.id("credential-error")).getText())
        .contains("not an active staff account");
    assertThat(browser.getCurrentUrl()).endsWith("/login");
  }

  @Test
  @Order(2)
  void logIn_opensTheNewReportPage() throws Exception {
    browser.get(base + "/login");
    browser.findElement(By.id("credential")).sendKeys(token);
    browser.findElement(By.cssSelector("button[type=submit]")).click();
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("New report");
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

  private void search(String q) {
    browser.get(base + "/check");
    browser.findElement(By.id("q")).sendKeys(q);
    browser.findElement(By.cssSelector("form[role=search] button")).click();
  }

  private void submit() {
    browser.findElement(By.cssSelector("form[action='/report'] button[type=submit]")).click();
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
    assertThat(axeViolations())
        .as("axe-core WCAG 2.1 AA violations on the " + what + " page")
        .isEmpty();
  }

  private List<?> axeViolations() {
    JavascriptExecutor js = browser;
    js.executeScript(axe);
    Object found =
        js.executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + "axe.run(document, {runOnly: {type: 'tag', values:"
                + " ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
                + ".then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' at '"
                + " + v.nodes.map(n => n.target.join(' ')).join(', '))))"
                + ".catch(e => done(['axe failed: ' + e]));");
    return (List<?>) found;
  }

  private void shot(String name) throws Exception {
    Path png = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(png, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}
