package org.bdx.node.console;

import static org.bdx.node.console.Html.esc;

import com.google.common.io.Resources;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.bdx.node.console.ConsoleServer.Answer;
import org.bdx.node.console.Sessions.Session;
import org.bdx.node.intake.Vocabulary;
import org.bdx.node.search.PhoneNumbers;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.ClientServiceGrpc.ClientServiceBlockingStub;
import org.bdx.proto.v1.GetAlertRequest;
import org.bdx.proto.v1.RetractAlertRequest;
import org.bdx.proto.v1.SearchAlertsRequest;
import org.bdx.proto.v1.SearchAlertsResponse;
import org.bdx.proto.v1.StaffRole;
import org.bdx.proto.v1.SubmitReportRequest;
import org.bdx.proto.v1.SubmitReportResponse;
import org.bdx.proto.v1.UpdateConsentRequest;

/** The console's pages: what each shows and which client API call it makes. */
final class Pages {
  private static final String CSS = load("console.css");

  private final PhoneNumbers phones;

  Pages(PhoneNumbers phones) {
    this.phones = phones;
  }

  static String css() {
    return CSS;
  }

  /**
   * The login page.
   *
   * @param note a word key of a note to show, or null
   * @param error a word key of the credential's error, or null
   */
  String login(Session s, String note, String error) {
    ConsoleWords w = s.words;
    String err = error == null ? null : w.word(error);
    String body =
        (note == null ? "" : "<p class=\"note\" role=\"status\">" + w.esc(note) + "</p>")
            + """
            <form method="post" action="/login">
            %s
            <div class="field">
            <label for="credential">%s</label>
            %s
            <input type="password" id="credential" name="credential" autocomplete="current-password"%s>
            </div>
            <p><button type="submit">%s</button></p>
            </form>
            <p>%s</p>
            """
                .formatted(
                    Html.csrfField(s.csrf),
                    w.esc("login.credential"),
                    Html.fieldError("credential", err),
                    Html.invalidAttrs("credential", err),
                    w.esc("login.button"),
                    w.html("login.hint", Map.of("command", "<code>bdx staff add</code>")));
    return Html.page(w, w.word("login.title"), null, s.csrf, "/login", body);
  }

  /**
   * The new-report page as {@code GET /report} shows it: the session's kept draft if there is one,
   * else an empty form.
   */
  String reportPage(Session s, String query) {
    Optional<Form> draft = s.draft();
    String note;
    if (flag(query, "kept")) {
      note = status(s.words.word("report.kept"));
    } else if (flag(query, "discarded")) {
      note = status(s.words.word("report.discarded"));
    } else if (draft.isPresent()) {
      note = status(s.words.word("report.draftShown"));
    } else {
      note = "";
    }
    return newReport(
        s,
        draft.map(d -> ReportForm.of(d, s.words)).orElseGet(() -> ReportForm.empty(s.words)),
        note);
  }

  private String newReport(Session s, ReportForm form, String noteHtml) {
    return Html.page(
        s, s.words.word("nav.report"), noteHtml + form.render(s.csrf, s.draft().isPresent()));
  }

  /**
   * Submits the report; on the node's field violations, the form again with them in place. What was
   * typed is kept as the session's draft until the report is saved, so a failed submit loses
   * nothing even if the page is reloaded.
   */
  Answer submitReport(Session s, ClientServiceBlockingStub stub, Form submitted) {
    ReportForm form = ReportForm.of(submitted, s.words);
    boolean kept = s.keepDraft(submitted);
    String note = kept ? status(s.words.word("report.keptOnSubmit")) : "";
    var report = form.toReport();
    if (form.hasErrors()) {
      return Answer.page(400, newReport(s, form, note));
    }
    SubmitReportResponse r;
    try {
      SubmitReportRequest.Builder request = SubmitReportRequest.newBuilder().setReport(report);
      form.submissionKey().ifPresent(request::setSubmissionKey);
      // Sent twice, the form's key finds the report the first stored (already_submitted): the
      // same page follows either way.
      r = stub.submitReport(request.build());
    } catch (StatusRuntimeException e) {
      List<com.google.rpc.BadRequest.FieldViolation> v = ConsoleServer.violations(e);
      if (e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT || v.isEmpty()) {
        throw e;
      }
      v.forEach(f -> form.violation(f.getField(), f.getDescription()));
      return Answer.page(400, newReport(s, form, note));
    }
    s.dropDraft();
    return Answer.redirect(alertLink(r.getAlert()) + "&saved");
  }

  /** "Save draft": keeps what was typed in the session, unchecked, and shows it again. */
  Answer saveDraft(Session s, Form typed) {
    if (!s.keepDraft(typed)) {
      return Answer.page(
          413,
          newReport(
              s,
              ReportForm.of(typed, s.words),
              "<p class=\"error\" role=\"alert\">" + s.words.esc("report.draftTooLong") + "</p>"));
    }
    return Answer.redirect("/report?kept");
  }

  /** "Discard draft": forgets the session's draft and shows an empty form. */
  Answer discardDraft(Session s) {
    s.dropDraft();
    return Answer.redirect("/report?discarded");
  }

  private static String status(String text) {
    return "<p class=\"note\" role=\"status\">" + esc(text) + "</p>";
  }

  String check(Session s, String q, SearchFilters filters, String results) {
    ConsoleWords w = s.words;
    String body =
        """
        <form method="post" action="/check" role="search">
        %s
        <div class="field">
        <label for="q">%s</label>
        <input type="search" id="q" name="q" value="%s">
        </div>
        %s
        <p><button type="submit">%s</button></p>
        </form>
        %s
        """
            .formatted(
                Html.csrfField(s.csrf),
                w.esc("check.box"),
                esc(q),
                filters.render(),
                w.esc("check.button"),
                results == null ? "" : results);
    return Html.page(s, w.word("nav.check"), body);
  }

  /** Warnings on one page of the check's results; the next are a button away. */
  static final int PAGE_SIZE = 50;

  /** Digits and phone punctuation only, with at least 4 digits: the end of a phone number. */
  static boolean looksLikeNumberEnd(String q) {
    return q.matches("[0-9 +().\\-]+") && q.replaceAll("\\D", "").length() >= 4;
  }

  /**
   * Searches the one box, narrowed by the filters beside it: a phone number when the box reads as
   * one in this node's region, else a plate fragment when it has a digit or is one short word, else
   * words; {@code as} ("plate" or "words") overrides the guess, and the results offer the other
   * reading where one short word could be either. The node normalises each. An empty box with a
   * filter lists what the filters alone match.
   */
  Answer search(Session s, ClientServiceBlockingStub stub, Form form) {
    String q = form.get("q");
    String as = form.get("as");
    ConsoleWords w = s.words;
    SearchFilters filters = SearchFilters.of(form, w);
    if (filters.hasErrors()) {
      return Answer.page(
          400,
          check(
              s,
              q,
              filters,
              "<p class=\"error\" role=\"alert\">" + w.esc("check.fixDates") + "</p>"));
    }
    if (q.isBlank() && filters.isEmpty()) {
      return Answer.page(
          check(s, q, filters, "<p class=\"error\">" + w.esc("check.empty") + "</p>"));
    }
    SearchAlertsRequest.Builder req =
        filters.applyTo(SearchAlertsRequest.newBuilder()).setPageSize(PAGE_SIZE);
    // The next page of the same search: the node's opaque token, checked by the node.
    String page = form.get("page");
    if (!page.isEmpty()) {
      req.setPageToken(page);
    }
    String searched;
    String other = null;
    Optional<String> e164 = phones.toE164(q);
    boolean plate =
        as.equals("plate")
            || (!as.equals("words")
                && (q.chars().anyMatch(Character::isDigit) || q.matches("\\p{L}{1,8}")));
    if (q.isBlank()) {
      searched = "";
    } else if (e164.isPresent() && as.isEmpty()) {
      req.setPhone(q);
      searched = w.format("check.phone", Map.of("phone", PhoneNumbers.forReading(e164.get())));
    } else if (as.isEmpty() && looksLikeNumberEnd(q)) {
      // A worker often has only the last digits, from a screenshot: the node matches every
      // number ending in them (spec API-8). They could be a plate fragment too: offered below.
      req.setPhone(q);
      searched = w.format("check.phoneEnding", Map.of("digits", q.replaceAll("\\D", "")));
      other = "plate";
    } else if (plate) {
      req.setPlate(q);
      searched = w.format("check.plate", Map.of("q", q));
      other = q.chars().anyMatch(Character::isDigit) ? null : "words";
    } else {
      req.setText(q);
      searched = w.format("check.words", Map.of("q", q));
      other = q.matches("\\p{L}{1,8}") ? "plate" : null;
    }
    SearchAlertsResponse r;
    try {
      r = stub.searchAlerts(req.build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT) {
        throw e;
      }
      return Answer.page(
          400,
          check(
              s,
              q,
              filters,
              "<p class=\"error\" role=\"alert\">"
                  + w.esc(
                      "check.nodeRefused",
                      Map.of("why", String.valueOf(e.getStatus().getDescription())))
                  + "</p>"));
    }
    StringBuilder b = new StringBuilder();
    b.append("<section aria-labelledby=\"results\"><h2 id=\"results\">")
        .append(
            q.isBlank()
                ? w.esc("results.count", Map.of("count", r.getAlertsCount()))
                : w.esc("results.for", Map.of("count", r.getAlertsCount(), "searched", searched)))
        .append(esc(filters.describe()))
        .append("</h2>");
    if (other != null) {
      b.append("<form method=\"post\" action=\"/check\">")
          .append(Html.csrfField(s.csrf))
          .append("<input type=\"hidden\" name=\"q\" value=\"")
          .append(esc(q))
          .append("\"><input type=\"hidden\" name=\"as\" value=\"")
          .append(other)
          .append("\">")
          .append(filters.hiddenFields())
          .append("<button type=\"submit\">")
          .append(
              w.esc(other.equals("words") ? "results.asWords" : "results.asPlate", Map.of("q", q)))
          .append("</button></form>");
    }
    if (r.getAlertsCount() == 0) {
      b.append("<p>").append(w.esc("results.none")).append("</p>");
    }
    b.append("<ul class=\"cards\">");
    for (AlertView a : r.getAlertsList()) {
      b.append("<li class=\"card\">").append(summary(w, a)).append("</li>");
    }
    b.append("</ul>");
    if (!r.getNextPageToken().isEmpty()) {
      // A form, not a link: the search stays out of the address bar and the browser's history.
      b.append("<form method=\"post\" action=\"/check\">")
          .append(Html.csrfField(s.csrf))
          .append("<input type=\"hidden\" name=\"q\" value=\"")
          .append(esc(q))
          .append("\"><input type=\"hidden\" name=\"as\" value=\"")
          .append(esc(as))
          .append("\"><input type=\"hidden\" name=\"page\" value=\"")
          .append(esc(r.getNextPageToken()))
          .append("\">")
          .append(filters.hiddenFields())
          .append("<button type=\"submit\">")
          .append(w.esc("results.more"))
          .append("</button></form>");
    }
    b.append("</section>");
    return Answer.page(check(s, q, filters, b.toString()));
  }

  Answer alert(Session s, ClientServiceBlockingStub stub, String id, String query) {
    String origin = param(query, "origin");
    AlertView a =
        stub.getAlert(GetAlertRequest.newBuilder().setAlertId(id).setOriginNodeId(origin).build())
            .getAlert();
    return Answer.page(alertPage(s, a, query, null));
  }

  /**
   * A warning's page: its card, then what the session's person may do with it.
   *
   * @param failedUpdate the update form as sent when the node refused it, or null
   */
  String alertPage(Session s, AlertView a, String query, ReportForm failedUpdate) {
    ConsoleWords w = s.words;
    StringBuilder b = new StringBuilder();
    b.append(AlertActions.notes(w, query));
    if (flag(query, "saved")) {
      b.append("<p class=\"note\" role=\"status\">")
          .append(w.esc("alert.saved"))
          .append(
              a.getReportId().isEmpty()
                  ? ""
                  : " " + w.esc("alert.savedReport", Map.of("id", a.getReportId())))
          .append("</p>");
    }
    if (flag(query, "consent")) {
      b.append(status(w.word("alert.consent")));
    }
    if (flag(query, "retracted")) {
      b.append(status(w.word("alert.retracted")));
    }
    b.append("<div class=\"card\">").append(summary(w, a)).append(details(w, a)).append("</div>");
    b.append(AlertActions.updateSection(s, a, failedUpdate));
    boolean retractable =
        a.getLocal()
            && a.getStatus() != AlertStatus.ALERT_STATUS_RETRACTED
            && s.who.mayAct(StaffRole.STAFF_ROLE_INTAKE);
    if (retractable && !a.getReportId().isEmpty()) {
      b.append(
          """
          <form method="post" action="/report/%s/consent">
          %s
          <h2>%s</h2>
          <p>%s</p>
          %s
          <p><button type="submit">%s</button></p>
          </form>
          """
              .formatted(
                  esc(a.getReportId()),
                  Html.csrfField(s.csrf),
                  w.esc("consent.heading"),
                  w.esc("consent.text"),
                  ReportForm.consentChoices(
                      w,
                      Vocabulary.word(a.getAudience()),
                      !a.getFields().getReporterContact().isEmpty(),
                      null),
                  w.esc("consent.button")));
    }
    if (retractable) {
      b.append(
          """
          <form method="post" action="/alert/%s/retract">
          %s
          <h2>%s</h2>
          <p>%s</p>
          <div class="field"><label for="reason">%s</label>
          <input type="text" id="reason" name="reason"></div>
          <p><button type="submit">%s</button></p>
          </form>
          """
              .formatted(
                  esc(a.getAlertId()),
                  Html.csrfField(s.csrf),
                  w.esc("retract.heading"),
                  w.esc("retract.text"),
                  w.esc("retract.reason"),
                  w.esc("retract.button")));
    }
    b.append(AlertActions.purgeSection(s, a));
    return Html.page(s, w.format("alert.title", Map.of("id", a.getAlertId())), b.toString());
  }

  Answer consent(Session s, ClientServiceBlockingStub stub, String reportId, Form form) {
    org.bdx.proto.v1.Consent consent;
    try {
      consent = ReportForm.consentOf(form);
    } catch (IllegalArgumentException e) {
      return Answer.page(
          400,
          Html.page(
              s,
              s.words.word("notDone.title"),
              "<p class=\"error\" role=\"alert\">" + s.words.esc("consent.notChoice") + "</p>"));
    }
    AlertView a =
        stub.updateConsent(
                UpdateConsentRequest.newBuilder().setReportId(reportId).setConsent(consent).build())
            .getAlert();
    return Answer.redirect(alertLink(a) + "&consent");
  }

  Answer retract(Session s, ClientServiceBlockingStub stub, String id, Form form) {
    AlertView a =
        stub.retractAlert(
                RetractAlertRequest.newBuilder()
                    .setAlertId(id)
                    .setReason(form.get("reason"))
                    .build())
            .getAlert();
    return Answer.redirect(alertLink(a) + "&retracted");
  }

  /** One warning as a card: what matters for safety first. */
  String summary(ConsoleWords w, AlertView a) {
    AlertFields f = a.getFields();
    String harms = f.getHarmsList().stream().map(w::harm).collect(Collectors.joining(", "));
    StringBuilder b = new StringBuilder();
    b.append("<h3><a href=\"")
        .append(esc(alertLink(a)))
        .append("\">")
        .append(esc(harms.isEmpty() ? w.word("card.warning") : harms))
        .append("</a></h3>");
    if (a.getSignedByCompromisedKey()) {
      // Before any content, as the CLI does (spec KEY-20): it may be the thief's.
      b.append("<p class=\"error\">")
          .append(
              w.esc(
                  "card.compromised",
                  Map.of(
                      "origin",
                      a.getOriginName().isEmpty() ? w.word("card.itsOrigin") : a.getOriginName())))
          .append("</p>");
    }
    b.append("<dl>");
    row(b, w.word("row.date"), f.getIncidentDate());
    row(b, w.word("row.area"), f.getArea());
    row(b, w.word("row.from"), a.getLocal() ? w.word("row.thisOrg") : a.getOriginName());
    if (a.getStatus() == AlertStatus.ALERT_STATUS_RETRACTED) {
      row(b, w.word("row.status"), w.word("status.retracted"));
    }
    if (f.getPhoneNumbersCount() > 0) {
      row(
          b,
          w.word("row.phone"),
          f.getPhoneNumbersList().stream()
              .map(PhoneNumbers::forReading)
              .collect(Collectors.joining(", ")));
    }
    if (!f.getVehiclePlate().isEmpty()) {
      row(b, w.word("row.plate"), f.getVehiclePlate());
    }
    return b.append("</dl>").toString();
  }

  private static String details(ConsoleWords w, AlertView a) {
    AlertFields f = a.getFields();
    StringBuilder b = new StringBuilder("<dl>");
    row(b, w.word("row.description"), f.getAggressorDescription());
    row(b, w.word("row.names"), String.join(", ", f.getNamesUsedList()));
    row(b, w.word("row.vehicle"), f.getVehicleDescription());
    row(b, w.word("row.handles"), String.join(", ", f.getOnlineHandlesList()));
    row(b, w.word("row.modus"), f.getModusOperandi());
    if (a.getAudience() != org.bdx.proto.v1.Audience.AUDIENCE_UNSPECIFIED) {
      row(
          b,
          w.word("row.audience"),
          w.choice(org.bdx.proto.v1.Audience.class, Vocabulary.word(a.getAudience())));
    }
    row(b, w.word("row.version"), Long.toString(a.getVersion()));
    row(
        b,
        w.word("row.issued"),
        Instant.ofEpochSecond(a.getIssuedAt()).atOffset(ZoneOffset.UTC).toLocalDate().toString());
    return b.append("</dl>").toString();
  }

  private static void row(StringBuilder b, String name, String value) {
    if (value != null && !value.isEmpty()) {
      b.append("<dt>").append(esc(name)).append("</dt><dd>").append(esc(value)).append("</dd>");
    }
  }

  static String alertLink(AlertView a) {
    return "/alert/"
        + a.getAlertId()
        + "?origin="
        + URLEncoder.encode(a.getOriginNodeId(), StandardCharsets.UTF_8);
  }

  /** Whether the query has the bare word {@code name} among its parameters. */
  static boolean flag(String query, String name) {
    return java.util.Arrays.asList(query.split("&")).contains(name);
  }

  static String param(String query, String name) {
    for (String p : query.split("&")) {
      if (p.startsWith(name + "=")) {
        return URLDecoder.decode(p.substring(name.length() + 1), StandardCharsets.UTF_8);
      }
    }
    return "";
  }

  /** What the node said when it refused a call: its own words, which never echo typed values. */
  static String refused(ConsoleWords w, StatusRuntimeException e) {
    String why = e.getStatus().getDescription();
    return "<p class=\"error\" role=\"alert\">"
        + (why == null ? w.esc("refused.default") : esc(why))
        + "</p><p><a href=\"/check\">"
        + w.esc("refused.back")
        + "</a></p>";
  }

  static String sorry(ConsoleWords w) {
    return "<p>" + w.esc("sorry") + "</p>";
  }

  static String notFound(ConsoleWords w) {
    return "<p>" + w.esc("notFound.text") + "</p>";
  }

  private static String load(String name) {
    try {
      return Resources.toString(Resources.getResource(Pages.class, name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
