package org.bdx.cli.alerts;

import java.util.ArrayList;
import java.util.List;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.cli.command.TerminalText;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.GetAlertRequest;
import org.bdx.proto.v1.GetAlertResponse;
import org.bdx.proto.v1.LinkedAlert;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "linked",
    description = {
      "List the other alerts held here that name the same aggressor as this one: they share a"
          + " phone number, the whole plate, a name used or an online handle.",
      "Only what this organization holds of each alert is compared.",
    })
public final class AlertsLinkedCommand extends BdxCommand {
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
      AlertView a = r.getAlert();
      if (json()) {
        out().println(Printing.json(r));
        return;
      }
      if (a.getLinkedCount() == 0) {
        out()
            .println(
                "No other alert held here shares a phone number, plate, name or handle with "
                    + a.getAlertId()
                    + ".");
        return;
      }
      out()
          .println(
              "Alert " + a.getAlertId() + " is " + Printing.alsoReported(a.getLinkedList()) + ":");
      for (LinkedAlert l : a.getLinkedList()) {
        out()
            .printf(
                "  %s  %-10s  %s; same %s%n",
                l.getAlertId(),
                l.getIncidentDate().isEmpty() ? "no date" : l.getIncidentDate(),
                Printing.linkedOrganization(l),
                String.join(", ", sameWords(l.getSharedList())));
      }
    }
  }

  /** The shared claim paths as staff say them. */
  private static List<String> sameWords(List<String> paths) {
    List<String> out = new ArrayList<>();
    for (String p : paths) {
      out.add(
          switch (p) {
            case "phone_numbers" -> "phone";
            case "vehicle_plate" -> "plate";
            case "names_used" -> "name";
            case "online_handles" -> "handle";
            default -> TerminalText.safe(p);
          });
    }
    return out;
  }
}
