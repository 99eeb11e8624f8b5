package org.bdx.cli.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.bdx.cli.command.CliException;
import org.bdx.node.intake.ReportValidator;
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
 * Which column of a kept list holds which report field, read from the mapping file that {@code bdx
 * report import --template} writes: one {@code field = Column heading} per line, {@code #} starts a
 * comment. The cells are only put into a {@link Report}; normalising and checking them is the
 * intake's {@link ReportValidator}, the same code a report entered by hand goes through.
 */
final class ImportMapping {
  /** Several values in one cell (harms, names, phones, handles, languages) are split at this. */
  static final String SEPARATOR = ";";

  /** A mapping file is a page of text, never more. */
  static final int MAX_BYTES = 64 * 1024;

  /** One report field a column can hold. */
  record Field(String name, boolean required, boolean repeated, String help) {}

  static final List<Field> FIELDS =
      List.of(
          new Field(
              "incident_date",
              true,
              false,
              "the date of the incident, written YYYY-MM-DD (e.g. 2026-11-14); not in the future,"
                  + " not before 1990."),
          new Field("time_of_day", false, false, "one of: " + words(TimeOfDay.class) + "."),
          new Field(
              "area",
              true,
              false,
              "a coarse area (neighbourhood, district or town), at most "
                  + ReportValidator.MAX_AREA
                  + " characters."),
          new Field("work_setting", false, false, "one of: " + words(WorkSetting.class) + "."),
          new Field(
              "harms",
              true,
              true,
              "what happened, one or more of: " + words(HarmCategory.class) + "."),
          new Field("severity", false, false, "one of: " + words(Severity.class) + "."),
          new Field(
              "aggressor_description",
              false,
              false,
              "what the aggressor looks and acts like, at most "
                  + ReportValidator.MAX_DESCRIPTION
                  + " characters."),
          new Field("names_used", false, true, "names the aggressor used."),
          new Field(
              "phone_numbers",
              false,
              true,
              "phone numbers the aggressor used, at most "
                  + ReportValidator.MAX_PHONES
                  + "; written as people write them, read in this node's phone region."),
          new Field(
              "vehicle_description", false, false, "the vehicle: make, model, colour, marks."),
          new Field("vehicle_plate", false, false, "the licence plate, even partial."),
          new Field("online_handles", false, true, "online handles or ad names."),
          new Field(
              "modus_operandi",
              false,
              false,
              "a short summary of how the aggressor operates, at most "
                  + ReportValidator.MAX_MODUS_OPERANDI
                  + " characters."),
          new Field("languages", false, true, "languages the aggressor used, e.g. en; es."),
          new Field(
              "narrative",
              false,
              false,
              "the reporter's own account; it never leaves this node. At most "
                  + ReportValidator.MAX_NARRATIVE
                  + " characters."),
          new Field(
              "reporter_contact",
              false,
              false,
              "how to reach the reporter; it stays on this node (never shared, since the"
                  + " reporter's choice is not known)."));

  private final Map<String, String> columns;

  private ImportMapping(Map<String, String> columns) {
    this.columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
  }

  /** Each field named as its own column heading: a list whose first row is the field names. */
  static ImportMapping byFieldNames() {
    Map<String, String> m = new LinkedHashMap<>();
    FIELDS.forEach(f -> m.put(f.name(), f.name()));
    return new ImportMapping(m);
  }

  /**
   * The mapping of a mapping file's text.
   *
   * @throws CliException naming the line of an unknown field, a repeated field or a line that is
   *     not {@code field = heading}
   */
  static ImportMapping parse(String text, String source) {
    Map<String, String> m = new LinkedHashMap<>();
    String[] lines = text.split("\\R", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      String where = source + " line " + (i + 1) + ": ";
      if (eq < 0) {
        throw new CliException(where + "write each line as: field = Column heading");
      }
      String field = line.substring(0, eq).strip();
      String heading = line.substring(eq + 1).strip();
      if (field(field).isEmpty()) {
        throw new CliException(
            where
                + "not a report field; the fields are: "
                + String.join(", ", FIELDS.stream().map(Field::name).toList()));
      }
      if (m.containsKey(field)) {
        throw CliException.field(field, where + field + " is mapped twice");
      }
      if (!heading.isEmpty()) {
        m.put(field, heading);
      }
    }
    return new ImportMapping(m);
  }

  /** The mapping file that {@code --template} writes: every field, what it takes, commented. */
  static String template() {
    String nl = System.lineSeparator();
    StringBuilder b = new StringBuilder();
    for (String line :
        List.of(
            "Column mapping for `bdx report import FILE --mapping THIS_FILE`.",
            "",
            "Each line says which column of your list holds one report field:",
            "  field = Column heading",
            "Write the heading exactly as it is in the first row of your .csv file (for a .json",
            "file: the key in each object). Leave the heading empty, or delete the line, when",
            "your list does not have that field. Columns not named here are not imported.",
            "Several values in one cell (harms, names, phones, handles, languages) are separated",
            "by '" + SEPARATOR + "'. Words such as harms may be written in any case, with spaces",
            "or dashes for '_'.",
            "",
            "Imported reports are for this organization only: no partner receives them, because",
            "the consent of the people on an old list is not known. When a reporter's choice is",
            "known, record it with `bdx report consent REPORT_ID --audience peer` (or support,",
            "police).",
            "")) {
      b.append(line.isEmpty() ? "#" : "# " + line).append(nl);
    }
    for (Field f : FIELDS) {
      b.append(nl)
          .append("# ")
          .append(f.name())
          .append(f.required() ? " (required)" : "")
          .append(f.repeated() ? " (several, separated by '" + SEPARATOR + "')" : "")
          .append(": ")
          .append(f.help())
          .append(nl)
          .append(f.name())
          .append(" = ")
          .append(f.name())
          .append(nl);
    }
    return b.toString();
  }

  /** The heading mapped to {@code field}, if any. */
  Optional<String> column(String field) {
    return Optional.ofNullable(columns.get(field));
  }

  /** The headings the mapping names, in field order. */
  List<String> headings() {
    return List.copyOf(columns.values());
  }

  /** The required fields this mapping names no column for. */
  List<String> unmappedRequired() {
    return FIELDS.stream()
        .filter(f -> f.required() && !columns.containsKey(f.name()))
        .map(Field::name)
        .toList();
  }

  /** The same mapping, keeping only the fields whose heading {@code present} accepts. */
  ImportMapping keepingOnly(java.util.function.Predicate<String> present) {
    Map<String, String> m = new LinkedHashMap<>();
    columns.forEach(
        (field, heading) -> {
          if (present.test(heading)) {
            m.put(field, heading);
          }
        });
    return new ImportMapping(m);
  }

  /**
   * The report one row's cells give, with this organization only as its audience and the contact
   * not shared, since the consent of the people on a kept list is not known. A word that is not in
   * the vocabulary adds a line to {@code problems} naming the field and the accepted words, never
   * the cell.
   *
   * @param cell the values of a column (by heading) in this row: empty when blank or absent
   */
  Report report(Function<String, List<String>> cell, List<String> problems) {
    Report.Builder b = Report.newBuilder();
    Vehicle.Builder vehicle = Vehicle.newBuilder();
    for (Field f : FIELDS) {
      String heading = columns.get(f.name());
      if (heading == null) {
        continue;
      }
      List<String> values = new ArrayList<>();
      for (String v : cell.apply(heading)) {
        if (f.repeated()) {
          for (String part : v.split(SEPARATOR, -1)) {
            if (!part.isBlank()) {
              values.add(part.strip());
            }
          }
        } else if (!v.isBlank()) {
          values.add(v);
        }
      }
      if (values.isEmpty()) {
        continue;
      }
      if (!f.repeated() && values.size() > 1) {
        problems.add(f.name() + ": takes one value, the cell has several");
        continue;
      }
      String one = values.getFirst();
      try {
        switch (f.name()) {
          case "incident_date" -> b.setIncidentDate(one);
          case "time_of_day" -> b.setTimeOfDay(Vocabulary.timeOfDay(one));
          case "area" -> b.setArea(one);
          case "work_setting" -> b.setWorkSetting(Vocabulary.setting(one));
          case "harms" -> values.forEach(h -> b.addHarms(Vocabulary.harm(h)));
          case "severity" -> b.setSeverity(Vocabulary.severity(one));
          case "aggressor_description" -> b.setAggressorDescription(one);
          case "names_used" -> b.addAllNamesUsed(values);
          case "phone_numbers" -> b.addAllPhoneNumbers(values);
          case "vehicle_description" -> vehicle.setDescription(one);
          case "vehicle_plate" -> vehicle.setPlate(one);
          case "online_handles" -> b.addAllOnlineHandles(values);
          case "modus_operandi" -> b.setModusOperandi(one);
          case "languages" -> b.addAllLanguages(values);
          case "narrative" -> b.setNarrative(one);
          case "reporter_contact" -> b.setReporterContact(one);
          default -> throw new IllegalStateException("unmapped field " + f.name());
        }
      } catch (IllegalArgumentException e) {
        // Vocabulary's message repeats the cell; this one names the field and the words only.
        problems.add(f.name() + ": not one of the words this field takes (" + f.help() + ")");
      }
    }
    if (!vehicle.getDescription().isEmpty() || !vehicle.getPlate().isEmpty()) {
      b.setVehicle(vehicle);
    }
    return b.setConsent(
            Consent.newBuilder()
                .setAudience(Audience.AUDIENCE_ORGANIZATION_ONLY)
                .setShareContact(false))
        .build();
  }

  private static Optional<Field> field(String name) {
    return FIELDS.stream().filter(f -> f.name().equals(name)).findFirst();
  }

  @SuppressWarnings("rawtypes")
  private static String words(Class<? extends Enum> type) {
    return String.join(", ", Vocabulary.words(type));
  }
}
