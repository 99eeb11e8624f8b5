package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.awaitTrue;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.NetSteps.parse;
import static org.bdx.cli.NetSteps.report;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.bdx.proto.v1.GetAlertResponse;
import org.bdx.proto.v1.LinkedAlert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linked alerts (spec API-10) with two real nodes on loopback driven through the CLI. East shares
 * phone numbers with North; North shares its alerts with East without them. Both report the same
 * number: North, which holds East's number, sees its own and the received alerts linked, in {@code
 * alerts show}, {@code alerts linked} and its bulletin; East, which was never given North's number,
 * sees no link, so linking tells it nothing its agreement did not.
 */
class LinkedAlertsEndToEndTest {
  static final String PHONE = "604 555 0142";
  static final List<String> WITH_PHONE =
      List.of(
          "incident_date",
          "time_of_day",
          "area",
          "work_setting",
          "harms",
          "severity",
          "aggressor_description",
          "phone_numbers");
  static final List<String> WITHOUT_PHONE = WITH_PHONE.subList(0, WITH_PHONE.size() - 1);

  @TempDir Path tmp;
  TestOrg east;
  TestOrg north;

  @BeforeEach
  void network() throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").start();
    north = TestOrg.builder(tmp, "north", "North Peers").start();
    TestOrg.peers(east, north);
    TestOrg.agree(
        east,
        north,
        NetSteps.termsFile(tmp, "terms.json", WITH_PHONE, WITHOUT_PHONE, 30),
        new String[0]);
  }

  @AfterEach
  void stop() {
    TestOrg.stopAll(east, north);
  }

  private static List<LinkedAlert> linked(TestOrg o, String id) throws Exception {
    return parse(
            ok("alerts", "show", id, "--home", o.homeArg(), "--json").out(),
            GetAlertResponse.getDefaultInstance())
        .getAlert()
        .getLinkedList();
  }

  @Test
  void linked_ownAndReceived_countedAtTheNodeThatHoldsBoth_andNeverAcrossAWithheldField()
      throws Exception {
    String eastAlert = report(east.home(), PHONE);
    String northFirst = report(north.home(), "+1 (604) 555-0142");
    String northSecond = report(north.home(), "604.555.0142");
    String northOther = report(north.home(), "604 555 0199");
    awaitTrue(
        () ->
            NetSteps.held(north, eastAlert)
                && NetSteps.held(east, northFirst)
                && NetSteps.held(east, northSecond)
                && NetSteps.held(east, northOther),
        "each holds the other's alerts",
        60);

    // North holds East's number: its two own alerts and East's are one aggressor.
    String shown = ok("alerts", "show", northFirst, "--home", north.homeArg()).out();
    assertThat(shown)
        .contains("also reported 2 times by 2 organizations")
        .contains(eastAlert + " (east)") // the partner as North named it
        .contains(northSecond + " (this node)")
        .doesNotContain(northOther);
    assertThat(linked(north, eastAlert))
        .extracting(LinkedAlert::getAlertId)
        .containsExactlyInAnyOrder(northFirst, northSecond);
    assertThat(linked(north, eastAlert))
        .allSatisfy(l -> assertThat(l.getSharedList()).containsExactly("phone_numbers"));
    assertThat(linked(north, northOther)).isEmpty();

    String list = ok("alerts", "linked", eastAlert, "--home", north.homeArg()).out();
    assertThat(list)
        .contains("Alert " + eastAlert + " is also reported 2 times by 1 organization:")
        .contains(northFirst, northSecond, "this node; same phone")
        .doesNotContain(northOther);
    assertThat(ok("alerts", "linked", northOther, "--home", north.homeArg()).out())
        .contains("No other alert held here shares");

    // The searches say it too.
    assertThat(ok("alerts", "search", "--phone", "0142", "--home", north.homeArg()).out())
        .contains("3 alerts", "also reported 2 times by 2 organizations");

    // North's bulletin marks the repeat aggressor; the other warning is not marked.
    String since = LocalDate.now().minusDays(10).toString();
    String bulletin = ok("bulletin", "--since", since, "--home", north.homeArg()).out();
    assertThat(bulletin.split("\\[REPORTED MORE THAN ONCE\\]", -1)).hasSize(4);

    // East was never given North's numbers: no link, nothing learned.
    assertThat(linked(east, eastAlert)).isEmpty();
    assertThat(linked(east, northFirst)).isEmpty();
    assertThat(ok("alerts", "show", eastAlert, "--home", east.homeArg()).out())
        .doesNotContain("also reported");
    assertThat(ok("alerts", "linked", eastAlert, "--home", east.homeArg()).out())
        .contains("No other alert held here shares");
    assertThat(ok("bulletin", "--since", since, "--home", east.homeArg()).out())
        .doesNotContain("MORE THAN ONCE");

    // A number that does not parse is kept as typed, found by its digits, and links nothing.
    String partial = report(north.home(), "…555-0142?");
    assertThat(ok("alerts", "show", partial, "--home", north.homeArg()).out())
        .contains("phones:           ~…555-0142?")
        .doesNotContain("also reported");
    assertThat(ok("alerts", "search", "--phone", "5550142", "--home", north.homeArg()).out())
        .contains("4 alerts", partial);
    // By area code: the E.164 numbers only.
    assertThat(ok("alerts", "search", "--area-code", "604", "--home", north.homeArg()).out())
        .contains("4 alerts", northOther)
        .doesNotContain(partial);
  }
}
