package org.bdx.node.console;

import static org.bdx.node.console.Html.esc;
import static org.bdx.node.console.Html.fieldError;
import static org.bdx.node.console.Html.invalidAttrs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bdx.node.intake.Vocabulary;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.Consent;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.TimeOfDay;
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

  private final Form values;
  private final Map<String, String> errors = new LinkedHashMap<>();

  private ReportForm(Form values) {
    this.values = values;
  }

  static ReportForm empty() {
    return new ReportForm(Form.parse(""));
  }

  static ReportForm of(Form submitted) {
    return new ReportForm(submitted);
  }

  boolean hasErrors() {
    return !errors.isEmpty();
  }

  /** Places one of the node's violations next to its field ({@code harms[2]} next to the harms). */
  void violation(String nodeField, String problem) {
    String f = nodeField.replaceAll("\\[\\d+]$", "").replace("vehicle.", "vehicle_");
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
      errors.putIfAbsent(field, "is not one of the choices");
    }
  }

  /** The form, filled with what was typed and the errors next to their fields. */
  String render(String csrf) {
    StringBuilder b = new StringBuilder();
    if (hasErrors()) {
      b.append(
          "<div class=\"summary\" role=\"alert\"><p>Nothing was saved. Please correct the fields"
              + " marked below.</p>");
      b.append(fieldError(GENERAL, errors.get(GENERAL))).append("</div>");
    }
    b.append("<form method=\"post\" action=\"/report\" novalidate>").append(Html.csrfField(csrf));
    b.append("<p>Only the date, the area and at least one harm are required.</p>");
    b.append("<fieldset><legend>When and where</legend>");
    b.append(input("incident_date", "Date of the bad date (required)", "date", true));
    b.append(select("time_of_day", "Time of day", TimeOfDay.class));
    b.append(input("area", "Area: neighbourhood, district or town (required)", "text", true));
    b.append(select("work_setting", "Where it happened", WorkSetting.class));
    b.append("</fieldset>");
    b.append(harms());
    b.append("<fieldset><legend>About the aggressor</legend>");
    b.append(textarea("aggressor_description", "Description: appearance, age range, manner"));
    b.append(input("names_used", "Names used (separate with commas)", "text", false));
    b.append(
        input("phone_numbers", "Phone numbers, any format (separate with commas)", "tel", false));
    b.append(input("online_handles", "Online handles (separate with commas)", "text", false));
    b.append(
        input("languages", "Languages used, e.g. en, es (separate with commas)", "text", false));
    b.append(textarea("modus_operandi", "How they operate (shared with partners)"));
    b.append("</fieldset>");
    boolean vehicleOpen =
        !values.get("vehicle_plate").isEmpty()
            || !values.get("vehicle_description").isEmpty()
            || errors.containsKey("vehicle_plate")
            || errors.containsKey("vehicle_description");
    b.append("<details").append(vehicleOpen ? " open" : "").append("><summary>Vehicle</summary>");
    b.append(input("vehicle_description", "Make, model, colour, marks", "text", false));
    b.append(input("vehicle_plate", "Licence plate, even partial", "text", false));
    b.append("</details>");
    b.append("<fieldset><legend>The person reporting</legend>");
    b.append(textarea("narrative", "Their own account. Stays at this organization; never shared."));
    b.append(
        input(
            "reporter_contact",
            "How to reach them. Stays here unless they agree below.",
            "text",
            false));
    b.append("</fieldset>");
    b.append(consent());
    b.append("<p><button type=\"submit\">Save the report and issue the warning</button></p>");
    b.append("</form>");
    return b.toString();
  }

  private String harms() {
    StringBuilder b = new StringBuilder();
    String err = errors.get("harms");
    b.append("<fieldset").append(invalidAttrs("harms", err)).append(">");
    b.append("<legend>What happened (at least one, required)</legend>");
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
          .append(esc(label(w)))
          .append("</label></div>");
    }
    b.append(select("severity", "How serious", Severity.class));
    return b.append("</fieldset>").toString();
  }

  private String consent() {
    String chosen = values.get("audience").isEmpty() ? "peer" : values.get("audience");
    return consentChoices(
        chosen, "yes".equals(values.get("share_contact")), errors.get("audience"));
  }

  /**
   * Who may see a warning, in plain words: the audience as radio buttons and the contact sharing as
   * a box left unticked unless chosen. Also the consent form of a warning's page.
   */
  static String consentChoices(String chosen, boolean shareContact, String err) {
    StringBuilder b = new StringBuilder();
    b.append("<fieldset").append(invalidAttrs("audience", err)).append(">");
    b.append("<legend>Who may see this warning? Ask the person reporting.</legend>");
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
          .append(esc(audienceWords(w)))
          .append("</label></div>");
    }
    b.append("<div class=\"choice\"><input type=\"checkbox\" name=\"share_contact\" value=\"yes\"")
        .append(" id=\"share_contact\"")
        .append(shareContact ? " checked" : "")
        .append("><label for=\"share_contact\">Also share how to reach the person reporting with")
        .append(" those organizations</label></div>");
    return b.append("</fieldset>").toString();
  }

  private static final Map<String, String> AUDIENCE_WORDS =
      Map.of(
          Vocabulary.word(Audience.AUDIENCE_PEER),
          "Only other sex-worker-led organizations we share with",
          Vocabulary.word(Audience.AUDIENCE_SUPPORT),
          "Also support services (health and anti-violence services) we share with",
          Vocabulary.word(Audience.AUDIENCE_POLICE),
          "Also the police liaison of an organization we share with",
          Vocabulary.word(Audience.AUDIENCE_ORGANIZATION_ONLY),
          "Only our own organization: no partner receives it");

  /** Who an audience reaches, in the words the reporter was asked in. */
  static String audienceWords(String word) {
    return AUDIENCE_WORDS.getOrDefault(word, label(word));
  }

  /** The consent a consent form chose; a tampered audience is refused as not a choice. */
  static org.bdx.proto.v1.Consent consentOf(Form f) {
    String audience = f.get("audience");
    return org.bdx.proto.v1.Consent.newBuilder()
        .setAudience(Vocabulary.audience(audience.isEmpty() ? "peer" : audience))
        .setShareContact("yes".equals(f.get("share_contact")))
        .build();
  }

  private String input(String name, String label, String type, boolean required) {
    String err = errors.get(name);
    return "<div class=\"field\"><label for=\""
        + name
        + "\">"
        + esc(label)
        + "</label>"
        + fieldError(name, err)
        + "<input type=\""
        + type
        + "\" id=\""
        + name
        + "\" name=\""
        + name
        + "\" value=\""
        + esc(values.get(name))
        + "\""
        + (required ? " aria-required=\"true\"" : "")
        + invalidAttrs(name, err)
        + "></div>";
  }

  private String textarea(String name, String label) {
    String err = errors.get(name);
    return "<div class=\"field\"><label for=\""
        + name
        + "\">"
        + esc(label)
        + "</label>"
        + fieldError(name, err)
        + "<textarea id=\""
        + name
        + "\" name=\""
        + name
        + "\" rows=\"3\""
        + invalidAttrs(name, err)
        + ">"
        + esc(values.get(name))
        + "</textarea></div>";
  }

  @SuppressWarnings("rawtypes")
  private String select(String name, String label, Class<? extends Enum> type) {
    String err = errors.get(name);
    String chosen = values.get(name);
    StringBuilder b = new StringBuilder();
    b.append("<div class=\"field\"><label for=\"")
        .append(name)
        .append("\">")
        .append(esc(label))
        .append("</label>")
        .append(fieldError(name, err))
        .append("<select id=\"")
        .append(name)
        .append("\" name=\"")
        .append(name)
        .append("\"")
        .append(invalidAttrs(name, err))
        .append("><option value=\"\">Not known</option>");
    for (String w : Vocabulary.words(type)) {
      b.append("<option value=\"")
          .append(w)
          .append("\"")
          .append(w.equals(chosen) ? " selected" : "")
          .append(">")
          .append(esc(label(w)))
          .append("</option>");
    }
    return b.append("</select></div>").toString();
  }

  /** A vocabulary word as a person reads it: "physical_assault" is "Physical assault". */
  static String label(String word) {
    String s = word.replace('_', ' ');
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
