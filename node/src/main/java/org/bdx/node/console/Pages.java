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

  String login(String csrf, String note, String error) {
    String body =
        (note == null ? "" : "<p class=\"note\" role=\"status\">" + esc(note) + "</p>")
            + """
            <form method="post" action="/login">
            %s
            <div class="field">
            <label for="credential">Your staff credential</label>
            %s
            <input type="password" id="credential" name="credential" autocomplete="current-password"%s>
            </div>
            <p><button type="submit">Log in</button></p>
            </form>
            <p>Your coordinator gives you a credential with <code>bdx staff add</code>.</p>
            """
                .formatted(
                    Html.csrfField(csrf),
                    Html.fieldError("credential", error),
                    Html.invalidAttrs("credential", error));
    return Html.page("Log in", null, null, body);
  }

  /**
   * The new-report page as {@code GET /report} shows it: the session's kept draft if there is one,
   * else an empty form.
   */
  String reportPage(Session s, String query) {
    Optional<Form> draft = s.draft();
    String note;
    if (flag(query, "kept")) {
      note = status("Draft saved. It is kept here until you log out; nothing of it is shared.");
    } else if (flag(query, "discarded")) {
      note = status("The draft is discarded.");
    } else if (draft.isPresent()) {
      note = status("This is your saved draft. It is not a report until you save it.");
    } else {
      note = "";
    }
    return newReport(s, draft.map(ReportForm::of).orElseGet(ReportForm::empty), note);
  }

  private String newReport(Session s, ReportForm form, String noteHtml) {
    return Html.page(
        "New report", s.who, s.csrf, noteHtml + form.render(s.csrf, s.draft().isPresent()));
  }

  /**
   * Submits the report; on the node's field violations, the form again with them in place. What was
   * typed is kept as the session's draft until the report is saved, so a failed submit loses
   * nothing even if the page is reloaded.
   */
  Answer submitReport(Session s, ClientServiceBlockingStub stub, Form submitted) {
    ReportForm form = ReportForm.of(submitted);
    boolean kept = s.keepDraft(submitted);
    String note =
        kept ? status("What you typed is kept as a draft until you log out or save it.") : "";
    var report = form.toReport();
    if (form.hasErrors()) {
      return Answer.page(400, newReport(s, form, note));
    }
    SubmitReportResponse r;
    try {
      r = stub.submitReport(SubmitReportRequest.newBuilder().setReport(report).build());
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
              ReportForm.of(typed),
              "<p class=\"error\" role=\"alert\">This draft is too long to keep. Shorten the"
                  + " account, or save the report.</p>"));
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
    String body =
        """
        <form method="post" action="/check" role="search">
        %s
        <div class="field">
        <label for="q">Phone number in any format, part of a plate, or words</label>
        <input type="search" id="q" name="q" value="%s">
        </div>
        %s
        <p><button type="submit">Check</button></p>
        </form>
        %s
        """
            .formatted(
                Html.csrfField(s.csrf), esc(q), filters.render(), results == null ? "" : results);
    return Html.page("Check a number or plate", s.who, s.csrf, body);
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
    SearchFilters filters = SearchFilters.of(form);
    if (filters.hasErrors()) {
      return Answer.page(
          400,
          check(
              s,
              q,
              filters,
              "<p class=\"error\" role=\"alert\">Not searched: please correct the dates marked"
                  + " above.</p>"));
    }
    if (q.isBlank() && filters.isEmpty()) {
      return Answer.page(
          check(
              s,
              q,
              filters,
              "<p class=\"error\">Type a number, plate or words, or give an area or dates.</p>"));
    }
    SearchAlertsRequest.Builder req =
        filters.applyTo(SearchAlertsRequest.newBuilder()).setPageSize(50);
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
      searched = "the phone number " + PhoneNumbers.forReading(e164.get());
    } else if (plate) {
      req.setPlate(q);
      searched = "the plate containing " + q;
      other = q.chars().anyMatch(Character::isDigit) ? null : "words";
    } else {
      req.setText(q);
      searched = "the words " + q;
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
              "<p class=\"error\" role=\"alert\">The node could not search with this: "
                  + esc(e.getStatus().getDescription())
                  + ".</p>"));
    }
    StringBuilder b = new StringBuilder();
    b.append("<section aria-labelledby=\"results\"><h2 id=\"results\">")
        .append(
            switch (r.getAlertsCount()) {
              case 0 -> "No warnings";
              case 1 -> "1 warning";
              default -> r.getAlertsCount() + " warnings";
            })
        .append(q.isBlank() ? "" : " for ")
        .append(q.isBlank() ? "" : esc(searched))
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
          .append("<button type=\"submit\">Search for ")
          .append(esc(q))
          .append(other.equals("words") ? " as words instead" : " as part of a plate instead")
          .append("</button></form>");
    }
    if (r.getAlertsCount() == 0) {
      b.append("<p>No warning held here matches. That is not a sign of safety.</p>");
    }
    b.append("<ul class=\"cards\">");
    for (AlertView a : r.getAlertsList()) {
      b.append("<li class=\"card\">").append(summary(a)).append("</li>");
    }
    b.append("</ul></section>");
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
    StringBuilder b = new StringBuilder();
    b.append(AlertActions.notes(query));
    if (flag(query, "saved")) {
      b.append("<p class=\"note\" role=\"status\">The report is saved and its warning issued.")
          .append(a.getReportId().isEmpty() ? "" : " Report " + esc(a.getReportId()) + ".")
          .append("</p>");
    }
    if (flag(query, "consent")) {
      b.append(
          "<p class=\"note\" role=\"status\">Who may see it is changed; partners are told.</p>");
    }
    if (flag(query, "retracted")) {
      b.append(
          "<p class=\"note\" role=\"status\">The warning is retracted; partners are told.</p>");
    }
    b.append("<div class=\"card\">").append(summary(a)).append(details(a)).append("</div>");
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
          <h2>Change who may see it</h2>
          <p>Narrowing it withdraws the warning from organizations no longer allowed.</p>
          %s
          <p><button type="submit">Save who may see it</button></p>
          </form>
          """
              .formatted(
                  esc(a.getReportId()),
                  Html.csrfField(s.csrf),
                  ReportForm.consentChoices(
                      Vocabulary.word(a.getAudience()),
                      !a.getFields().getReporterContact().isEmpty(),
                      null)));
    }
    if (retractable) {
      b.append(
          """
          <form method="post" action="/alert/%s/retract">
          %s
          <h2>Retract this warning</h2>
          <p>Partners are told to delete it. The report stays here until a coordinator purges it.</p>
          <div class="field"><label for="reason">Why (kept here, not shared)</label>
          <input type="text" id="reason" name="reason"></div>
          <p><button type="submit">Retract the warning</button></p>
          </form>
          """
              .formatted(esc(a.getAlertId()), Html.csrfField(s.csrf)));
    }
    b.append(AlertActions.purgeSection(s, a));
    return Html.page("Warning " + a.getAlertId(), s.who, s.csrf, b.toString());
  }

  Answer consent(Session s, ClientServiceBlockingStub stub, String reportId, Form form) {
    org.bdx.proto.v1.Consent consent;
    try {
      consent = ReportForm.consentOf(form);
    } catch (IllegalArgumentException e) {
      return Answer.page(
          400,
          Html.page(
              "Not done",
              s.who,
              s.csrf,
              "<p class=\"error\" role=\"alert\">That is not one of the choices.</p>"));
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
  String summary(AlertView a) {
    AlertFields f = a.getFields();
    String harms =
        f.getHarmsList().stream()
            .map(h -> ReportForm.label(Vocabulary.word(h)))
            .collect(Collectors.joining(", "));
    StringBuilder b = new StringBuilder();
    b.append("<h3><a href=\"")
        .append(esc(alertLink(a)))
        .append("\">")
        .append(esc(harms.isEmpty() ? "Warning" : harms))
        .append("</a></h3>");
    if (a.getSignedByCompromisedKey()) {
      // Before any content, as the CLI does (spec KEY-20): it may be the thief's.
      b.append("<p class=\"error\">Caution: signed with a key ")
          .append(esc(a.getOriginName().isEmpty() ? "its origin" : a.getOriginName()))
          .append(
              " reported stolen, after it was taken: it may not be theirs. Check with them"
                  + " before acting on it.</p>");
    }
    b.append("<dl>");
    row(b, "Date", f.getIncidentDate());
    row(b, "Area", f.getArea());
    row(b, "From", a.getLocal() ? "this organization" : a.getOriginName());
    if (a.getStatus() == AlertStatus.ALERT_STATUS_RETRACTED) {
      row(b, "Status", "retracted");
    }
    if (f.getPhoneNumbersCount() > 0) {
      row(
          b,
          "Phone",
          f.getPhoneNumbersList().stream()
              .map(PhoneNumbers::forReading)
              .collect(Collectors.joining(", ")));
    }
    if (!f.getVehiclePlate().isEmpty()) {
      row(b, "Plate", f.getVehiclePlate());
    }
    return b.append("</dl>").toString();
  }

  private static String details(AlertView a) {
    AlertFields f = a.getFields();
    StringBuilder b = new StringBuilder("<dl>");
    row(b, "Description", f.getAggressorDescription());
    row(b, "Names used", String.join(", ", f.getNamesUsedList()));
    row(b, "Vehicle", f.getVehicleDescription());
    row(b, "Handles", String.join(", ", f.getOnlineHandlesList()));
    row(b, "How they operate", f.getModusOperandi());
    if (a.getAudience() != org.bdx.proto.v1.Audience.AUDIENCE_UNSPECIFIED) {
      row(b, "Who may see it", ReportForm.audienceWords(Vocabulary.word(a.getAudience())));
    }
    row(b, "Version", Long.toString(a.getVersion()));
    row(
        b,
        "Issued",
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
  static String refused(StatusRuntimeException e) {
    String why = e.getStatus().getDescription();
    return "<p class=\"error\" role=\"alert\">"
        + esc(why == null ? "The node refused this." : why)
        + "</p><p><a href=\"/check\">Back to the search</a></p>";
  }

  static String sorry() {
    return "<p>The console could not finish this. Nothing more was saved. The node's log says"
        + " what failed.</p>";
  }

  static String notFound() {
    return "<p>There is no such page.</p>";
  }

  private static String load(String name) {
    try {
      return Resources.toString(Resources.getResource(Pages.class, name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
