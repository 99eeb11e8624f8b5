package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.awaitTrue;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.NetSteps.parse;
import static org.bdx.cli.NetSteps.quietly;
import static org.bdx.cli.NetSteps.show;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.bdx.proto.v1.SubmitReportResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bdx bulletin} at a node that received warnings from a partner (spec BUL-1..BUL-6), with
 * two real nodes on loopback driven through the CLI. East reports four alerts: two in Downtown, one
 * in Strathcona that it then updates, one it retracts. North receives them under a peer agreement
 * that grants neither the plate nor the reporter's contact, and makes bulletins in English and
 * French, and a PDF: grouped by area, the update marked, the retracted one absent, and neither the
 * narrative, the contact nor the withheld plate anywhere.
 */
class BulletinEndToEndTest {
  static final String NARRATIVE = "Qzbunarrative";
  static final String CONTACT = "Qzbucontact";
  static final String PLATE = "QZB123";
  static final String RETRACTED = "Qzburetracted";

  @TempDir Path tmp;
  TestOrg east;
  TestOrg north;
  final String since = LocalDate.now().minusDays(10).toString();

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
  void bulletin_atTheReceiver_groupsByArea_marksUpdates_andShowsNothingWithheld() throws Exception {
    String first = report(3, "Downtown", "tall, red cap");
    String second = report(1, "downtown ", "short, green jacket");
    String updated = report(2, "Strathcona", "thin, glasses");
    String retracted = report(1, "Strathcona", RETRACTED);
    ok("alerts", "update", updated, "--home", east.homeArg(), "--description", "thin, now bald");
    ok("alerts", "retract", retracted, "--home", east.homeArg(), "--reason", "wrong person");
    // held() first: show() fails the test outright on an alert that has not arrived yet.
    awaitTrue(
        () ->
            NetSteps.held(north, first)
                && NetSteps.held(north, second)
                && NetSteps.held(north, updated)
                && NetSteps.held(north, retracted)
                && quietly(() -> show(north, updated).getVersion() == 2).getAsBoolean()
                && quietly(() -> show(north, retracted).getTombstone()).getAsBoolean(),
        "north holds the update and the retraction",
        60);

    String text = ok("bulletin", "--since", since, "--home", north.homeArg()).out();

    // The twin of every absence below: what was granted is there, grouped and ordered.
    assertThat(text)
        .contains("BAD DATE WARNINGS", "Made by North Peers", "3 warnings")
        // One group for "Downtown" and "downtown ", named as the newest warning writes it.
        .contains("## downtown (2 warnings)", "## Strathcona (1 warning)")
        .contains("PHYSICAL ASSAULT", "Phone: +1 604-555-0123", "thin, now bald", "[UPDATED]");
    assertThat(text.indexOf("## downtown")).isLessThan(text.indexOf("## Strathcona"));
    assertThat(text.indexOf("short, green jacket")).isLessThan(text.indexOf("tall, red cap"));
    // Never the narrative or the contact; not the plate North was not given; not the retracted
    // alert; not East's name (bulletin.source is off by default); no ids.
    assertThat(text)
        .doesNotContain(NARRATIVE)
        .doesNotContain(CONTACT)
        .doesNotContain(PLATE)
        .doesNotContain(RETRACTED)
        .doesNotContain("thin, glasses")
        .doesNotContain("East Outreach")
        .doesNotContain(first)
        .doesNotContain(east.id().value());

    // French, as HTML, to a file that is then kept unless --force.
    Path file = tmp.resolve("bulletin-fr.html");
    CliRun wrote =
        ok(
            "bulletin",
            "--since",
            since,
            "--home",
            north.homeArg(),
            "--lang",
            "fr",
            "--format",
            "html",
            "--out",
            file.toString());
    assertThat(wrote.out()).contains("Wrote a bulletin of 3 warnings to");
    String page = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(page)
        .contains("<html lang=\"fr\">", "Alertes mauvais clients", "agression physique")
        .contains("Mis à jour", "3 alertes", "thin, now bald")
        .doesNotContain(NARRATIVE)
        .doesNotContain(CONTACT)
        .doesNotContain(PLATE)
        .doesNotContain(RETRACTED);
    CliRun again =
        CliRun.bdx(
            "bulletin", "--since", since, "--home", north.homeArg(), "--out", file.toString());
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(1);
    assertThat(again.err()).contains("already exists");
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(page);
    ok(
        "bulletin",
        "--since",
        since,
        "--home",
        north.homeArg(),
        "--out",
        file.toString(),
        "--force");
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).contains("BAD DATE WARNINGS");

    // A PDF, read back: the same warnings, and nothing withheld.
    Path pdf = tmp.resolve("bulletin.pdf");
    CliRun wrotePdf =
        ok(
            "bulletin",
            "--since",
            since,
            "--home",
            north.homeArg(),
            "--format",
            "pdf",
            "--out",
            pdf.toString());
    assertThat(wrotePdf.out()).contains("Wrote a bulletin of 3 warnings to");
    String pdfText;
    try (PDDocument d = Loader.loadPDF(pdf.toFile())) {
      pdfText = new PDFTextStripper().getText(d).replaceAll("\\s+", " ");
    }
    assertThat(pdfText)
        .contains("Bad date warnings", "North Peers", "physical assault", "thin, now bald")
        .contains("+1 604-555-0123", "short, green jacket", "UPDATED")
        .doesNotContain(NARRATIVE)
        .doesNotContain(CONTACT)
        .doesNotContain(PLATE)
        .doesNotContain(RETRACTED)
        .doesNotContain("thin, glasses")
        .doesNotContain("East Outreach");
    CliRun noFile =
        CliRun.bdx("bulletin", "--since", since, "--home", north.homeArg(), "--format", "pdf");
    assertThat(noFile.exitCode()).as(noFile.toString()).isEqualTo(2);
    assertThat(noFile.err()).contains("--format pdf needs --out FILE");

    // One area, matched whatever its case.
    String one =
        ok("bulletin", "--since", since, "--home", north.homeArg(), "--area", "STRATHCONA").out();
    assertThat(one).contains("thin, now bald", "1 warning").doesNotContain("red cap");

    // East's own bulletin holds its own plate: the plate is withheld from North, not dropped.
    String own = ok("bulletin", "--since", since, "--home", east.homeArg()).out();
    assertThat(own).contains("Plate: " + PLATE).doesNotContain(NARRATIVE).doesNotContain(CONTACT);
  }

  /** A report at East with a narrative, a shared contact and a plate; returns the alert id. */
  private String report(int daysAgo, String area, String description) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "report",
                "add",
                "--home",
                east.homeArg(),
                "--json",
                "--date",
                LocalDate.now().minusDays(daysAgo).toString(),
                "--time",
                "night",
                "--area",
                area,
                "--setting",
                "street",
                "--harm",
                "physical_assault",
                "--severity",
                "high",
                "--description",
                description,
                "--phone",
                "604 555 0123",
                "--plate",
                PLATE,
                "--narrative",
                NARRATIVE,
                "--contact",
                CONTACT,
                "--share-contact",
                "--audience",
                "peer"));
    return parse(ok(args.toArray(String[]::new)).out(), SubmitReportResponse.getDefaultInstance())
        .getAlert()
        .getAlertId();
  }
}
