package org.bdx.cli.report;

import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.proto.v1.ListReportsRequest;
import org.bdx.proto.v1.ListReportsResponse;
import org.bdx.proto.v1.ReportSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "list",
    description = "List this node's reports, newest first (no narratives, no contacts).")
public final class ReportListCommand extends BdxCommand {
  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "50",
      description = "How many to show (1-500, default ${DEFAULT-VALUE}).")
  int limit;

  @Option(
      names = "--page",
      paramLabel = "TOKEN",
      description = "Continue from the token a previous listing printed.")
  String page;

  @Override
  protected void run() throws Exception {
    try (NodeConnection node = connect()) {
      ListReportsRequest.Builder req = ListReportsRequest.newBuilder().setPageSize(limit);
      if (page != null) {
        req.setPageToken(page);
      }
      ListReportsResponse r = node.call(s -> s.listReports(req.build()));
      if (json()) {
        out().println(Printing.json(r));
        return;
      }
      if (r.getReportsCount() == 0) {
        out().println("No reports yet. Enter one with: bdx report add --help");
        return;
      }
      out()
          .printf(
              "%-26s  %-10s  %-20s  %-8s  %-26s  %s%n",
              "REPORT", "INCIDENT", "AREA", "AUDIENCE", "ALERT", "HARMS");
      for (ReportSummary s : r.getReportsList()) {
        out()
            .printf(
                "%-26s  %-10s  %-20s  %-8s  %-26s  %s%n",
                s.getReportId(),
                s.getIncidentDate(),
                truncate(s.getArea(), 20),
                Printing.word(s.getAudience()),
                s.getAlertId() + (s.getRetracted() ? " retracted" : ""),
                Printing.words(s.getHarmsList()));
      }
      if (r.getReportsList().stream().anyMatch(ReportSummary::getRetracted)) {
        out()
            .println(
                "A retracted alert's report is kept here until purged with: bdx report purge"
                    + " REPORT");
      }
      if (!r.getNextPageToken().isEmpty()) {
        out().println("More: bdx report list --page " + r.getNextPageToken());
      }
    }
  }

  private static String truncate(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }
}
