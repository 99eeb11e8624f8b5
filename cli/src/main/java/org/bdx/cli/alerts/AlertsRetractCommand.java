package org.bdx.cli.alerts;

import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.proto.v1.RetractAlertRequest;
import org.bdx.proto.v1.RetractAlertResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "retract",
    description = {
      "Retract one of this node's alerts; partners holding it keep only a tombstone.",
      "A signed retraction with no content goes to every partner that holds the alert, which"
          + " then deletes its copy and keeps only the alert id and version. The report stays on"
          + " this node (remove it with `bdx report purge`).",
    })
public final class AlertsRetractCommand extends BdxCommand {
  @Parameters(paramLabel = "ID", description = "The alert id (one this node issued).")
  String alertId;

  @Option(
      names = "--reason",
      required = true,
      paramLabel = "TEXT",
      description = "Why, for your own records (kept on this node only, never sent).")
  String reason;

  @Override
  protected void run() throws Exception {
    try (NodeConnection node = connect()) {
      RetractAlertResponse r =
          node.call(
              s ->
                  s.retractAlert(
                      RetractAlertRequest.newBuilder()
                          .setAlertId(alertId)
                          .setReason(reason)
                          .build()));
      if (json()) {
        out().println(Printing.json(r));
        return;
      }
      out()
          .println(
              "Alert "
                  + r.getAlert().getAlertId()
                  + " retracted (version "
                  + r.getAlert().getVersion()
                  + "); partners that hold it will delete it.");
    }
  }
}
