package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.awaitTrue;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.NetSteps.parse;
import static org.bdx.cli.NetSteps.quietly;
import static org.bdx.cli.NetSteps.show;
import static org.bdx.cli.NetSteps.status;
import static org.bdx.cli.NetSteps.termsFile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.SearchAlertsResponse;
import org.bdx.proto.v1.SubmitReportResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consent withdrawn while an agreement is suspended never reaches the police partner (spec VER-5,
 * FEED-2, FEED-5.10), with real nodes on loopback driven through the CLI. East shares with a police
 * liaison granted date, area, harms, severity and the reporter's contact. The liaison goes offline
 * holding version 1 of one police-audience alert and with version 1 of another queued for it and
 * never acknowledged; East suspends the agreement; both reporters narrow their consent to peers;
 * East resumes, and the liaison comes back and subscribes at once. East's outbound bytes are
 * recorded before TLS: not a byte of either version 1's content reaches the liaison after the
 * consent was narrowed, and the liaison ends with no content of either alert.
 */
class SuspendedConsentEndToEndTest {
  static final List<String> POLICE_PATHS =
      List.of("incident_date", "area", "harms", "severity", "reporter_contact");

  /** Each one word, none part of another; in the granted fields of the two version 1s. */
  static final String HELD_AREA = "Qzsuheldarea";

  static final String HELD_CONTACT = "Qzsuheldcontact";
  static final String QUEUED_AREA = "Qzsuqueuedarea";
  static final String QUEUED_CONTACT = "Qzsuqueuedcontact";
  static final String MARKER_AREA = "Qzsumarkerarea";

  @TempDir Path tmp;
  final OutboundRecorder eastSent = new OutboundRecorder();
  TestOrg east;
  TestOrg liaison;
  String agreement;

  @BeforeEach
  void network() throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").taps(eastSent).start();
    liaison = TestOrg.builder(tmp, "liaison", "City Police Liaison").start();
    east.addPartner(liaison, "police");
    liaison.addPartner(east, "peer");
    agreement =
        TestOrg.agree(
            east, liaison, termsFile(tmp, "police.json", POLICE_PATHS, List.of("area"), 30));
  }

  @AfterEach
  void stop() {
    TestOrg.stopAll(east, liaison);
  }

  @Test
  void consentNarrowedWhileSuspended_neverReachesThePoliceLiaison_offlineUntilResumed()
      throws Exception {
    // Version 1 of the first alert reaches the liaison, which holds it, contact included.
    SubmitReportResponse held = report(HELD_AREA, HELD_CONTACT);
    String heldId = held.getAlert().getAlertId();
    awaitTrue(() -> holds(liaison, heldId), "the liaison holds the first alert", 60);
    awaitTrue(
        () -> status(east.home(), "liaison").getOutboundWaiting() == 0,
        "the liaison acknowledged it");
    assertThat(show(liaison, heldId).getFields().getReporterContact()).isEqualTo(HELD_CONTACT);
    // The twin of every absence below: the recorder sees what East sends the liaison.
    assertThat(sentToLiaison(0)).contains(HELD_AREA).contains(HELD_CONTACT);

    // The liaison goes offline; version 1 of the second alert is queued for it, unacknowledged.
    // East must have seen the stream end first, or it could still hand that version to it.
    liaison.stop();
    awaitTrue(
        () -> !east.node().partnerSubscribed(liaison.id()), "East sees the liaison's feed end");
    SubmitReportResponse queued = report(QUEUED_AREA, QUEUED_CONTACT);
    String queuedId = queued.getAlert().getAlertId();
    assertThat(status(east.home(), "liaison").getOutboundWaiting()).isEqualTo(1);

    // East suspends. The liaison cannot be told; the suspension holds at East.
    CliRun suspend = CliRun.bdx("agreement", "suspend", agreement, "--home", east.homeArg());
    assertThat(suspend.exitCode()).as(suspend.toString()).isEqualTo(1);
    assertThat(suspend.err()).contains("not reachable");

    // Both reporters narrow their consent to peers, without sharing their contact.
    int narrowedAt = eastSent.sentTo(liaison.id()).length;
    for (SubmitReportResponse r : List.of(held, queued)) {
      CliRun c =
          ok("report", "consent", r.getReportId(), "--home", east.homeArg(), "--audience", "peer");
      assertThat(c.out()).contains("version 2");
    }
    // Nothing East holds keeps either contact any more, not even queued for the suspended
    // liaison; East's own alerts keep the rest (the twin).
    String eastHolds = NetSteps.unsealedText(east);
    assertThat(eastHolds)
        .doesNotContain(lower(HELD_CONTACT))
        .doesNotContain(lower(QUEUED_CONTACT))
        .contains(lower(HELD_AREA))
        .contains(lower(QUEUED_AREA));

    // East resumes while the liaison is still offline; then the liaison comes back, its copy of
    // the agreement still active, and subscribes at once.
    CliRun resume = CliRun.bdx("agreement", "resume", agreement, "--home", east.homeArg());
    assertThat(resume.exitCode()).as(resume.toString()).isEqualTo(1);
    assertThat(resume.err()).contains("not reachable");
    liaison.start();

    // The marker: a later police alert; a feed delivers in the order East queued, so once the
    // liaison holds it, everything queued before it was sent and applied.
    String marker = report(MARKER_AREA, null).getAlert().getAlertId();
    awaitTrue(() -> holds(liaison, marker), "the liaison holds the marker", 60);

    String after = sentToLiaison(narrowedAt);
    assertThat(after).contains(MARKER_AREA);
    for (String value : List.of(HELD_AREA, HELD_CONTACT, QUEUED_AREA, QUEUED_CONTACT)) {
      assertThat(after).as(value).doesNotContain(value);
    }
    assertThat(sentToLiaison(0)).doesNotContain(QUEUED_AREA).doesNotContain(QUEUED_CONTACT);

    // The liaison applied the withdrawal of what it held, and never learned of the other alert.
    AlertView withdrawn = show(liaison, heldId);
    assertThat(withdrawn.getTombstone()).isTrue();
    assertThat(withdrawn.getVersion()).isEqualTo(2);
    assertThat(withdrawn.getFields().getSerializedSize()).isZero();
    CliRun unknown = CliRun.bdx("alerts", "show", queuedId, "--home", liaison.homeArg());
    assertThat(unknown.exitCode()).isEqualTo(1);
    String liaisonHolds = NetSteps.unsealedText(liaison);
    for (String value : List.of(HELD_AREA, HELD_CONTACT, QUEUED_AREA, QUEUED_CONTACT)) {
      assertThat(liaisonHolds).as(value).doesNotContain(lower(value));
    }
    assertThat(liaisonHolds).contains(lower(MARKER_AREA));
  }

  // --- helpers

  /** A police-audience report at East; with the reporter's contact shared if one is given. */
  private SubmitReportResponse report(String area, String contact) throws Exception {
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
                "--time",
                "night",
                "--area",
                area,
                "--setting",
                "outcall",
                "--harm",
                "physical_assault",
                "--severity",
                "high",
                "--description",
                "tall, grey beard",
                "--audience",
                "police"));
    if (contact != null) {
      args.addAll(List.of("--contact", contact, "--share-contact"));
    }
    return parse(ok(args.toArray(String[]::new)).out(), SubmitReportResponse.getDefaultInstance());
  }

  /** Everything East sent the liaison from byte {@code from} on, one char per byte. */
  private String sentToLiaison(int from) {
    byte[] all = eastSent.sentTo(liaison.id());
    return new String(Arrays.copyOfRange(all, from, all.length), StandardCharsets.ISO_8859_1);
  }

  private boolean holds(TestOrg o, String alertId) {
    return quietly(
            () -> {
              CliRun r = ok("alerts", "search", "--home", o.homeArg(), "--json");
              return parse(r.out(), SearchAlertsResponse.getDefaultInstance())
                  .getAlertsList()
                  .stream()
                  .anyMatch(a -> a.getAlertId().equals(alertId));
            })
        .getAsBoolean();
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
