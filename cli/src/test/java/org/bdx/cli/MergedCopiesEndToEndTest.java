package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.awaitTrue;
import static org.bdx.cli.NetSteps.direction;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.NetSteps.parse;
import static org.bdx.cli.NetSteps.proposal;
import static org.bdx.cli.NetSteps.quietly;
import static org.bdx.cli.NetSteps.show;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.GetAlertResponse;
import org.bdx.proto.v1.ReceivedCopy;
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
 * One warning that reaches D by two paths, on loopback through the real CLI (spec FEED-9):
 *
 * <pre>
 *   A ──(relay, 2 hops)──▶ B ──(relay)──▶ C ──(Downtown East only)──▶ D
 *   A ──(every area, phone numbers)──────────────────────────────────▶ D
 * </pre>
 *
 * When A moves an alert to Uptown (version 2), C may no longer pass its content to D and sends only
 * the header (a withdrawal of what C gave), while A sends version 2 with content. Whichever arrives
 * first, D ends holding A's version 2, and a search by the aggressor's phone finds it. The order is
 * forced by suspending one path while the other delivers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MergedCopiesEndToEndTest {
  static final List<String> FIELDS =
      List.of("incident_date", "area", "harms", "severity", "phone_numbers");

  @TempDir static Path tmp;
  TestOrg a;
  TestOrg b;
  TestOrg c;
  TestOrg d;
  String aToD;
  String cToD;

  @BeforeAll
  void network() throws Exception {
    a = TestOrg.builder(tmp, "a", "A Outreach").start();
    b = TestOrg.builder(tmp, "b", "B Peers").start();
    c = TestOrg.builder(tmp, "c", "C Collective").start();
    d = TestOrg.builder(tmp, "d", "D Network").start();
    TestOrg.peers(a, b);
    TestOrg.peers(b, c);
    TestOrg.peers(c, d);
    TestOrg.peers(a, d);
    TestOrg.agree(
        a, b, proposal(tmp, direction(FIELDS, 2, true, null), direction(FIELDS, 0, true, null)));
    TestOrg.agree(
        b, c, proposal(tmp, direction(FIELDS, 2, true, null), direction(FIELDS, 0, true, null)));
    cToD =
        TestOrg.agree(
            c,
            d,
            proposal(
                tmp,
                direction(FIELDS, 0, true, "Downtown East"),
                direction(FIELDS, 0, true, null)));
    aToD =
        TestOrg.agree(
            a,
            d,
            proposal(tmp, direction(FIELDS, 0, true, null), direction(FIELDS, 0, true, null)));
  }

  @AfterAll
  void stop() {
    TestOrg.stopAll(a, b, c, d);
  }

  @Test
  @Order(1)
  void relayedHeaderFirst_thenTheOriginsVersion_thePhoneSearchFindsIt() throws Exception {
    String phone = "+16045550171";
    String id = reportAndAwaitBothCopies(phone);

    ok("agreement", "suspend", aToD, "--home", a.homeArg());
    moveToUptown(id);
    // C's header-only version 2 reaches D first: C's claims go, A's version 1 stays.
    awaitTrue(quietly(() -> copyFrom(heldAt(d, id), c).getVersion() == 2), "D heard from C", 30);
    AlertView between = show(d, id);
    assertThat(between.getTombstone()).isFalse();
    assertThat(between.getVersion()).isEqualTo(1);
    assertThat(copyFrom(between, c).getDisclosedPathsList()).isEmpty();
    assertThat(searchByPhone(d, phone)).contains(id);

    ok("agreement", "resume", aToD, "--home", a.homeArg());
    awaitTrue(quietly(() -> heldAt(d, id).getVersion() == 2), "D holds A's version 2", 30);
    AlertView after = show(d, id);
    assertThat(after.getTombstone()).isFalse();
    assertThat(after.getFields().getArea()).isEqualTo("Uptown");
    assertThat(after.getFields().getPhoneNumbersList()).containsExactly(phone);
    assertThat(searchByPhone(d, phone)).contains(id);
  }

  @Test
  @Order(2)
  void theOriginsVersionFirst_thenTheRelayedHeader_thePhoneSearchFindsIt() throws Exception {
    String phone = "+16045550172";
    String id = reportAndAwaitBothCopies(phone);

    ok("agreement", "suspend", cToD, "--home", c.homeArg());
    moveToUptown(id);
    awaitTrue(quietly(() -> heldAt(d, id).getVersion() == 2), "D holds A's version 2", 30);

    ok("agreement", "resume", cToD, "--home", c.homeArg());
    // On resume C sends D the header of version 2 (D held content from C): only C's claims go.
    awaitTrue(quietly(() -> copyFrom(heldAt(d, id), c).getVersion() == 2), "D heard from C", 30);
    AlertView after = show(d, id);
    assertThat(after.getTombstone()).isFalse();
    assertThat(after.getVersion()).isEqualTo(2);
    assertThat(after.getFields().getPhoneNumbersList()).containsExactly(phone);
    assertThat(copyFrom(after, a).getDisclosedPathsList()).containsAll(FIELDS);
    assertThat(searchByPhone(d, phone)).contains(id);
    // Staff see whom the warning came through.
    CliRun shown = ok("alerts", "show", id, "--home", d.homeArg());
    // D registered A as "a"; C's copy gives nothing now and is not listed.
    assertThat(shown.out()).containsPattern("came through: +a\\R");
  }

  // --- helpers

  /** A Downtown East alert by A that D holds from both A and C. */
  private String reportAndAwaitBothCopies(String phone) throws Exception {
    CliRun r =
        ok(
            "report",
            "add",
            "--home",
            a.homeArg(),
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
            phone,
            "--audience",
            "peer");
    String id = parse(r.out(), SubmitReportResponse.getDefaultInstance()).getAlert().getAlertId();
    awaitTrue(
        quietly(
            () -> {
              AlertView v = heldAt(d, id);
              return !copyFrom(v, a).getDisclosedPathsList().isEmpty()
                  && !copyFrom(v, c).getDisclosedPathsList().isEmpty();
            }),
        "D holds copies from A and from C",
        30);
    // Staff see both ways the warning came, and what each gave.
    CliRun shown = ok("alerts", "show", id, "--home", d.homeArg());
    assertThat(shown.out())
        .containsPattern("(came through: +|; )a \\(area, harms, incident_date, phone_numbers,")
        // D has no agreement with B: it shows as an unknown organization with its fingerprint.
        .containsPattern(
            "(came through: +|; )a -> unknown organization [a-z0-9-]{24} -> c \\(area, ");
    return id;
  }

  private void moveToUptown(String id) {
    ok("alerts", "update", id, "--home", a.homeArg(), "--area", "Uptown");
  }

  private static ReceivedCopy copyFrom(AlertView v, TestOrg o) {
    return v.getReceivedThroughList().stream()
        .filter(x -> x.getNodeId().equals(o.id().value()))
        .findFirst()
        .orElse(ReceivedCopy.getDefaultInstance());
  }

  private static List<String> searchByPhone(TestOrg o, String phone) throws Exception {
    CliRun r = ok("alerts", "search", "--home", o.homeArg(), "--phone", phone, "--json");
    return parse(r.out(), SearchAlertsResponse.getDefaultInstance()).getAlertsList().stream()
        .map(AlertView::getAlertId)
        .toList();
  }

  /** What {@code o} holds of the alert; an empty view while it holds nothing yet. */
  private static AlertView heldAt(TestOrg o, String alertId) throws Exception {
    CliRun r = CliRun.bdx("alerts", "show", alertId, "--home", o.homeArg(), "--json");
    return r.exitCode() == 0
        ? parse(r.out(), GetAlertResponse.getDefaultInstance()).getAlert()
        : AlertView.getDefaultInstance();
  }
}
