package org.bdx.cli.report;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.CliException;
import org.bdx.cli.command.NodeConnection;
import org.bdx.node.error.BdxException;
import org.bdx.node.error.FieldViolation;
import org.bdx.node.home.NodeHome;
import org.bdx.node.intake.ReportValidator;
import org.bdx.node.search.PhoneNumbers;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.SubmitReportRequest;
import org.bdx.proto.v1.SubmitReportResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "import",
    description = {
      "Import the list of bad dates you already keep, from a .csv file (first row: the column"
          + " headings) or a .json file (an array of objects).",
      "Each row becomes a report, checked and normalised exactly as a report entered by hand."
          + " Rows that cannot be reports are refused and written, with the reason, to a file to"
          + " fix and import again (it holds report content: delete it when done).",
      "Imported reports are for this organization only and shared with nobody, because the"
          + " consent of the people on an old list is not known. When a reporter's choice is known,"
          + " record it with `bdx report consent REPORT_ID --audience peer` (or support, police).",
      "Importing a file again imports only the rows not imported before: each row is sent with a"
          + " key made from its content, and the node keeps one report per key. A row changed"
          + " since its import is imported as a new report.",
    },
    sortOptions = false)
public final class ReportImportCommand extends BdxCommand {
  /** Progress on standard error every this many rows. */
  static final int PROGRESS_EVERY = 100;

  @Parameters(
      arity = "0..1",
      paramLabel = "FILE",
      description = "The list: FILE.csv, or FILE.json (an array of objects).")
  Path file;

  @Option(
      names = "--template",
      description =
          "Print a column mapping file (every report field, what it takes, commented) and exit.")
  boolean template;

  @Option(
      names = "--mapping",
      paramLabel = "MAPPING",
      description =
          "Which column holds which report field (see --template). Default: columns headed with"
              + " the report field names.")
  Path mapping;

  @Option(
      names = "--check",
      description =
          "Dry run: list every row that would be refused and why, and store nothing. The node need"
              + " not be running.")
  boolean check;

  @Option(
      names = "--refused",
      paramLabel = "FILE",
      description =
          "Where refused rows are written, in the same form as FILE with a "
              + ImportFile.REASON
              + " column. Default: FILE-refused.csv (or .json) beside FILE. Never overwritten.")
  Path refused;

  @Option(
      names = "--delimiter",
      paramLabel = "CHAR",
      defaultValue = ",",
      description = "The CSV cell separator: , (default) or ; or tab.")
  String delimiter;

  @Override
  protected void run() throws Exception {
    if (template) {
      out().print(ImportMapping.template());
      return;
    }
    if (file == null) {
      throw CliException.usage("FILE", "give the file to import, or --template");
    }
    char sep = delimiter();
    NodeHome home = home();
    ReportValidator validator =
        new ReportValidator(new PhoneNumbers(home.loadConfig().phoneRegion()), Clock.systemUTC());
    ImportFile list = ImportFile.read(file, sep);
    ImportMapping columns = columns(list);
    Path refusedFile = refused != null ? refused : defaultRefused(list);
    if (!check && Files.exists(refusedFile)) {
      throw CliException.usage(
          "--refused", refusedFile + " already exists; move it away or give --refused");
    }

    Map<Integer, String> reasons = new LinkedHashMap<>();
    List<String> imported = new ArrayList<>();
    List<String> already = new ArrayList<>();
    int done = 0;
    try (NodeConnection node = check ? null : connect()) {
      for (ImportFile.Row row : list.rows()) {
        String reason = reason(row, columns, validator);
        if (reason == null && node != null) {
          reason = submit(node, row, columns, validator, imported, already, list, reasons);
        }
        if (reason != null) {
          reasons.put(row.number(), reason);
          if (check) {
            out().println("row " + row.number() + ": " + reason);
          }
        }
        done++;
        if (done % PROGRESS_EVERY == 0 && done < list.rows().size()) {
          err().println((check ? "checked " : "imported ") + done + " of " + list.rows().size());
          err().flush();
        }
      }
    }
    summary(list.rows().size(), reasons, imported, already, list, refusedFile);
  }

  /** Why {@code row} cannot be a report, naming fields and columns only; null when it can. */
  private static String reason(
      ImportFile.Row row, ImportMapping columns, ReportValidator validator) {
    if (row.tooLarge()) {
      return "the row is not one report (larger than "
          + (ImportFile.MAX_ROW_CHARS >> 10)
          + " KiB, or not an object)";
    }
    List<String> problems = new ArrayList<>();
    Report report = columns.report(row::cell, problems);
    if (problems.isEmpty()) {
      try {
        validator.validateAndNormalize(report);
      } catch (BdxException e) {
        for (FieldViolation v : e.violations()) {
          problems.add(field(v.field()) + ": " + v.problem());
        }
      }
    }
    return problems.isEmpty() ? null : String.join("; ", problems);
  }

  /**
   * Submits one checked row through the client API (so the node's audit and rules apply); the
   * reason when the node refuses it. Each row goes with its {@link #submissionKey}, so a row the
   * node already holds is not stored again. When the node stops answering, the rows not yet
   * imported are written to the refused-rows file too, so that importing that file finishes the
   * list.
   */
  private String submit(
      NodeConnection node,
      ImportFile.Row row,
      ImportMapping columns,
      ReportValidator validator,
      List<String> imported,
      List<String> already,
      ImportFile list,
      Map<Integer, String> reasons)
      throws IOException {
    Report report = columns.report(row::cell, new ArrayList<>());
    String key = submissionKey(validator.validateAndNormalize(report));
    try {
      SubmitReportResponse r =
          node.call(
              s ->
                  s.submitReport(
                      SubmitReportRequest.newBuilder()
                          .setReport(report)
                          .setSubmissionKey(key)
                          .build()));
      if (r.getAlreadySubmitted()) {
        already.add("row " + row.number() + ": already imported as report " + r.getReportId());
        out().println(already.getLast());
      } else {
        imported.add("row " + row.number() + ": report " + r.getReportId());
        out().println(imported.getLast());
      }
      return null;
    } catch (CliException e) {
      if (e.exitCode() == CliException.FAILURE) {
        return "refused by the node" + (e.field() == null ? "" : ": " + field(e.field()));
      }
      for (ImportFile.Row rest : list.rows()) {
        if (rest.number() >= row.number() && !reasons.containsKey(rest.number())) {
          reasons.put(rest.number(), "not imported: the node stopped answering");
        }
      }
      Path refusedFile = refused != null ? refused : defaultRefused(list);
      NodeHome.writeOwnerOnly(refusedFile, list.refused(reasons));
      throw e.prefixed(
          imported.size()
              + " rows imported, then stopped; the rest are in "
              + refusedFile
              + ", import that file when the node answers: ");
    }
  }

  /**
   * The key a row is submitted under (spec API-11.1): {@code import:} and the unpadded base64url
   * SHA-256 of the report as intake normalises it, serialised deterministically. The same row
   * imported again, from this file or another, has the same key; it depends on the content only,
   * not on the row's place or the mapping.
   */
  static String submissionKey(Report normalized) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(normalized.getSerializedSize());
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.useDeterministicSerialization();
      normalized.writeTo(out);
      out.flush();
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
      return "import:" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot make a row's import key", e);
    }
  }

  private void summary(
      int rows,
      Map<Integer, String> reasons,
      List<String> imported,
      List<String> already,
      ImportFile list,
      Path refusedFile)
      throws IOException {
    if (check) {
      out()
          .println(
              "Checked "
                  + rows
                  + " rows: "
                  + (rows - reasons.size())
                  + " would be imported, "
                  + reasons.size()
                  + " refused. Nothing was stored.");
      out()
          .println(
              "Imported reports will be for this organization only and shared with nobody, until"
                  + " a coordinator records each reporter's consent.");
    } else {
      out()
          .println(
              "Imported "
                  + imported.size()
                  + " of "
                  + rows
                  + " rows."
                  + (already.isEmpty()
                      ? ""
                      : " "
                          + already.size()
                          + (already.size() == 1
                              ? " was already imported and left as it was."
                              : " were already imported and left as they were.")));
      if (!imported.isEmpty()) {
        out()
            .println(
                "They are for this organization only and shared with nobody: the consent of the"
                    + " people on an old list is not known. When a reporter's choice is known,"
                    + " record it with `bdx report consent REPORT_ID --audience peer` (or support,"
                    + " police).");
      }
      if (!reasons.isEmpty()) {
        NodeHome.writeOwnerOnly(refusedFile, list.refused(reasons));
        out()
            .println(
                reasons.size()
                    + " rows refused, each with the reason, in "
                    + refusedFile
                    + ": fix them there and import that file (it holds report content: delete it"
                    + " when done).");
      }
    }
    out().flush();
    if (!reasons.isEmpty()) {
      throw new CliException(reasons.size() + " of " + rows + " rows refused");
    }
  }

  /** The mapping to use, checked against the file's headings before any row is read. */
  private ImportMapping columns(ImportFile list) throws IOException {
    ImportMapping columns;
    if (mapping == null) {
      columns = ImportMapping.byFieldNames().keepingOnly(list::hasHeading);
    } else {
      String text;
      try {
        if (Files.size(mapping) > ImportMapping.MAX_BYTES) {
          throw CliException.usage("--mapping", mapping + " is too large to be a mapping file");
        }
        text = Files.readString(mapping, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw CliException.usage("--mapping", "no such file: " + mapping);
      }
      columns = ImportMapping.parse(text, mapping.toString());
      List<String> missing =
          columns.headings().stream().filter(h -> !list.hasHeading(h)).distinct().toList();
      if (!missing.isEmpty()) {
        throw CliException.usage(
            "--mapping",
            file
                + " has no column headed "
                + String.join(", ", missing.stream().map(h -> "\"" + h + "\"").toList())
                + " (the mapping names it)");
      }
    }
    List<String> required = columns.unmappedRequired();
    if (!required.isEmpty()) {
      throw CliException.usage(
          "--mapping",
          "no column holds "
              + String.join(", ", required)
              + ", which every report needs; say which with --mapping (see --template)");
    }
    if (!list.json()) {
      List<String> twice =
          list.repeatedHeadings().stream().filter(columns.headings()::contains).toList();
      if (!twice.isEmpty()) {
        throw CliException.usage(
            "--mapping",
            "more than one column of "
                + file
                + " is headed "
                + String.join(", ", twice.stream().map(h -> "\"" + h + "\"").toList())
                + "; rename one so the mapping names one column");
      }
    }
    return columns;
  }

  private Path defaultRefused(ImportFile list) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    return file.resolveSibling(stem + "-refused" + (list.json() ? ".json" : ".csv"));
  }

  private char delimiter() {
    return switch (delimiter) {
      case "," -> ',';
      case ";" -> ';';
      case "tab", "\\t", "\t" -> '\t';
      default -> throw CliException.usage("--delimiter", "the delimiter is , or ; or tab");
    };
  }

  /** The validator's field path as the mapping names it: "phone_numbers[1]" is phone_numbers. */
  private static String field(String path) {
    String f = path.replaceAll("\\[\\d+\\]", "");
    return switch (f) {
      case "vehicle.description" -> "vehicle_description";
      case "vehicle.plate" -> "vehicle_plate";
      default -> f;
    };
  }
}
