package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.awaitTrue;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.NetSteps.parse;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.ListReportsResponse;
import org.bdx.proto.v1.ReportSummary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bdx report import} (issue 20): a kept list, as CSV or JSON, imported through the client
 * API with intake's normalising; refused rows listed by number and field (never their content) and
 * written back for fixing; imported reports kept to this organization until consent is recorded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportImportEndToEndTest {
  @TempDir static Path tmp;
  TestOrg east;
  TestOrg north;
  final String date = LocalDate.now().minusDays(3).toString();

  @BeforeAll
  void start() throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").start();
    north = TestOrg.builder(tmp, "north", "North Peers").start();
    TestOrg.peers(east, north);
    TestOrg.agree(east, north, 30);
  }

  @AfterAll
  void stop() {
    TestOrg.stopAll(east, north);
  }

  /** A mapping from the template, with the given fields mapped to this list's own headings. */
  private Path mapping(String name) throws Exception {
    String t = ok("report", "import", "--template").out();
    t =
        t.replace("incident_date = incident_date", "incident_date = Date")
            .replace("area = area", "area = Where")
            .replace("harms = harms", "harms = What happened")
            .replace("phone_numbers = phone_numbers", "phone_numbers = Phone")
            .replace("vehicle_plate = vehicle_plate", "vehicle_plate = Plate")
            .replace("narrative = narrative", "narrative = Notes")
            .lines()
            // The fields this list does not have: headings left empty.
            .map(l -> l.matches("[a-z_]+ = [a-z_]+") ? l.substring(0, l.indexOf('=') + 1) : l)
            .reduce("", (a, b) -> a + b + "\n");
    Path p = tmp.resolve(name);
    Files.writeString(p, t);
    return p;
  }

  @Test
  void template_namesEveryField_theWordsTheyTake_andWhoImportedReportsReach() {
    String t = ok("report", "import", "--template").out();
    for (String field :
        List.of(
            "incident_date",
            "time_of_day",
            "area",
            "work_setting",
            "harms",
            "severity",
            "aggressor_description",
            "names_used",
            "phone_numbers",
            "vehicle_description",
            "vehicle_plate",
            "online_handles",
            "modus_operandi",
            "languages",
            "narrative",
            "reporter_contact")) {
      assertThat(t).contains("\n" + field + " = " + field + "\n");
    }
    assertThat(t)
        .contains("# incident_date (required)")
        .contains("physical_assault, sexual_assault")
        .contains("morning, afternoon, evening, night")
        .contains("low, moderate, high, critical")
        .contains("this organization only");
    assertThat(ok("report", "import", "--help").out())
        .contains("this organization only")
        .contains("shared with nobody");
  }

  @Test
  void csv_importsRowsAsIntakeNormalisesThem_keptToThisOrganization_refusedRowsToFix()
      throws Exception {
    Path list = tmp.resolve("list.csv");
    Files.writeString(
        list,
        "Date,Where,What happened,Phone,Plate,Notes,Kept by\n"
            + date
            + ", Harbour ,Physical assault; ROBBERY,604-555-0123,abc 123,\"said \"\"no\"\", then\n"
            + "hit her, twice\",Ana\n"
            + "14/11/2026,Harbour,threats,,,SECRET-NARRATIVE-3,Ana\n"
            + date
            + ",Harbour,punching,,,SECRET-NARRATIVE-4,Ana\n"
            + date
            + ",Old Town,stalking; threats,+1 604 555 0199,,,Bo\n");
    Path mapping = mapping("mapping.txt");
    List<String> before = reportIds();

    CliRun r =
        CliRun.bdx(
            "report",
            "import",
            list.toString(),
            "--mapping",
            mapping.toString(),
            "--home",
            east.homeArg());

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.out())
        .contains("row 2: report ")
        .contains("row 5: report ")
        .doesNotContain("row 3: report")
        .contains("Imported 2 of 4 rows.")
        .contains("for this organization only and shared with nobody");
    assertThat(r.out() + r.err())
        .doesNotContain("SECRET")
        .doesNotContain("punching")
        .doesNotContain("14/11/2026")
        .contains("2 rows refused");

    // The refused rows, whole, in the same form, with the reason: owner-only, it holds content.
    Path refused = tmp.resolve("list-refused.csv");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(refused)))
        .isEqualTo("rw-------");
    List<CSVRecord> rows = csv(Files.readString(refused));
    assertThat(rows.getFirst().toList())
        .containsExactly(
            "Date",
            "Where",
            "What happened",
            "Phone",
            "Plate",
            "Notes",
            "Kept by",
            "refused_because");
    assertThat(rows).hasSize(3);
    assertThat(rows.get(1).get(5)).isEqualTo("SECRET-NARRATIVE-3");
    assertThat(rows.get(1).get(7)).isEqualTo("incident_date: must be a date written YYYY-MM-DD");
    assertThat(rows.get(2).get(2)).isEqualTo("punching");
    assertThat(rows.get(2).get(7)).startsWith("harms: not one of the words this field takes");

    // Stored as a report entered by hand would be: the same normalising, this organization only.
    List<ReportSummary> added = newReports(before);
    assertThat(added).hasSize(2);
    assertThat(added).allMatch(s -> s.getAudience() == Audience.AUDIENCE_ORGANIZATION_ONLY);
    ReportSummary first =
        added.stream().filter(s -> s.getArea().equals("Harbour")).findFirst().orElseThrow();
    assertThat(first.getHarmsList())
        .containsExactly(
            HarmCategory.HARM_CATEGORY_PHYSICAL_ASSAULT, HarmCategory.HARM_CATEGORY_ROBBERY);
    AlertView alert = NetSteps.show(east, first.getAlertId());
    assertThat(alert.getFields().getPhoneNumbersList()).containsExactly("+16045550123");
    assertThat(alert.getFields().getVehiclePlate()).isEqualTo("ABC123");

    // Shared with nobody: a later report does reach north, the imported ones never do.
    String marker = NetSteps.report(east.home(), "604-555-0142");
    awaitTrue(() -> NetSteps.held(north, marker), "the later report reaches north");
    for (ReportSummary s : added) {
      assertThat(NetSteps.held(north, s.getAlertId())).as(s.getAlertId()).isFalse();
    }
    // Until a coordinator records the reporter's choice.
    ok("report", "consent", first.getReportId(), "--audience", "peer", "--home", east.homeArg());
    awaitTrue(
        () -> NetSteps.held(north, first.getAlertId()), "the report reaches north once consented");

    // Fixed in the refused-rows file and imported from it: the reason column is not a field.
    Files.writeString(
        refused,
        Files.readString(refused).replace("14/11/2026", date).replace("punching", "threats"));
    CliRun again =
        ok(
            "report",
            "import",
            refused.toString(),
            "--mapping",
            mapping.toString(),
            "--home",
            east.homeArg());
    assertThat(again.out()).contains("Imported 2 of 2 rows.");
    assertThat(Files.exists(tmp.resolve("list-refused-refused.csv"))).isFalse();
  }

  @Test
  void check_listsEveryRefusedRowByNumberAndField_storesNothing() throws Exception {
    Path list = tmp.resolve("check.csv");
    String longNarrative = "SECRET".repeat(12_000);
    Files.writeString(
        list,
        "incident_date,area,harms,phone_numbers,narrative\n"
            + date
            + ",Harbour,threats,,\n"
            + "2999-01-01,Harbour,threats,,SECRET-A\n"
            + date
            + ",,threats,not-a-phone,SECRET-B\n"
            + date
            + ",Harbour,threats,,"
            + longNarrative
            + "\n");
    List<String> before = reportIds();

    CliRun r = CliRun.bdx("report", "import", list.toString(), "--check", "--home", east.homeArg());

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.out())
        .contains("row 3: incident_date: is in the future")
        .contains("row 4: area: is required; phone_numbers: has fewer than 4 digits")
        .contains("row 5: the row is not one report")
        .doesNotContain("row 2:")
        .contains("Checked 4 rows: 1 would be imported, 3 refused. Nothing was stored.")
        .contains("this organization only");
    assertThat(r.out() + r.err()).doesNotContain("SECRET").doesNotContain("not-a-phone");
    assertThat(reportIds()).isEqualTo(before);
    assertThat(Files.exists(tmp.resolve("check-refused.csv"))).isFalse();
  }

  @Test
  void json_importsObjects_refusedOnesWrittenBackAsJsonWithTheReason() throws Exception {
    Path list = tmp.resolve("kept.json");
    Files.writeString(
        list,
        """
        [
          {"incident_date": "%s", "area": "Riverside", "harms": ["stalking", "threats"],
           "phone_numbers": ["604 555 0177"], "severity": "High", "narrative": "SECRET-J1"},
          {"incident_date": "%s", "harms": "robbery", "narrative": "SECRET-J2"}
        ]
        """
            .formatted(date, date));
    List<String> before = reportIds();

    CliRun r = CliRun.bdx("report", "import", list.toString(), "--home", east.homeArg());

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.out()).contains("row 1: report ").contains("Imported 1 of 2 rows.");
    assertThat(r.out() + r.err()).doesNotContain("SECRET");
    List<ReportSummary> added = newReports(before);
    assertThat(added)
        .singleElement()
        .satisfies(s -> assertThat(s.getArea()).isEqualTo("Riverside"));
    assertThat(added.getFirst().getAudience()).isEqualTo(Audience.AUDIENCE_ORGANIZATION_ONLY);

    JsonArray refused =
        JsonParser.parseString(Files.readString(tmp.resolve("kept-refused.json"))).getAsJsonArray();
    assertThat(refused).hasSize(1);
    JsonObject row = refused.get(0).getAsJsonObject();
    assertThat(row.get("narrative").getAsString()).isEqualTo("SECRET-J2");
    assertThat(row.get("refused_because").getAsString()).isEqualTo("area: is required");
  }

  @Test
  void sameListImportedAgain_storesNothingNew_andSaysWhichRowsWereAlreadyImported()
      throws Exception {
    Path list = tmp.resolve("again.csv");
    Files.writeString(
        list,
        """
        incident_date,area,harms,phone_numbers,narrative
        %s,Again Park,threats,604 555 0191,SECRET-A1
        %s,Again Park,robbery,604 555 0192,SECRET-A2
        %s,Again Park,robbery,604 555 0192,SECRET-A2
        """
            .formatted(date, date, date));
    List<String> before = reportIds();

    CliRun first = ok("report", "import", list.toString(), "--home", east.homeArg());
    // Rows are numbered as a spreadsheet shows them (headings are row 1). Two identical rows are
    // one report: the second is the first, already imported.
    assertThat(first.out())
        .contains("row 2: report ")
        .contains("row 3: report ")
        .contains("row 4: already imported as report ")
        .contains("Imported 2 of 3 rows. 1 was already imported and left as it was.");
    assertThat(newReports(before)).hasSize(2);

    // The same rows in another order, in another file, with one row changed.
    Path reordered = tmp.resolve("again-reordered.csv");
    Files.writeString(
        reordered,
        """
        incident_date,area,harms,phone_numbers,narrative
        %s,Again Park,robbery,604 555 0192,SECRET-A2
        %s,Again Park,threats,(604) 555-0191,SECRET-A1
        %s,Again Park,threats,604 555 0193,SECRET-A3
        """
            .formatted(date, date, date));
    List<String> afterFirst = reportIds();
    CliRun second = ok("report", "import", reordered.toString(), "--home", east.homeArg());
    assertThat(second.out())
        .contains("row 2: already imported as report ")
        // The same number written another way is the same row once intake has normalised it.
        .contains("row 3: already imported as report ")
        .contains("row 4: report ")
        .contains("Imported 1 of 3 rows. 2 were already imported and left as they were.");
    assertThat(second.out() + second.err()).doesNotContain("SECRET");
    assertThat(newReports(afterFirst)).hasSize(1);
  }

  @Test
  void longList_reportsProgressOnStandardError() throws Exception {
    StringBuilder b = new StringBuilder("incident_date,area,harms\n");
    for (int i = 0; i < 250; i++) {
      b.append(date).append(",Harbour,threats\n");
    }
    Path list = tmp.resolve("long.csv");
    Files.writeString(list, b);

    CliRun r = ok("report", "import", list.toString(), "--check", "--home", east.homeArg());

    assertThat(r.err()).contains("checked 100 of 250").contains("checked 200 of 250");
    assertThat(r.out()).contains("Checked 250 rows: 250 would be imported, 0 refused.");
  }

  @Test
  void mappingNamingAMissingColumn_isRefusedBeforeAnyRow() throws Exception {
    Path list = tmp.resolve("other.csv");
    Files.writeString(list, "Day,Place,Harm\n" + date + ",Harbour,threats\n");
    List<String> before = reportIds();

    CliRun none = CliRun.bdx("report", "import", list.toString(), "--home", east.homeArg());
    assertThat(none.exitCode()).as(none.toString()).isEqualTo(2);
    assertThat(none.err()).contains("no column holds incident_date, area, harms");

    CliRun missing =
        CliRun.bdx(
            "report",
            "import",
            list.toString(),
            "--mapping",
            mapping("other-mapping.txt").toString(),
            "--home",
            east.homeArg());
    assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(2);
    assertThat(missing.err()).contains("has no column headed \"Date\"");
    assertThat(reportIds()).isEqualTo(before);
  }

  private List<String> reportIds() throws Exception {
    return reports().stream().map(ReportSummary::getReportId).toList();
  }

  private List<ReportSummary> reports() throws Exception {
    return parse(
            ok("report", "list", "--home", east.homeArg(), "--json", "--limit", "500").out(),
            ListReportsResponse.getDefaultInstance())
        .getReportsList();
  }

  private List<ReportSummary> newReports(List<String> before) throws Exception {
    return reports().stream().filter(s -> !before.contains(s.getReportId())).toList();
  }

  private static List<CSVRecord> csv(String text) throws Exception {
    return CSVFormat.DEFAULT.parse(new StringReader(text)).getRecords();
  }
}
