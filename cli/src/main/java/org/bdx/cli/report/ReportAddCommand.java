package org.bdx.cli.report;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.CliException;
import org.bdx.cli.command.HumanJson;
import org.bdx.cli.command.JsonFiles;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.node.intake.Vocabulary;
import org.bdx.proto.v1.Consent;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.SubmitReportRequest;
import org.bdx.proto.v1.SubmitReportResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "add",
    description = {
      "Enter a bad date report. The node checks it, derives a signed alert and prints both ids.",
      "The narrative and the reporter's contact stay on this node; the contact is shared only"
          + " with --share-contact.",
      "Either give the fields as options or a whole report as JSON with --file"
          + " (see `bdx report template`).",
    },
    sortOptions = false)
public final class ReportAddCommand extends BdxCommand {
  static final int MAX_FILE_BYTES = 1 << 20;

  @Option(
      names = "--file",
      paramLabel = "FILE",
      description = "A report in JSON, as `bdx report template` prints it; - reads standard input.")
  String file;

  @Mixin ReportFieldOptions fields;

  @Option(
      names = "--share-contact",
      description =
          "The reporter explicitly agrees to share their contact with partners allowed to see it.")
  boolean shareContact;

  @Option(
      names = "--audience",
      paramLabel = "AUDIENCE",
      defaultValue = "peer",
      description =
          "Widest partner class the reporter allows: peer (sex-worker-led organizations), support"
              + " (also health and anti-violence services) or police (also a police liaison). Default: ${DEFAULT-VALUE}.")
  String audience;

  @Override
  protected void run() throws Exception {
    Report report = file != null ? fromFile() : fromOptions();
    try (NodeConnection node = connect()) {
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
    fields.applyTo(b, problems);
    Consent.Builder consent = Consent.newBuilder().setShareContact(shareContact);
    ReportFieldOptions.word(
        problems, "--audience", audience, w -> consent.setAudience(Vocabulary.audience(w)));
    b.setConsent(consent);
    ReportFieldOptions.refuse(problems);
    return b.build();
  }

  private Report fromFile() throws IOException {
    if (fields.anyGiven()) {
      throw CliException.usage(
          "--file", "give the report either as options or with --file, not both");
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
      HumanJson.merge(new String(bytes, StandardCharsets.UTF_8), b, file);
    } catch (InvalidProtocolBufferException e) {
      throw JsonFiles.unreadable(
          file, new String(bytes, StandardCharsets.UTF_8), e, "a report", "bdx report template");
    }
    return b.build();
  }
}
