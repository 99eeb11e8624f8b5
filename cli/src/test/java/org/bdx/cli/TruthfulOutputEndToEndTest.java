package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.awaitTrue;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.NetSteps.report;
import static org.bdx.cli.NetSteps.status;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.bdx.node.sync.FeedClient;
import org.bdx.proto.v1.ListReportsResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the CLI says matches what is so: a partner pinned with another node's id is "a different
 * node", not "not reachable"; {@code bdx id} gives the endpoint partners need; a lost feed shows
 * since when and why; a retracted alert's report is marked and said to be kept until purged.
 */
class TruthfulOutputEndToEndTest {
  @TempDir Path tmp;
  TestOrg east;
  TestOrg north;
  TestOrg west;

  @AfterEach
  void stop() {
    TestOrg.stopAll(east, north, west);
  }

  @Test
  void propose_partnerPinnedWithAnotherNodesId_saysTheNodeThereIsADifferentNode() throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").start();
    north = TestOrg.builder(tmp, "north", "North Peers").start();
    west = TestOrg.builder(tmp, "west", "West Collective").init();
    // North's address, West's node id: the endpoint is up but another node answers there.
    ok(
        "partner",
        "add",
        "--home",
        east.homeArg(),
        "--name",
        "north",
        "--node-id",
        west.id().value(),
        "--endpoint",
        north.endpoint(),
        "--class",
        "peer");
    Path terms =
        NetSteps.termsFile(tmp, "terms.json", List.of("area", "harms"), List.of("area"), 30);

    CliRun r =
        CliRun.bdx(
            "agreement",
            "propose",
            "--home",
            east.homeArg(),
            "--partner",
            "north",
            "--terms",
            terms.toString());

    assertThat(r.exitCode()).as(r.toString()).isNotZero();
    assertThat(r.err())
        .contains("is a different node")
        .contains(north.id().fingerprint())
        .contains(west.id().fingerprint())
        .doesNotContain("not reachable");
  }

  @Test
  void id_showsTheClientApiAndTheFederationEndpoint() throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").init();

    CliRun text = ok("id", "--home", east.homeArg());
    CliRun json = ok("id", "--home", east.homeArg(), "--json");

    assertThat(text.out())
        .contains("client API:   127.0.0.1:" + east.clientPort())
        .contains("federation:   " + east.endpoint());
    assertThat(json.out()).contains("\"federation_endpoint\":\"" + east.endpoint() + "\"");
  }

  @Test
  void status_afterThePartnerStops_showsOfflineSinceAndWhyInWords() throws Exception {
    List<String> logged = new CopyOnWriteArrayList<>();
    Logger feedLog = Logger.getLogger(FeedClient.class.getName());
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            logged.add(r.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    feedLog.addHandler(capture);
    try {
      statusAfterThePartnerStops(logged);
    } finally {
      feedLog.removeHandler(capture);
    }
  }

  private void statusAfterThePartnerStops(List<String> logged) throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").start();
    north = TestOrg.builder(tmp, "north", "North Peers").start();
    TestOrg.peers(east, north);
    TestOrg.agree(east, north, 30);
    awaitTrue(() -> status(east.home(), "north").getConnected(), "east reads north's feed");

    north.stop();
    awaitTrue(
        () -> status(east.home(), "north").getLastError().contains("not reachable"),
        "east notices north is gone");

    assertThat(status(east.home(), "north").getOfflineSince()).isPositive();
    CliRun s = ok("status", "--home", east.homeArg());
    assertThat(s.out())
        .containsPattern("north +offline since \\d\\d:\\d\\d; the partner's node is not running")
        .doesNotContain("UNAVAILABLE");
    // The node's log names the partner by name (its fingerprint beside it, never alone) and says
    // what failed in words, once.
    String fp = north.id().fingerprint();
    assertThat(logged)
        .containsOnlyOnce(
            "feed from partner north ("
                + fp
                + "): the partner's node is not running or not reachable")
        .noneMatch(l -> l.contains(fp) && !l.contains("north (" + fp + ")"))
        .noneMatch(l -> l.contains("UNAVAILABLE"));
  }

  @Test
  void retractedAlert_isMarkedInReportList_andShowSaysTheReportIsKeptUntilPurged()
      throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").start();
    String alertId = report(east.home(), "+1 604 555 0199");
    ok("alerts", "retract", alertId, "--reason", "entered twice", "--home", east.homeArg());

    CliRun list = ok("report", "list", "--home", east.homeArg());
    String reportId =
        NetSteps.parse(
                ok("report", "list", "--home", east.homeArg(), "--json").out(),
                ListReportsResponse.getDefaultInstance())
            .getReports(0)
            .getReportId();
    CliRun show = ok("alerts", "show", alertId, "--home", east.homeArg());

    assertThat(list.out()).contains(alertId + " retracted");
    assertThat(show.out())
        .contains("retracted: partners were told to delete it; its report is kept here")
        .contains("bdx report purge " + reportId)
        .doesNotContain("nothing of its content is kept here");

    ok("report", "purge", reportId, "--home", east.homeArg());
    assertThat(ok("alerts", "show", alertId, "--home", east.homeArg()).out())
        .contains("retracted: nothing of its content is kept here");
  }
}
