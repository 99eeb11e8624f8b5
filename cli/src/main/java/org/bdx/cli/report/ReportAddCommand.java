package org.bdx.cli.report;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bdx.cli.BdxCommand;
import org.bdx.cli.CliException;
import org.bdx.cli.NodeConnection;
import org.bdx.cli.Printing;
import org.bdx.node.intake.Vocabulary;
import org.bdx.proto.v1.Consent;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.SubmitReportRequest;
import org.bdx.proto.v1.SubmitReportResponse;
import org.bdx.proto.v1.Vehicle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "add",
    description = {
      "Enter a bad date report. The node checks it, derives a signed alert and prints both ids.",
      "The narrative and the reporter's contact stay on this node; the contact is shared only",
      "with --share-contact.",
      "Either give the fields as options or a whole report as JSON with --file (see `bdx report template`).",
    },
    sortOptions = false)
public final class ReportAddCommand extends BdxCommand {
  static final int MAX_FILE_BYTES = 1 << 20;

  @Option(
      names = "--file",
      paramLabel = "FILE",
      description = "A report in protobuf JSON form; - reads standard input.")
  String file;

  @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "Incident date (required).")
  String date;

  @Option(
      names = "--time",
      paramLabel = "WHEN",
      description = "Time of day: morning, afternoon, evening, night.")
  String timeOfDay;

  @Option(
      names = "--area",
      description = "Coarse area: neighbourhood, district or town (required).")
  String area;

  @Option(
      names = "--setting",
      description = "Work setting: street, incall, outcall, indoor, online, vehicle, other.")
  String setting;

  @Option(
      names = "--harm",
      paramLabel = "HARM",
      description =
          "What happened (repeatable, at least one): physical_assault, sexual_assault, stealthing,"
              + " robbery, threat_with_weapon, threats, harassment, refused_payment, time_wasting, stalking,"
              + " confinement, outing, drugging, other.")
  List<String> harms = new ArrayList<>();

  @Option(names = "--severity", description = "low, moderate, high or critical.")
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

  @Option(names = "--plate", description = "Licence plate, even partial.")
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
      description = "How to reach the reporter. Stays on this node" + " unless --share-contact.")
  String contact;

  @Option(
      names = "--share-contact",
      description =
          "The reporter explicitly agrees to share their contact with partners allowed to see it.")
  boolean shareContact;

  @Option(
      names = "--audience",
      defaultValue = "peer",
      description =
          "Widest partner class the reporter allows: peer (sex-worker-led organizations), support"
              + " (also health and anti-violence services) or police (also a police liaison). Default: ${DEFAULT-VALUE}.")
  String audience;

  @Override
  protected void run() throws Exception {
    Report report = file != null ? fromFile() : fromOptions();
    try (NodeConnection node = NodeConnection.open(home())) {
      SubmitReportResponse r =
          node.call(
              s -> s.submitReport(SubmitReportRequest.newBuilder().setReport(report).build()));
      if (json()) {
        out().println(Printing.json(r));
        return;
      }
      out()
          .println(
              "Report "
                  + r.getReportId()
                  + " stored; alert "
                  + r.getAlert().getAlertId()
                  + " signed.");
      Printing.alert(out(), r.getAlert());
    }
  }

  private Report fromOptions() {
    List<String> problems = new ArrayList<>();
    Report.Builder b = Report.newBuilder();
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
    Consent.Builder consent = Consent.newBuilder().setShareContact(shareContact);
    word(problems, "--audience", audience, w -> consent.setAudience(Vocabulary.audience(w)));
    b.setConsent(consent);
    if (!problems.isEmpty()) {
      throw new CliException(String.join(System.lineSeparator(), problems));
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
    return b.build();
  }

  private static void word(
      List<String> problems, String option, String value, java.util.function.Consumer<String> set) {
    if (value == null) {
      return;
    }
    try {
      set.accept(value);
    } catch (IllegalArgumentException e) {
      problems.add(option + ": " + e.getMessage());
    }
  }

  private Report fromFile() throws IOException {
    boolean anyField =
        date != null
            || area != null
            || !harms.isEmpty()
            || description != null
            || !phones.isEmpty()
            || plate != null
            || narrative != null
            || contact != null;
    if (anyField) {
      throw new CliException("give the report either as options or with --file, not both");
    }
    byte[] bytes;
    try (InputStream in = "-".equals(file) ? System.in : Files.newInputStream(Path.of(file))) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw new CliException("no such file: " + file);
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new CliException(
          file + " is larger than " + (MAX_FILE_BYTES >> 10) + " KiB; a report is far smaller");
    }
    Report.Builder b = Report.newBuilder();
    try {
      JsonFormat.parser().merge(new String(bytes, StandardCharsets.UTF_8), b);
    } catch (InvalidProtocolBufferException e) {
      throw new CliException(
          file
              + " is not a report in JSON form: "
              + e.getMessage()
              + System.lineSeparator()
              + "See `bdx report template` for the expected shape.");
    }
    return b.build();
  }
}
