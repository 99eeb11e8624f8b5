package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.NetSteps.parse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.SubmitReportResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One vocabulary (issue 15): report files, agreement terms files and the templates use the words
 * the options take ("evening", "physical_assault", "peer"), and the templates read as plain JSON.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VocabularyEndToEndTest {
  @TempDir static Path tmp;
  TestOrg east;
  TestOrg north;
  final String date = LocalDate.now().minusDays(1).toString();

  @BeforeAll
  void start() throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").start();
    north = TestOrg.builder(tmp, "north", "North Peers").start();
    TestOrg.peers(east, north);
  }

  @AfterAll
  void stop() {
    TestOrg.stopAll(east, north);
  }

  @Test
  void reportTemplate_usesTheOptionsWords_andNoEscapes() {
    String t = ok("report", "template").out();
    assertThat(t)
        .contains("\"time_of_day\": \"evening\"")
        .contains("\"physical_assault\"")
        .contains("\"work_setting\": \"outcall\"")
        .contains("\"severity\": \"high\"")
        .contains("\"audience\": \"peer\"")
        .contains("reporter's")
        .doesNotContain("\\u0027")
        .doesNotContain("HARM_CATEGORY_")
        .doesNotContain("TIME_OF_DAY_");
  }

  @Test
  void reportTemplate_filledIn_isAccepted() throws Exception {
    Path file = tmp.resolve("from-template.json");
    Files.writeString(file, ok("report", "template").out().replace("2026-11-14", date));
    CliRun add = ok("report", "add", "--home", east.homeArg(), "--file", file.toString());
    assertThat(add.out()).contains("signed").contains("physical_assault, refused_payment");
  }

  @Test
  void reportFile_withTheOptionsWords_givesTheSameAlertAsTheOptions() throws Exception {
    AlertView byOptions =
        submitted(
            ok(
                "report",
                "add",
                "--home",
                east.homeArg(),
                "--json",
                "--date",
                date,
                "--time",
                "evening",
                "--area",
                "Harbour",
                "--setting",
                "street",
                "--harm",
                "physical_assault",
                "--harm",
                "robbery",
                "--severity",
                "critical",
                "--description",
                "short, red jacket",
                "--audience",
                "support"));
    // Lower-case words, other spellings the options take, and an enum name, mixed.
    Path file = tmp.resolve("words.json");
    Files.writeString(
        file,
        """
        {"incident_date": "%s", "time_of_day": "evening", "area": "Harbour",
         "work_setting": "Street", "harms": ["physical assault", "HARM_CATEGORY_ROBBERY"],
         "severity": "critical", "aggressor_description": "short, red jacket",
         "consent": {"audience": "support"}}
        """
            .formatted(date));
    AlertView byFile =
        submitted(
            ok("report", "add", "--home", east.homeArg(), "--json", "--file", file.toString()));

    assertThat(byFile.getFields()).isEqualTo(byOptions.getFields());
    assertThat(byFile.getAudience()).isEqualTo(byOptions.getAudience());
  }

  @Test
  void reportFile_withAnUnknownWord_namesTheFieldTheWordAndTheAcceptedWords() throws Exception {
    Path file = tmp.resolve("unknown.json");
    Files.writeString(
        file, "{\"incident_date\": \"" + date + "\", \"harms\": [\"robbery\", \"punching\"]}");
    CliRun add = CliRun.bdx("report", "add", "--home", east.homeArg(), "--file", file.toString());
    assertThat(add.exitCode()).as(add.toString()).isNotZero();
    assertThat(add.err())
        .contains("harms[1]")
        .contains("'punching'")
        .contains("physical_assault, sexual_assault")
        .doesNotContain("Exception");

    Files.writeString(file, "{\"consent\": {\"audience\": \"everyone\"}}");
    CliRun audience =
        CliRun.bdx("report", "add", "--home", east.homeArg(), "--file", file.toString());
    assertThat(audience.err()).contains("consent.audience").contains("peer, support, police");
  }

  @Test
  void agreementTemplate_andTermsFiles_takeTheSameWords() throws Exception {
    String t = ok("agreement", "template").out();
    assertThat(t).contains("\"receiver_class\": \"peer\"").doesNotContain("PARTNER_CLASS_");

    Path bad = tmp.resolve("bad-terms.json");
    Files.writeString(bad, "{\"we_receive\": {\"receiver_class\": \"cop\"}}");
    CliRun refused =
        CliRun.bdx(
            "agreement",
            "propose",
            "--home",
            east.homeArg(),
            "--partner",
            "north",
            "--terms",
            bad.toString());
    assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
    assertThat(refused.err())
        .contains("we_receive.receiver_class")
        .contains("'cop'")
        .contains("peer, support, police");

    String direction =
        "{\"receiver_class\": \"peer\", \"harms\": [\"robbery\", \"stalking\"],"
            + " \"all_areas\": true, \"min_severity\": \"high\", \"retention_days\": 30,"
            + " \"field_paths\": [\"incident_date\", \"harms\"]}";
    // An area a partner proposes reaches the other's terminal: a bidi override in it is escaped.
    String send = direction.replace("\"all_areas\": true", "\"areas\": [\"Harbour\u202E\"]");
    Path terms = NetSteps.proposal(tmp, send, direction);
    String id = TestOrg.agree(east, north, terms);
    assertThat(ok("agreement", "show", id, "--home", north.homeArg()).out())
        .contains("receiver is peer")
        .contains("robbery, stalking")
        .contains("at least high")
        .contains("areas:     harbour\\u202e")
        .doesNotContain("\u202E");
  }

  private static AlertView submitted(CliRun r) throws Exception {
    return parse(r.out(), SubmitReportResponse.getDefaultInstance()).getAlert();
  }
}
