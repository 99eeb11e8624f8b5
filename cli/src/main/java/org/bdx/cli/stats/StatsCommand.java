package org.bdx.cli.stats;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.CliException;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.node.stats.AlertCounts;
import org.bdx.node.stats.Grouping;
import org.bdx.node.stats.StatsChart;
import org.bdx.node.stats.StatsCsv;
import org.bdx.node.stats.StatsText;
import org.bdx.proto.v1.CountAlertsRequest;
import org.bdx.proto.v1.CountAlertsResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "stats",
    description = {
      "Count the alerts this node holds, to see trends: this organization's own alerts and"
          + " those partners shared, counted apart, by month, harm, area or work setting.",
      "The node does the counting. Any count from 1 to 4 comes back as \"fewer than 5\" (in a"
          + " chart, a hatched bar labelled <5), so that no table or chart points at one person."
          + " Retracted and expired alerts are not counted.",
    },
    footer = {
      "",
      "Examples:",
      "  bdx stats --since 2026-01-01",
      "  bdx stats --since 2026-01-01 --until 2026-06-30 --by area",
      "  bdx stats --by harm --format csv --output harms.csv",
      "  bdx stats --since 2026-01-01 --by month --format png --output trends.png",
    },
    sortOptions = false)
public final class StatsCommand extends BdxCommand {
  @Option(
      names = "--since",
      paramLabel = "YYYY-MM-DD",
      description = "Count incidents on or after this date (default: from the first).")
  String since;

  @Option(
      names = "--until",
      paramLabel = "YYYY-MM-DD",
      description = "Count incidents on or before this date (default: up to the last).")
  String until;

  @Option(
      names = "--by",
      paramLabel = "GROUPING",
      defaultValue = "month",
      description = "month, harm, area or setting (default ${DEFAULT-VALUE}).")
  String by;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description =
          "text, csv, png or svg (default ${DEFAULT-VALUE}). A png or svg chart needs --output.")
  String format;

  @Option(
      names = "--output",
      paramLabel = "FILE",
      description = "Write to FILE instead of the screen. An existing file is kept unless --force.")
  Path outFile;

  @Option(names = "--force", description = "Replace FILE if it exists.")
  boolean force;

  @Override
  protected void run() throws Exception {
    LocalDate from = date("--since", since);
    LocalDate to = date("--until", until);
    if (from != null && to != null && to.isBefore(from)) {
      throw CliException.usage(
          "--until",
          "--until "
              + to
              + " is before --since "
              + from
              + ": the period would be empty. Give the earlier date to --since.");
    }
    Grouping grouping;
    try {
      grouping = Grouping.ofWord(by);
    } catch (IllegalArgumentException e) {
      throw CliException.usage("--by", "--by: choose month, harm, area or setting");
    }
    String shape = format.strip().toLowerCase(Locale.ROOT);
    if (!shape.equals("text")
        && !shape.equals("csv")
        && !shape.equals("png")
        && !shape.equals("svg")) {
      throw CliException.usage("--format", "--format: choose text, csv, png or svg");
    }
    boolean chart = shape.equals("png") || shape.equals("svg");
    if (chart && outFile == null) {
      // An image's bytes on a terminal are noise and can leave it in a strange state.
      throw CliException.usage(
          "--output",
          "--format " + shape + " needs --output FILE (for example trends." + shape + ")");
    }
    Path target = outFile == null ? null : checkedTarget(outFile.toAbsolutePath().normalize());

    CountAlertsRequest.Builder q = CountAlertsRequest.newBuilder().setBy(grouping.wire());
    if (from != null) {
      q.setSince(from.toString());
    }
    if (to != null) {
      q.setUntil(to.toString());
    }
    CountAlertsResponse r;
    try (NodeConnection node = connect()) {
      r = node.stats(s -> s.countAlerts(q.build()));
    }
    AlertCounts counts;
    try {
      counts = AlertCounts.fromWire(r);
    } catch (IllegalArgumentException e) {
      throw new CliException("the node's answer could not be read: " + e.getMessage());
    }
    if (target == null && json()) {
      out().println(Printing.json(counts.toWire()));
      return;
    }
    byte[] content =
        switch (shape) {
          case "csv" -> StatsCsv.render(counts).getBytes(StandardCharsets.UTF_8);
          case "png" -> StatsChart.png(counts);
          case "svg" -> StatsChart.svg(counts);
          default -> StatsText.render(counts).getBytes(StandardCharsets.UTF_8);
        };
    if (target == null) {
      out().print(new String(content, StandardCharsets.UTF_8));
      out().flush();
      return;
    }
    write(target, content);
    if (json()) {
      com.google.gson.JsonObject o = new com.google.gson.JsonObject();
      o.addProperty("file", target.toString());
      o.addProperty("format", shape);
      o.addProperty("groups", counts.groups().size());
      out().println(o);
    } else {
      out()
          .println(
              "Wrote "
                  + (chart ? "a chart of " : "a table of ")
                  + StatsText.title(counts).replaceFirst("^Alerts", "alerts")
                  + " ("
                  + counts.groups().size()
                  + (counts.groups().size() == 1 ? " group" : " groups")
                  + ") to "
                  + target);
    }
  }

  private static LocalDate date(String option, String text) {
    if (text == null) {
      return null;
    }
    try {
      return LocalDate.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw CliException.usage(
          option, option + ": write the date as YYYY-MM-DD, for example 2026-01-31");
    }
  }

  private Path checkedTarget(Path target) {
    if (target.getParent() == null || !Files.isDirectory(target.getParent())) {
      throw new CliException("no such directory for the output: " + target.getParent());
    }
    if (Files.isDirectory(target)) {
      throw new CliException(target + " is a directory; name the file with --output");
    }
    if (!force && Files.exists(target)) {
      throw new CliException(target + " already exists; choose another file, or add --force");
    }
    return target;
  }

  private void write(Path target, byte[] content) throws java.io.IOException {
    try {
      if (force) {
        Files.write(target, content);
      } else {
        // CREATE_NEW: a file that appeared meanwhile is kept, and this fails.
        Files.write(target, content, StandardOpenOption.CREATE_NEW);
      }
    } catch (FileAlreadyExistsException e) {
      throw new CliException(target + " already exists; choose another file, or add --force");
    }
  }
}
