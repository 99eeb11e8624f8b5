package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.awaitTrue;
import static org.bdx.cli.NetSteps.held;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.NetSteps.parse;

import java.nio.file.Path;
import java.time.LocalDate;
import org.bdx.proto.v1.SearchAlertsResponse;
import org.bdx.proto.v1.SubmitReportResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partner's text cannot act on staff's terminals (issue 15): a right-to-left override, an isolate
 * and a newline in an alert received from a partner are shown as visible escapes by {@code bdx
 * alerts show} and {@code search}, while {@code --json} carries the exact text. (A node's own
 * intake refuses escape sequences, so those are shown in PrintingTest with an alert as a hostile
 * partner could send it.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TerminalSafetyEndToEndTest {
  private static final String DESCRIPTION =
      "tall\u202Eecnal der\u2066 grey beard\n  phones:           +15550000000";

  @TempDir static Path tmp;
  TestOrg east;
  TestOrg north;
  String alertId;

  @BeforeAll
  void partnersShareAnAlertWithHostileText() throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").start();
    north = TestOrg.builder(tmp, "north", "North Peers").start();
    TestOrg.peers(east, north);
    TestOrg.agree(east, north, 30);
    CliRun r =
        ok(
            "report",
            "add",
            "--home",
            east.homeArg(),
            "--json",
            "--date",
            LocalDate.now().minusDays(1).toString(),
            "--area",
            "Harbour",
            "--harm",
            "robbery",
            "--description",
            DESCRIPTION,
            "--phone",
            "604-555-0123");
    alertId = parse(r.out(), SubmitReportResponse.getDefaultInstance()).getAlert().getAlertId();
    awaitTrue(() -> held(north, alertId), "north receives the alert");
  }

  @AfterAll
  void stop() {
    TestOrg.stopAll(east, north);
  }

  @Test
  void alertsShow_showsBidiControlsAndNewlinesAsEscapes() {
    String shown = ok("alerts", "show", alertId, "--home", north.homeArg()).out();
    assertNeutralised(shown);
  }

  @Test
  void alertsSearch_showsThemAsEscapesToo() {
    String shown = ok("alerts", "search", "--home", north.homeArg(), "--text", "beard").out();
    assertThat(shown).contains(alertId);
    assertNeutralised(shown);
  }

  @Test
  void json_carriesTheExactText() throws Exception {
    CliRun r = ok("alerts", "search", "--home", north.homeArg(), "--text", "beard", "--json");
    SearchAlertsResponse found = parse(r.out(), SearchAlertsResponse.getDefaultInstance());
    assertThat(found.getAlerts(0).getFields().getAggressorDescription()).isEqualTo(DESCRIPTION);
    assertThat(NetSteps.show(north, alertId).getFields().getAggressorDescription())
        .isEqualTo(DESCRIPTION);
  }

  private static void assertNeutralised(String shown) {
    assertThat(shown)
        .contains("tall\\u202Eecnal der\\u2066 grey beard\\n  phones:           +15550000000")
        .doesNotContain("\u202E")
        .doesNotContain("\u2066");
    // The forged phone line stays inside the aggressor line: the only phone shown is the real one.
    assertThat(shown.lines().filter(l -> l.strip().startsWith("phones:")))
        .containsExactly("  phones:           +16045550123");
  }
}
