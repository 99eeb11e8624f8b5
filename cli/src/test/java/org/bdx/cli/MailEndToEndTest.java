package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.NetSteps.parse;

import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.bdx.cli.ClockEndToEndTest.MovableClock;
import org.bdx.node.mail.TestSmtp;
import org.bdx.proto.v1.AuditEntry;
import org.bdx.proto.v1.SubmitReportResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulletins by e-mail through {@code bdx subscribers} and {@code bdx bulletin send}, from a node
 * running on loopback to a real SMTP server reached with STARTTLS ({@link TestSmtp}): each
 * subscriber receives the bulletin in their language with the warnings of their areas, as HTML with
 * a text alternative, the printable bulletin attached and a line on how to stop; a server that is
 * down gets a clear error, the bulletins stay queued and are delivered once it is back, each once;
 * addresses are sealed in the node's files and absent from the audit log, which counts. The running
 * node sends on its schedule and after a high-severity warning ({@link
 * org.bdx.node.server.Node#bulletinRound()}, on a clock the test moves).
 */
class MailEndToEndTest {
  static final String NARRATIVE = "Qzmnarrative";
  static final String CONTACT = "Qzmcontact";
  static final String DOWNTOWN = "tall, red cap";
  static final String STRATHCONA = "thin, glasses";

  @TempDir Path tmp;
  final MovableClock clock = new MovableClock();
  TestSmtp smtp;
  TestOrg east;
  TestOrg north;

  @AfterEach
  void stop() {
    TestOrg.stopAll(east, north);
    if (smtp != null) {
      smtp.close();
    }
  }

  /** East, sending through {@link #smtp}, with {@code settings} added to its node.properties. */
  private void start(String settings) throws Exception {
    smtp = new TestSmtp(tmp);
    smtp.start();
    east = TestOrg.builder(tmp, "east", "East Outreach").clock(clock).init();
    Files.writeString(
        east.home().resolve("node.properties"),
        smtp.settings() + settings,
        StandardOpenOption.APPEND);
    east.start();
  }

  @Test
  void send_eachInTheirLanguageAndAreas_andAServerDownLosesNothingAndSendsNothingTwice()
      throws Exception {
    start("bulletin.on_high_severity=false\n");
    report("Downtown", DOWNTOWN, "high");
    report("Strathcona", STRATHCONA, "moderate");
    assertThat(subscribe("ana@example.org", "--lang", "vi", "--area", "downtown").out())
        .isEqualTo("Subscribed ana@example.org (vi, area downtown).\n");
    subscribe("bo@example.org", "--lang", "fr", "--area", "Strathcona");
    subscribe("cy@example.org");
    String list = ok("subscribers", "list", "--home", east.homeArg()).out();
    assertThat(list)
        .contains("ana@example.org", "bo@example.org", "cy@example.org", "every area")
        .contains("3 subscribers");

    CliRun sent = ok("bulletin", "send", "--home", east.homeArg());

    assertThat(sent.out()).isEqualTo("Bulletin sent to 3 of 3 subscribers.\n");
    Map<String, MimeMessage> to = byRecipient(smtp.received());
    assertThat(to).containsOnlyKeys("ana@example.org", "bo@example.org", "cy@example.org");
    Mail ana = Mail.of(to.get("ana@example.org"));
    assertThat(ana.subject).isEqualTo("Cảnh báo khách xấu - East Outreach");
    assertThat(ana.text).contains(DOWNTOWN).doesNotContain(STRATHCONA);
    assertThat(ana.html).contains("<html lang=\"vi\">", DOWNTOWN).doesNotContain(STRATHCONA);
    // This machine has the fonts (scripts/test installs them): the printable bulletin is a PDF.
    assertThat(ana.attachmentName).isEqualTo("bulletin.pdf");
    assertThat(ana.attachment).contains(DOWNTOWN).doesNotContain(STRATHCONA);
    String stopVi = "Để ngừng nhận, hãy trả lời email này hoặc báo cho East Outreach.";
    assertThat(ana.text).contains(stopVi);
    assertThat(ana.html).contains(stopVi);
    Mail bo = Mail.of(to.get("bo@example.org"));
    assertThat(bo.subject).isEqualTo("Alertes mauvais clients - East Outreach");
    assertThat(bo.text).contains(STRATHCONA, "répondez à ce courriel").doesNotContain(DOWNTOWN);
    assertThat(bo.html).contains("<html lang=\"fr\">", STRATHCONA).doesNotContain(DOWNTOWN);
    Mail cy = Mail.of(to.get("cy@example.org"));
    assertThat(cy.subject).isEqualTo("Bad date warnings - East Outreach");
    assertThat(cy.text).contains(DOWNTOWN, STRATHCONA, "To stop receiving them, reply");
    for (Mail m : List.of(ana, bo, cy)) {
      assertThat(m.all()).doesNotContain(NARRATIVE).doesNotContain(CONTACT);
    }

    // The server goes down: a clear error, no stack trace, and the bulletins stay queued.
    smtp.stop();
    CliRun down = CliRun.bdx("bulletin", "send", "--home", east.homeArg());
    assertThat(down.exitCode()).as(down.toString()).isEqualTo(1);
    assertThat(down.err())
        .isEqualTo(
            "bdx: the bulletin was queued for 3 subscribers and 0 delivered: could not connect to"
                + " the SMTP server 127.0.0.1:"
                + smtp.port()
                + " (connection refused): is it running? 3 stay queued; the running node (bdx"
                + " serve) tries again in a minute, then less often, for 3 days.\n");
    assertThat(smtp.received()).hasSize(3);

    // Back up: not tried again before the wait is over, then each delivered once.
    smtp.start();
    east.node().bulletinRound();
    assertThat(smtp.received()).hasSize(3);
    clock.set(Duration.ofMinutes(2));
    east.node().bulletinRound();
    assertThat(counts(smtp.received()))
        .isEqualTo(Map.of("ana@example.org", 2, "bo@example.org", 2, "cy@example.org", 2));
    clock.set(Duration.ofHours(2));
    east.node().bulletinRound();
    assertThat(smtp.received()).hasSize(6);

    // The audit log counts, and names nobody.
    List<AuditEntry> log = audit();
    assertThat(details(log, "subscriber.add")).hasSize(3);
    assertThat(details(log, "bulletin.queue"))
        .hasSize(2)
        .allSatisfy(d -> assertThat(d).contains("trigger=manual", "subscribers=3"));
    assertThat(details(log, "bulletin.delivery"))
        .hasSize(2)
        .allSatisfy(d -> assertThat(d).contains("channel=email", "delivered=3", "still_queued=0"));
    String auditText = ok("audit", "list", "--home", east.homeArg()).out().toLowerCase(Locale.ROOT);
    String auditJson = String.valueOf(log).toLowerCase(Locale.ROOT);
    for (String s : List.of(auditText, auditJson)) {
      assertThat(s).doesNotContain("ana@").doesNotContain("example.org");
    }

    // At rest: no address in the node's files, though the node still reads them (sealed).
    String files = NetSteps.databaseFiles(east.home()).toLowerCase(Locale.ROOT);
    for (String a : List.of("ana@example.org", "bo@example.org", "cy@example.org")) {
      assertThat(files).doesNotContain(a).doesNotContain(a.substring(0, a.indexOf('@') + 1));
    }
    assertThat(files).doesNotContain("example.org");
    assertThat(ok("subscribers", "list", "--home", east.homeArg()).out())
        .contains("ana@example.org");

    // Removed: nothing more is sent to them.
    assertThat(ok("subscribers", "remove", "ANA@example.org", "--home", east.homeArg()).out())
        .isEqualTo("Removed ANA@example.org; nothing more is sent to them.\n");
    assertThat(ok("bulletin", "send", "--home", east.homeArg()).out())
        .isEqualTo("Bulletin sent to 2 of 2 subscribers.\n");
    assertThat(counts(smtp.received()))
        .isEqualTo(Map.of("ana@example.org", 2, "bo@example.org", 3, "cy@example.org", 3));
  }

  @Test
  void runningNode_sendsAfterAHighSeverityWarning_toItsArea_andOnItsSchedule() throws Exception {
    // Daily, three hours from now (UTC): the test moves the node's clock there.
    LocalTime at =
        LocalTime.now(ZoneOffset.UTC).plusHours(3).truncatedTo(ChronoUnit.MINUTES).withSecond(0);
    start(
        "bulletin.schedule=DAILY "
            + at
            + "\nbulletin.timezone=UTC\nbulletin.on_high_severity=true\n"
            + "bulletin.on_high_severity.wait_minutes=15\n");
    subscribe("ana@example.org", "--lang", "vi", "--area", "Downtown");
    subscribe("bo@example.org", "--lang", "fr", "--area", "Strathcona");

    report("Downtown", DOWNTOWN, "high");
    east.node().bulletinRound();
    // Not at once: a few warnings in a row make one bulletin.
    assertThat(smtp.received()).isEmpty();
    clock.set(Duration.ofMinutes(16));
    east.node().bulletinRound();
    assertThat(byRecipient(smtp.received())).containsOnlyKeys("ana@example.org");

    // A moderate one sends nothing by itself.
    report("Strathcona", STRATHCONA, "moderate");
    east.node().bulletinRound();
    clock.set(Duration.ofMinutes(40));
    east.node().bulletinRound();
    assertThat(smtp.received()).hasSize(1);

    // The schedule: everyone.
    clock.set(Duration.ofHours(3).plusMinutes(1));
    east.node().bulletinRound();
    assertThat(counts(smtp.received()))
        .isEqualTo(Map.of("ana@example.org", 2, "bo@example.org", 1));
    MimeMessage toBo =
        smtp.received().stream()
            .filter(m -> recipient(m).equals("bo@example.org"))
            .findFirst()
            .orElseThrow();
    assertThat(Mail.of(toBo).text).contains(STRATHCONA).doesNotContain(DOWNTOWN);

    List<AuditEntry> log = audit();
    assertThat(details(log, "bulletin.queue"))
        .satisfiesExactly(
            d -> assertThat(d).contains("trigger=alert", "subscribers=1"),
            d -> assertThat(d).contains("trigger=schedule", "subscribers=2"));
  }

  @Test
  void mistakes_getOneClearMessage_andTheirExitCode() throws Exception {
    start("");
    subscribe("ana@example.org");
    expect(1, "address: not an e-mail address", "subscribers", "add", "ana at example");
    expect(1, "already subscribed", "subscribers", "add", "Ana@Example.org");
    expect(
        1,
        "lang: no bulletin in that language",
        "subscribers",
        "add",
        "b@example.org",
        "--lang",
        "xx");
    expect(1, "not subscribed", "subscribers", "remove", "nobody@example.org");
    CliRun bare = CliRun.bdx("subscribers");
    assertThat(bare.exitCode()).as(bare.toString()).isEqualTo(2);
    assertThat(bare.err()).contains("say what to do: add, list or remove");
    expect(2, "Missing required parameter: 'EMAIL'", "subscribers", "add");
    expect(2, "--since: say from which date", "bulletin");
    expect(1, "since: a date in the form YYYY-MM-DD", "bulletin", "send", "--since", "monday");

    // A node with no SMTP server in its settings says what to set.
    north = TestOrg.builder(tmp, "north", "North Peers").start();
    CliRun none = CliRun.bdx("bulletin", "send", "--home", north.homeArg());
    assertThat(none.exitCode()).as(none.toString()).isEqualTo(1);
    assertThat(none.err())
        .startsWith(
            "bdx: no SMTP server is configured: set bulletin.mail.host, bulletin.mail.from");

    // A node that is not running.
    north.stop();
    CliRun off = CliRun.bdx("subscribers", "list", "--home", north.homeArg());
    assertThat(off.exitCode()).as(off.toString()).isEqualTo(3);
    assertThat(off.err()).contains("is not running or not reachable");

    // With --json, the failure is JSON naming the field.
    CliRun json =
        CliRun.bdx("subscribers", "add", "ana@example.org", "--home", east.homeArg(), "--json");
    assertThat(json.err()).startsWith("{\"error\":{\"code\":1,").contains("already subscribed");
  }

  private void expect(int code, String message, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--home", east.homeArg()));
    CliRun r = CliRun.bdx(all.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(code);
    assertThat(r.err())
        .as(r.toString())
        .contains(message)
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  private CliRun subscribe(String address, String... options) {
    List<String> args =
        new ArrayList<>(List.of("subscribers", "add", address, "--home", east.homeArg()));
    args.addAll(List.of(options));
    return ok(args.toArray(String[]::new));
  }

  private void report(String area, String description, String severity) throws Exception {
    CliRun r =
        ok(
            "report",
            "add",
            "--home",
            east.homeArg(),
            "--json",
            "--date",
            LocalDate.now(ZoneOffset.UTC).minusDays(1).toString(),
            "--time",
            "night",
            "--area",
            area,
            "--setting",
            "street",
            "--harm",
            "physical_assault",
            "--severity",
            severity,
            "--description",
            description,
            "--narrative",
            NARRATIVE,
            "--contact",
            CONTACT,
            "--audience",
            "peer");
    parse(r.out(), SubmitReportResponse.getDefaultInstance());
  }

  private List<AuditEntry> audit() throws Exception {
    List<AuditEntry> out = new ArrayList<>();
    for (String line :
        ok("audit", "list", "--home", east.homeArg(), "--json").out().lines().toList()) {
      out.add(parse(line, AuditEntry.getDefaultInstance()));
    }
    return out;
  }

  private static List<String> details(List<AuditEntry> log, String action) {
    return log.stream()
        .filter(e -> e.getAction().equals(action))
        .map(AuditEntry::getDetail)
        .toList();
  }

  /** How many messages each recipient received (GreenMail lists them by mailbox, not by time). */
  private static Map<String, Integer> counts(List<MimeMessage> messages) {
    Map<String, Integer> m = new TreeMap<>();
    for (MimeMessage msg : messages) {
      m.merge(recipient(msg), 1, Integer::sum);
    }
    return m;
  }

  private static String recipient(MimeMessage m) {
    try {
      return m.getAllRecipients()[0].toString();
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, MimeMessage> byRecipient(List<MimeMessage> messages) throws Exception {
    Map<String, MimeMessage> m = new TreeMap<>();
    for (MimeMessage msg : messages) {
      String to = msg.getAllRecipients()[0].toString();
      assertThat(m.put(to, msg)).as("a second message to " + to).isNull();
    }
    return m;
  }

  /** What a subscriber reads: subject, the text and HTML alternatives, the attached file. */
  record Mail(String subject, String text, String html, String attachmentName, String attachment) {
    static Mail of(MimeMessage m) throws Exception {
      Multipart mixed = (Multipart) m.getContent();
      Multipart alternative = (Multipart) mixed.getBodyPart(0).getContent();
      assertThat(alternative.getContentType()).startsWith("multipart/alternative");
      BodyPart text = alternative.getBodyPart(0);
      BodyPart html = alternative.getBodyPart(1);
      assertThat(text.getContentType()).startsWith("text/plain");
      assertThat(html.getContentType()).startsWith("text/html");
      BodyPart file = mixed.getBodyPart(1);
      return new Mail(
          m.getSubject(),
          (String) text.getContent(),
          (String) html.getContent(),
          file.getFileName(),
          file.getFileName().endsWith(".pdf") ? pdfText(file) : read(file));
    }

    String all() {
      return subject + text + html + attachment;
    }

    private static String pdfText(BodyPart p) throws Exception {
      try (var in = p.getInputStream();
          org.apache.pdfbox.pdmodel.PDDocument d =
              org.apache.pdfbox.Loader.loadPDF(in.readAllBytes())) {
        return new org.apache.pdfbox.text.PDFTextStripper().getText(d).replaceAll("\\s+", " ");
      }
    }

    private static String read(BodyPart p) throws Exception {
      try (var in = p.getInputStream()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw e;
      }
    }
  }
}
