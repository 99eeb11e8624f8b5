package org.bdx.cli.report;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.bdx.cli.command.CliException;
import org.bdx.node.intake.Vocabulary;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.Vehicle;
import picocli.CommandLine.Option;

/**
 * The report's fields as options, shared by {@code bdx report add} and {@code bdx alerts update}.
 * Consent is not here: each command handles it its own way.
 */
public final class ReportFieldOptions {
  @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "Incident date.")
  String date;

  @Option(
      names = "--time",
      paramLabel = "WHEN",
      description = "Time of day: morning, afternoon, evening, night.")
  String timeOfDay;

  @Option(
      names = "--area",
      paramLabel = "AREA",
      description = "Coarse area: neighbourhood, district or town.")
  String area;

  @Option(
      names = "--setting",
      paramLabel = "SETTING",
      description = "Work setting: street, incall, outcall, indoor, online, vehicle, other.")
  String setting;

  @Option(
      names = "--harm",
      paramLabel = "HARM",
      description =
          "What happened (repeatable): physical_assault, sexual_assault, stealthing,"
              + " robbery, threat_with_weapon, threats, harassment, refused_payment, time_wasting, stalking,"
              + " confinement, outing, drugging, other.")
  List<String> harms = new ArrayList<>();

  @Option(
      names = "--severity",
      paramLabel = "SEVERITY",
      description = "low, moderate, high or critical.")
  String severity;

  @Option(
      names = "--description",
      paramLabel = "TEXT",
      description = "What the aggressor looks and acts like.")
  String description;

  @Option(
      names = "--name-used",
      paramLabel = "NAME",
      description = "A name the aggressor used (repeatable).")
  List<String> namesUsed = new ArrayList<>();

  @Option(
      names = "--phone",
      paramLabel = "NUMBER",
      description = "A phone number the aggressor used (repeatable).")
  List<String> phones = new ArrayList<>();

  @Option(
      names = "--vehicle",
      paramLabel = "TEXT",
      description = "Vehicle: make, model, colour, marks.")
  String vehicle;

  @Option(names = "--plate", paramLabel = "PLATE", description = "Licence plate, even partial.")
  String plate;

  @Option(
      names = "--handle",
      paramLabel = "HANDLE",
      description = "An online handle or ad name (repeatable).")
  List<String> handles = new ArrayList<>();

  @Option(
      names = "--summary",
      paramLabel = "TEXT",
      description = "Short summary of how the aggressor operates; shared with partners.")
  String summary;

  @Option(
      names = "--language",
      paramLabel = "TAG",
      description = "A language the aggressor used, e.g. en, es (repeatable).")
  List<String> languages = new ArrayList<>();

  @Option(
      names = "--narrative",
      paramLabel = "TEXT",
      description = "The reporter's own account. Never leaves this node.")
  String narrative;

  @Option(
      names = "--contact",
      paramLabel = "TEXT",
      description = "How to reach the reporter. Stays on this node unless the reporter agrees.")
  String contact;

  /** Whether any field option was given. */
  public boolean anyGiven() {
    return date != null
        || timeOfDay != null
        || area != null
        || setting != null
        || !harms.isEmpty()
        || severity != null
        || description != null
        || !namesUsed.isEmpty()
        || !phones.isEmpty()
        || vehicle != null
        || plate != null
        || !handles.isEmpty()
        || summary != null
        || !languages.isEmpty()
        || narrative != null
        || contact != null;
  }

  /**
   * Sets the given options on {@code b}; a word that is not in the vocabulary adds a line to {@code
   * problems}.
   */
  public void applyTo(Report.Builder b, List<String> problems) {
    if (date != null) {
      b.setIncidentDate(date);
    }
    if (area != null) {
      b.setArea(area);
    }
    word(problems, "--time", timeOfDay, w -> b.setTimeOfDay(Vocabulary.timeOfDay(w)));
    word(problems, "--setting", setting, w -> b.setWorkSetting(Vocabulary.setting(w)));
    word(problems, "--severity", severity, w -> b.setSeverity(Vocabulary.severity(w)));
    for (String h : harms) {
      word(problems, "--harm", h, w -> b.addHarms(Vocabulary.harm(w)));
    }
    if (description != null) {
      b.setAggressorDescription(description);
    }
    b.addAllNamesUsed(namesUsed)
        .addAllPhoneNumbers(phones)
        .addAllOnlineHandles(handles)
        .addAllLanguages(languages);
    if (vehicle != null || plate != null) {
      Vehicle.Builder v = Vehicle.newBuilder();
      if (vehicle != null) {
        v.setDescription(vehicle);
      }
      if (plate != null) {
        v.setPlate(plate);
      }
      b.setVehicle(v);
    }
    if (summary != null) {
      b.setModusOperandi(summary);
    }
    if (narrative != null) {
      b.setNarrative(narrative);
    }
    if (contact != null) {
      b.setReporterContact(contact);
    }
  }

  /**
   * The problems {@link #word} collected, as one usage error (exit code 2) that blames the first
   * option named; none when {@code problems} is empty.
   */
  public static void refuse(List<String> problems) {
    if (!problems.isEmpty()) {
      String first = problems.getFirst();
      throw CliException.usage(
          first.substring(0, Math.max(0, first.indexOf(':'))),
          String.join(System.lineSeparator(), problems));
    }
  }

  public static void word(
      List<String> problems, String option, String value, Consumer<String> set) {
    if (value == null) {
      return;
    }
    try {
      set.accept(value);
    } catch (IllegalArgumentException e) {
      problems.add(option + ": " + e.getMessage());
    }
  }
}
