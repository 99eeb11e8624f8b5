package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.NetSteps.parse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import org.bdx.proto.v1.ListStaffResponse;
import org.bdx.proto.v1.StaffAccount;
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
 * One account per person, with a role, through {@code bdx staff} and {@code --credential-file},
 * against a running node (spec API-1, ADM-1, ADM-11).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StaffEndToEndTest {
  @TempDir static Path tmp;
  TestOrg org;
  Path intakeFile;
  Path viewerFile;
  String reportId;

  @BeforeAll
  void start() throws Exception {
    org = TestOrg.builder(tmp, "east", "East Outreach").start();
  }

  @AfterAll
  void stop() {
    TestOrg.stopAll(org);
  }

  @Test
  @Order(1)
  void add_writesTheCredentialOwnerOnly_orPrintsItOnce() throws Exception {
    intakeFile = tmp.resolve("robin.credential");
    CliRun written =
        ok(
            "staff",
            "add",
            "--home",
            org.homeArg(),
            "--name",
            "robin",
            "--role",
            "intake",
            "--out",
            intakeFile.toString());
    assertThat(written.out()).contains("Staff account robin (intake) created.");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(intakeFile)))
        .isEqualTo("rw-------");
    String credential = Files.readString(intakeFile).strip();
    assertThat(credential).startsWith("bdxs-");
    assertThat(written.out()).doesNotContain(credential);

    CliRun printed =
        ok("staff", "add", "--home", org.homeArg(), "--name", "vic", "--role", "viewer");
    String shown =
        printed
            .out()
            .lines()
            .filter(l -> l.strip().startsWith("bdxs-"))
            .findFirst()
            .orElseThrow()
            .strip();
    viewerFile = tmp.resolve("vic.credential");
    Files.writeString(viewerFile, shown + "\n");
  }

  @Test
  @Order(2)
  void intake_entersReports_butMayNotPurgeOrManage() throws Exception {
    CliRun added =
        ok(
            "report",
            "add",
            "--home",
            org.homeArg(),
            "--credential-file",
            intakeFile.toString(),
            "--json",
            "--date",
            LocalDate.now().minusDays(1).toString(),
            "--area",
            "Downtown",
            "--harm",
            "robbery");
    reportId = parse(added.out(), SubmitReportResponse.getDefaultInstance()).getReportId();

    CliRun purge =
        CliRun.bdx(
            "report",
            "purge",
            reportId,
            "--home",
            org.homeArg(),
            "--credential-file",
            intakeFile.toString());
    assertThat(purge.exitCode()).as(purge.toString()).isEqualTo(4);
    assertThat(purge.err())
        .contains("the staff account robin is intake; this call needs coordinator")
        .doesNotContain("Exception");
    CliRun manage =
        CliRun.bdx(
            "staff", "list", "--home", org.homeArg(), "--credential-file", intakeFile.toString());
    assertThat(manage.exitCode()).as(manage.toString()).isEqualTo(4);
  }

  @Test
  @Order(3)
  void viewer_searches_butMayNotEnterAReport() {
    ok(
        "alerts",
        "search",
        "--home",
        org.homeArg(),
        "--credential-file",
        viewerFile.toString(),
        "--harm",
        "robbery");
    CliRun add =
        CliRun.bdx(
            "report",
            "add",
            "--home",
            org.homeArg(),
            "--credential-file",
            viewerFile.toString(),
            "--date",
            LocalDate.now().minusDays(1).toString(),
            "--area",
            "Downtown",
            "--harm",
            "robbery");
    assertThat(add.exitCode()).isEqualTo(4);
    assertThat(add.err()).contains("the staff account vic is viewer; this call needs intake");
  }

  @Test
  @Order(4)
  void revoke_cutsOffThatPersonAlone() throws Exception {
    ok("staff", "revoke", "robin", "--home", org.homeArg());

    CliRun refused =
        CliRun.bdx(
            "alerts",
            "search",
            "--home",
            org.homeArg(),
            "--credential-file",
            intakeFile.toString());
    assertThat(refused.exitCode()).isEqualTo(4);
    assertThat(refused.err()).contains("refused the credential (unknown or revoked)");
    // The others keep working.
    ok("alerts", "search", "--home", org.homeArg(), "--credential-file", viewerFile.toString());
    ListStaffResponse list =
        parse(
            ok("staff", "list", "--home", org.homeArg(), "--json").out(),
            ListStaffResponse.getDefaultInstance());
    assertThat(list.getAccountsList())
        .filteredOn(a -> a.getName().equals("robin"))
        .extracting(StaffAccount::getRevokedAt)
        .allMatch(at -> at > 0);
    assertThat(list.getAccountsList())
        .filteredOn(a -> a.getName().equals("vic"))
        .extracting(StaffAccount::getRevokedAt)
        .containsExactly(0L);
  }

  @Test
  @Order(5)
  void aMissingCredentialFile_isNamed() {
    CliRun r =
        CliRun.bdx(
            "alerts",
            "search",
            "--home",
            org.homeArg(),
            "--credential-file",
            tmp.resolve("nope").toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("no such credential file: " + tmp.resolve("nope"));
  }
}
