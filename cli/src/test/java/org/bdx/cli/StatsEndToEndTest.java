package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.awaitTrue;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.NetSteps.parse;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.bdx.proto.v1.CountAlertsResponse;
import org.bdx.proto.v1.StatsGroup;
import org.bdx.proto.v1.SubmitReportResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * {@code bdx stats} at a node with its own alerts and alerts received from a partner, two real
 * nodes on loopback driven through the CLI (spec STAT-1..STAT-3). North reports 6 alerts in
 * Downtown and 1 in Harbour (also a robbery); East reports 5 in Downtown and 2 in Strathcona, which
 * North receives (and East North's). Every count from 1 to 4 reads "fewer than 5", in every format.
 */
class StatsEndToEndTest {
  @TempDir Path tmp;
  TestOrg east;
  TestOrg north;
  // One day for every report, in one month, never after today.
  final LocalDate day = LocalDate.now().withDayOfMonth(1);
  final String month = YearMonth.from(day).toString();

  @BeforeEach
  void network() throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").start();
    north = TestOrg.builder(tmp, "north", "North Peers").start();
    TestOrg.peers(east, north);
    TestOrg.agree(east, north, 30);
  }

  @AfterEach
  void stop() {
    TestOrg.stopAll(east, north);
  }

  @Test
  void stats_countsOwnAndReceivedApart_byEachGrouping_smallCountsAsFewerThanFive()
      throws Exception {
    List<String> fromEast = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      fromEast.add(report(east, "Downtown", "physical_assault"));
    }
    fromEast.add(report(east, "Strathcona", "physical_assault"));
    fromEast.add(report(east, "strathcona", "physical_assault"));
    for (int i = 0; i < 6; i++) {
      report(north, "Downtown", "physical_assault");
    }
    report(north, "Harbour", "physical_assault", "robbery");
    awaitTrue(
        () -> fromEast.stream().allMatch(id -> NetSteps.held(north, id)),
        "north holds East's seven alerts",
        60);

    String byArea = ok("stats", "--by", "area", "--home", north.homeArg()).out();
    assertThat(byArea)
        .contains("Alerts by area, all dates", "Counts from 1 to 4 are shown as \"fewer than 5\"")
        .containsPattern("Area +Own +Received\n")
        .containsPattern("Downtown +6 +5\n")
        .containsPattern("Harbour +fewer than 5 +0\n")
        .containsPattern("(?i)strathcona +0 +fewer than 5\n");

    String since = day.toString();
    String csv =
        ok(
                "stats",
                "--since",
                since,
                "--until",
                since,
                "--by",
                "harm",
                "--format",
                "csv",
                "--home",
                north.homeArg())
            .out();
    assertThat(csv.split("\r\n"))
        .containsExactly("harm,own,received", "physical assault,7,7", "robbery,fewer than 5,0");

    String byMonth =
        ok("stats", "--by", "month", "--format", "csv", "--home", north.homeArg()).out();
    assertThat(byMonth.split("\r\n")).containsExactly("month,own,received", month + ",7,7");
    String bySetting =
        ok("stats", "--by", "setting", "--format", "csv", "--home", north.homeArg()).out();
    assertThat(bySetting.split("\r\n")).containsExactly("setting,own,received", "street,7,7");

    // The agreement runs both ways: East counts North's as received, and its own Strathcona
    // pair stays "fewer than 5" there too.
    awaitTrue(
        () ->
            ok("stats", "--by", "area", "--format", "csv", "--home", east.homeArg())
                .out()
                .matches("(?s).*Downtown,5,6.*Harbour,0,.*"),
        "east holds North's seven alerts",
        60);
    String atEast = ok("stats", "--by", "area", "--format", "csv", "--home", east.homeArg()).out();
    assertThat(atEast.split("\r\n"))
        .containsExactly(
            "area,own,received",
            "Downtown,5,6",
            "Harbour,0,fewer than 5",
            "strathcona,fewer than 5,0");

    // --json gives the node's answer: the small count is not in it as a number either.
    CountAlertsResponse json =
        parse(
            ok("stats", "--by", "area", "--json", "--home", north.homeArg()).out(),
            CountAlertsResponse.getDefaultInstance());
    StatsGroup harbour =
        json.getGroupsList().stream().filter(g -> g.getKey().equals("Harbour")).findFirst().get();
    assertThat(harbour.getOwn().getFewerThanFive()).isTrue();
    assertThat(harbour.getOwn().getCount()).isZero();
  }

  @Test
  void stats_chartsArePngAndSvgFiles_keptUnlessForce() throws Exception {
    report(north, "Downtown", "physical_assault");
    for (int i = 0; i < 5; i++) {
      report(north, "Harbour", "robbery");
    }
    Path png = tmp.resolve("trends.png");
    CliRun wrote =
        ok(
            "stats",
            "--by",
            "area",
            "--format",
            "png",
            "--output",
            png.toString(),
            "--home",
            north.homeArg());
    assertThat(wrote.out()).contains("Wrote a chart of alerts by area, all dates (2 groups) to");
    byte[] bytes = Files.readAllBytes(png);
    assertThat(bytes).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n');
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1000);
    assertThat(image.getHeight()).isGreaterThanOrEqualTo(420);

    CliRun again =
        CliRun.bdx(
            "stats", "--format", "png", "--output", png.toString(), "--home", north.homeArg());
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(1);
    assertThat(again.err()).contains("already exists; choose another file, or add --force");
    assertThat(Files.readAllBytes(png)).isEqualTo(bytes);

    Path svg = tmp.resolve("trends.svg");
    ok(
        "stats",
        "--by",
        "area",
        "--format",
        "svg",
        "--output",
        svg.toString(),
        "--home",
        north.homeArg());
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    Document doc = f.newDocumentBuilder().parse(svg.toFile());
    assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
    String text = doc.getDocumentElement().getTextContent();
    assertThat(text).contains("Alerts by area", "Harbour", "Downtown", "<5", "fewer than 5 alerts");

    Path csv = tmp.resolve("area.csv");
    ok(
        "stats",
        "--by",
        "area",
        "--format",
        "csv",
        "--output",
        csv.toString(),
        "--home",
        north.homeArg());
    assertThat(Files.readString(csv, StandardCharsets.UTF_8))
        .isEqualTo("area,own,received\r\nDowntown,fewer than 5,0\r\nHarbour,5,0\r\n");
  }

  @Test
  void stats_badOptions_saySoInPlainWords_beforeAskingTheNode() {
    assertUsage(
        CliRun.bdx(
            "stats", "--since", "2026-03-01", "--until", "2026-01-31", "--home", north.homeArg()),
        "--until 2026-01-31 is before --since 2026-03-01: the period would be empty.");
    assertUsage(
        CliRun.bdx("stats", "--since", "1 March", "--home", north.homeArg()),
        "--since: write the date as YYYY-MM-DD, for example 2026-01-31");
    assertUsage(
        CliRun.bdx("stats", "--by", "week", "--home", north.homeArg()),
        "--by: choose month, harm, area or setting");
    assertUsage(
        CliRun.bdx("stats", "--format", "pdf", "--home", north.homeArg()),
        "--format: choose text, csv, png or svg");
    assertUsage(
        CliRun.bdx("stats", "--format", "png", "--home", north.homeArg()),
        "--format png needs --output FILE (for example trends.png)");
  }

  private static void assertUsage(CliRun run, String message) {
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err()).contains(message);
  }

  /** A report at {@code org} on {@link #day}; returns the alert id. */
  private String report(TestOrg org, String area, String... harms) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "report",
                "add",
                "--home",
                org.homeArg(),
                "--json",
                "--date",
                day.toString(),
                "--area",
                area,
                "--setting",
                "street",
                "--description",
                "tall",
                "--audience",
                "peer"));
    for (String h : harms) {
      args.add("--harm");
      args.add(h);
    }
    return parse(ok(args.toArray(String[]::new)).out(), SubmitReportResponse.getDefaultInstance())
        .getAlert()
        .getAlertId();
  }
}
