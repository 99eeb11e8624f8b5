package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.awaitTrue;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.NetSteps.parse;
import static org.bdx.cli.NetSteps.termsFile;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;
import org.bdx.node.home.NodeHome;
import org.bdx.node.search.AlertIndex;
import org.bdx.node.signing.Disclosures;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.ReportKeys;
import org.bdx.node.store.ReportRecord;
import org.bdx.node.store.ReportStore;
import org.bdx.node.store.RowCipher;
import org.bdx.node.store.SealedReportCodec;
import org.bdx.node.vault.Passphrase;
import org.bdx.node.vault.Vault;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.GetAlertResponse;
import org.bdx.proto.v1.Report;
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
 * One report's whole life across two organizations, with a canary in every field, and after each
 * step every byte of every file the two nodes wrote scanned for them (spec SEC-6, AR-3 to AR-7):
 * East issues, North is a peer granted every field, the reporter's contact included. The report is
 * shared with its contact, updated, narrowed to withhold the contact, retracted and purged.
 *
 * <p>The scan reads every regular file under the test's directory: both homes (database, its log
 * and shared memory, {@code reportkeys.db} and its files, the vault, keys, credentials, settings),
 * a backup of each node taken at each step ({@code bdx backup}), and the log of every {@code
 * java.util.logging} record the JVM wrote while the nodes ran. Each absence has a twin that shows
 * the scan could have seen the value: the node holds it, sealed (its row or report keys open it),
 * and a value kept in clear on purpose (the alert id) is found in both homes by the same scan.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LifecycleCanaryEndToEndTest {
  static final String NARRATIVE = "Qzlcnarr";
  static final String CONTACT = "Qzlccontact";
  static final String DESCRIPTION = "Qzlcdescone";
  static final String NEW_DESCRIPTION = "Qzlcdesctwo";
  static final String NAME_USED = "Qzlcname";
  static final String HANDLE = "Qzlchandle";
  static final String VEHICLE = "Qzlcvehicle";
  static final String SUMMARY = "Qzlcsummary";
  static final String AREA = "Qzlcarea";
  static final String REASON = "Qzlcreason";
  static final String PHONE = "+1 604 555 0199";
  static final String PHONE_DIGITS = "6045550199";
  static final String PHONE_E164 = "+16045550199";
  static final String PLATE = "QZL 777";
  static final String PLATE_NORMALIZED = "QZL777";

  /**
   * Every canary in every form it may take in a file; the scan ignores case. None is part of
   * another, so finding one never stands for another.
   */
  static final List<String> CANARIES =
      List.of(
          NARRATIVE,
          CONTACT,
          DESCRIPTION,
          NEW_DESCRIPTION,
          NAME_USED,
          HANDLE,
          VEHICLE,
          SUMMARY,
          AREA,
          REASON,
          PHONE,
          PHONE_DIGITS,
          PHONE_E164,
          PLATE,
          PLATE_NORMALIZED);

  private static final SecureRandom RNG = new SecureRandom();

  @TempDir static Path tmp;

  private static int backupsTaken;
  TestOrg east;
  TestOrg north;
  LogFile log;
  String reportId;
  String alertId;

  @BeforeAll
  void network() throws Exception {
    log = LogFile.capture(tmp.resolve("logs/jvm.log"));
    east = TestOrg.builder(tmp, "east", "East Outreach").start();
    north = TestOrg.builder(tmp, "north", "North Peers").start();
    TestOrg.peers(east, north);
    List<String> everyField = Disclosures.claimPaths();
    assertThat(everyField).contains("reporter_contact");
    TestOrg.agree(east, north, termsFile(tmp, "peer.json", everyField, everyField, 30));
  }

  @AfterAll
  void stop() {
    TestOrg.stopAll(east, north);
    if (log != null) {
      log.close();
    }
  }

  @Test
  @Order(1)
  void shared_withTheContact_noCanaryInAnyFile() throws Exception {
    CliRun r =
        ok(
            "report",
            "add",
            "--home",
            east.homeArg(),
            "--json",
            "--date",
            LocalDate.now().minusDays(1).toString(),
            "--time",
            "night",
            "--area",
            AREA,
            "--setting",
            "outcall",
            "--harm",
            "physical_assault",
            "--severity",
            "high",
            "--description",
            DESCRIPTION,
            "--name-used",
            NAME_USED,
            "--phone",
            PHONE,
            "--plate",
            PLATE,
            "--vehicle",
            VEHICLE,
            "--handle",
            HANDLE,
            "--summary",
            SUMMARY,
            "--narrative",
            NARRATIVE,
            "--contact",
            CONTACT,
            "--share-contact",
            "--audience",
            "peer");
    SubmitReportResponse added = parse(r.out(), SubmitReportResponse.getDefaultInstance());
    reportId = added.getReportId();
    alertId = added.getAlert().getAlertId();

    // North finds it by the phone typed another way, with every field and the contact.
    // Generous: North's feed from East may be waiting out a reconnection delay.
    awaitTrue(
        () -> searchByPhone(north).contains(alertId), "North finds the alert by its phone", 60);
    awaitDelivered();
    AlertFields atNorth = show(north).getFields();
    assertThat(atNorth.getReporterContact()).isEqualTo(CONTACT);
    assertThat(atNorth.getAggressorDescription()).isEqualTo(DESCRIPTION);
    assertThat(atNorth.getPhoneNumbersList()).containsExactly(PHONE_E164);
    assertThat(atNorth.getVehiclePlate()).isEqualTo(PLATE_NORMALIZED);
    assertThat(atNorth.getOnlineHandlesList()).containsExactly(HANDLE);
    assertThat(atNorth.getArea()).isEqualTo(AREA);

    assertNoCanaryInAnyFile();
    // Twins: both nodes hold every shared canary, sealed; East's report holds the rest.
    List<String> shared =
        List.of(CONTACT, DESCRIPTION, NAME_USED, HANDLE, VEHICLE, SUMMARY, AREA, PHONE_E164);
    assertThat(NetSteps.unsealedText(north))
        .contains(lower(shared))
        .doesNotContain(lower(NARRATIVE));
    assertThat(NetSteps.unsealedText(east)).contains(lower(shared));
    Report body = reportAtEast().orElseThrow();
    assertThat(body.getNarrative()).isEqualTo(NARRATIVE);
    assertThat(body.getReporterContact()).isEqualTo(CONTACT);
    assertThat(ok("report", "list", "--home", east.homeArg()).out()).contains(reportId);
  }

  @Test
  @Order(2)
  void updated_northHasVersion2_andTheOldDescriptionIsGoneFromBoth() throws Exception {
    CliRun r =
        ok("alerts", "update", alertId, "--home", east.homeArg(), "--description", NEW_DESCRIPTION);
    assertThat(r.out()).contains("version 2");
    awaitTrue(() -> show(north).getVersion() == 2, "North gets version 2");
    awaitDelivered();

    assertNoCanaryInAnyFile();
    for (TestOrg o : List.of(east, north)) {
      assertThat(NetSteps.unsealedText(o))
          .as(o.key())
          .contains(lower(NEW_DESCRIPTION))
          .doesNotContain(lower(DESCRIPTION));
    }
    assertThat(reportAtEast().orElseThrow().getAggressorDescription()).isEqualTo(NEW_DESCRIPTION);
    assertThat(searchByPhone(north)).containsExactly(alertId);
  }

  @Test
  @Order(3)
  void narrowed_theContactIsWithdrawn_fromNorthsCopy() throws Exception {
    // Without --share-contact the reporter no longer shares it; the audience stays peer.
    CliRun r = ok("report", "consent", reportId, "--home", east.homeArg(), "--audience", "peer");
    assertThat(r.out()).contains("version 3");
    awaitTrue(() -> show(north).getVersion() == 3, "North gets version 3");
    awaitDelivered();

    AlertView atNorth = show(north);
    assertThat(atNorth.getTombstone()).isFalse();
    assertThat(atNorth.getFields().getReporterContact()).isEmpty();
    assertThat(atNorth.getDisclosedPathsList()).doesNotContain("reporter_contact");

    assertNoCanaryInAnyFile();
    // The contact is gone from every alert and queued envelope of both nodes; the rest of the
    // alert is still there (the twin), and East's report still keeps the contact, sealed.
    for (TestOrg o : List.of(east, north)) {
      assertThat(NetSteps.unsealedText(o))
          .as(o.key())
          .doesNotContain(lower(CONTACT))
          .contains(lower(NEW_DESCRIPTION))
          .contains(lower(HANDLE));
    }
    assertThat(reportAtEast().orElseThrow().getReporterContact()).isEqualTo(CONTACT);
  }

  @Test
  @Order(4)
  void retracted_northKeepsOnlyATombstone() throws Exception {
    ok("alerts", "retract", alertId, "--home", east.homeArg(), "--reason", REASON);
    awaitTrue(() -> show(north).getTombstone(), "North keeps only a tombstone");
    awaitDelivered();

    AlertView atNorth = show(north);
    assertThat(atNorth.getStatus()).isEqualTo(AlertStatus.ALERT_STATUS_RETRACTED);
    assertThat(atNorth.getFields().getSerializedSize()).isZero();
    assertThat(searchByPhone(north)).isEmpty();

    assertNoCanaryInAnyFile();
    String northHolds = NetSteps.unsealedText(north);
    for (String c : CANARIES) {
      assertThat(northHolds).as(c).doesNotContain(lower(c));
    }
    // Twins: East keeps the reason sealed (it never leaves East), and the report.
    assertThat(NetSteps.unsealedText(east)).contains(lower(REASON));
    assertThat(reportAtEast().orElseThrow().getNarrative()).isEqualTo(NARRATIVE);
    assertThat(ok("report", "list", "--home", east.homeArg()).out()).contains(reportId);
  }

  @Test
  @Order(5)
  void purged_eastHoldsNoCanary_andTheReportIsGone() throws Exception {
    CliRun r = ok("report", "purge", reportId, "--home", east.homeArg());
    assertThat(r.out()).contains("Report " + reportId + " purged");

    assertNoCanaryInAnyFile();
    String eastHolds = NetSteps.unsealedText(east);
    for (String c : CANARIES) {
      assertThat(eastHolds).as(c).doesNotContain(lower(c));
    }
    assertThat(reportAtEast()).isEmpty();
    assertThat(ok("report", "list", "--home", east.homeArg()).out()).doesNotContain(reportId);
    CliRun again = CliRun.bdx("report", "purge", reportId, "--home", east.homeArg());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("no report " + reportId);
  }

  // --- the scan

  /**
   * Takes a backup of each node ({@code bdx backup}) into the test's directory, then scans every
   * regular file under it (both homes, the captured log, the backups of this and earlier steps) for
   * every canary, ignoring case; then checks that the same scan finds the alert id, kept in clear
   * on purpose, in each home's database files, and that the log captured the nodes' records.
   */
  private void assertNoCanaryInAnyFile() throws IOException {
    // A backup of each node as it is now, kept beside the homes: backups are scanned too, those
    // of earlier steps included.
    backupsTaken++;
    Files.createDirectories(tmp.resolve("backups"));
    List<String> backups = new ArrayList<>();
    for (TestOrg o : List.of(east, north)) {
      String name = "backups/" + backupsTaken + "-" + o.key() + ".bdxbackup";
      ok("backup", "--home", o.homeArg(), "--out", tmp.resolve(name).toString());
      backups.add(name);
    }
    log.flush();
    List<String> scanned = files().stream().map(f -> tmp.relativize(f).toString()).toList();
    assertThat(scanned).as("what the scan reads").containsAll(backups);
    for (String home : List.of("east/", "north/")) {
      assertThat(scanned)
          .as("what the scan reads")
          .contains(
              home + "node.db",
              home + "node.db-wal",
              home + "node.db-shm",
              home + "reportkeys.db",
              home + "vault",
              home + "node.properties");
    }
    assertThat(hits(CANARIES)).isEmpty();
    List<String> clear = hits(List.of(alertId));
    assertThat(clear).anyMatch(h -> h.startsWith("east/node.db"));
    assertThat(clear).anyMatch(h -> h.startsWith("north/node.db"));
    assertThat(hits(List.of("serving on port"))).anyMatch(h -> h.startsWith("logs/jvm.log"));
  }

  /**
   * Each place a value appears, as "file @offset: value in context", the file relative to the
   * test's directory; bytes are read one char each (ISO-8859-1) and compared lower-cased.
   */
  private static List<String> hits(List<String> values) throws IOException {
    List<String> out = new ArrayList<>();
    for (Path f : files()) {
      String text =
          new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
      for (String v : values) {
        String needle = lower(v);
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
          out.add(tmp.relativize(f) + " @" + at + ": " + context(text, at, needle.length()));
        }
      }
    }
    return out;
  }

  /** Every regular file under the test's directory, in name order. */
  private static List<Path> files() throws IOException {
    try (Stream<Path> files = Files.walk(tmp)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static String context(String text, int at, int length) {
    String s = text.substring(Math.max(0, at - 40), Math.min(text.length(), at + length + 40));
    return s.replaceAll("[^\\x20-\\x7e]", ".");
  }

  // --- what the nodes hold

  /** East's report, opened with its report keys; empty once purged. */
  private Optional<Report> reportAtEast() {
    NodeHome home = new NodeHome(east.home());
    try (Passphrase p = Passphrase.fromFile(TestOrg.passphraseFile(east.home()));
        Vault vault = Vault.open(east.home(), p);
        NodeDatabase db = NodeDatabase.open(home.databaseFile(), RowCipher.of(vault, RNG));
        ReportKeys keys =
            ReportKeys.open(home.reportKeysFile(), vault.subKey(Vault.Purpose.REPORT_KEYS), RNG)) {
      ReportStore reports =
          new ReportStore(
              db, new AlertStore(db, new AlertIndex()), new SealedReportCodec(keys, RNG));
      return reports.get(reportId).map(ReportRecord::report);
    }
  }

  private AlertView show(TestOrg o) {
    CliRun r = ok("alerts", "show", alertId, "--home", o.homeArg(), "--json");
    try {
      return parse(r.out(), GetAlertResponse.getDefaultInstance()).getAlert();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> searchByPhone(TestOrg o) {
    CliRun r = ok("alerts", "search", "--home", o.homeArg(), "--json", "--phone", "(604) 555-0199");
    try {
      return parse(r.out(), SearchAlertsResponse.getDefaultInstance()).getAlertsList().stream()
          .map(AlertView::getAlertId)
          .toList();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Waits until North has acknowledged everything East queued for it. */
  private void awaitDelivered() throws InterruptedException {
    awaitTrue(
        () -> NetSteps.status(east.home(), "north").getOutboundWaiting() == 0,
        "North acknowledges East's feed");
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private static String[] lower(List<String> values) {
    return values.stream().map(LifecycleCanaryEndToEndTest::lower).toArray(String[]::new);
  }

  /**
   * Every {@code java.util.logging} record of this JVM at the level an operator's node logs at, and
   * every record of the node's own loggers at any level, written to a file so the scan reads it
   * like any other; removed again by {@link #close()}.
   */
  private static final class LogFile extends Handler {
    private final OutputStream out;
    // Held strongly: a logger's level is lost when nothing refers to it.
    private final Logger nodeLoggers = Logger.getLogger("org.bdx");
    private final Level nodeLevel = nodeLoggers.getLevel();
    private boolean closed;

    private LogFile(OutputStream out) {
      this.out = out;
      setFormatter(new SimpleFormatter());
      setLevel(Level.ALL);
    }

    static LogFile capture(Path file) throws IOException {
      Files.createDirectories(file.getParent());
      LogFile h = new LogFile(Files.newOutputStream(file));
      h.nodeLoggers.setLevel(Level.ALL);
      Logger.getLogger("").addHandler(h);
      return h;
    }

    @Override
    public synchronized void publish(LogRecord r) {
      if (closed || !isLoggable(r)) {
        return; // a node thread may still log while the test stops
      }
      try {
        out.write(getFormatter().format(r).getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new AssertionError("could not write the captured log", e);
      }
    }

    @Override
    public synchronized void flush() {
      if (closed) {
        return;
      }
      try {
        out.flush();
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }

    @Override
    public synchronized void close() {
      Logger.getLogger("").removeHandler(this);
      nodeLoggers.setLevel(nodeLevel);
      closed = true;
      try {
        out.close();
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }
}
