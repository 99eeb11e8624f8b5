package org.bdx.node.console;

import static org.bdx.node.console.Html.esc;
import static org.bdx.node.console.Html.fieldError;
import static org.bdx.node.console.Html.invalidAttrs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bdx.node.intake.Vocabulary;
import org.bdx.node.search.PhoneNumbers;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.Consent;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.TimeOfDay;
import org.bdx.proto.v1.UpdateAlertRequest;
import org.bdx.proto.v1.Vehicle;
import org.bdx.proto.v1.WorkSetting;

/**
 * The new-report form: what staff typed, turned into a {@link Report} for the client API, and the
 * form drawn again with the node's own validation messages next to their fields. The console checks
 * nothing of a report's meaning itself; it only reads the choices back into the vocabulary, and the
 * node's intake decides what is valid (so nothing is stored until it is).
 *
 * <p>Form fields are named as the report's fields, so a violation the node names ({@code
 * phone_numbers[1]}, {@code vehicle.plate}) finds its field here.
 */
final class ReportForm {
  /** Where a violation the form cannot place is shown: at the top of the form. */
  static final String GENERAL = "report";

  private static final Set<String> FIELDS =
      Set.of(
          "incident_date",
          "time_of_day",
          "area",
          "work_setting",
          "harms",
          "severity",
          "aggressor_description",
          "names_used",
          "phone_numbers",
          "vehicle_description",
          "vehicle_plate",
          "online_handles",
          "modus_operandi",
          "languages",
          "narrative",
          "reporter_contact",
          "audience",
          "share_contact");

  /**
   * The hidden field that makes one report of one form (spec API-11): a browser that sends the form
   * twice (a second click, a reload after a lost answer) sends the same value, and the node stores
   * the report once.
   */
  static final String SUBMISSION = "submission";

  private static final java.util.regex.Pattern TOKEN =
      java.util.regex.Pattern.compile("[A-Za-z0-9_-]{22}");
  private static final java.security.SecureRandom RNG = new java.security.SecureRandom();

  private final Form values;
  private final ConsoleWords w;
  private final Map<String, String> errors = new LinkedHashMap<>();

  private ReportForm(Form values, ConsoleWords w) {
    this.values = values;
    this.w = w;
  }

  static ReportForm empty(ConsoleWords w) {
    return new ReportForm(Form.parse(""), w);
  }

  static ReportForm of(Form submitted, ConsoleWords w) {
    return new ReportForm(submitted, w);
  }

  /**
   * The key this form's report is submitted under ({@code console:} and the form's token), empty
   * for a form sent without a well-formed token (every submission then a new report).
   */
  java.util.Optional<String> submissionKey() {
    return submissionToken().map(t -> "console:" + t);
  }

  private java.util.Optional<String> submissionToken() {
    String t = values.get(SUBMISSION);
    return t != null && TOKEN.matcher(t).matches()
        ? java.util.Optional.of(t)
        : java.util.Optional.empty();
  }

  private static String newToken() {
    byte[] b = new byte[16];
    RNG.nextBytes(b);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  boolean hasErrors() {
    return !errors.isEmpty();
  }

  /** Places one of the node's violations next to its field ({@code harms[2]} next to the harms). */
  void violation(String nodeField, String problem) {
    String f =
        nodeField
            .replaceFirst("^changes\\.", "")
            .replaceAll("\\[\\d+]$", "")
            .replace("vehicle.", "vehicle_");
    if (f.startsWith("consent")) {
      f = "audience";
    }
    String field = FIELDS.contains(f) ? f : GENERAL;
    String message = field.equals(GENERAL) ? nodeField + " " + problem : problem;
    errors.merge(field, message, (a, b) -> a + "; " + b);
  }

  /**
   * The report the form describes. A choice that is not one of the vocabulary's words (a tampered
   * form) is recorded as an error here and left out.
   */
  Report toReport() {
    Report.Builder r =
        Report.newBuilder()
            .setIncidentDate(values.get("incident_date"))
            .setArea(values.get("area"))
            .setAggressorDescription(values.get("aggressor_description"))
            .addAllNamesUsed(values.list("names_used"))
            .addAllPhoneNumbers(values.list("phone_numbers"))
            .addAllOnlineHandles(values.list("online_handles"))
            .setModusOperandi(values.get("modus_operandi"))
            .addAllLanguages(values.list("languages"))
            .setNarrative(values.get("narrative"))
            .setReporterContact(values.get("reporter_contact"));
    String tod = values.get("time_of_day");
    if (!tod.isEmpty()) {
      choice("time_of_day", () -> r.setTimeOfDay(Vocabulary.timeOfDay(tod)));
    }
    String setting = values.get("work_setting");
    if (!setting.isEmpty()) {
      choice("work_setting", () -> r.setWorkSetting(Vocabulary.setting(setting)));
    }
    for (String h : values.all("harms")) {
      choice("harms", () -> r.addHarms(Vocabulary.harm(h)));
    }
    String severity = values.get("severity");
    if (!severity.isEmpty()) {
      choice("severity", () -> r.setSeverity(Vocabulary.severity(severity)));
    }
    String vd = values.get("vehicle_description");
    String vp = values.get("vehicle_plate");
    if (!vd.isEmpty() || !vp.isEmpty()) {
      r.setVehicle(Vehicle.newBuilder().setDescription(vd).setPlate(vp));
    }
    Consent.Builder c =
        Consent.newBuilder().setShareContact("yes".equals(values.get("share_contact")));
    String audience = values.get("audience");
    choice(
        "audience",
        () -> c.setAudience(Vocabulary.audience(audience.isEmpty() ? "peer" : audience)));
    return r.setConsent(c).build();
  }

  private void choice(String field, Runnable set) {
    try {
      set.run();
    } catch (IllegalArgumentException e) {
      errors.putIfAbsent(field, w.word("form.notChoice"));
    }
  }

  /** Work settings indoors, where no vehicle is asked for (the vehicle fields are hidden). */
  static final List<String> INDOOR =
      List.of(
          Vocabulary.word(WorkSetting.WORK_SETTING_INCALL),
          Vocabulary.word(WorkSetting.WORK_SETTING_INDOOR));

  /**
   * The form, filled with what was typed and the errors next to their fields.
   *
   * @param draftKept whether the session holds a draft of it, which the form then offers to discard
   */
  String render(String csrf, boolean draftKept) {
    StringBuilder b = new StringBuilder();
    if (hasErrors()) {
      b.append("<div class=\"summary\" role=\"alert\"><p>")
          .append(w.esc("form.summary"))
          .append("</p>");
      b.append(fieldError(GENERAL, errors.get(GENERAL))).append("</div>");
    }
    b.append("<form method=\"post\" action=\"/report\" novalidate>").append(Html.csrfField(csrf));
    b.append("<input type=\"hidden\" name=\"" + SUBMISSION + "\" value=\"")
        .append(submissionToken().orElseGet(ReportForm::newToken))
        .append("\">");
    b.append("<p>").append(w.esc("form.required")).append("</p>");
    b.append("<fieldset><legend>").append(w.esc("form.when")).append("</legend>");
    b.append(input("incident_date", "date", true));
    b.append(select("time_of_day", TimeOfDay.class));
    b.append(input("area", "text", true));
    b.append(select("work_setting", WorkSetting.class));
    b.append("<p class=\"hint\">").append(w.esc("form.vehicleHint")).append("</p>");
    b.append("</fieldset>");
    b.append(harms());
    b.append("<fieldset><legend>").append(w.esc("form.aggressor")).append("</legend>");
    b.append(aggressorFields());
    b.append("</fieldset>");
    boolean vehicleOpen =
        !values.get("vehicle_plate").isEmpty()
            || !values.get("vehicle_description").isEmpty()
            || errors.containsKey("vehicle_plate")
            || errors.containsKey("vehicle_description");
    // Hidden by the style sheet alone when an indoor setting is chosen (no script), unless a
    // field holds something: its blank placeholder is how the style sheet tells it is empty.
    b.append("<details class=\"vehicle\"")
        .append(vehicleOpen ? " open" : "")
        .append("><summary>")
        .append(w.esc("form.vehicle"))
        .append("</summary>");
    b.append(input("vehicle_description", "field.vehicle_description", "text", false, " "));
    b.append(input("vehicle_plate", "field.vehicle_plate", "text", false, " "));
    b.append("</details>");
    b.append("<fieldset><legend>").append(w.esc("form.reporter")).append("</legend>");
    b.append(textarea("narrative"));
    b.append(input("reporter_contact", "text", false));
    b.append("</fieldset>");
    b.append(consent());
    // The first button is the one Enter presses: saving the report, as before.
    b.append("<p class=\"actions\"><button type=\"submit\">")
        .append(w.esc("form.save"))
        .append("</button>");
    b.append(" <button type=\"submit\" formaction=\"/report/draft\" class=\"secondary\">")
        .append(w.esc("form.saveDraft"))
        .append("</button>");
    if (draftKept) {
      b.append(" <button type=\"submit\" formaction=\"/report/discard\" class=\"secondary\">")
          .append(w.esc("form.discardDraft"))
          .append("</button>");
    }
    b.append("</p><p class=\"hint\">").append(w.esc("form.draftHint")).append("</p>");
    b.append("</form>");
    return b.toString();
  }

  /**
   * The fields the update form offers, as form names: what staff learn about the aggressor after
   * the report (a name, another number, the car). Each maps to its report field path.
   */
  private static final Map<String, String> UPDATABLE = new LinkedHashMap<>();

  static {
    UPDATABLE.put("aggressor_description", "aggressor_description");
    UPDATABLE.put("names_used", "names_used");
    UPDATABLE.put("phone_numbers", "phone_numbers");
    UPDATABLE.put("online_handles", "online_handles");
    UPDATABLE.put("languages", "languages");
    UPDATABLE.put("modus_operandi", "modus_operandi");
    UPDATABLE.put("vehicle_description", "vehicle.description");
    UPDATABLE.put("vehicle_plate", "vehicle.plate");
    UPDATABLE.put("severity", "severity");
  }

  /** The update form filled with what this node's own warning now says. */
  static ReportForm ofAlert(AlertFields f, ConsoleWords w) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("aggressor_description", f.getAggressorDescription());
    v.put("names_used", String.join(", ", f.getNamesUsedList()));
    v.put(
        "phone_numbers",
        String.join(", ", f.getPhoneNumbersList().stream().map(PhoneNumbers::forReading).toList()));
    v.put("online_handles", String.join(", ", f.getOnlineHandlesList()));
    v.put("languages", String.join(", ", f.getLanguagesList()));
    v.put("modus_operandi", f.getModusOperandi());
    v.put("vehicle_description", f.getVehicleDescription());
    v.put("vehicle_plate", f.getVehiclePlate());
    v.put(
        "severity",
        f.getSeverity() == Severity.SEVERITY_UNSPECIFIED ? "" : Vocabulary.word(f.getSeverity()));
    return new ReportForm(Form.of(v), w);
  }

  /**
   * What changed from {@code current} to this form, as an update: a field emptied is cleared, a
   * field changed is set, a field as it was is left out (so the node keeps its own form of it). A
   * choice that is not the vocabulary's is recorded as an error here.
   */
  UpdateAlertRequest toUpdate(String alertId, ReportForm current) {
    Report.Builder changes = Report.newBuilder();
    UpdateAlertRequest.Builder req = UpdateAlertRequest.newBuilder().setAlertId(alertId);
    for (Map.Entry<String, String> e : UPDATABLE.entrySet()) {
      String name = e.getKey();
      if (values.list(name).equals(current.values.list(name))
          && values.get(name).equals(current.values.get(name))) {
        continue;
      }
      String v = values.get(name);
      if (v.isEmpty()) {
        req.addClear(e.getValue());
        continue;
      }
      switch (name) {
        case "aggressor_description" -> changes.setAggressorDescription(v);
        case "names_used" -> changes.addAllNamesUsed(values.list(name));
        case "phone_numbers" -> changes.addAllPhoneNumbers(values.list(name));
        case "online_handles" -> changes.addAllOnlineHandles(values.list(name));
        case "languages" -> changes.addAllLanguages(values.list(name));
        case "modus_operandi" -> changes.setModusOperandi(v);
        case "vehicle_description" -> changes.getVehicleBuilder().setDescription(v);
        case "vehicle_plate" -> changes.getVehicleBuilder().setPlate(v);
        case "severity" -> choice(name, () -> changes.setSeverity(Vocabulary.severity(v)));
        default -> throw new IllegalStateException(name);
      }
    }
    return req.setChanges(changes).build();
  }

  /** Whether an update asks for nothing: every field as it was. */
  static boolean changesNothing(UpdateAlertRequest u) {
    return u.getClearCount() == 0 && u.getChanges().equals(Report.getDefaultInstance());
  }

  /** The update form of a warning's page, filled and with the node's errors next to fields. */
  String renderUpdate(String csrf, String alertId) {
    StringBuilder b = new StringBuilder();
    b.append("<form method=\"post\" action=\"/alert/")
        .append(esc(alertId))
        .append("/update\" novalidate>")
        .append(Html.csrfField(csrf));
    b.append("<h2 id=\"update\">").append(w.esc("update.heading")).append("</h2>");
    b.append("<p>").append(w.esc("update.text")).append("</p>");
    if (hasErrors()) {
      b.append("<div class=\"summary\" role=\"alert\"><p>")
          .append(w.esc("update.summary"))
          .append("</p>");
      b.append(fieldError(GENERAL, errors.get(GENERAL))).append("</div>");
    }
    b.append("<fieldset><legend>").append(w.esc("form.aggressor")).append("</legend>");
    b.append(aggressorFields());
    b.append(input("vehicle_description", "update.vehicle_description", "text", false, null));
    b.append(input("vehicle_plate", "text", false));
    b.append(select("severity", Severity.class));
    b.append("</fieldset>");
    b.append("<p><button type=\"submit\">")
        .append(w.esc("update.button"))
        .append("</button></p></form>");
    return b.toString();
  }

  private String harms() {
    StringBuilder b = new StringBuilder();
    String err = errors.get("harms");
    b.append("<fieldset").append(invalidAttrs("harms", err)).append(">");
    b.append("<legend>").append(w.esc("harms.legend")).append("</legend>");
    b.append(fieldError("harms", err));
    List<String> chosen = values.all("harms");
    for (String w : Vocabulary.words(HarmCategory.class)) {
      String id = "harm-" + w;
      b.append("<div class=\"choice\"><input type=\"checkbox\" name=\"harms\" id=\"")
          .append(id)
          .append("\" value=\"")
          .append(w)
          .append("\"")
          .append(chosen.contains(w) ? " checked" : "")
          .append("><label for=\"")
          .append(id)
          .append("\">")
          .append(esc(this.w.choice(HarmCategory.class, w)))
          .append("</label></div>");
    }
    b.append(select("severity", Severity.class));
    return b.append("</fieldset>").toString();
  }

  private String consent() {
    String chosen = values.get("audience").isEmpty() ? "peer" : values.get("audience");
    return consentChoices(
        w, chosen, "yes".equals(values.get("share_contact")), errors.get("audience"));
  }

  /**
   * Who may see a warning, in plain words: the audience as radio buttons and the contact sharing as
   * a box left unticked unless chosen. Also the consent form of a warning's page.
   */
  static String consentChoices(
      ConsoleWords words, String chosen, boolean shareContact, String err) {
    StringBuilder b = new StringBuilder();
    b.append("<fieldset").append(invalidAttrs("audience", err)).append(">");
    b.append("<legend>").append(words.esc("consent.legend")).append("</legend>");
    b.append(fieldError("audience", err));
    for (String w : Vocabulary.words(Audience.class)) {
      b.append("<div class=\"choice\"><input type=\"radio\" name=\"audience\" id=\"audience-")
          .append(w)
          .append("\" value=\"")
          .append(w)
          .append("\"")
          .append(w.equals(chosen) ? " checked" : "")
          .append("><label for=\"audience-")
          .append(w)
          .append("\">")
          .append(esc(words.choice(Audience.class, w)))
          .append("</label></div>");
    }
    b.append("<div class=\"choice\"><input type=\"checkbox\" name=\"share_contact\" value=\"yes\"")
        .append(" id=\"share_contact\"")
        .append(shareContact ? " checked" : "")
        .append("><label for=\"share_contact\">")
        .append(words.esc("consent.shareContact"))
        .append("</label></div>");
    return b.append("</fieldset>").toString();
  }

  /** The consent a consent form chose; a tampered audience is refused as not a choice. */
  static org.bdx.proto.v1.Consent consentOf(Form f) {
    String audience = f.get("audience");
    return org.bdx.proto.v1.Consent.newBuilder()
        .setAudience(Vocabulary.audience(audience.isEmpty() ? "peer" : audience))
        .setShareContact("yes".equals(f.get("share_contact")))
        .build();
  }

  private String input(String name, String type, boolean required) {
    return input(name, "field." + name, type, required, null);
  }

  /** A field labelled with the word {@code labelKey}. */
  private String input(
      String name, String labelKey, String type, boolean required, String placeholder) {
    return Html.labelledInput(
        name,
        w.esc(labelKey),
        type,
        values.get(name),
        (required ? " aria-required=\"true\"" : "")
            + (placeholder == null ? "" : " placeholder=\"" + esc(placeholder) + "\""),
        errors.get(name));
  }

  /** Who the aggressor is and how he works: the same fields in a new report and an update. */
  private String aggressorFields() {
    return textarea("aggressor_description")
        + input("names_used", "text", false)
        + input("phone_numbers", "tel", false)
        + input("online_handles", "text", false)
        + input("languages", "text", false)
        + textarea("modus_operandi");
  }

  private String textarea(String name) {
    String err = errors.get(name);
    return Html.labelled(
        name,
        w.esc("field." + name),
        err,
        "<textarea id=\""
            + name
            + "\" name=\""
            + name
            + "\" rows=\"3\""
            + invalidAttrs(name, err)
            + ">"
            + esc(values.get(name))
            + "</textarea>");
  }

  @SuppressWarnings("rawtypes")
  private String select(String name, Class<? extends Enum> type) {
    String err = errors.get(name);
    String chosen = values.get(name);
    StringBuilder b = new StringBuilder();
    b.append("<div class=\"field\"><label for=\"")
        .append(name)
        .append("\">")
        .append(w.esc("field." + name))
        .append("</label>")
        .append(fieldError(name, err))
        .append("<select id=\"")
        .append(name)
        .append("\" name=\"")
        .append(name)
        .append("\"")
        .append(invalidAttrs(name, err))
        .append("><option value=\"\">")
        .append(w.esc("choice.unknown"))
        .append("</option>");
    for (String v : Vocabulary.words(type)) {
      b.append("<option value=\"")
          .append(v)
          .append("\"")
          .append(v.equals(chosen) ? " selected" : "")
          .append(">")
          .append(esc(w.choice(type, v)))
          .append("</option>");
    }
    return b.append("</select></div>").toString();
  }
}
