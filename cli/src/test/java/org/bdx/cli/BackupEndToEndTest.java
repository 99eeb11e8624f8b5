package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.alertIds;
import static org.bdx.cli.NetSteps.allAlerts;
import static org.bdx.cli.NetSteps.awaitTrue;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.NetSteps.parse;
import static org.bdx.cli.NetSteps.quietly;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.bdx.node.backup.PurgeList;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.BackupSummary;
import org.bdx.proto.v1.GetAlertResponse;
import org.bdx.proto.v1.ListReportsResponse;
import org.bdx.proto.v1.ReportSummary;
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
 * Backup and restore on loopback, through the real CLI (spec AR-9, ADM-13): East and North share
 * under a peer agreement; East is backed up while it serves and alerts flow both ways; more flow
 * after the backup; a report is purged; East's home is lost and restored from the backup into a new
 * directory with the purge list kept beside the backups. The restored East serves, the purged
 * report stays purged, and both feeds go on with no gap and no duplicate.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupEndToEndTest {
  /** Planted in East's reports; none may appear in clear in the backup file. */
  static final List<String> CANARIES =
      List.of("Zzbdescription", "Zzbsummary", "Zzbnarrative", "Zzbcontact", "ZZBPLATE7");

  @TempDir static Path tmp;
  TestOrg east;
  TestOrg north;
  Path backup;
  Path purgeListCopy;

  @BeforeAll
  void network() throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").start();
    north = TestOrg.builder(tmp, "north", "North Peers").start();
    TestOrg.peers(east, north);
    TestOrg.agree(east, north, 30);
    backup = tmp.resolve("backups").resolve("east.bdxbackup");
    Files.createDirectories(backup.getParent());
    purgeListCopy = backup.resolveSibling("east-purged-reports");
  }

  @AfterAll
  void stop() {
    TestOrg.stopAll(east, north);
  }

  @Test
  @Order(1)
  void restoredNode_resumesEveryFeed_keepsPurgesMade_andTheBackupHoldsNoCanaryInClear()
      throws Exception {
    SubmitReportResponse kept = eastReport("+1 613 555 0101", "Zzbdescription");
    SubmitReportResponse purgedLater = eastReport("+1 613 555 0102", "tall, Zzbsummary");
    String fromNorthBefore = NetSteps.report(north.home(), "+1 613 555 0201");
    awaitTrue(
        quietly(
            () ->
                alertIds(north.home())
                        .containsAll(
                            List.of(
                                kept.getAlert().getAlertId(), purgedLater.getAlert().getAlertId()))
                    && alertIds(east.home()).contains(fromNorthBefore)),
        "both of East's alerts at North, North's at East");

    // The backup is made while North keeps sending East alerts (East writes as it is copied).
    AtomicBoolean backingUp = new AtomicBoolean(true);
    List<String> sentDuringBackup = new CopyOnWriteArrayList<>();
    Thread writer =
        Thread.ofVirtual()
            .start(
                () -> {
                  int i = 0;
                  while (backingUp.get() && i < 20) {
                    try {
                      sentDuringBackup.add(
                          NetSteps.report(
                              north.home(), "+1 613 555 03" + String.format("%02d", i)));
                    } catch (Exception e) {
                      throw new AssertionError(e);
                    }
                    i++;
                  }
                });
    CliRun made;
    try {
      made = ok("backup", "--home", east.homeArg(), "--out", backup.toString(), "--json");
    } finally {
      backingUp.set(false);
      writer.join();
    }
    BackupSummary summary = parse(made.out(), BackupSummary.getDefaultInstance());
    assertThat(summary.getReports()).isEqualTo(2);
    assertThat(summary.getSize()).isEqualTo(Files.size(backup));
    assertThat(Files.getPosixFilePermissions(backup))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    try (Stream<Path> left = Files.list(backup.getParent())) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("east.bdxbackup");
    }

    // No canary in clear in the backup file; the twin below shows the backup does carry them.
    String raw = new String(Files.readAllBytes(backup), StandardCharsets.ISO_8859_1);
    for (String canary : CANARIES) {
      assertThat(raw).as(canary).doesNotContain(canary);
    }
    assertThat(raw).doesNotContain("6135550101");

    // After the backup: more alerts both ways, and a purge at East.
    String lostWithEast = NetSteps.report(east.home(), "+1 613 555 0103");
    String fromNorthAfter = NetSteps.report(north.home(), "+1 613 555 0202");
    ok("report", "purge", purgedLater.getReportId(), "--home", east.homeArg());
    awaitTrue(
        quietly(
            () ->
                alertIds(north.home()).contains(lostWithEast)
                    && show(north, purgedLater.getAlert().getAlertId()).getTombstone()
                    && alertIds(east.home()).contains(fromNorthAfter)
                    && alertIds(east.home()).containsAll(sentDuringBackup)),
        "North holds East's new alert and the purge's tombstone; East holds all of North's");
    List<AlertView> atNorthBeforeLoss = allAlerts(north.home());

    // The operator keeps the purge list with the backups; then East's home is lost.
    Files.copy(east.home().resolve(PurgeList.FILE), purgeListCopy);
    east.stop();
    deleteTree(east.home());

    Path newHome = tmp.resolve("east-restored");
    Path passphrase = TestOrg.passphraseFile(newHome);
    Files.copy(TestOrg.passphraseFile(east.home()), passphrase);
    CliRun restored =
        ok(
            "restore",
            backup.toString(),
            "--home",
            newHome.toString(),
            "--passphrase-file",
            passphrase.toString(),
            "--purged",
            purgeListCopy.toString());
    assertThat(restored.out()).contains("Purged again: 1 of the 1 reports");
    east = east.movedTo(newHome);
    east.start();

    // The purged report stays purged: no report, its alert a tombstone, at East and at North.
    ListReportsResponse reports =
        parse(
            ok("report", "list", "--home", east.homeArg(), "--json").out(),
            ListReportsResponse.getDefaultInstance());
    assertThat(reports.getReportsList())
        .extracting(ReportSummary::getReportId)
        .containsExactly(kept.getReportId());
    assertThat(show(east, purgedLater.getAlert().getAlertId()).getTombstone()).isTrue();
    assertThat(show(east, kept.getAlert().getAlertId()).getFields().getAggressorDescription())
        .contains("Zzbdescription"); // the twin: the backup carried the report's alert

    // Both feeds resume: a new alert each way arrives, and East gets back what it lost inbound.
    String eastAfterRestore = NetSteps.report(east.home(), "+1 613 555 0104");
    String northAfterRestore = NetSteps.report(north.home(), "+1 613 555 0203");
    awaitTrue(
        quietly(
            () ->
                alertIds(north.home()).contains(eastAfterRestore)
                    && alertIds(east.home())
                        .containsAll(List.of(fromNorthAfter, northAfterRestore))),
        "the new alerts cross both ways after the restore",
        60);

    // No duplicate and no gap at North: what it held before, plus the two new ones, once each.
    List<AlertView> atNorth = allAlerts(north.home());
    List<String> ids = atNorth.stream().map(AlertView::getAlertId).toList();
    assertThat(ids).doesNotHaveDuplicates();
    List<String> expected =
        new ArrayList<>(atNorthBeforeLoss.stream().map(AlertView::getAlertId).toList());
    expected.addAll(List.of(eastAfterRestore, northAfterRestore));
    assertThat(ids).containsExactlyInAnyOrderElementsOf(expected);
    for (AlertView before : atNorthBeforeLoss) {
      assertThat(show(north, before.getAlertId()).getVersion())
          .as("version of " + before.getAlertId())
          .isEqualTo(before.getVersion());
    }
    assertThat(show(north, purgedLater.getAlert().getAlertId()).getTombstone()).isTrue();
    List<String> atEast = alertIds(east.home());
    assertThat(atEast).doesNotHaveDuplicates();
    assertThat(atEast).containsAll(sentDuringBackup).contains(fromNorthBefore);
    assertThat(NetSteps.status(north.home(), "east").getInboundRejected()).isZero();
    assertThat(NetSteps.status(east.home(), "north").getInboundRejected()).isZero();
  }

  @Test
  @Order(2)
  void backup_existingFile_refusedWithoutForce_andReplacedWithIt() throws Exception {
    byte[] before = Files.readAllBytes(backup);
    CliRun refused = CliRun.bdx("backup", "--home", east.homeArg(), "--out", backup.toString());
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
    assertThat(refused.err()).contains("already exists").contains("--force");
    assertThat(Files.readAllBytes(backup)).isEqualTo(before);

    ok("backup", "--home", east.homeArg(), "--out", backup.toString(), "--force");
    assertThat(Files.readAllBytes(backup)).isNotEqualTo(before);
  }

  @Test
  @Order(3)
  void restore_wrongPassphrase_exits1_andWritesNothing() throws Exception {
    Path wrong = tmp.resolve("wrong.passphrase");
    Files.writeString(wrong, "not the passphrase\n");
    Path target = tmp.resolve("wrong-target").resolve("home");
    CliRun r =
        CliRun.bdx(
            "restore",
            backup.toString(),
            "--home",
            target.toString(),
            "--passphrase-file",
            wrong.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains("wrong passphrase");
    assertThat(target.getParent()).doesNotExist();
    assertThat(leftovers()).isEmpty();
  }

  @Test
  @Order(4)
  void restore_intoNonEmptyDirectory_isRefused() throws Exception {
    Path target = tmp.resolve("occupied");
    Files.createDirectories(target);
    Files.writeString(target.resolve("notes.txt"), "mine\n");
    CliRun r =
        CliRun.bdx(
            "restore",
            backup.toString(),
            "--home",
            target.toString(),
            "--passphrase-file",
            east.passphraseArg());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains("is not empty");
    try (Stream<Path> files = Files.list(target)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("notes.txt");
    }
  }

  @Test
  @Order(5)
  void restore_truncatedFile_exits1_andWritesNothing() throws Exception {
    byte[] whole = Files.readAllBytes(backup);
    Path cut = tmp.resolve("cut.bdxbackup");
    Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 100));
    Path target = tmp.resolve("from-cut");
    CliRun r =
        CliRun.bdx(
            "restore",
            cut.toString(),
            "--home",
            target.toString(),
            "--passphrase-file",
            east.passphraseArg());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains("truncated");
    assertThat(target).doesNotExist();
    assertThat(leftovers()).isEmpty();
  }

  @Test
  @Order(6)
  void restore_withoutHome_isAUsageError() {
    CliRun r = CliRun.bdx("restore", backup.toString(), "--passphrase-file", east.passphraseArg());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("--home DIR is required");
  }

  /** Work directories a failed restore might have left in {@link #tmp}. */
  private List<String> leftovers() throws IOException {
    try (Stream<Path> files = Files.list(tmp)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.contains(".restore-"))
          .toList();
    }
  }

  private SubmitReportResponse eastReport(String phone, String description) throws Exception {
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
            "Downtown East",
            "--setting",
            "outcall",
            "--harm",
            "physical_assault",
            "--severity",
            "high",
            "--description",
            description,
            "--phone",
            phone,
            "--plate",
            "ZZBPLATE7",
            "--summary",
            "Zzbsummary books hotel outcalls",
            "--narrative",
            "Zzbnarrative",
            "--contact",
            "Zzbcontact",
            "--audience",
            "peer");
    return parse(r.out(), SubmitReportResponse.getDefaultInstance());
  }

  private static AlertView show(TestOrg o, String alertId) {
    try {
      return parse(
              ok("alerts", "show", alertId, "--home", o.homeArg(), "--json").out(),
              GetAlertResponse.getDefaultInstance())
          .getAlert();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
