package org.bdx.node.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bdx.node.TestNodes.withToken;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.bdx.node.TestNodes;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.server.RunningNode;
import org.bdx.proto.v1.AddStaffRequest;
import org.bdx.proto.v1.AdminServiceGrpc;
import org.bdx.proto.v1.RevokeStaffRequest;
import org.bdx.proto.v1.StaffRole;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The staff console over real HTTP on loopback, with the JDK's client: a node is started, its
 * console too, and each test acts as a browser would (cookies kept, forms posted with their token).
 */
class ConsoleServerTest {
  @TempDir Path tmp;
  private NodeHome home;
  private RunningNode node;
  private int port;
  private ManagedChannel channel;
  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private final NodeConfig.HostPort loopback = new NodeConfig.HostPort("127.0.0.1", 0);

  @BeforeEach
  void start() throws Exception {
    home = new NodeHome(tmp.resolve("n"));
    TestNodes.init(home, new NodeConfig("Org", loopback, loopback, "CA", Duration.ofDays(30), 0));
    node =
        RunningNode.start(
            home, TestNodes.PASSPHRASE, Clock.systemUTC(), loopback, loopback, List.of());
    port = node.startConsole(loopback, Clock.systemUTC()).port();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", node.clientPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    node.close();
  }

  @Test
  void login_withStaffCredential_setsAStrictHttpOnlyCookie_andOpensTheReportPage()
      throws Exception {
    Browser b = new Browser();
    HttpResponse<String> login = b.login(home.readClientToken());
    assertThat(login.statusCode()).isEqualTo(303);
    assertThat(login.headers().firstValue("Location")).hasValue("/report");
    String cookie = login.headers().allValues("Set-Cookie").get(0);
    assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/");
    HttpResponse<String> page = b.get("/report");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<h1>New report</h1>").contains("Logged in as");
  }

  @Test
  void login_withWrongCredential_isRefused_andOpensNoPage() throws Exception {
    Browser b = new Browser();
    HttpResponse<String> login = b.login("bdxs-not-a-credential");
    assertThat(login.statusCode()).isEqualTo(401);
    assertThat(login.body()).contains("not an active staff account");
    assertThat(b.get("/report").headers().firstValue("Location")).hasValue("/login");
  }

  @Test
  void pagesBeforeLogin_redirectToLogin() throws Exception {
    HttpResponse<String> r = new Browser().get("/check");
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.headers().firstValue("Location")).hasValue("/login");
  }

  @Test
  void everyAnswer_carriesAStrictContentSecurityPolicy() throws Exception {
    Browser b = new Browser();
    b.login(home.readClientToken());
    for (String path : List.of("/login", "/report", "/check", "/console.css", "/nowhere")) {
      HttpResponse<String> r = b.get(path);
      assertThat(r.headers().firstValue("Content-Security-Policy"))
          .as(path)
          .hasValue(ConsoleServer.CSP);
      assertThat(r.headers().firstValue("Cache-Control")).as(path).hasValue("no-store");
      assertThat(r.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
      // Plain HTTP on loopback: no HSTS, which a browser would ignore there anyway.
      assertThat(r.headers().firstValue("Strict-Transport-Security")).as(path).isEmpty();
    }
    assertThat(ConsoleServer.CSP).contains("default-src 'none'").doesNotContain("script-src");
  }

  @Test
  void post_fromAnotherOrigin_isRefused_evenWithTheToken_andStoresNothing() throws Exception {
    Browser b = new Browser();
    b.login(home.readClientToken());
    String csrf = b.csrf("/report");
    HttpResponse<String> r =
        b.post(
            "/report",
            validReport(csrf, "555 010 0001", ""),
            Map.of("Origin", "http://attacker.example"));
    assertThat(r.statusCode()).isEqualTo(403);
    HttpResponse<String> crossSite =
        b.post(
            "/report",
            validReport(csrf, "555 010 0001", ""),
            Map.of("Sec-Fetch-Site", "cross-site"));
    assertThat(crossSite.statusCode()).isEqualTo(403);
    // Twin: the same form from the console itself is taken.
    HttpResponse<String> own =
        b.post(
            "/report",
            validReport(csrf, "555 010 0001", ""),
            Map.of("Origin", "http://127.0.0.1:" + port, "Sec-Fetch-Site", "same-origin"));
    assertThat(own.statusCode()).isEqualTo(303);
    assertThat(b.search("555 010 0001").body()).contains("1 warning for");
  }

  @Test
  void post_withoutOrWithAWrongToken_isRefused_andStoresNothing() throws Exception {
    Browser b = new Browser();
    b.login(home.readClientToken());
    Map<String, String> form = validReport("", "555 010 0002", "");
    form.remove("csrf");
    assertThat(b.post("/report", form, Map.of()).statusCode()).isEqualTo(403);
    assertThat(b.post("/report", validReport("wrong", "555 010 0002", ""), Map.of()).statusCode())
        .isEqualTo(403);
    assertThat(b.search("555 010 0002").body()).contains("No warnings");
  }

  @Test
  void login_withoutTheLoginFormsToken_isRefused() throws Exception {
    Browser b = new Browser();
    b.get("/login");
    HttpResponse<String> r =
        b.post(
            "/login", new LinkedHashMap<>(Map.of("credential", home.readClientToken())), Map.of());
    assertThat(r.statusCode()).isEqualTo(403);
  }

  @Test
  void report_missingAreaAndHarm_showsErrorsNextToTheFields_storesNothing_thenFixedIsSaved()
      throws Exception {
    Browser b = new Browser();
    b.login(home.readClientToken());
    String csrf = b.csrf("/report");
    Map<String, String> form = validReport(csrf, "555 010 0003", "");
    form.remove("area");
    form.remove("harms");
    HttpResponse<String> bad = b.post("/report", form, Map.of());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body())
        .contains("Nothing was saved")
        .containsPattern("<p class=\"error\" id=\"area-error\">[^<]*required")
        .contains(
            "id=\"area\" name=\"area\" value=\"\" aria-required=\"true\" aria-invalid=\"true\"")
        .containsPattern("<p class=\"error\" id=\"harms-error\">[^<]*at least one")
        // What was typed is kept.
        .contains("value=\"555 010 0003\"");
    assertThat(b.search("555 010 0003").body()).contains("No warnings");

    HttpResponse<String> good = b.post("/report", validReport(csrf, "555 010 0003", ""), Map.of());
    assertThat(good.statusCode()).isEqualTo(303);
    String alertPage = good.headers().firstValue("Location").orElseThrow();
    assertThat(alertPage).startsWith("/alert/").endsWith("&saved");
    HttpResponse<String> shown = b.get(alertPage);
    assertThat(shown.statusCode()).isEqualTo(200);
    assertThat(shown.body())
        .contains("The report is saved")
        .contains("Robbery")
        .contains("Eastside");
  }

  @Test
  void report_sentTwiceFromOneForm_isStoredOnce_aNewFormIsANewReport() throws Exception {
    Browser b = new Browser();
    b.login(home.readClientToken());
    String csrf = b.csrf("/report");
    java.util.regex.Pattern token =
        java.util.regex.Pattern.compile("name=\"submission\" value=\"([A-Za-z0-9_-]{22})\"");
    var m = token.matcher(b.get("/report").body());
    assertThat(m.find()).as("the form's submission token").isTrue();
    Map<String, String> form = validReport(csrf, "555 010 0021", "");
    form.put("submission", m.group(1));

    // A second click, or a reload after a lost answer: the same form sent again.
    HttpResponse<String> first = b.post("/report", form, Map.of());
    HttpResponse<String> again = b.post("/report", form, Map.of());
    assertThat(first.statusCode()).isEqualTo(303);
    assertThat(again.statusCode()).isEqualTo(303);
    assertThat(again.headers().firstValue("Location"))
        .isEqualTo(first.headers().firstValue("Location"));

    // Twin: the next empty form has another token, and the same report from it is another one.
    var next = token.matcher(b.get("/report").body());
    assertThat(next.find()).isTrue();
    assertThat(next.group(1)).isNotEqualTo(m.group(1));
    form.put("submission", next.group(1));
    HttpResponse<String> other = b.post("/report", form, Map.of());
    assertThat(other.headers().firstValue("Location"))
        .isNotEqualTo(first.headers().firstValue("Location"));
  }

  @Test
  void check_moreThanAPage_offersTheNextPage_whichHoldsTheRest() throws Exception {
    Browser b = new Browser();
    b.login(home.readClientToken());
    String csrf = b.csrf("/report");
    int held = Pages.PAGE_SIZE + 2;
    for (int i = 0; i < held; i++) {
      Map<String, String> form = validReport(csrf, "", "");
      form.put("area", "Paging Park");
      assertThat(b.post("/report", form, Map.of()).statusCode()).isEqualTo(303);
    }
    HttpResponse<String> first = b.check(Map.of("area", "Paging Park"));
    assertThat(first.body()).contains(Pages.PAGE_SIZE + " warnings").contains("Show more warnings");
    assertThat(countCards(first.body())).isEqualTo(Pages.PAGE_SIZE);
    Matcher page = Pattern.compile("name=\"page\" value=\"([^\"]+)\"").matcher(first.body());
    assertThat(page.find()).as("the next page's token").isTrue();

    HttpResponse<String> second = b.check(Map.of("area", "Paging Park", "page", page.group(1)));
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(countCards(second.body())).isEqualTo(2);
    assertThat(second.body()).doesNotContain("Show more warnings");

    // A token the node did not make is refused by the node, and said so.
    HttpResponse<String> forged = b.check(Map.of("area", "Paging Park", "page", "forged"));
    assertThat(forged.statusCode()).isEqualTo(400);
  }

  private static int countCards(String body) {
    return body.split("<li class=\"card\">", -1).length - 1;
  }

  @Test
  void draft_saved_isShownOnReload_andDiscardForgetsIt() throws Exception {
    Browser b = new Browser();
    b.login(home.readClientToken());
    String csrf = b.csrf("/report");
    Map<String, String> form = validReport(csrf, "555 010 0011", "");
    form.remove("incident_date");
    form.put("narrative", "half told, to be finished");
    HttpResponse<String> saved = b.post("/report/draft", form, Map.of());
    assertThat(saved.statusCode()).isEqualTo(303);
    assertThat(saved.headers().firstValue("Location")).hasValue("/report?kept");
    assertThat(b.get("/report?kept").body()).contains("Draft saved");
    String reload = b.get("/report").body();
    assertThat(reload)
        .contains("This is your saved draft")
        .contains("value=\"555 010 0011\"")
        .contains("half told, to be finished</textarea>")
        .contains("formaction=\"/report/discard\"")
        // A draft is not checked: no error for the missing date.
        .doesNotContain("Nothing was saved");
    // Nothing was stored as a report.
    assertThat(b.search("555 010 0011").body()).contains("No warnings");

    HttpResponse<String> discarded = b.post("/report/discard", form, Map.of());
    assertThat(discarded.headers().firstValue("Location")).hasValue("/report?discarded");
    assertThat(b.get("/report").body())
        .doesNotContain("555 010 0011")
        .doesNotContain("formaction=\"/report/discard\"");
  }

  @Test
  void draft_isKeptWhenASubmitFailsValidation_andDroppedOnceSaved() throws Exception {
    Browser b = new Browser();
    b.login(home.readClientToken());
    String csrf = b.csrf("/report");
    Map<String, String> form = validReport(csrf, "555 010 0012", "");
    form.remove("area");
    HttpResponse<String> bad = b.post("/report", form, Map.of());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("kept as a draft");
    // A reload after the failed submit: what was typed is still there.
    assertThat(b.get("/report").body())
        .contains("This is your saved draft")
        .contains("value=\"555 010 0012\"");

    assertThat(b.post("/report", validReport(csrf, "555 010 0012", ""), Map.of()).statusCode())
        .isEqualTo(303);
    assertThat(b.get("/report").body())
        .doesNotContain("This is your saved draft")
        .doesNotContain("555 010 0012");
  }

  @Test
  void draft_isGoneAfterLogout() throws Exception {
    Browser b = new Browser();
    b.login(home.readClientToken());
    String csrf = b.csrf("/report");
    b.post("/report/draft", validReport(csrf, "555 010 0013", ""), Map.of());
    b.post("/logout", new LinkedHashMap<>(Map.of("csrf", csrf)), Map.of());
    b.login(home.readClientToken());
    assertThat(b.get("/report").body()).doesNotContain("555 010 0013");
  }

  @Test
  void draft_tooLongToKeep_isRefusedInPlainWords_andTheFormKeepsWhatWasTyped() throws Exception {
    Browser b = new Browser();
    b.login(home.readClientToken());
    Map<String, String> form = validReport(b.csrf("/report"), "555 010 0014", "");
    form.put("narrative", "x".repeat(Sessions.MAX_DRAFT_CHARS));
    HttpResponse<String> r = b.post("/report/draft", form, Map.of());
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.body()).contains("too long to keep").contains("value=\"555 010 0014\"");
    assertThat(b.get("/report").body()).doesNotContain("This is your saved draft");
  }

  @Test
  void report_aTamperedChoice_isNamedAtItsField_andNotSent() throws Exception {
    Browser b = new Browser();
    b.login(home.readClientToken());
    Map<String, String> form = validReport(b.csrf("/report"), "555 010 0004", "");
    form.put("work_setting", "spaceship");
    HttpResponse<String> bad = b.post("/report", form, Map.of());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).containsPattern("id=\"work_setting-error\">is not one of the choices");
  }

  @Test
  void check_findsAReport_byPhoneTypedInAnotherFormat_andByAPlateFragment() throws Exception {
    Browser b = new Browser();
    b.login(home.readClientToken());
    HttpResponse<String> saved =
        b.post("/report", validReport(b.csrf("/report"), "(604) 555-0188", "KXR 4821"), Map.of());
    assertThat(saved.statusCode()).isEqualTo(303);

    HttpResponse<String> byPhone = b.search("+1 604.555.0188");
    assertThat(byPhone.statusCode()).isEqualTo(200);
    assertThat(byPhone.body())
        .contains("1 warning for the phone number")
        .contains("class=\"card\"")
        .contains("Robbery")
        .contains("Eastside");
    HttpResponse<String> byPlate = b.search("r48");
    assertThat(byPlate.body())
        .contains("1 warning for the plate containing r48")
        .contains("KXR4821");
    // Twin: another number finds nothing.
    assertThat(b.search("604 555 0199").body()).contains("No warnings");
  }

  @Test
  void check_findsAReport_byTheLastDigitsOfItsNumber_andOffersThemAsAPlate() throws Exception {
    Browser b = new Browser();
    b.login(home.readClientToken());
    HttpResponse<String> saved =
        b.post("/report", validReport(b.csrf("/report"), "(604) 555-0177", "LMN 0912"), Map.of());
    assertThat(saved.statusCode()).isEqualTo(303);

    HttpResponse<String> byEnd = b.search("0177");
    assertThat(byEnd.statusCode()).isEqualTo(200);
    assertThat(byEnd.body())
        .contains("1 warning for the phone numbers ending in 0177")
        .contains("class=\"card\"")
        .contains("name=\"as\" value=\"plate\"");
    // Other last digits find nothing: the end is matched, not any 4 digits inside.
    assertThat(b.search("5550").body()).contains("No warnings");
  }

  @Test
  void check_areaAndDateFilters_narrowTheOneBox() throws Exception {
    Browser b = new Browser();
    b.login(home.readClientToken());
    String csrf = b.csrf("/report");
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    Map<String, String> east = validReport(csrf, "555 010 0021", "");
    east.put("incident_date", today.minusDays(10).toString());
    assertThat(b.post("/report", east, Map.of()).statusCode()).isEqualTo(303);
    Map<String, String> west = validReport(csrf, "555 010 0022", "");
    west.put("area", "Westend");
    west.put("incident_date", today.minusDays(1).toString());
    west.put("aggressor_description", "tall, red cap");
    assertThat(b.post("/report", west, Map.of()).statusCode()).isEqualTo(303);
    east.put("phone_numbers", "555 010 0023");
    east.put("aggressor_description", "red cap");
    assertThat(b.post("/report", east, Map.of()).statusCode()).isEqualTo(303);

    HttpResponse<String> inWest = b.check(Map.of("q", "red cap", "area", "westend"));
    assertThat(inWest.body())
        .contains("1 warning for the words red cap in westend")
        .contains("010-0022")
        .doesNotContain("010-0023")
        // The filters stay filled in.
        .contains("id=\"area\" name=\"area\" value=\"westend\"");
    HttpResponse<String> recent =
        b.check(Map.of("q", "red cap", "since", today.minusDays(3).toString()));
    assertThat(recent.body()).contains("1 warning for the words red cap from").contains("010-0022");
    HttpResponse<String> older =
        b.check(
            Map.of(
                "q", "",
                "since", today.minusDays(20).toString(),
                "until", today.minusDays(5).toString()));
    assertThat(older.body())
        .contains("2 warnings from")
        .contains("010-0021")
        .contains("010-0023")
        .doesNotContain("010-0022");
  }

  @Test
  void check_aBadDateRange_isSaidInPlainWordsAtTheField() throws Exception {
    Browser b = new Browser();
    b.login(home.readClientToken());
    HttpResponse<String> backwards =
        b.check(Map.of("q", "555 010 0024", "since", "2026-11-30", "until", "2026-11-01"));
    assertThat(backwards.statusCode()).isEqualTo(400);
    assertThat(backwards.body())
        .contains("Not searched: please correct the dates marked above.")
        .contains("id=\"until-error\">The last date is before the first date.")
        .contains("aria-describedby=\"until-error\"");
    HttpResponse<String> notADate = b.check(Map.of("q", "", "since", "last tuesday"));
    assertThat(notADate.statusCode()).isEqualTo(400);
    assertThat(notADate.body()).contains("The first date is not a date.");
    // Twin: a range the right way round is searched.
    assertThat(
            b.check(Map.of("q", "555 010 0024", "since", "2026-11-01", "until", "2026-11-30"))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void check_oneShortWord_isReadAsAPlate_andOffersTheWordsReading() throws Exception {
    Browser b = new Browser();
    b.login(home.readClientToken());
    Map<String, String> form = validReport(b.csrf("/report"), "555 010 0009", "");
    form.put("aggressor_description", "grey beard, snake tattoo");
    assertThat(b.post("/report", form, Map.of()).statusCode()).isEqualTo(303);

    HttpResponse<String> guessed = b.search("tattoo");
    assertThat(guessed.body())
        .contains("No warnings for the plate containing tattoo")
        .contains("name=\"as\" value=\"words\"")
        .contains("Search for tattoo as words instead");
    HttpResponse<String> asWords =
        b.post(
            "/check",
            new LinkedHashMap<>(Map.of("csrf", b.csrf("/check"), "q", "tattoo", "as", "words")),
            Map.of());
    assertThat(asWords.body())
        .contains("1 warning for the words tattoo")
        .contains("Search for tattoo as part of a plate instead");
  }

  @Test
  void retract_fromTheAlertPage_marksItRetracted() throws Exception {
    Browser b = new Browser();
    b.login(home.readClientToken());
    String csrf = b.csrf("/report");
    String alertPage =
        b.post("/report", validReport(csrf, "555 010 0005", ""), Map.of())
            .headers()
            .firstValue("Location")
            .orElseThrow();
    String id = alertPage.substring("/alert/".length(), alertPage.indexOf('?'));
    assertThat(b.get(alertPage).body()).contains("Retract the warning");
    HttpResponse<String> r =
        b.post(
            "/alert/" + id + "/retract",
            new LinkedHashMap<>(Map.of("csrf", csrf, "reason", "entered twice")),
            Map.of());
    assertThat(r.statusCode()).isEqualTo(303);
    HttpResponse<String> after = b.get(r.headers().firstValue("Location").orElseThrow());
    assertThat(after.body())
        .contains("The warning is retracted")
        .doesNotContain("Retract the warning");
  }

  @Test
  void consent_narrowedOnTheAlertPage_isIssuedAsTheNextVersion() throws Exception {
    Browser b = new Browser();
    b.login(home.readClientToken());
    String csrf = b.csrf("/report");
    Map<String, String> form = validReport(csrf, "555 010 0006", "");
    form.put("audience", "police");
    String alertPage =
        b.post("/report", form, Map.of()).headers().firstValue("Location").orElseThrow();
    String before = b.get(alertPage).body();
    assertThat(before)
        .contains("Also the police liaison of an organization we share with</dd>")
        .contains("id=\"audience-police\" value=\"police\" checked");
    Matcher report = Pattern.compile("action=\"/report/([^/\"]+)/consent\"").matcher(before);
    assertThat(report.find()).isTrue();
    HttpResponse<String> r =
        b.post(
            "/report/" + report.group(1) + "/consent",
            new LinkedHashMap<>(Map.of("csrf", csrf, "audience", "peer")),
            Map.of());
    assertThat(r.statusCode()).isEqualTo(303);
    String after = b.get(r.headers().firstValue("Location").orElseThrow()).body();
    assertThat(after)
        .contains("Who may see it is changed")
        .contains("Only other sex-worker-led organizations we share with</dd>")
        .contains("<dt>Version</dt><dd>2</dd>");
    // A tampered choice changes nothing.
    HttpResponse<String> bad =
        b.post(
            "/report/" + report.group(1) + "/consent",
            new LinkedHashMap<>(Map.of("csrf", csrf, "audience", "everyone")),
            Map.of());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(b.get(alertPage).body()).contains("<dt>Version</dt><dd>2</dd>");
  }

  /** Saves a report through the console; the path of its warning's page. */
  private static String saved(Browser b, Map<String, String> form) throws Exception {
    HttpResponse<String> r = b.post("/report", form, Map.of());
    assertThat(r.statusCode()).isEqualTo(303);
    return r.headers().firstValue("Location").orElseThrow();
  }

  private static String alertId(String alertPage) {
    return alertPage.substring("/alert/".length(), alertPage.indexOf('?'));
  }

  @Test
  void update_aggressorIdentified_issuesTheNextVersion_andAnEmptiedFieldIsCleared()
      throws Exception {
    Browser b = new Browser();
    b.login(home.readClientToken());
    String csrf = b.csrf("/report");
    Map<String, String> form = validReport(csrf, "555 010 0031", "");
    form.put("modus_operandi", "asks to meet at the park");
    String page = saved(b, form);
    String before = b.get(page).body();
    assertThat(before)
        .contains("Update what is known")
        .contains("asks to meet at the park</textarea>")
        .contains("<dt>Version</dt><dd>1</dd>");
    String id = alertId(page);

    Map<String, String> update = new LinkedHashMap<>();
    update.put("csrf", csrf);
    update.put("aggressor_description", "");
    update.put("names_used", "Dave");
    update.put("phone_numbers", "+1 555-010-0031, 555 010 0032");
    update.put("modus_operandi", "");
    update.put("vehicle_plate", "KXR 4821");
    update.put("severity", "high");
    HttpResponse<String> r = b.post("/alert/" + id + "/update", update, Map.of());
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.headers().firstValue("Location").orElseThrow()).endsWith("&updated");
    String after = b.get(r.headers().firstValue("Location").orElseThrow()).body();
    assertThat(after)
        .contains("The warning is updated")
        .contains("<dt>Version</dt><dd>2</dd>")
        .contains("<dt>Names used</dt><dd>Dave</dd>")
        .contains("<dt>Plate</dt><dd>KXR4821</dd>")
        .doesNotContain("asks to meet at the park");
    assertThat(b.search("555 010 0032").body()).contains("1 warning for");
    assertThat(b.search("KXR").body()).contains("1 warning for");
  }

  @Test
  void update_withNothingChanged_issuesNoNewVersion() throws Exception {
    Browser b = new Browser();
    b.login(home.readClientToken());
    String csrf = b.csrf("/report");
    String page = saved(b, validReport(csrf, "555 010 0033", "KXR 4821"));
    // The form as shown, sent back untouched.
    Map<String, String> same = new LinkedHashMap<>();
    same.put("csrf", csrf);
    same.put("phone_numbers", "+1 555-010-0033");
    same.put("vehicle_plate", "KXR4821");
    HttpResponse<String> r = b.post("/alert/" + alertId(page) + "/update", same, Map.of());
    assertThat(r.headers().firstValue("Location").orElseThrow()).endsWith("&unchanged");
    assertThat(b.get(page).body()).contains("<dt>Version</dt><dd>1</dd>");
  }

  @Test
  void update_aNumberThatIsNoPhone_isNamedAtItsField_andChangesNothing() throws Exception {
    Browser b = new Browser();
    b.login(home.readClientToken());
    String csrf = b.csrf("/report");
    String page = saved(b, validReport(csrf, "555 010 0034", ""));
    HttpResponse<String> r =
        b.post(
            "/alert/" + alertId(page) + "/update",
            new LinkedHashMap<>(Map.of("csrf", csrf, "phone_numbers", "not a number")),
            Map.of());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body())
        .contains("Nothing was changed")
        .contains("id=\"phone_numbers-error\"")
        .contains("value=\"not a number\"");
    assertThat(b.get(page).body()).contains("<dt>Version</dt><dd>1</dd>");
  }

  @Test
  void purge_isOfferedOnlyToCoordinators_andTheNodeRefusesOthersAnyway() throws Exception {
    Browser intake = new Browser();
    intake.login(home.readClientToken());
    String csrf = intake.csrf("/report");
    String page = saved(intake, validReport(csrf, "555 010 0035", ""));
    String shown = intake.get(page).body();
    assertThat(shown).doesNotContain("Purge the report");
    Matcher report = Pattern.compile("action=\"/report/([^/\"]+)/consent\"").matcher(shown);
    assertThat(report.find()).isTrue();
    HttpResponse<String> refused =
        intake.post(
            "/report/" + report.group(1) + "/purge",
            new LinkedHashMap<>(Map.of("csrf", csrf, "confirm", "purge")),
            Map.of());
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(intake.search("555 010 0035").body()).contains("1 warning for");

    Browser coordinator = new Browser();
    coordinator.login(addStaff("kim", StaffRole.STAFF_ROLE_COORDINATOR));
    assertThat(coordinator.get(page).body())
        .contains("Purge the report")
        .contains("href=\"/report/" + report.group(1) + "/purge?alert=" + alertId(page) + "\"");
  }

  @Test
  void purge_needsTheConfirmationPagesOwnPost_whichSaysWhatCannotBeUndone() throws Exception {
    Browser b = new Browser();
    b.login(addStaff("kim", StaffRole.STAFF_ROLE_COORDINATOR));
    String csrf = b.csrf("/report");
    String page = saved(b, validReport(csrf, "555 010 0036", ""));
    Matcher link =
        Pattern.compile("href=\"(/report/([^/\"]+)/purge\\?alert=[^\"]+)\"")
            .matcher(b.get(page).body());
    assertThat(link.find()).isTrue();
    String reportId = link.group(2);

    HttpResponse<String> confirm = b.get(link.group(1));
    assertThat(confirm.statusCode()).isEqualTo(200);
    assertThat(confirm.body())
        .contains("<h1>Purge this report?</h1>")
        .contains("Purging cannot be undone")
        .contains("Its own key is destroyed first")
        .contains("Partners that hold a copy are told to remove their copies")
        .contains("name=\"confirm\" value=\"purge\"")
        .contains("name=\"csrf\"");
    // Still there: opening the confirmation page does nothing.
    assertThat(b.search("555 010 0036").body()).contains("1 warning for");

    // A post without the confirmation, or without the token, purges nothing.
    HttpResponse<String> unconfirmed =
        b.post(
            "/report/" + reportId + "/purge", new LinkedHashMap<>(Map.of("csrf", csrf)), Map.of());
    assertThat(unconfirmed.statusCode()).isEqualTo(400);
    assertThat(unconfirmed.body()).contains("Nothing was purged");
    HttpResponse<String> noToken =
        b.post(
            "/report/" + reportId + "/purge",
            new LinkedHashMap<>(Map.of("confirm", "purge")),
            Map.of());
    assertThat(noToken.statusCode()).isEqualTo(403);
    assertThat(b.search("555 010 0036").body()).contains("1 warning for");

    HttpResponse<String> purged =
        b.post(
            "/report/" + reportId + "/purge",
            new LinkedHashMap<>(Map.of("csrf", csrf, "confirm", "purge")),
            Map.of());
    assertThat(purged.statusCode()).isEqualTo(303);
    String after = b.get(purged.headers().firstValue("Location").orElseThrow()).body();
    assertThat(after)
        .contains("The report is purged and its key destroyed. No partner held a copy.")
        .contains("<dt>Status</dt><dd>retracted</dd>")
        .doesNotContain("Purge the report")
        .doesNotContain("Update what is known");
    assertThat(b.search("555 010 0036").body()).contains("No warnings");
  }

  @Test
  void aViewer_isOfferedNoNewReport_andTheNodeRefusesOneAnyway() throws Exception {
    String viewer = addStaff("sam", StaffRole.STAFF_ROLE_VIEWER);
    Browser b = new Browser();
    HttpResponse<String> login = b.login(viewer);
    assertThat(login.headers().firstValue("Location")).hasValue("/check");
    assertThat(b.get("/check").body())
        .contains("Logged in as sam")
        .doesNotContain("href=\"/report\"");
    // The node's own role rule decides, not the missing link.
    HttpResponse<String> r =
        b.post("/report", validReport(b.csrf("/check"), "555 010 0007", ""), Map.of());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("needs intake");
  }

  @Test
  void aRevokedAccount_isLoggedOutAtItsNextPage() throws Exception {
    String robin = addStaff("robin", StaffRole.STAFF_ROLE_INTAKE);
    Browser b = new Browser();
    b.login(robin);
    String csrf = b.csrf("/check");
    withToken(AdminServiceGrpc.newBlockingStub(channel), home.readAdminToken())
        .revokeStaff(RevokeStaffRequest.newBuilder().setName("robin").build());
    HttpResponse<String> r =
        b.post("/check", new LinkedHashMap<>(Map.of("csrf", csrf, "q", "555 010 0008")), Map.of());
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.headers().firstValue("Location")).hasValue("/login");
    assertThat(b.get("/check").headers().firstValue("Location")).hasValue("/login");
  }

  private String addStaff(String name, StaffRole role) throws IOException {
    return withToken(AdminServiceGrpc.newBlockingStub(channel), home.readAdminToken())
        .addStaff(AddStaffRequest.newBuilder().setName(name).setRole(role).build())
        .getCredential();
  }

  @Test
  void logout_endsTheSession() throws Exception {
    Browser b = new Browser();
    b.login(home.readClientToken());
    String csrf = b.csrf("/check");
    assertThat(b.post("/logout", new LinkedHashMap<>(Map.of("csrf", csrf)), Map.of()).statusCode())
        .isEqualTo(303);
    assertThat(b.get("/check").headers().firstValue("Location")).hasValue("/login");
  }

  @Test
  void loginPage_followsAcceptLanguage_untilALanguageIsChosen() throws Exception {
    Browser b = new Browser();
    b.acceptLanguage = "es-MX,es;q=0.9,en;q=0.5";
    HttpResponse<String> page = b.get("/login");
    assertThat(page.body()).contains("<html lang=\"es\"").contains("<h1>Iniciar sesión</h1>");
    HttpResponse<String> chosen = chooseLanguage(b, "ko", "/login");
    assertThat(chosen.statusCode()).isEqualTo(303);
    assertThat(chosen.headers().firstValue("Location")).hasValue("/login");
    assertThat(chosen.headers().allValues("Set-Cookie"))
        .anySatisfy(
            c ->
                assertThat(c)
                    .startsWith(ConsoleLanguage.COOKIE + "=ko;")
                    .contains("SameSite=Strict")
                    .contains("Max-Age="));
    assertThat(b.get("/login").body()).contains("<html lang=\"ko\"").contains("<h1>로그인</h1>");
    // A browser asking for nothing the console speaks gets English.
    Browser other = new Browser();
    other.acceptLanguage = "de-DE,de;q=0.9";
    assertThat(other.get("/login").body()).contains("<html lang=\"en\"");
  }

  @Test
  void languageChoice_survivesLogout_andTheNextLoginShowsItsPages() throws Exception {
    Browser b = new Browser();
    b.login(home.readClientToken());
    chooseLanguage(b, "es", "/report");
    assertThat(b.get("/report").body())
        .contains("<html lang=\"es\"")
        .contains("<h1>Nuevo reporte</h1>")
        .contains("Robo")
        .contains("<option value=\"es\" lang=\"es\" selected>Español</option>");
    b.post("/logout", new LinkedHashMap<>(Map.of("csrf", b.csrf("/check"))), Map.of());
    assertThat(b.get("/login").body()).contains("<html lang=\"es\"");
    b.login(home.readClientToken());
    assertThat(b.get("/check").body()).contains("<h1>Buscar un número o una placa</h1>");
  }

  @Test
  void languageSwitch_refusesAnUnknownLanguage_andAnyReturnElsewhere() throws Exception {
    Browser b = new Browser();
    b.login(home.readClientToken());
    HttpResponse<String> r = chooseLanguage(b, "xx", "//attacker.example/");
    assertThat(r.headers().firstValue("Location")).hasValue("/");
    assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(b.get("/check").body()).contains("<html lang=\"en\"");
    // Without the session's token, nothing is set.
    HttpResponse<String> forged =
        b.post(
            "/language",
            new LinkedHashMap<>(Map.of("csrf", "forged", "lang", "es", "back", "/")),
            Map.of());
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.headers().allValues("Set-Cookie")).isEmpty();
  }

  private static HttpResponse<String> chooseLanguage(Browser b, String lang, String back)
      throws Exception {
    String csrf = b.csrf(back.startsWith("/") && !back.startsWith("//") ? back : "/check");
    return b.post(
        "/language",
        new LinkedHashMap<>(Map.of("csrf", csrf, "lang", lang, "back", back)),
        Map.of());
  }

  @Test
  void aHostHeaderNamingAnotherSite_isRefused() throws Exception {
    // A page elsewhere that points its own name at 127.0.0.1 (DNS rebinding) sends that name.
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET /login HTTP/1.1\r\nHost: attacker.example:"
                  + port
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII))
          .startsWith("HTTP/1.1 421");
    }
  }

  @Test
  void startConsole_beyondLoopback_isRefusedWithAClearError() {
    assertThatThrownBy(
            () -> node.startConsole(new NodeConfig.HostPort("0.0.0.0", 0), Clock.systemUTC()))
        .isInstanceOf(ConsoleServer.NotLoopback.class)
        .hasMessageContaining("refusing to serve the console on 0.0.0.0:0")
        .hasMessageContaining("127.0.0.1");
  }

  private static Map<String, String> validReport(String csrf, String phone, String plate) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("csrf", csrf);
    f.put("incident_date", LocalDate.now(ZoneOffset.UTC).minusDays(1).toString());
    f.put("area", "Eastside");
    f.put("harms", "robbery");
    f.put("phone_numbers", phone);
    f.put("vehicle_plate", plate);
    f.put("audience", "peer");
    return f;
  }

  /** A browser's part: keeps its cookies, reads the CSRF token off a page. */
  private final class Browser {
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private String acceptLanguage;

    HttpResponse<String> get(String path) throws Exception {
      return send(HttpRequest.newBuilder(uri(path)).GET(), Map.of());
    }

    HttpResponse<String> post(String path, Map<String, String> form, Map<String, String> headers)
        throws Exception {
      String body =
          form.entrySet().stream()
              .map(
                  e ->
                      URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                          + "="
                          + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
              .collect(Collectors.joining("&"));
      return send(
          HttpRequest.newBuilder(uri(path))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(body)),
          headers);
    }

    HttpResponse<String> login(String credential) throws Exception {
      String csrf = csrf("/login");
      return post(
          "/login", new LinkedHashMap<>(Map.of("csrf", csrf, "credential", credential)), Map.of());
    }

    HttpResponse<String> search(String q) throws Exception {
      return post("/check", new LinkedHashMap<>(Map.of("csrf", csrf("/check"), "q", q)), Map.of());
    }

    HttpResponse<String> check(Map<String, String> fields) throws Exception {
      Map<String, String> form = new LinkedHashMap<>(fields);
      form.put("csrf", csrf("/check"));
      return post("/check", form, Map.of());
    }

    String csrf(String page) throws Exception {
      Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(get(page).body());
      assertThat(m.find()).as("a CSRF token on " + page).isTrue();
      return m.group(1);
    }

    private HttpResponse<String> send(HttpRequest.Builder r, Map<String, String> headers)
        throws IOException, InterruptedException {
      if (!cookies.isEmpty()) {
        r.header(
            "Cookie",
            cookies.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("; ")));
      }
      if (acceptLanguage != null) {
        r.header("Accept-Language", acceptLanguage);
      }
      headers.forEach(r::header);
      HttpResponse<String> resp = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
      for (String c : resp.headers().allValues("Set-Cookie")) {
        String pair = c.substring(0, c.indexOf(';'));
        int eq = pair.indexOf('=');
        if (pair.endsWith("=")) {
          cookies.remove(pair.substring(0, eq));
        } else {
          cookies.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
      }
      return resp;
    }

    private URI uri(String path) {
      return URI.create("http://127.0.0.1:" + port + path);
    }
  }
}
