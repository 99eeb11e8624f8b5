package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.awaitTrue;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.NetSteps.parse;
import static org.bdx.cli.NetSteps.quietly;
import static org.bdx.cli.NetSteps.show;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.bdx.cli.command.HumanJson;
import org.bdx.proto.v1.Agreement;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.GetAgreementResponse;
import org.bdx.proto.v1.GetAlertResponse;
import org.bdx.proto.v1.ListAgreementsResponse;
import org.bdx.proto.v1.ProposeAgreementResponse;
import org.bdx.proto.v1.ProposedTerms;
import org.bdx.proto.v1.SearchAlertsResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Amending an agreement in force (spec AGR-12, ADM-14) between two real nodes on loopback, driven
 * through the CLI: widening the terms brings what they newly allow (another area, the phone number)
 * without North ever losing the alert it held; narrowing them takes the phone number off North's
 * copy and keeps the rest; declining or withdrawing an amendment leaves the terms in force, and the
 * agreement stays the same one throughout.
 */
class AmendEndToEndTest {
  /** Each one word, none part of another, so an area or a search finds only its own alerts. */
  static final String AREA_A = "Qzamfirstarea";

  static final String AREA_B = "Qzamsecondarea";
  static final String PHONE_A = "604 555 0171";
  static final String PHONE_B = "604 555 0172";
  static final String PHONE_C = "604 555 0173";

  /** What East grants North at first: no phone numbers. */
  static final List<String> NARROW = List.of("area", "harms", "incident_date", "severity");

  static final List<String> WIDE =
      List.of("area", "harms", "incident_date", "severity", "phone_numbers");

  @TempDir Path tmp;
  TestOrg east;
  TestOrg north;
  TestOrg west;

  @AfterEach
  void stop() {
    TestOrg.stopAll(west, north, east);
  }

  @Test
  void amend_widenThenNarrow_keepsWhatTheTermsAllow_andDeclineLeavesTheTermsInForce()
      throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").start();
    north = TestOrg.builder(tmp, "north", "North Peers").start();
    TestOrg.peers(east, north);
    // North sends East everything but the reporter's contact; East sends North area A only,
    // without phone numbers.
    String northToEast = direction(NetSteps.ALL_BUT_CONTACT, List.of());
    String id =
        TestOrg.agree(
            east, north, NetSteps.proposal(tmp, direction(NARROW, List.of(AREA_A)), northToEast));
    assertThat(agreement(east, id).getTermsVersion()).isEqualTo(1);

    // --- a. Widening.
    // B first, then A: a feed delivers in order, so once North holds A it has had its chance at B.
    String alertB = report(AREA_B, PHONE_B);
    String alertA = report(AREA_A, PHONE_A);
    awaitTrue(() -> holds(north, alertA), "North holds the alert of area A", 60);
    assertThat(holds(north, alertB)).isFalse();
    assertThat(show(north, alertA).getFields().getPhoneNumbersList()).isEmpty();

    // From here on, North's copy of A must never be gone or emptied, not even for a moment.
    Watcher watcher = new Watcher(alertA);
    try {
      Path wider = NetSteps.proposal(tmp, northToEast, direction(WIDE, List.of(AREA_A, AREA_B)));
      CliRun amend =
          ok("agreement", "amend", id, "--terms", wider.toString(), "--home", north.homeArg());
      assertThat(amend.out())
          .contains(
              "Amendment proposed; the partner sees it as pending. The terms in force stay until"
                  + " it accepts.")
          .contains("Pending amendment, version 2, proposed by this node");

      // Pending at East, waiting at North; both still under version 1.
      assertThat(ok("agreement", "list", "--home", east.homeArg()).out())
          .contains("active, amendment pending (theirs: accept or decline)");
      assertThat(ok("agreement", "list", "--home", north.homeArg()).out())
          .contains("active, amendment pending (yours: waiting for the partner)");
      String shown = ok("agreement", "show", id, "--home", east.homeArg()).out();
      assertThat(shown)
          .contains("terms version:   1")
          .contains("Pending amendment, version 2, proposed by north")
          .contains("bdx agreement accept " + id)
          .contains("We would send (receiver is peer):")
          .containsPattern(
              "areas: +"
                  + lower(AREA_A)
                  + ", "
                  + lower(AREA_B)
                  + " +\\(in force: "
                  + lower(AREA_A)
                  + "\\)")
          .containsPattern("fields: +.*phone_numbers.*\\(in force: ")
          .contains("We would receive (receiver is peer): no change");
      Agreement pendingAtEast = agreement(east, id);
      assertThat(pendingAtEast.getTermsVersion()).isEqualTo(1);
      assertThat(pendingAtEast.getPendingAmendment().getVersion()).isEqualTo(2);
      assertThat(pendingAtEast.getPendingAmendment().getProposedByUs()).isFalse();
      assertThat(pendingAtEast.getPendingAmendment().getWeSend().getFieldPathsList())
          .contains("phone_numbers");
      assertThat(pendingAtEast.getWeSend().getFieldPathsList()).doesNotContain("phone_numbers");
      assertThat(agreement(north, id).getPendingAmendment().getProposedByUs()).isTrue();

      // The old terms are still in force: a later alert of area A arrives without its phone
      // number, and B still does not arrive.
      String alertC = report(AREA_A, PHONE_C);
      awaitTrue(() -> holds(north, alertC), "North holds the alert reported while pending", 60);
      assertThat(show(north, alertC).getFields().getPhoneNumbersList()).isEmpty();
      assertThat(holds(north, alertB)).isFalse();
      assertThat(show(north, alertA).getFields().getPhoneNumbersList()).isEmpty();

      // East accepts: North hears first, then both hold version 2.
      CliRun accept = ok("agreement", "accept", id, "--home", east.homeArg());
      assertThat(accept.out())
          .contains("Accepted the amendment; the new terms (version 2) are in force on both sides.")
          .contains("terms version:   2")
          .doesNotContain("Pending amendment");
      // The alert North held is still there and searchable the moment the amendment is in force.
      assertThat(holds(north, alertA)).isTrue();
      assertThat(show(north, alertA).getTombstone()).isFalse();
      assertThat(agreement(north, id).getTermsVersion()).isEqualTo(2);
      assertThat(agreement(north, id).hasPendingAmendment()).isFalse();

      // What the new terms allow arrives: area B, and the phone number of the alert North held.
      awaitTrue(() -> holds(north, alertB), "North holds the alert of area B", 60);
      awaitTrue(
          quietly(
              () -> show(north, alertA).getFields().getPhoneNumbersList().contains(e164(PHONE_A))),
          "North's copy of A has its phone number",
          60);
      awaitTrue(
          quietly(() -> searchByPhone(north, PHONE_A).contains(alertA)),
          "North finds A by its phone number",
          60);
      assertThat(show(north, alertB).getFields().getPhoneNumbersList())
          .containsExactly(e164(PHONE_B));

      // --- b. Narrowing: East takes phone numbers away again; North accepts.
      Path narrower =
          NetSteps.proposal(tmp, direction(NARROW, List.of(AREA_A, AREA_B)), northToEast);
      ok("agreement", "amend", id, "--terms", narrower.toString(), "--home", east.homeArg());
      assertThat(ok("agreement", "list", "--home", north.homeArg()).out())
          .contains("active, amendment pending (theirs: accept or decline)");
      CliRun narrowed = ok("agreement", "accept", id, "--home", north.homeArg());
      assertThat(narrowed.out())
          .contains(
              "Accepted the amendment; the new terms (version 3) are in force on both sides.");
      // North dropped the phone numbers as it put the new terms in force.
      assertThat(searchByPhone(north, PHONE_A)).isEmpty();
      assertThat(searchByPhone(north, PHONE_B)).isEmpty();
      for (String alert : List.of(alertA, alertB)) {
        AlertView v = show(north, alert);
        assertThat(v.getTombstone()).as(alert).isFalse();
        assertThat(v.getFields().getPhoneNumbersList()).as(alert).isEmpty();
        assertThat(v.getFields().getHarmsList()).as(alert).isNotEmpty();
      }
      assertThat(show(north, alertA).getFields().getArea()).isEqualTo(AREA_A);
      assertThat(searchByArea(north, AREA_A)).contains(alertA);
    } finally {
      watcher.close();
    }
    assertThat(watcher.looks()).as("the watcher looked").isPositive();
    assertThat(watcher.gaps()).as("moments North did not hold A whole").isEmpty();

    // A coordinator starts an amendment from the terms in force: template --from prints them as a
    // terms file; amending with them unchanged is refused, since nothing would change.
    Agreement atEast = agreements(east).get(0);
    CliRun template = ok("agreement", "template", "--from", id, "--home", east.homeArg());
    ProposedTerms.Builder printed = ProposedTerms.newBuilder();
    HumanJson.merge(template.out(), printed, "template");
    assertThat(printed.build())
        .isEqualTo(
            ProposedTerms.newBuilder()
                .setWeSend(atEast.getWeSend())
                .setWeReceive(atEast.getWeReceive())
                .build());
    Path same = tmp.resolve("same-terms.json");
    java.nio.file.Files.writeString(same, template.out());
    CliRun unchanged =
        CliRun.bdx("agreement", "amend", id, "--terms", same.toString(), "--home", east.homeArg());
    assertThat(unchanged.exitCode()).as(unchanged.toString()).isEqualTo(1);
    assertThat(unchanged.err()).contains("the new terms are the terms in force");

    // Nothing was terminated: the same agreement, active, at version 3, on both sides.
    for (TestOrg o : List.of(east, north)) {
      assertThat(agreements(o))
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.getAgreementId()).isEqualTo(id);
                assertThat(a.getState()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
                assertThat(a.getTermsVersion()).isEqualTo(3);
                assertThat(a.hasPendingAmendment()).isFalse();
              });
    }

    // --- c. Declining and withdrawing.
    Path again = NetSteps.proposal(tmp, northToEast, direction(WIDE, List.of(AREA_A, AREA_B)));
    ok("agreement", "amend", id, "--terms", again.toString(), "--home", north.homeArg());
    // East cannot amend while North's amendment is pending; North cannot accept its own.
    Path eastTerms = NetSteps.proposal(tmp, direction(WIDE, List.of(AREA_A, AREA_B)), northToEast);
    CliRun crossing =
        CliRun.bdx(
            "agreement", "amend", id, "--terms", eastTerms.toString(), "--home", east.homeArg());
    assertThat(crossing.exitCode()).as(crossing.toString()).isEqualTo(1);
    CliRun own = CliRun.bdx("agreement", "accept", id, "--home", north.homeArg());
    assertThat(own.exitCode()).as(own.toString()).isEqualTo(1);
    assertThat(own.err())
        .contains("the pending amendment of " + id + " is this node's own")
        .contains("bdx agreement decline " + id);

    CliRun declined = ok("agreement", "decline", id, "--home", east.homeArg());
    assertThat(declined.out())
        .contains("Declined the partner's amendment; the terms in force stay.")
        .contains("active")
        .doesNotContain("Pending amendment");
    assertNothingPendingAtVersion(id, 3);

    ok("agreement", "amend", id, "--terms", eastTerms.toString(), "--home", east.homeArg());
    assertThat(agreement(north, id).getPendingAmendment().getVersion()).isGreaterThan(3);
    CliRun withdrawn = ok("agreement", "decline", id, "--home", east.homeArg());
    assertThat(withdrawn.out()).contains("Withdrew your amendment; the terms in force stay.");
    assertNothingPendingAtVersion(id, 3);
    // Still the terms of version 3: no phone numbers came back.
    assertThat(show(north, alertA).getFields().getPhoneNumbersList()).isEmpty();

    CliRun nothing = CliRun.bdx("agreement", "decline", id, "--home", north.homeArg());
    assertThat(nothing.exitCode()).as(nothing.toString()).isEqualTo(1);
    assertThat(nothing.out()).isEmpty();
    assertThat(nothing.err())
        .contains("nothing is pending for agreement " + id)
        .doesNotContain("Exception");
    assertThat(agreement(north, id).getState()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);

    // Declining a first proposal declines the agreement itself (spec AGR-9.3).
    west = TestOrg.builder(tmp, "west", "West Collective").start();
    TestOrg.peers(west, east);
    String proposal =
        parse(
                ok(
                        "agreement",
                        "propose",
                        "--partner",
                        "east",
                        "--terms",
                        NetSteps.proposal(tmp, northToEast, northToEast).toString(),
                        "--home",
                        west.homeArg(),
                        "--json")
                    .out(),
                ProposeAgreementResponse.getDefaultInstance())
            .getAgreement()
            .getAgreementId();
    CliRun declinedProposal = ok("agreement", "decline", proposal, "--home", east.homeArg());
    assertThat(declinedProposal.out())
        .contains("Declined the partner's proposal; nothing will flow under it.");
    assertThat(agreement(east, proposal).getState())
        .isEqualTo(AgreementState.AGREEMENT_STATE_TERMINATED);
    assertThat(agreement(west, proposal).getState())
        .isEqualTo(AgreementState.AGREEMENT_STATE_TERMINATED);
    // The agreement with North is untouched.
    assertThat(agreement(east, id).getState()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
  }

  // --- helpers

  /** Neither side lists an amendment, and both hold the terms of {@code version}. */
  private void assertNothingPendingAtVersion(String id, long version) throws Exception {
    for (TestOrg o : List.of(east, north)) {
      Agreement a = agreement(o, id);
      assertThat(a.hasPendingAmendment()).as(o.key()).isFalse();
      assertThat(a.getTermsVersion()).as(o.key()).isEqualTo(version);
      assertThat(a.getState()).as(o.key()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
      assertThat(ok("agreement", "list", "--home", o.homeArg()).out())
          .as(o.key())
          .doesNotContain("amendment pending");
    }
  }

  /** Direction terms: peer class, all harms, {@code paths}, 30 days; the areas, or all if none. */
  private static String direction(List<String> paths, List<String> areas) {
    String area =
        areas.isEmpty()
            ? "\"all_areas\": true"
            : "\"areas\": ["
                + String.join(", ", areas.stream().map(a -> "\"" + a + "\"").toList())
                + "]";
    return "{\"receiver_class\": \"PARTNER_CLASS_PEER\", \"all_harms\": true, "
        + area
        + ", \"retention_days\": 30, \"field_paths\": ["
        + String.join(", ", paths.stream().map(p -> "\"" + p + "\"").toList())
        + "]}";
  }

  /** A peer-audience report at East in {@code area} with one phone number; its alert id. */
  private String report(String area, String phone) throws Exception {
    return NetSteps.report(east.home(), area, phone);
  }

  private static Agreement agreement(TestOrg o, String id) throws Exception {
    return parse(
            ok("agreement", "show", id, "--home", o.homeArg(), "--json").out(),
            GetAgreementResponse.getDefaultInstance())
        .getAgreement();
  }

  private static List<Agreement> agreements(TestOrg o) throws Exception {
    return parse(
            ok("agreement", "list", "--home", o.homeArg(), "--json").out(),
            ListAgreementsResponse.getDefaultInstance())
        .getAgreementsList();
  }

  /** Whether a search at {@code o} finds the alert (tombstones are not found). */
  private static boolean holds(TestOrg o, String alertId) {
    return quietly(() -> searchByArea(o, null).contains(alertId)).getAsBoolean();
  }

  private static List<String> searchByPhone(TestOrg o, String phone) throws Exception {
    return search(o, "--phone", phone);
  }

  private static List<String> searchByArea(TestOrg o, String area) throws Exception {
    return area == null ? search(o) : search(o, "--area", area);
  }

  private static List<String> search(TestOrg o, String... filter) throws Exception {
    List<String> args =
        new ArrayList<>(List.of("alerts", "search", "--home", o.homeArg(), "--json"));
    args.addAll(List.of(filter));
    return parse(ok(args.toArray(String[]::new)).out(), SearchAlertsResponse.getDefaultInstance())
        .getAlertsList()
        .stream()
        .map(AlertView::getAlertId)
        .toList();
  }

  /** A number as the node holds it, in E.164 (the nodes' region is CA). */
  private static String e164(String phone) {
    return "+1" + phone.replace(" ", "");
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  /**
   * Looks at North's copy of one alert with {@code bdx alerts show}, over and over until closed,
   * and records every look that did not find it whole (not found, or only a tombstone).
   */
  private final class Watcher implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger looks = new AtomicInteger();
    private final List<String> gaps = new CopyOnWriteArrayList<>();
    private final Thread thread;

    Watcher(String alertId) {
      thread =
          Thread.ofPlatform()
              .name("watch-" + alertId)
              .start(
                  () -> {
                    while (running.get()) {
                      CliRun r =
                          CliRun.bdx(
                              "alerts", "show", alertId, "--home", north.homeArg(), "--json");
                      looks.incrementAndGet();
                      try {
                        if (r.exitCode() != 0
                            || parse(r.out(), GetAlertResponse.getDefaultInstance())
                                .getAlert()
                                .getTombstone()) {
                          gaps.add(r.toString());
                        }
                      } catch (Exception e) {
                        gaps.add(e + "\n" + r);
                      }
                      try {
                        Thread.sleep(50); // a pace for the looks; nothing waits on it
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  });
    }

    int looks() {
      return looks.get();
    }

    List<String> gaps() {
      return gaps;
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join();
    }
  }
}
