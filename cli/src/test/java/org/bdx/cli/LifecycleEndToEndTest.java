package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.ALL_BUT_CONTACT;
import static org.bdx.cli.NetSteps.awaitTrue;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.NetSteps.parse;
import static org.bdx.cli.NetSteps.termsFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.GetAlertResponse;
import org.bdx.proto.v1.SearchAlertsResponse;
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
 * Alert versions, retraction, consent withdrawal and purge across three organizations on loopback,
 * driven through the real CLI (spec 10.4, 10.5): East issues; North is a peer granted every field
 * but the contact; the Liaison is a police liaison granted date, area, harms and severity. East's
 * outbound bytes are recorded before TLS.
 *
 * <p>A partner's copy of a retracted or withdrawn alert is a tombstone: search never finds it and
 * {@code bdx alerts show} says it was retracted or withdrawn, with no content.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LifecycleEndToEndTest {
  static final String POLICE_DESCRIPTION = "Canarypolicedesc";
  static final String PEER_DESCRIPTION = "Canarypeerdesc";
  static final List<String> POLICE_PATHS = List.of("area", "harms", "incident_date", "severity");

  /** Planted in every field of the report that is purged; each one word (one index token). */
  static final List<String> PURGE_CANARIES =
      List.of(
          "Zzpnarrative",
          "Zzpcontact",
          "Zzpdescription",
          "Zzpname",
          "Zzphandle",
          "ZZPLATE9",
          "Zzpvehicle",
          "Zzpsummary");

  @TempDir static Path tmp;
  final OutboundRecorder eastSent = new OutboundRecorder();
  TestOrg east;
  TestOrg north;
  TestOrg liaison;
  SubmitReportResponse policeReport;
  SubmitReportResponse peerReport;

  @BeforeAll
  void network() throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").taps(eastSent).start();
    north = TestOrg.builder(tmp, "north", "North Peers").start();
    liaison = TestOrg.builder(tmp, "liaison", "City Police Liaison").start();
    TestOrg.peers(east, north);
    east.addPartner(liaison, "police");
    liaison.addPartner(east, "peer");
    TestOrg.agree(east, north, termsFile(tmp, "peer.json", ALL_BUT_CONTACT, ALL_BUT_CONTACT, 30));
    TestOrg.agree(east, liaison, termsFile(tmp, "police.json", POLICE_PATHS, List.of("area"), 30));

    policeReport =
        report("police", "--description", "tall " + POLICE_DESCRIPTION, "--plate", "ABC 123");
    peerReport = report("peer", "--description", "short " + PEER_DESCRIPTION);
    awaitTrue(
        () -> search(north).size() == 2 && search(liaison).size() == 1,
        "North holds both alerts, the Liaison the police one");
  }

  @AfterAll
  void stop() {
    TestOrg.stopAll(east, north, liaison);
  }

  @Test
  @Order(0)
  void badRequests_getClearMessages_andChangeNothing() {
    String id = policeReport.getAlert().getAlertId();
    CliRun nothing = CliRun.bdx("alerts", "update", id, "--home", east.homeArg());
    assertThat(nothing.exitCode()).isEqualTo(2);
    assertThat(nothing.err()).contains("say what to change");
    CliRun badPath =
        CliRun.bdx("alerts", "update", id, "--home", east.homeArg(), "--clear", "no_such_field");
    assertThat(badPath.exitCode()).isEqualTo(1);
    assertThat(badPath.err()).contains("clear[0]: not a report field path");
    CliRun badPhone = CliRun.bdx("alerts", "update", id, "--home", east.homeArg(), "--phone", "12");
    assertThat(badPhone.exitCode()).isEqualTo(1);
    assertThat(badPhone.err()).contains("phone_numbers[0]");
    CliRun badAudience =
        CliRun.bdx(
            "report",
            "consent",
            policeReport.getReportId(),
            "--home",
            east.homeArg(),
            "--audience",
            "everyone");
    assertThat(badAudience.exitCode()).isEqualTo(2);
    assertThat(badAudience.err()).contains("--audience");
    CliRun unknown =
        CliRun.bdx("alerts", "retract", "a".repeat(26), "--home", east.homeArg(), "--reason", "x");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).contains("no alert");
    assertThat(show(east, id).getVersion()).isEqualTo(1);
  }

  @Test
  @Order(1)
  void update_reachesBothPartners_asANewerVersion_eachWithOnlyItsFields() throws Exception {
    String id = policeReport.getAlert().getAlertId();
    CliRun r =
        ok(
            "alerts",
            "update",
            id,
            "--home",
            east.homeArg(),
            "--description",
            "identified: tall " + POLICE_DESCRIPTION,
            "--clear",
            "vehicle.plate");
    assertThat(r.out()).contains("version 2");

    awaitTrue(() -> show(north, id).getVersion() == 2, "North gets version 2");
    AlertView atNorth = show(north, id);
    assertThat(atNorth.getFields().getAggressorDescription()).startsWith("identified: ");
    assertThat(atNorth.getFields().getVehiclePlate()).isEmpty();

    awaitTrue(() -> show(liaison, id).getVersion() == 2, "the Liaison gets version 2");
    AlertView atLiaison = show(liaison, id);
    assertThat(atLiaison.getDisclosedPathsList()).containsExactlyElementsOf(POLICE_PATHS);
    assertThat(atLiaison.getFields().getAggressorDescription()).isEmpty();
  }

  @Test
  @Order(2)
  void retract_leavesPartnersOnlyATombstone_andNeverReachesOneThatNeverHadIt() throws Exception {
    String id = peerReport.getAlert().getAlertId();
    CliRun bad = CliRun.bdx("alerts", "retract", id, "--home", north.homeArg(), "--reason", "x");
    assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(1);
    assertThat(bad.err()).contains("only the origin can issue versions");

    ok("alerts", "retract", id, "--home", east.homeArg(), "--reason", "entered by mistake");
    awaitTrue(() -> show(north, id).getTombstone(), "North keeps only a tombstone");
    AlertView t = show(north, id);
    assertThat(t.getStatus()).isEqualTo(AlertStatus.ALERT_STATUS_RETRACTED);
    assertThat(t.getFields().getSerializedSize()).isZero();
    assertThat(t.getEnvelope().getDisclosuresCount()).isZero();
    assertThat(t.getRetractionReason()).isEmpty(); // the reason never leaves East
    assertThat(searchIds(north)).doesNotContain(id);
    CliRun shown = ok("alerts", "show", id, "--home", north.homeArg());
    assertThat(shown.out()).contains("retracted").doesNotContain(PEER_DESCRIPTION);
    CliRun found = ok("alerts", "search", "--home", north.homeArg(), "--json", "--text", "short");
    assertThat(found.out()).doesNotContain(PEER_DESCRIPTION);

    // The Liaison never held this PEER alert: not one byte about it was sent there,
    // while the police alert was (the twin).
    String toLiaison = new String(eastSent.sentTo(liaison.id()), StandardCharsets.ISO_8859_1);
    assertThat(toLiaison).doesNotContain(id);
    assertThat(toLiaison).contains(policeReport.getAlert().getAlertId());
    String toNorth = new String(eastSent.sentTo(north.id()), StandardCharsets.ISO_8859_1);
    assertThat(toNorth).doesNotContain("entered by mistake");
  }

  @Test
  @Order(3)
  void consentNarrowed_withdrawsFromTheLiaison_whileNorthGetsTheUpdate() throws Exception {
    String id = policeReport.getAlert().getAlertId();
    CliRun r =
        ok(
            "report",
            "consent",
            policeReport.getReportId(),
            "--home",
            east.homeArg(),
            "--audience",
            "peer");
    assertThat(r.out()).contains("version 3").contains("audience peer");

    awaitTrue(() -> show(liaison, id).getTombstone(), "the Liaison's copy is withdrawn");
    AlertView t = show(liaison, id);
    assertThat(t.getVersion()).isEqualTo(3);
    assertThat(t.getFields().getSerializedSize()).isZero();
    assertThat(search(liaison)).isEmpty();
    assertThat(ok("alerts", "show", id, "--home", liaison.homeArg()).out()).contains("withdrawn");

    // Twin: North, still entitled, gets version 3 with its content.
    awaitTrue(() -> show(north, id).getVersion() == 3, "North gets version 3");
    AlertView atNorth = show(north, id);
    assertThat(atNorth.getTombstone()).isFalse();
    assertThat(atNorth.getAudience()).isEqualTo(Audience.AUDIENCE_PEER);
    assertThat(atNorth.getFields().getAggressorDescription()).contains(POLICE_DESCRIPTION);
    assertThat(searchIds(north, "--text", POLICE_DESCRIPTION)).containsExactly(id);
  }

  @Test
  @Order(4)
  void purge_leavesNoContentInEastsDatabaseFiles_andPartnersDeleteTheirCopy() throws Exception {
    SubmitReportResponse r =
        report(
            "peer",
            "--description",
            "Zzpdescription",
            "--name-used",
            "Zzpname",
            "--handle",
            "Zzphandle",
            "--plate",
            "ZZPLATE9",
            "--vehicle",
            "Zzpvehicle",
            "--summary",
            "Zzpsummary",
            "--narrative",
            "Zzpnarrative",
            "--contact",
            "Zzpcontact",
            "--share-contact");
    String id = r.getAlert().getAlertId();
    awaitTrue(() -> searchIds(north).contains(id), "North holds the alert");

    // Before the purge no canary is in East's files: reports and alerts are sealed (spec AR-3,
    // AR-6). Twin: East's row keys open every canary of the alert; the narrative is only in the
    // report, which has a key of its own.
    String before = databaseText(east);
    String unsealedBefore = NetSteps.unsealedText(east);
    for (String c : PURGE_CANARIES) {
      assertThat(before).as(c).doesNotContain(c.toLowerCase(Locale.ROOT));
      if (!c.equals("Zzpnarrative")) {
        assertThat(unsealedBefore).as(c).contains(c.toLowerCase(Locale.ROOT));
      }
    }

    CliRun purged = ok("report", "purge", r.getReportId(), "--home", east.homeArg());
    assertThat(purged.out())
        .contains("Report " + r.getReportId() + " purged")
        .contains("alert " + id + " retracted (version 2)")
        .contains("queued for 1 partner");

    String after = databaseText(east);
    String unsealedAfter = NetSteps.unsealedText(east);
    for (String c : PURGE_CANARIES) {
      assertThat(after).as(c).doesNotContain(c.toLowerCase(Locale.ROOT));
      assertThat(unsealedAfter).as(c).doesNotContain(c.toLowerCase(Locale.ROOT));
    }
    awaitTrue(() -> show(north, id).getTombstone(), "North deletes its copy");
    assertThat(ok("report", "list", "--home", east.homeArg()).out())
        .doesNotContain(r.getReportId());
    CliRun again = CliRun.bdx("report", "purge", r.getReportId(), "--home", east.homeArg());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("no report " + r.getReportId());
  }

  // --- helpers

  private SubmitReportResponse report(String audience, String... fields) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "report",
                "add",
                "--home",
                east.homeArg(),
                "--json",
                "--date",
                LocalDate.now().minusDays(1).toString(),
                "--area",
                "Downtown East",
                "--harm",
                "physical_assault",
                "--severity",
                "high",
                "--phone",
                "604 555 0142",
                "--audience",
                audience));
    args.addAll(List.of(fields));
    CliRun r = ok(args.toArray(String[]::new));
    return parse(r.out(), SubmitReportResponse.getDefaultInstance());
  }

  private AlertView show(TestOrg o, String alertId) {
    CliRun r = ok("alerts", "show", alertId, "--home", o.homeArg(), "--json");
    try {
      return parse(r.out(), GetAlertResponse.getDefaultInstance()).getAlert();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private List<AlertView> search(TestOrg o, String... criteria) {
    List<String> args =
        new ArrayList<>(List.of("alerts", "search", "--home", o.homeArg(), "--json"));
    args.addAll(List.of(criteria));
    CliRun r = ok(args.toArray(String[]::new));
    try {
      return parse(r.out(), SearchAlertsResponse.getDefaultInstance()).getAlertsList();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private List<String> searchIds(TestOrg o, String... criteria) {
    return search(o, criteria).stream().map(AlertView::getAlertId).toList();
  }

  /** The node's database file and its -wal and -shm files, lower-cased, as one string. */
  private static String databaseText(TestOrg o) throws IOException {
    return NetSteps.databaseFiles(o.home()).toLowerCase(Locale.ROOT);
  }
}
