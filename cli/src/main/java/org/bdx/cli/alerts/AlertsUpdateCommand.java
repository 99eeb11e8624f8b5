package org.bdx.cli.alerts;

import java.util.ArrayList;
import java.util.List;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.CliException;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.cli.report.ReportFieldOptions;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.UpdateAlertRequest;
import org.bdx.proto.v1.UpdateAlertResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "update",
    description = {
      "Correct or complete one of this node's alerts (e.g. the aggressor was identified).",
      "Each option given replaces that field of the report; a repeatable option replaces the"
          + " whole list. --clear empties a field. The node checks the whole report again, signs"
          + " a new version and sends it to the partners allowed to see it; partners no longer"
          + " allowed to see it are told to delete their copy. Consent is changed with"
          + " `bdx report consent`.",
    },
    sortOptions = false)
public final class AlertsUpdateCommand extends BdxCommand {
  @Parameters(paramLabel = "ID", description = "The alert id (one this node issued).")
  String alertId;

  @Mixin ReportFieldOptions fields;

  @Option(
      names = "--clear",
      paramLabel = "PATH",
      description =
          "A report field to empty (repeatable), e.g. names_used, aggressor_description,"
              + " vehicle.plate.")
  List<String> clear = new ArrayList<>();

  @Override
  protected void run() throws Exception {
    if (!fields.anyGiven() && clear.isEmpty()) {
      throw CliException.usage(null, "say what to change: give field options or --clear PATH");
    }
    List<String> problems = new ArrayList<>();
    Report.Builder changes = Report.newBuilder();
    fields.applyTo(changes, problems);
    ReportFieldOptions.refuse(problems);
    try (NodeConnection node = connect()) {
      UpdateAlertResponse r =
          node.call(
              s ->
                  s.updateAlert(
                      UpdateAlertRequest.newBuilder()
                          .setAlertId(alertId)
                          .setChanges(changes)
                          .addAllClear(clear)
                          .build()));
      if (json()) {
        out().println(Printing.json(r));
        return;
      }
      out()
          .println(
              "Alert "
                  + r.getAlert().getAlertId()
                  + " is now version "
                  + r.getAlert().getVersion()
                  + ".");
      Printing.alert(out(), r.getAlert());
    }
  }
}
