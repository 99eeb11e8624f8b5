package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bdx.cli.NetSteps.allAlerts;
import static org.bdx.cli.NetSteps.awaitTrue;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.NetSteps.parse;
import static org.bdx.cli.NetSteps.quietly;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bdx.node.home.NodeHome;
import org.bdx.node.server.Node;
import org.bdx.node.vault.KdfParams;
import org.bdx.node.vault.Passphrase;
import org.bdx.proto.v1.Agreement;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.ListAgreementsResponse;
import org.bdx.proto.v1.ListReportsResponse;
import org.bdx.proto.v1.ReportSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Upgrades keep everything (issue 20): two organizations' homes made by a past bdx (fixtures under
 * {@code upgrade/}, made by {@code scripts/make-upgrade-fixtures.sh}; see the README there) open
 * under this build, migrate, and keep every report, alert, agreement and cursor; the feeds resume
 * where they stopped: what waited in the outbox is delivered, nothing already applied is sent
 * again.
 */
class UpgradeEndToEndTest {
  /** The schema that brought partners, agreements and feeds. */
  private static final int FEDERATION = 2;

  @TempDir Path tmp;

  /**
   * A home of every schema the project has had, each made by the last commit at its schema; schema
   * 9 twice, before encryption at rest and after (it came without a migration). Schema 1, before
   * federation, is checked by {@link #homesBeforeFederationKeepTheirReports}.
   */
  @ParameterizedTest(name = "{0} (schema {1})")
  @CsvSource({
    "schema-01, 1",
    "schema-02, 2",
    "schema-03, 3",
    "schema-04, 4",
    "schema-05, 5",
    "schema-06, 6",
    "schema-07, 7",
    "schema-08, 8",
    "plaintext, 9",
    "schema-09, 9",
    "schema-10, 10",
    "schema-11, 11",
    "schema-12, 12",
    "schema-13, 13",
    "schema-14, 14",
    "schema-15, 15",
    "schema-16, 16",
    "schema-17, 17",
    "schema-18, 18"
  })
  void homeOfAnOlderVersion_migrates_keepsEverything_andItsFeedsResume(String fixture, int schema)
      throws Exception {
    unpack(fixture);
    assertThat(schemaVersion(tmp.resolve("east"))).as("east's schema as made").isEqualTo(schema);
    assertThat(schemaVersion(tmp.resolve("north"))).as("north's schema as made").isEqualTo(schema);
    TestOrg east = TestOrg.existing(tmp.resolve("east"), "east");
    TestOrg north = TestOrg.existing(tmp.resolve("north"), "north");
    // Made before encryption at rest: encrypted under a passphrase, as its first serve does.
    if (Node.needsEncryption(new NodeHome(east.home()))) {
      assertThat(encrypt(east)).isEqualTo(3);
      assertThat(encrypt(north)).isEqualTo(1);
    }
    assertThat(Node.needsEncryption(new NodeHome(east.home()))).isFalse();
    assertThat(Node.needsEncryption(new NodeHome(north.home()))).isFalse();
    try {
      if (schema >= FEDERATION) {
        federatedHomesKeepEverythingAndResume(east, north);
      } else {
        homesBeforeFederationKeepTheirReports(east, north);
      }
      assertThat(schemaVersion(east.home())).isEqualTo(Node.schemaVersion());
      assertThat(schemaVersion(north.home())).isEqualTo(Node.schemaVersion());
    } finally {
      TestOrg.stopAll(north, east);
    }
  }

  private static void federatedHomesKeepEverythingAndResume(TestOrg east, TestOrg north)
      throws Exception {
    east.start();
    // North is not started yet: what waits for it is what the old version left queued.
    assertThat(NetSteps.status(east.home(), "north").getOutboundWaiting()).isPositive();
    ok("partner", "update", "north", "--endpoint", north.endpoint(), "--home", east.homeArg());
    north.start();
    ok("partner", "update", "east", "--endpoint", east.endpoint(), "--home", north.homeArg());

    everyReport(east, north);

    // Every alert, own and received, with its fields.
    AlertView eastFirst = alert(east, "+16045550101").orElseThrow();
    assertThat(eastFirst.getFields().getArea()).isEqualTo("Harbour");
    assertThat(alert(north, "+16045550101")).hasValueSatisfying(a -> same(a, eastFirst));
    assertThat(alert(east, "+16045550202"))
        .hasValueSatisfying(a -> assertThat(a.getFields().getArea()).isEqualTo("Riverside"));
    assertThat(allAlerts(north.home()))
        .anySatisfy(a -> assertThat(a.getFields().getVehiclePlate()).isEqualTo("ABC123"));
    assertThat(allAlerts(east.home())).hasSize(4);

    // The agreement, in force on both sides.
    String agreement = activeAgreement(east);
    assertThat(activeAgreement(north)).isEqualTo(agreement);

    // The outbox: east's report entered while north was down reaches north now.
    awaitTrue(
        quietly(() -> alert(north, "+16045550303").isPresent()),
        "east's queued report reaches north after the upgrade");
    // The cursor: a report north enters now reaches east, and nothing before it came again.
    NetSteps.report(north.home(), "Riverside", "604-555-0404");
    awaitTrue(
        quietly(() -> alert(east, "+16045550404").isPresent()), "north's new report reaches east");
    assertThat(allAlerts(north.home())).hasSize(5);
    assertThat(allAlerts(east.home())).hasSize(5);
    assertThat(NetSteps.status(north.home(), "east").getInboundStale()).isZero();
    assertThat(NetSteps.status(east.home(), "north").getInboundStale()).isZero();
    assertThat(NetSteps.status(north.home(), "east").getInboundRejected()).isZero();
    assertThat(NetSteps.status(east.home(), "north").getInboundRejected()).isZero();
  }

  /**
   * Made before federation: each organization holds its own reports and their alerts, nothing else;
   * the upgrade keeps them and adds no partner or agreement.
   */
  private static void homesBeforeFederationKeepTheirReports(TestOrg east, TestOrg north)
      throws Exception {
    east.start();
    north.start();

    everyReport(east, north);

    AlertView eastFirst = alert(east, "+16045550101").orElseThrow();
    assertThat(eastFirst.getFields().getArea()).isEqualTo("Harbour");
    assertThat(eastFirst.getFields().getHarmsList()).hasSize(2);
    assertThat(alert(east, "+16045550303"))
        .hasValueSatisfying(a -> assertThat(a.getFields().getArea()).isEqualTo("Harbour"));
    assertThat(allAlerts(east.home()))
        .hasSize(3)
        .anySatisfy(a -> assertThat(a.getFields().getVehiclePlate()).isEqualTo("ABC123"));
    assertThat(allAlerts(north.home()))
        .singleElement()
        .satisfies(a -> assertThat(a.getFields().getArea()).isEqualTo("Riverside"));
    assertThat(agreements(east)).isEmpty();
    assertThat(agreements(north)).isEmpty();
    // Made before the admin API: the coordinator's credential was made at the first start, so
    // the node can be run (partners, agreements, staff) from now on.
    assertThat(east.home().resolve("admin.token")).isNotEmptyFile();
    assertThat(ok("staff", "list", "--home", east.homeArg()).out()).contains("admin");
  }

  /** Every report, as it was entered. */
  private static void everyReport(TestOrg east, TestOrg north) throws Exception {
    assertThat(reports(east))
        .extracting(ReportSummary::getArea)
        .containsExactlyInAnyOrder("Harbour", "Old Town", "Harbour");
    assertThat(reports(north)).extracting(ReportSummary::getArea).containsExactly("Riverside");
  }

  /** The schema version recorded in the home's database. */
  private static int schemaVersion(Path home) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("node.db"));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_migrations")) {
      return rs.getInt(1);
    }
  }

  @Test
  void homeOfANewerVersion_isRefused_withAClearMessage_andLeftAsItWas() throws Exception {
    unpack("schema-18");
    Path db = tmp.resolve("east").resolve("node.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)");
    }
    TestOrg east = TestOrg.existing(tmp.resolve("east"), "east");
    try {
      assertThatThrownBy(east::start)
          .hasMessageContaining("database schema version 999 is newer than this bdx")
          .hasMessageContaining("knows up to " + Node.schemaVersion())
          .hasMessageContaining("upgrade bdx");
    } finally {
      east.stop();
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_migrations")) {
      assertThat(rs.getInt(1)).isEqualTo(999);
    }
  }

  /** Encrypts a plaintext home as {@code bdx serve} does; returns how many reports it sealed. */
  private static int encrypt(TestOrg o) throws Exception {
    NodeHome home = new NodeHome(o.home());
    assertThat(Node.needsEncryption(home)).isTrue();
    Files.writeString(TestOrg.passphraseFile(o.home()), o.key() + " passphrase chosen later\n");
    try (Passphrase p = Passphrase.fromFile(TestOrg.passphraseFile(o.home()))) {
      return Node.encrypt(home, p, KdfParams.FOR_TESTS).reports();
    }
  }

  private void unpack(String fixture) throws Exception {
    Path archive = tmp.resolve(fixture + ".tar.gz");
    try (InputStream in =
        Objects.requireNonNull(
            getClass().getResourceAsStream("/upgrade/" + fixture + ".tar.gz"), fixture)) {
      Files.copy(in, archive);
    }
    Process tar =
        new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", tmp.toString())
            .inheritIO()
            .start();
    assertThat(tar.waitFor()).as("tar -xzf " + fixture).isZero();
  }

  private static List<ReportSummary> reports(TestOrg o) throws Exception {
    return parse(
            ok("report", "list", "--home", o.homeArg(), "--json").out(),
            ListReportsResponse.getDefaultInstance())
        .getReportsList();
  }

  /** The alert {@code o} holds with this phone number, if any. */
  private static Optional<AlertView> alert(TestOrg o, String e164) throws Exception {
    return allAlerts(o.home()).stream()
        .filter(a -> a.getFields().getPhoneNumbersList().contains(e164))
        .findFirst();
  }

  private static void same(AlertView received, AlertView origin) {
    assertThat(received.getAlertId()).isEqualTo(origin.getAlertId());
    assertThat(received.getVersion()).isEqualTo(origin.getVersion());
    assertThat(received.getFields().getHarmsList()).isEqualTo(origin.getFields().getHarmsList());
  }

  private static List<Agreement> agreements(TestOrg o) throws Exception {
    return parse(
            ok("agreement", "list", "--home", o.homeArg(), "--json").out(),
            ListAgreementsResponse.getDefaultInstance())
        .getAgreementsList();
  }

  private static String activeAgreement(TestOrg o) throws Exception {
    List<Agreement> all = agreements(o);
    assertThat(all)
        .singleElement()
        .satisfies(a -> assertThat(a.getState()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE));
    return all.getFirst().getAgreementId();
  }
}
