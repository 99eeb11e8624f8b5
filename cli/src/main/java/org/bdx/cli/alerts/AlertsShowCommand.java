package org.bdx.cli.alerts;

import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.proto.v1.GetAlertResponse;
import picocli.CommandLine.Command;

@Command(name = "show", description = "Show one alert in full.")
public final class AlertsShowCommand extends HeldAlertCommand {
  @Override
  protected void run() throws Exception {
    try (NodeConnection node = connect()) {
      GetAlertResponse r = fetch(node);
      if (json()) {
        out().println(Printing.json(r));
        return;
      }
      Printing.alert(out(), r.getAlert());
    }
  }
}
