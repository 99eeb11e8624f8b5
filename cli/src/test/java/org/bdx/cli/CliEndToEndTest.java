package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.TestOrg.freePort;

import com.google.protobuf.util.JsonFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bdx.proto.v1.SearchAlertsResponse;
import org.bdx.proto.v1.SubmitReportResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path a new organization takes: {@code bdx init}, {@code bdx serve} as a real separate
 * process on a free loopback port, then reports and searches through the real CLI entry point.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliEndToEndTest {
  private static final String NARRATIVE_CANARY = "CANARY-NARRATIVE-7f3a";
  private static final String CONTACT_CANARY = "CANARY-CONTACT-91bd";

  @TempDir static Path tmp;
  Path home;
  Process server;
  Path passphraseFile;
  String alertId;
  int consolePort;

  @BeforeAll
  void initAndServe() throws Exception {
    // `bdx init` run here rather than through TestOrg: what it prints is under test.
    home = tmp.resolve("node");
    int port = freePort();
    consolePort = freePort();
    passphraseFile = Files.writeString(tmp.resolve("passphrase"), "correct horse battery\n");
    CliRun init =
        CliRun.bdx(
            "init",
            "--home",
            home.toString(),
            "--passphrase-file",
            passphraseFile.toString(),
            "--name",
            "Test Outreach",
            "--listen",
            "127.0.0.1:" + port,
            "--federation-listen",
            "127.0.0.1:" + freePort(),
            "--region",
            "CA");
    assertThat(init.exitCode()).as(init.toString()).isZero();
    assertThat(init.out())
        .containsPattern("node id: +bdx[a-z2-7]{52}")
        .containsPattern("fingerprint: +[a-z2-7]{4}(-[a-z2-7]{4}){4}");

    server =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Bdx.class.getName(),
                "serve",
                "--home",
                home.toString(),
                "--passphrase-file",
                passphraseFile.toString(),
                "--console-listen",
                "127.0.0.1:" + consolePort)
            .redirectErrorStream(true)
            .start();
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> ready =
        CompletableFuture.supplyAsync(
            () -> {
              StringBuilder seen = new StringBuilder();
              try {
                for (String l; (l = lines.readLine()) != null; ) {
                  if (l.contains("serving the client API")) {
                    return l;
                  }
                  seen.append(l).append('\n');
                }
                // What it printed says why (e.g. a port taken between freePort and bind).
                return "server exited before it was ready:\n" + seen;
              } catch (IOException e) {
                return e.toString();
              }
            });
    assertThat(ready.get(60, TimeUnit.SECONDS)).contains("127.0.0.1:" + port);
    assertThat(lines.readLine())
        .isEqualTo("the staff console is at http://127.0.0.1:" + consolePort + "/");
    // Keep draining the server's output so it never blocks on a full pipe.
    CompletableFuture.runAsync(
        () -> {
          try {
            while (lines.readLine() != null) {
              // discard
            }
          } catch (IOException ignored) {
            // process ended
          }
        });
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null && server.isAlive()) {
      server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(1)
  void serve_servesTheStaffConsoleOnItsAddress() throws Exception {
    HttpResponse<String> login =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + consolePort + "/login"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.body()).contains("Your staff credential");
    assertThat(login.headers().firstValue("Content-Security-Policy")).isPresent();
  }

  @Test
  @Order(1)
  void id_showsNodeIdWithoutTheServer() {
    CliRun id = CliRun.bdx("id", "--home", home.toString(), "--json");
    assertThat(id.exitCode()).as(id.toString()).isZero();
    assertThat(id.out())
        .contains("\"node_id\":\"bdx")
        .contains("\"organization_name\":\"Test Outreach\"");
  }

  @Test
  @Order(1)
  void serve_writesItsLogUnderTheHome_readableOnlyByItsUser() throws Exception {
    Path log = home.resolve("logs").resolve("bdx.0.log");

    assertThat(log).exists();
    assertThat(Files.readString(log)).contains("node started: client API on 127.0.0.1:");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log.getParent())))
        .isEqualTo("rwx------");
  }

  @Test
  @Order(2)
  void reportAdd_storesSignedAlertWithoutNarrativeOrContact() throws Exception {
    CliRun add =
        CliRun.bdx(
            "report",
            "add",
            "--home",
            home.toString(),
            "--json",
            "--date",
            LocalDate.now().minusDays(2).toString(),
            "--time",
            "evening",
            "--area",
            "Downtown East",
            "--setting",
            "OUTCALL",
            "--harm",
            "physical_assault",
            "--harm",
            "Robbery",
            "--severity",
            "high",
            "--description",
            "tall man, grey beard, snake tattoo",
            "--phone",
            "604-555-0123",
            "--plate",
            "ab c-123",
            "--summary",
            "books hotel outcalls then refuses to pay",
            "--narrative",
            NARRATIVE_CANARY,
            "--contact",
            CONTACT_CANARY);
    assertThat(add.exitCode()).as(add.toString()).isZero();
    SubmitReportResponse.Builder r = SubmitReportResponse.newBuilder();
    JsonFormat.parser().merge(add.out().strip(), r);
    alertId = r.getAlert().getAlertId();
    assertThat(alertId).matches("[a-z2-7]{26}");
    assertThat(r.getAlert().getFields().getPhoneNumbersList()).containsExactly("+16045550123");
    assertThat(r.getAlert().getFields().getVehiclePlate()).isEqualTo("ABC123");
    assertThat(r.getAlert().getEnvelope().getSignature().size()).isEqualTo(64);
    assertThat(add.out()).doesNotContain(NARRATIVE_CANARY).doesNotContain(CONTACT_CANARY);

    CliRun show = CliRun.bdx("alerts", "show", alertId, "--home", home.toString());
    assertThat(show.exitCode()).as(show.toString()).isZero();
    assertThat(show.out())
        .contains(alertId)
        .contains("+16045550123")
        .contains("ABC123")
        .contains("physical_assault, robbery")
        .contains("Downtown East")
        .doesNotContain(NARRATIVE_CANARY)
        .doesNotContain(CONTACT_CANARY);
  }

  @Test
  @Order(3)
  void alertsSearch_findsByPhoneInAnotherFormat_partialPlate_andText() throws Exception {
    assertThat(searchIds("--phone", "(604) 555 0123")).containsExactly(alertId);
    assertThat(searchIds("--phone", "+1 604 555 0124")).isEmpty();
    assertThat(searchIds("--plate", "c12")).containsExactly(alertId);
    assertThat(searchIds("--text", "beard tattoo")).containsExactly(alertId);
    assertThat(searchIds("--text", "moustache")).isEmpty();
    assertThat(searchIds("--area", "downtown east", "--harm", "robbery")).containsExactly(alertId);
    assertThat(searchIds("--since", LocalDate.now().plusDays(1).toString())).isEmpty();

    CliRun text =
        CliRun.bdx("alerts", "search", "--home", home.toString(), "--phone", "604.555.0123");
    assertThat(text.exitCode()).as(text.toString()).isZero();
    assertThat(text.out()).contains("1 alert").contains(alertId);
  }

  @Test
  @Order(4)
  void reportAdd_invalid_namesEveryBadField_andStoresNothing() {
    CliRun bad =
        CliRun.bdx(
            "report",
            "add",
            "--home",
            home.toString(),
            "--date",
            LocalDate.now().plusDays(5).toString(),
            "--area",
            "Somewhere",
            "--phone",
            "not a number at all");
    assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(1);
    assertThat(bad.err())
        .contains("incident_date")
        .contains("harms")
        .contains("phone_numbers[0]")
        .doesNotContain("not a number at all")
        .doesNotContain("Exception");

    CliRun list = CliRun.bdx("report", "list", "--home", home.toString(), "--json");
    assertThat(list.exitCode()).as(list.toString()).isZero();
    assertThat(list.out().split("\"report_id\"", -1)).hasSize(2);
  }

  @Test
  @Order(5)
  void reportAdd_fromTemplateFile_works() throws Exception {
    CliRun template = CliRun.bdx("report", "template");
    assertThat(template.exitCode()).isZero();
    Path file = tmp.resolve("report.json");
    Files.writeString(
        file, template.out().replace("2026-11-14", LocalDate.now().minusDays(1).toString()));
    CliRun add = CliRun.bdx("report", "add", "--home", home.toString(), "--file", file.toString());
    assertThat(add.exitCode()).as(add.toString()).isZero();
    assertThat(add.out()).contains("Report ").contains("signed");
    assertThat(searchIds("--text", "snake")).hasSize(2);
  }

  @Test
  @Order(6)
  void usageErrors_exitTwo_andUnknownWordsAreExplained() {
    CliRun unknownOption = CliRun.bdx("report", "add", "--home", home.toString(), "--frobnicate");
    assertThat(unknownOption.exitCode()).isEqualTo(2);
    CliRun badHarm =
        CliRun.bdx("alerts", "search", "--home", home.toString(), "--harm", "punching");
    assertThat(badHarm.exitCode()).isEqualTo(2);
    assertThat(badHarm.err()).contains("physical_assault").doesNotContain("Exception");
  }

  @Test
  @Order(6)
  void secondServeOnTheSameHome_failsAtOnceNamingTheFirst() throws Exception {
    // Two serves on one home would read the same partners' feeds and end each other's streams.
    Process second =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Bdx.class.getName(),
                "serve",
                "--home",
                home.toString(),
                "--passphrase-file",
                passphraseFile.toString(),
                "--listen",
                "127.0.0.1:" + freePort(),
                "--federation-listen",
                "127.0.0.1:" + freePort())
            .redirectErrorStream(true)
            .start();
    boolean ended = second.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      second.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String printed = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(ended).as("the second serve ended by itself: %s", printed).isTrue();
    assertThat(second.exitValue()).as(printed).isEqualTo(1);
    assertThat(printed)
        .contains("another bdx serve is already running on " + home)
        .contains("pid " + server.pid())
        .doesNotContain("Exception");
    // Twin: the first node still serves.
    CliRun list = CliRun.bdx("report", "list", "--home", home.toString());
    assertThat(list.exitCode()).as(list.toString()).isZero();
  }

  @Test
  @Order(7)
  void serve_stopsGracefullyOnSigterm_thenClientsSayItIsNotRunning() throws Exception {
    server.destroy(); // SIGTERM
    assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("server stopped after SIGTERM").isTrue();
    // 143 = 128 + SIGTERM: the JVM ran its shutdown hooks and exited on the signal.
    assertThat(server.exitValue()).isIn(0, 143);
    CliRun after = CliRun.bdx("alerts", "search", "--home", home.toString());
    assertThat(after.exitCode()).isEqualTo(3);
    assertThat(after.err())
        .contains("not running")
        .contains("bdx serve")
        .doesNotContain("Exception");
  }

  private List<String> searchIds(String... criteria) throws Exception {
    String[] args = new String[criteria.length + 5];
    args[0] = "alerts";
    args[1] = "search";
    args[2] = "--home";
    args[3] = home.toString();
    args[4] = "--json";
    System.arraycopy(criteria, 0, args, 5, criteria.length);
    CliRun run = CliRun.bdx(args);
    assertThat(run.exitCode()).as(run.toString()).isZero();
    SearchAlertsResponse.Builder r = SearchAlertsResponse.newBuilder();
    JsonFormat.parser().merge(run.out().strip(), r);
    return r.getAlertsList().stream().map(a -> a.getAlertId()).toList();
  }
}
