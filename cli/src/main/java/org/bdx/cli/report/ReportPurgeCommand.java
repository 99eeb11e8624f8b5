package org.bdx.cli.report;

import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.proto.v1.PurgeReportRequest;
import org.bdx.proto.v1.PurgeReportResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "purge",
    description = {
      "Destroy a report for good; partners holding its alert delete it.",
      "The alert is retracted, the report and everything derived from it are deleted from this"
          + " node's database, and the database files are rewritten so none of it can be"
          + " recovered. Only the alert id and version remain. This cannot be undone and asks no"
          + " confirmation.",
    })
public final class ReportPurgeCommand extends BdxCommand {
  @Parameters(paramLabel = "REPORT_ID", description = "The report id (see `bdx report list`).")
  String reportId;

  @Override
  protected void run() throws Exception {
    try (NodeConnection node = connect()) {
      PurgeReportResponse r =
          node.call(
              s -> s.purgeReport(PurgeReportRequest.newBuilder().setReportId(reportId).build()));
      if (json()) {
        out().println(Printing.json(r));
        return;
      }
      out().println("Report " + reportId + " purged:");
      out()
          .println(
              "  alert "
                  + r.getAlertId()
                  + " retracted (version "
                  + r.getRetractionVersion()
                  + "); retraction queued for "
                  + r.getPartnersNotified()
                  + (r.getPartnersNotified() == 1 ? " partner" : " partners")
                  + " that held it");
      out().println("  report, alert content, queued copies and search entries deleted");
      out().println("  database files rewritten: only the alert id and version remain");
    }
  }
}
