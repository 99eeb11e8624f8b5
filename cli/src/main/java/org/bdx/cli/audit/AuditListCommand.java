package org.bdx.cli.audit;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.cli.command.TerminalText;
import org.bdx.proto.v1.AuditEntry;
import org.bdx.proto.v1.ListAuditRequest;
import org.bdx.proto.v1.ListAuditResponse;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "list",
    description = {
      "List the audit log, oldest first: one line per entry with its time (UTC), who did it (a"
          + " staff account, \"partner NAME\", or \"node\" for what the node did by itself), what"
          + " was done, and which records (ids, versions, field paths; never a searched or stored"
          + " value).",
      "With --json, one JSON object per entry and line, with its sequence and hashes.",
    },
    sortOptions = false)
public final class AuditListCommand extends BdxCommand {
  private static final int PAGE = 500;

  @Option(
      names = "--since",
      paramLabel = "YYYY-MM-DD",
      description = "Only entries recorded on or after this day (UTC).")
  String since;

  @Override
  protected void run() throws Exception {
    long from = since == null ? 0 : startOfDay(since);
    try (NodeConnection node = connect()) {
      long after = 0;
      boolean any = false;
      do {
        ListAuditRequest request =
            ListAuditRequest.newBuilder()
                .setSince(from)
                .setAfterSequence(after)
                .setPageSize(PAGE)
                .build();
        ListAuditResponse r = node.admin(s -> s.listAudit(request));
        for (AuditEntry e : r.getEntriesList()) {
          any = true;
          out().println(json() ? Printing.json(e) : line(e));
        }
        after = r.getNextAfterSequence();
      } while (after != 0);
      if (!any && !json()) {
        out()
            .println(since == null ? "The audit log is empty." : "No entries since " + since + ".");
      }
    }
  }

  private static String line(AuditEntry e) {
    return String.format(
        "%s  %-16s  %-20s  %s",
        Instant.ofEpochSecond(e.getRecordedAt()),
        TerminalText.safe(e.getActor()),
        TerminalText.safe(e.getAction()),
        TerminalText.safe(e.getDetail()));
  }

  private long startOfDay(String day) {
    try {
      return LocalDate.parse(day.strip()).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    } catch (DateTimeParseException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--since: not a date in the form YYYY-MM-DD");
    }
  }
}
