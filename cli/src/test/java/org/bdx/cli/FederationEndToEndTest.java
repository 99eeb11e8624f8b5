package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bdx.cli.NetSteps.ALL_BUT_CONTACT;
import static org.bdx.cli.NetSteps.awaitTrue;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.NetSteps.parse;
import static org.bdx.cli.NetSteps.status;
import static org.bdx.cli.NetSteps.termsFile;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bdx.node.tls.TlsPartnerChannels;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.ListAgreementsResponse;
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
 * Three organizations as separate servers on loopback, set up and driven through the real CLI: East
 * and North are sex-worker-led peers under one agreement; East and the Liaison (police class) under
 * a narrow one; North and the Liaison have none. Canary values are planted in everything that must
 * be withheld, and East's outbound bytes are recorded before encryption.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FederationEndToEndTest {
  static final String NARRATIVE = "CANARY-NARRATIVE-5c1e";
  static final String CONTACT = "CANARY-CONTACT-0a9d";
  static final String DESCRIPTION = "CANARY-DESCRIPTION-77f2";
  static final String HANDLE = "CANARY-HANDLE-3b60";
  static final String PHONE_DIGITS = "6045550142";

  static final List<String> POLICE_PATHS = List.of("incident_date", "area", "harms", "severity");

  @TempDir static Path tmp;
  final OutboundRecorder eastSent = new OutboundRecorder();
  TestOrg east;
  TestOrg north;
  TestOrg liaison;
  String peerAgreement;
  String policeAgreement;
  final Map<String, String> alertIds = new HashMap<>();

  @BeforeAll
  void network() throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").taps(eastSent).start();
    north = TestOrg.builder(tmp, "north", "North Peers").start();
    liaison = TestOrg.builder(tmp, "liaison", "City Police Liaison").start();
    TestOrg.peers(east, north);
    east.addPartner(liaison, "police");
    liaison.addPartner(east, "peer");

    Path peerTerms = termsFile(tmp, "peer-terms.json", ALL_BUT_CONTACT, ALL_BUT_CONTACT, 30);
    peerAgreement = TestOrg.agree(east, north, peerTerms);

    Path policeTerms =
        termsFile(tmp, "police-terms.json", POLICE_PATHS, List.of("incident_date", "area"), 30);
    policeAgreement = TestOrg.agree(east, liaison, policeTerms);

    // The police-audience report goes last: it is the marker test 2 waits for at the Liaison.
    alertIds.put("peer", report("peer", "+1 604 555 0142"));
    alertIds.put("support", report("support", "(604) 555-0142"));
    alertIds.put("police", report("police", "604-555-0142"));
  }

  @AfterAll
  void stop() {
    TestOrg.stopAll(east, north, liaison);
  }

  @Test
  @Order(1)
  void peer_receivesEveryAudience_withAllGrantedFields_butNeverContactOrNarrative()
      throws Exception {
    awaitTrue(() -> search(north).size() == 3, "North received the three alerts");
    for (AlertView a : search(north)) {
      assertThat(a.getLocal()).isFalse();
      assertThat(a.getOriginNodeId()).isEqualTo(east.id().value());
      assertThat(a.getOriginName()).isEqualTo("east");
      assertThat(a.getAgreementId()).isEqualTo(peerAgreement);
      assertThat(a.getFields().getAggressorDescription()).contains(DESCRIPTION);
      assertThat(a.getFields().getPhoneNumbersList()).containsExactly("+1" + PHONE_DIGITS);
      assertThat(a.getFields().getOnlineHandlesList()).containsExactly(HANDLE);
      assertThat(a.getFields().getVehiclePlate()).isEqualTo("ABC123");
      assertThat(a.getFields().getReporterContact()).isEmpty();
      assertThat(a.getDisclosedPathsList())
          .containsExactlyInAnyOrder(
              "incident_date",
              "time_of_day",
              "area",
              "work_setting",
              "harms",
              "severity",
              "aggressor_description",
              "phone_numbers",
              "vehicle_plate",
              "online_handles",
              "modus_operandi");
    }
    // North can search what it received, by a phone typed another way.
    assertThat(searchIds(north, "--phone", "604.555.0142")).hasSize(3);
  }

  @Test
  @Order(2)
  void police_receivesOnlyPoliceAudience_andOnlyGrantedFields() throws Exception {
    // The marker is the police alert, East's last report: a feed delivers in the order East
    // queued, and the Liaison processes in that order, so once it holds the police alert, anything
    // East queued for it of the peer and support reports was stored or refused before.
    String police = alertIds.get("police");
    awaitTrue(() -> searchIds(liaison).contains(police), "the Liaison received the police alert");
    List<AlertView> got = search(liaison);
    assertThat(got).hasSize(1);
    AlertView a = got.get(0);
    assertThat(a.getAlertId()).isEqualTo(police);
    assertThat(a.getDisclosedPathsList()).containsExactlyInAnyOrderElementsOf(POLICE_PATHS);
    assertThat(a.getFields().getPhoneNumbersCount()).isZero();
    assertThat(a.getFields().getAggressorDescription()).isEmpty();
    assertThat(a.getFields().getArea()).isEqualTo("Downtown East");
    assertThat(a.getAgreementId()).isEqualTo(policeAgreement);
    assertThat(searchIds(liaison, "--phone", "604 555 0142")).isEmpty();
  }

  @Test
  @Order(3)
  void canaries_neverLeaveEast_butGrantedValuesDo() throws Exception {
    awaitTrue(() -> search(north).size() == 3 && search(liaison).size() == 1, "delivery");
    String toNorth = new String(eastSent.sentTo(north.id()), StandardCharsets.ISO_8859_1);
    String toLiaison = new String(eastSent.sentTo(liaison.id()), StandardCharsets.ISO_8859_1);
    // The twin: the capture sees real traffic, including values North may have.
    assertThat(toNorth).contains(DESCRIPTION).contains(HANDLE).contains(PHONE_DIGITS);
    assertThat(toLiaison).contains("Downtown East");
    for (String canary : List.of(NARRATIVE, CONTACT)) {
      assertThat(toNorth).doesNotContain(canary);
      assertThat(toLiaison).doesNotContain(canary);
    }
    for (String withheld : List.of(DESCRIPTION, HANDLE, PHONE_DIGITS, "ABC123")) {
      assertThat(toLiaison).doesNotContain(withheld);
    }
  }

  @Test
  @Order(4)
  void canaries_areInNoFileOfTheReceivers() throws Exception {
    assertThat(filesContaining(north.home(), NARRATIVE)).isEmpty();
    assertThat(filesContaining(north.home(), CONTACT)).isEmpty();
    for (String withheld : List.of(NARRATIVE, CONTACT, DESCRIPTION, HANDLE, PHONE_DIGITS)) {
      assertThat(filesContaining(liaison.home(), withheld)).as(withheld).isEmpty();
    }
    // What North does hold is sealed: its row keys open the description, no file shows it.
    assertThat(NetSteps.unsealedText(north)).contains(DESCRIPTION.toLowerCase(Locale.ROOT));
    assertThat(filesContaining(north.home(), DESCRIPTION)).isEmpty();
    // The twin of the liaison's scan: what it was never sent is not there even with its keys.
    String liaisonHolds = NetSteps.unsealedText(liaison);
    for (String withheld : List.of(CONTACT, DESCRIPTION, HANDLE)) {
      assertThat(liaisonHolds).as(withheld).doesNotContain(withheld.toLowerCase(Locale.ROOT));
    }
    // Partner names are sealed too (spec AR-8): no file of East's names the liaison, East's row
    // keys open it. Twin: the same scan finds the liaison's node id, which stays in clear.
    assertThat(filesContaining(east.home(), "liaison")).isEmpty();
    assertThat(NetSteps.unsealedText(east)).contains("liaison");
    assertThat(filesContaining(east.home(), liaison.id().value())).isNotEmpty();
  }

  @Test
  @Order(5)
  void withoutAgreement_northAndLiaisonCannotReachEachOther() throws Exception {
    assertThat(search(north)).allMatch(a -> a.getOriginNodeId().equals(east.id().value()));
    assertThat(search(liaison)).allMatch(a -> a.getOriginNodeId().equals(east.id().value()));
    for (TestOrg[] pair : new TestOrg[][] {{north, liaison}, {liaison, north}}) {
      var channels = new TlsPartnerChannels(pair[0].keys());
      ManagedChannel ch = channels.open(pair[1].id(), pair[1].endpoint());
      try {
        assertThatThrownBy(
                () ->
                    HealthGrpc.newBlockingStub(ch)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance()))
            .isInstanceOf(StatusRuntimeException.class);
      } finally {
        ch.shutdownNow();
      }
    }
  }

  @Test
  @Order(6)
  void status_showsAgreementsFeedsAndQueues() throws Exception {
    awaitTrue(() -> statusLine(north, "east").contains("connected"), "North's feed from East");
    String status = statusLine(east, "north");
    assertThat(status).contains("active");
    // What was not accepted from the partner, in three columns: nothing rejected or refused
    // between honest partners (stale copies can happen, e.g. after a reconnection).
    String header =
        ok("status", "--home", east.homeArg())
            .out()
            .lines()
            .filter(l -> l.startsWith("PARTNER "))
            .findFirst()
            .orElse("");
    assertThat(header.split("\\s{2,}"))
        .endsWith("OUT WAIT", "IN WAIT", "REJECTED", "STALE", "REFUSED");
    String[] cells = status.split("\\s+");
    assertThat(cells[cells.length - 3]).as("REJECTED").isEqualTo("0");
    assertThat(cells[cells.length - 2]).as("STALE").containsOnlyDigits();
    assertThat(cells[cells.length - 1]).as("REFUSED").isEqualTo("0");
    CliRun json = CliRun.bdx("status", "--home", north.homeArg(), "--json");
    assertThat(json.exitCode()).as(json.toString()).isZero();
    assertThat(json.out()).contains("\"agreement_state\":\"AGREEMENT_STATE_ACTIVE\"");
  }

  @Test
  @Order(7)
  void suspend_stopsTheFlowAtOnceOnBothSides_resumeCatchesUp() throws Exception {
    // East's count of what waits for North is the marker below; it starts from zero.
    awaitTrue(
        () -> status(east.home(), "north").getOutboundWaiting() == 0,
        "North acknowledged everything East queued for it");
    ok("agreement", "suspend", peerAgreement, "--home", east.homeArg());
    // The partner was told before the command returned.
    assertThat(agreementState(north, peerAgreement))
        .isEqualTo(AgreementState.AGREEMENT_STATE_SUSPENDED);
    String during = report("peer", "+1 604 555 0199");
    // A suspended feed carries no later item to wait for, so the marker is East's own count of
    // what waits for North: East queues an alert for its partners in the transaction that stores
    // it, before `report add` returns, and only under an active agreement. Nothing waits, so the
    // feed has nothing of it to deliver. Read before North's alerts: had it been queued, sent and
    // acknowledged in between, North would hold it.
    assertThat(status(east.home(), "north").getOutboundWaiting()).as("waiting for North").isZero();
    assertThat(searchIds(north)).doesNotContain(during).hasSize(3);

    CliRun wrongSide = CliRun.bdx("agreement", "resume", peerAgreement, "--home", north.homeArg());
    // Refused by the node: only the side that suspended may resume.
    assertThat(wrongSide.exitCode()).as(wrongSide.toString()).isEqualTo(4);
    assertThat(wrongSide.err()).doesNotContain("Exception");

    ok("agreement", "resume", peerAgreement, "--home", east.homeArg());
    awaitTrue(() -> searchIds(north).contains(during), "the alert made during suspension arrives");
  }

  @Test
  @Order(8)
  void terminate_makesThePartnerPurgeAtOnce() throws Exception {
    assertThat(search(north)).isNotEmpty();
    ok("agreement", "terminate", peerAgreement, "--home", east.homeArg());
    assertThat(agreementState(north, peerAgreement))
        .isEqualTo(AgreementState.AGREEMENT_STATE_TERMINATED);
    assertThat(search(north)).isEmpty();
    assertThat(searchIds(north, "--phone", "604 555 0142")).isEmpty();
    // The liaison's agreement is untouched.
    assertThat(search(liaison)).hasSize(1);
  }

  // --- helpers

  private String report(String audience, String phone) throws Exception {
    CliRun r =
        ok(
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
            "Downtown East",
            "--setting",
            "outcall",
            "--harm",
            "physical_assault",
            "--severity",
            "high",
            "--description",
            "tall, " + DESCRIPTION,
            "--phone",
            phone,
            "--plate",
            "ABC 123",
            "--handle",
            HANDLE,
            "--summary",
            "books hotel outcalls",
            "--narrative",
            NARRATIVE,
            "--contact",
            CONTACT,
            "--audience",
            audience);
    return parse(r.out(), SubmitReportResponse.getDefaultInstance()).getAlert().getAlertId();
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

  private AgreementState agreementState(TestOrg o, String agreementId) throws Exception {
    CliRun r = ok("agreement", "list", "--home", o.homeArg(), "--json");
    return parse(r.out(), ListAgreementsResponse.getDefaultInstance()).getAgreementsList().stream()
        .filter(a -> a.getAgreementId().equals(agreementId))
        .findFirst()
        .orElseThrow()
        .getState();
  }

  private String statusLine(TestOrg o, String partner) {
    CliRun r = ok("status", "--home", o.homeArg());
    return r.out().lines().filter(l -> l.startsWith(partner + " ")).findFirst().orElse("");
  }

  private static List<Path> filesContaining(Path dir, String needle) throws IOException {
    byte[] n = needle.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(
              f -> {
                try {
                  return indexOf(Files.readAllBytes(f), n) >= 0;
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .toList();
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
