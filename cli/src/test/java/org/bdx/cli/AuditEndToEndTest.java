package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.awaitTrue;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.NetSteps.parse;
import static org.bdx.cli.NetSteps.quietly;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.bdx.node.home.NodeHome;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.AuditEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log through {@code bdx audit} on real nodes on loopback (spec ADM-12): East's staff
 * search with a canary phone number and share an alert with North; East's log has the search
 * without the number, and the disclosure with its field paths; then East's database is changed
 * while it is stopped and {@code bdx audit verify} names the entry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditEndToEndTest {
  /** Searched for, never reported: no file or answer of East may hold it afterwards. */
  static final String CANARY_PHONE = "604 555 0177";

  static final List<String> CANARY_FORMS = List.of("5550177", "555 0177", "555-0177");

  @TempDir static Path tmp;
  TestOrg east;
  TestOrg north;
  Path robin;
  String alertId;
  long searchSeq;
  String noted;

  @BeforeAll
  void network() throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").start();
    north = TestOrg.builder(tmp, "north", "North Peers").start();
    TestOrg.peers(east, north);
    TestOrg.agree(east, north, 30);
    robin = tmp.resolve("robin.credential");
    ok(
        "staff",
        "add",
        "--home",
        east.homeArg(),
        "--name",
        "robin",
        "--role",
        "intake",
        "--out",
        robin.toString());
  }

  @AfterAll
  void stop() {
    TestOrg.stopAll(east, north);
  }

  private List<AuditEntry> auditJson(TestOrg org) throws Exception {
    List<AuditEntry> out = new ArrayList<>();
    for (String line :
        ok("audit", "list", "--home", org.homeArg(), "--json").out().lines().toList()) {
      out.add(parse(line, AuditEntry.getDefaultInstance()));
    }
    return out;
  }

  /** Every row of East's audit table, every column, as bytes (one char per byte). */
  private String auditTableBytes() throws Exception {
    StringBuilder sb = new StringBuilder();
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:sqlite:file:" + new NodeHome(east.home()).databaseFile() + "?mode=ro");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT * FROM audit_log UNION ALL SELECT 0, 0, '', '', '', hash, hash FROM audit_head")) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= columns; i++) {
          byte[] b = rs.getBytes(i);
          if (b != null) {
            sb.append(new String(b, StandardCharsets.ISO_8859_1)).append('|');
          }
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  @Test
  @Order(1)
  void theSearchAndTheDisclosure_areListed_withoutTheSearchedNumber() throws Exception {
    ok(
        "alerts",
        "search",
        "--home",
        east.homeArg(),
        "--credential-file",
        robin.toString(),
        "--phone",
        CANARY_PHONE);
    alertId = NetSteps.report(east.home(), "+1 604 555 0142");
    awaitTrue(
        quietly(() -> NetSteps.alertIds(north.home()).contains(alertId)),
        "North received East's alert");
    AlertView atNorth =
        NetSteps.allAlerts(north.home()).stream()
            .filter(a -> a.getAlertId().equals(alertId))
            .findFirst()
            .orElseThrow();

    List<AuditEntry> log = auditJson(east);
    AuditEntry search =
        log.stream().filter(e -> e.getAction().equals("search")).findFirst().orElseThrow();
    assertThat(search.getActor()).isEqualTo("robin");
    assertThat(search.getDetail()).isEqualTo("criteria=phone results=0");
    searchSeq = search.getSequence();
    AuditEntry disclosure =
        log.stream().filter(e -> e.getAction().equals("disclosure")).findFirst().orElseThrow();
    assertThat(disclosure.getActor()).isEqualTo("admin");
    assertThat(disclosure.getDetail())
        .isEqualTo(
            "alert="
                + alertId
                + " version=1 partner="
                + north.id().value()
                + " partner_name=north fields="
                + String.join(",", atNorth.getDisclosedPathsList().stream().sorted().toList()));
    assertThat(atNorth.getDisclosedPathsList()).contains("phone_numbers", "area");
    assertThat(log)
        .extracting(AuditEntry::getAction)
        .contains(
            "staff.add", "partner.add", "agreement.propose", "agreement.accept", "report.enter");

    // Nothing East answers or holds in its audit table has the searched number, in any form.
    String json = ok("audit", "list", "--home", east.homeArg(), "--json").out();
    String text = ok("audit", "list", "--home", east.homeArg()).out();
    String table = auditTableBytes();
    // A searched value is stored nowhere: not in any of East's database files either.
    String files = NetSteps.databaseFiles(east.home());
    for (String form : CANARY_FORMS) {
      assertThat(json).doesNotContain(form);
      assertThat(text).doesNotContain(form);
      assertThat(table).doesNotContain(form);
      assertThat(files).doesNotContain(form);
    }
    // The twin: the answers hold what the log holds. The table holds its actions in clear, and
    // its actors and details only sealed (spec AR-8): the node's row keys open them.
    for (String held : List.of(alertId, "robin", north.id().value())) {
      assertThat(json).contains(held);
      assertThat(text).contains(held);
      assertThat(table).doesNotContain(held);
    }
    assertThat(table).contains("search").contains("disclosure");
    assertThat(files).doesNotContain("robin").doesNotContain("partner_name=north");
    // The ids are in the files all the same, in clear columns of other tables (routing needs them).
    assertThat(files).contains(alertId).contains(north.id().value());
    assertThat(NetSteps.unsealedText(east))
        .contains("robin criteria=phone results=0")
        .contains("partner_name=north");
    assertThat(text.lines())
        .anySatisfy(
            l ->
                assertThat(l)
                    .matches(
                        "\\d{4}-\\d\\d-\\d\\dT\\S+Z\\s+robin\\s+search\\s+criteria=phone results=0"));
  }

  @Test
  @Order(2)
  void verify_printsTheHead_andANotedHeadChecksOut() {
    CliRun v = ok("audit", "verify", "--home", east.homeArg());
    List<String> lines = v.out().lines().toList();
    assertThat(lines.get(0)).matches("audit log intact: \\d+ entries, head [0-9a-f]{64}");
    assertThat(lines.get(1)).matches("note it down: \\d+:[0-9a-f]{64}");
    noted = lines.get(1).substring("note it down: ".length());
    assertThat(lines.get(0)).endsWith(noted.substring(noted.indexOf(':') + 1));
    CliRun still = ok("audit", "verify", "--home", east.homeArg(), "--expect", noted);
    assertThat(still.out()).contains("is still in the log");

    String forged = noted.substring(0, noted.indexOf(':') + 1) + "0".repeat(64);
    CliRun rewritten = CliRun.bdx("audit", "verify", "--home", east.homeArg(), "--expect", forged);
    assertThat(rewritten.exitCode()).as(rewritten.toString()).isEqualTo(1);
    assertThat(rewritten.err()).contains("audit log rewritten: entry ");

    CliRun future =
        CliRun.bdx(
            "audit",
            "list",
            "--home",
            east.homeArg(),
            "--since",
            LocalDate.now().plusDays(2).toString());
    assertThat(future.exitCode()).isZero();
    assertThat(future.out()).startsWith("No entries since ");
    CliRun bad = CliRun.bdx("audit", "list", "--home", east.homeArg(), "--since", "yesterday");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("--since: not a date in the form YYYY-MM-DD");
  }

  @Test
  @Order(3)
  void anEntryEditedInTheStoppedNodesFile_isNamedByVerify() throws Exception {
    east.stop();
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + new NodeHome(east.home()).databaseFile());
        Statement s = c.createStatement()) {
      // Someone with the disk: the append-only trigger stops a bug, not them. Without the keys
      // they cannot write a detail that opens; they put another entry's sealed detail there.
      s.execute("DROP TRIGGER audit_log_append_only_update");
      assertThat(
              s.executeUpdate(
                  "UPDATE audit_log SET detail = (SELECT detail FROM audit_log WHERE seq = "
                      + (searchSeq + 1)
                      + ") WHERE seq = "
                      + searchSeq))
          .isEqualTo(1);
    }
    east.start();
    CliRun v = CliRun.bdx("audit", "verify", "--home", east.homeArg());
    assertThat(v.exitCode()).as(v.toString()).isEqualTo(1);
    assertThat(v.err())
        .contains(
            "audit log not intact: entry "
                + searchSeq
                + " was edited: its hash does not match its content (first bad entry "
                + searchSeq
                + ", edited; head ");
    assertThat(v.out()).isEmpty();
  }
}
