package org.bdx.cli.alerts;

import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.proto.v1.GetAlertRequest;
import org.bdx.proto.v1.GetAlertResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "show", description = "Show one alert in full.")
public final class AlertsShowCommand extends BdxCommand {
  @Parameters(paramLabel = "ID", description = "The alert id.")
  String alertId;

  @Option(
      names = "--origin",
      paramLabel = "NODE_ID",
      description = "The origin node, when two origins used the same alert id.")
  String origin;

  @Override
  protected void run() throws Exception {
    try (NodeConnection node = connect()) {
      GetAlertRequest.Builder req = GetAlertRequest.newBuilder().setAlertId(alertId);
      if (origin != null) {
        req.setOriginNodeId(origin);
      }
      GetAlertResponse r = node.call(s -> s.getAlert(req.build()));
      if (json()) {
        out().println(Printing.json(r));
        return;
      }
      Printing.alert(out(), r.getAlert());
    }
  }
}
