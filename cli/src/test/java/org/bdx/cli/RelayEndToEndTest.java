package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.awaitTrue;
import static org.bdx.cli.NetSteps.direction;
import static org.bdx.cli.NetSteps.held;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.NetSteps.parse;
import static org.bdx.cli.NetSteps.proposal;
import static org.bdx.cli.NetSteps.quietly;
import static org.bdx.cli.NetSteps.show;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.AlertView;
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
 * Relay across four organizations on loopback, set up through the real CLI (spec 10.8):
 *
 * <pre>
 *   A ──(relay, 1 hop; every field)──▶ B ──(relay; no description)──▶ C ──(relay)──▶ D
 *   A ──(no relay; area Uptown only, no phone)──────────────────────▶ C
 * </pre>
 *
 * A's alerts carry the default signed {@code max_hops} 2, but A's terms let B relay them once: a
 * Downtown alert reaches B directly and C only through B, redacted to both grants, and never D. An
 * Uptown alert reaches C by both paths and is held once. The bytes B and C send (recorded before
 * TLS) never carry A's alerts back to A. Every receiver takes what its partner relays ({@code
 * accept_relayed}), so only the hops stop the relay; relayed items carry their signed path (spec
 * RELAY-8), which C shows its staff.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RelayEndToEndTest {
  static final String DESCRIPTION_CANARY = "Canaryrelaydesc";
  static final List<String> EVERY_FIELD_BUT_CONTACT =
      List.of(
          "incident_date",
          "time_of_day",
          "area",
          "work_setting",
          "harms",
          "severity",
          "aggressor_description",
          "phone_numbers");
  static final List<String> NO_DESCRIPTION =
      List.of("incident_date", "area", "harms", "severity", "phone_numbers");

  @TempDir static Path tmp;
  final OutboundRecorder aSent = new OutboundRecorder();
  final OutboundRecorder bSent = new OutboundRecorder();
  final OutboundRecorder cSent = new OutboundRecorder();
  TestOrg a;
  TestOrg b;
  TestOrg c;
  TestOrg d;
  String downtown;
  String uptown;
  String bToC;

  @BeforeAll
  void network() throws Exception {
    a = TestOrg.builder(tmp, "a", "A Outreach").taps(aSent).start();
    b = TestOrg.builder(tmp, "b", "B Peers").taps(bSent).start();
    c = TestOrg.builder(tmp, "c", "C Collective").taps(cSent).start();
    d = TestOrg.builder(tmp, "d", "D Network").start();
    TestOrg.peers(a, b);
    TestOrg.peers(b, c);
    TestOrg.peers(c, d);
    TestOrg.peers(a, c);
    TestOrg.agree(
        a,
        b,
        proposal(
            tmp,
            direction(EVERY_FIELD_BUT_CONTACT, 1, true, null),
            direction(NO_DESCRIPTION, 0, true, null)));
    // The file says neither side takes relayed alerts; the option says C takes what B relays.
    bToC =
        TestOrg.agree(
            b,
            c,
            proposal(
                tmp,
                direction(NO_DESCRIPTION, 2, true, null)
                    .replace("\"accept_relayed\": true", "\"accept_relayed\": false"),
                direction(NO_DESCRIPTION, 2, true, null)
                    .replace("\"accept_relayed\": true", "\"accept_relayed\": false")),
            "--accept-relayed",
            "we_send");
    TestOrg.agree(
        c,
        d,
        proposal(
            tmp,
            direction(EVERY_FIELD_BUT_CONTACT, 2, true, null),
            direction(NO_DESCRIPTION, 0, true, null)));
    TestOrg.agree(
        a,
        c,
        proposal(
            tmp,
            direction(List.of("incident_date", "area", "harms", "severity"), 0, true, "Uptown"),
            direction(NO_DESCRIPTION, 0, true, null)));

    downtown = report(a, "Downtown East");
    uptown = report(a, "Uptown");
    awaitTrue(
        quietly(() -> held(c, downtown) && held(c, uptown)), "C holds both of A's alerts", 20);
  }

  @AfterAll
  void stop() {
    TestOrg.stopAll(a, b, c, d);
  }

  @Test
  @Order(1)
  void cHoldsASignedAlert_throughB_withOnlyWhatBothGrantsAllow() throws Exception {
    AlertView atC = show(c, downtown);
    assertThat(atC.getOriginNodeId()).isEqualTo(a.id().value());
    assertThat(atC.getTombstone()).isFalse();
    assertThat(atC.getDisclosedPathsList()).containsExactlyInAnyOrderElementsOf(NO_DESCRIPTION);
    assertThat(atC.getFields().getAggressorDescription()).isEmpty();
    // C verified A's signature: what it holds is A's signed header, byte for byte.
    assertThat(atC.getEnvelope().getHeader())
        .isEqualTo(show(a, downtown).getEnvelope().getHeader());
    String toC = new String(bSent.sentTo(c.id()), StandardCharsets.ISO_8859_1);
    assertThat(toC).contains(downtown).doesNotContain(DESCRIPTION_CANARY);

    // Twin: B, granted the description by A, holds it.
    AlertView atB = show(b, downtown);
    assertThat(atB.getFields().getAggressorDescription()).contains(DESCRIPTION_CANARY);

    // C's staff see the path it came by (RELAY-9): A, then B; B sees A only.
    assertThat(atC.getPathList()).extracting(p -> p.getName()).containsExactly("a", "b");
    assertThat(atB.getPathList()).extracting(p -> p.getName()).containsExactly("a");
    assertThat(ok("alerts", "show", downtown, "--home", c.homeArg()).out())
        .containsPattern("came through: +a -> b\n");
    // Only because B's proposal said so (--accept-relayed we_send), which C's copy shows.
    String shown = ok("agreement", "show", bToC, "--home", c.homeArg()).out();
    assertThat(shown.substring(shown.indexOf("We send"), shown.indexOf("We receive")))
        .containsPattern("relayed: +the receiver takes no alerts the sender relays");
    assertThat(shown.substring(shown.indexOf("We receive")))
        .containsPattern("relayed: +the receiver takes alerts the sender relays");
  }

  @Test
  @Order(2)
  void theHopLimit_stopsAtC_beforeD() throws Exception {
    // Twin: C's own alert reaches D, so the C–D feed works; it is queued after A's alert reached
    // C, so had C queued A's alert for D, D would hold it by now.
    String own = report(c, "Downtown East");
    awaitTrue(quietly(() -> held(d, own)), "D holds C's own alert", 20);
    assertThat(NetSteps.alertIds(d.home())).doesNotContain(downtown).doesNotContain(uptown);
    String toD = new String(cSent.sentTo(d.id()), StandardCharsets.ISO_8859_1);
    assertThat(toD).contains(own).doesNotContain(downtown).doesNotContain(uptown);
  }

  @Test
  @Order(3)
  void copiesByTwoPaths_areHeldOnce_andNoneIsRejected() throws Exception {
    // Uptown went A → C directly and A → B → C; C acknowledged both copies (stored or ignored).
    awaitTrue(
        quietly(
            () ->
                NetSteps.status(a.home(), "c").getOutboundWaiting() == 0
                    && NetSteps.status(b.home(), "c").getOutboundWaiting() == 0),
        "C acknowledged everything A and B queued for it",
        20);
    assertThat(new String(aSent.sentTo(c.id()), StandardCharsets.ISO_8859_1)).contains(uptown);
    assertThat(new String(bSent.sentTo(c.id()), StandardCharsets.ISO_8859_1)).contains(uptown);
    assertThat(NetSteps.alertIds(c.home()).stream().filter(uptown::equals).count()).isEqualTo(1);
    assertThat(NetSteps.status(c.home(), "a").getInboundRejected()).isZero();
    assertThat(NetSteps.status(c.home(), "b").getInboundRejected()).isZero();
  }

  @Test
  @Order(4)
  void nothingIsEverSentBackToTheOrigin() throws Exception {
    // Twin: B's and C's own alerts do reach A, over the same feeds.
    String bOwn = report(b, "Downtown East");
    awaitTrue(quietly(() -> held(a, bOwn)), "A holds B's own alert", 20);
    String toA = new String(bSent.sentTo(a.id()), StandardCharsets.ISO_8859_1);
    assertThat(toA).contains(bOwn).doesNotContain(downtown).doesNotContain(uptown);
    String cToA = new String(cSent.sentTo(a.id()), StandardCharsets.ISO_8859_1);
    assertThat(cToA).doesNotContain(downtown).doesNotContain(uptown);
    assertThat(NetSteps.status(a.home(), "b").getInboundRejected()).isZero();
    assertThat(NetSteps.status(a.home(), "c").getInboundRejected()).isZero();
  }

  @Test
  @Order(5)
  void aRetractionByA_reachesCThroughB() throws Exception {
    ok("alerts", "retract", downtown, "--home", a.homeArg(), "--reason", "entered twice");
    awaitTrue(quietly(() -> show(c, downtown).getTombstone()), "C keeps only a tombstone", 20);
    AlertView t = show(c, downtown);
    assertThat(t.getStatus()).isEqualTo(AlertStatus.ALERT_STATUS_RETRACTED);
    assertThat(t.getVersion()).isEqualTo(2);
    assertThat(t.getFields().getSerializedSize()).isZero();
    assertThat(NetSteps.alertIds(c.home())).doesNotContain(downtown).contains(uptown);
    // A never sent this alert to C directly (its A–C grant covers Uptown only): it came through B.
    assertThat(new String(aSent.sentTo(c.id()), StandardCharsets.ISO_8859_1))
        .doesNotContain(downtown)
        .contains(uptown);
    assertThat(show(b, downtown).getTombstone()).isTrue();
  }

  // --- helpers

  private static String report(TestOrg o, String area) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "report",
                "add",
                "--home",
                o.homeArg(),
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
                "tall " + DESCRIPTION_CANARY,
                "--phone",
                "604 555 0142",
                "--audience",
                "peer"));
    CliRun r = ok(args.toArray(String[]::new));
    return parse(r.out(), SubmitReportResponse.getDefaultInstance()).getAlert().getAlertId();
  }
}
