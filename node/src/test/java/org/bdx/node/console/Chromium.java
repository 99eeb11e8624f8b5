package org.bdx.node.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium for the console's browser tests (Debian's {@code chromium} and {@code
 * chromium-driver}, which {@code scripts/test} installs), with axe-core (which {@code scripts/test}
 * installs from npm under {@code .tools/axe}) to check a page against WCAG 2.1 A and AA, and
 * screenshots written to {@code target/console-screenshots/}.
 *
 * <p>Skips the test, saying why, only where the browser or axe-core is not installed and this is
 * not CI (on CI, where {@code scripts/test} installed both, their absence fails the test).
 */
final class Chromium implements AutoCloseable {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path AXE =
      Path.of("..", ".tools", "axe", "node_modules", "axe-core", "axe.min.js");
  private static final Path SHOTS = Path.of("target", "console-screenshots");

  final ChromeDriver browser;
  private final String axe;

  private Chromium(ChromeDriver browser, String axe) {
    this.browser = browser;
    this.axe = axe;
  }

  /** Skips the calling test (outside CI) when the browser or axe-core is missing. */
  static void assumeInstalled() {
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
  }

  static Chromium open() throws IOException {
    assumeInstalled();
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
    ChromeDriver browser = new ChromeDriver(service, options);
    // A click that submits a form may return before the next page is there on a busy machine:
    // looking an element up waits for it (bounded), rather than failing at once.
    browser.manage().timeouts().implicitlyWait(java.time.Duration.ofSeconds(10));
    Files.createDirectories(SHOTS);
    return new Chromium(browser, Files.readString(AXE));
  }

  void assertNoAxeViolations(String what) {
    assertThat(axeViolations())
        .as("axe-core WCAG 2.1 AA violations on the " + what + " page")
        .isEmpty();
  }

  List<?> axeViolations() {
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

  void shot(String name) throws IOException {
    Path png = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(png, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Clicks {@code e}, which leads to another page (a link, or a form's button), and returns once
   * the page it was on is gone: read at once, a busy machine may still show the old page, or lose
   * an element of it between finding and reading it.
   */
  static void clickAndWait(ChromeDriver browser, WebElement e) throws InterruptedException {
    WebElement before = browser.findElement(By.tagName("html"));
    e.click();
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        before.getTagName(); // still the old page
      } catch (WebDriverException gone) {
        // Stale, or Chromium's "does not belong to the document": either way the page is gone.
        return;
      }
      Thread.sleep(50);
    }
  }

  /** {@link #clickAndWait}, then the heading of the page it led to. */
  static String clickForHeading(ChromeDriver browser, WebElement e) throws InterruptedException {
    clickAndWait(browser, e);
    return browser.findElement(By.tagName("h1")).getText();
  }

  @Override
  public void close() {
    browser.quit();
  }
}
