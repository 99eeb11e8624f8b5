package org.bdx.cli.alerts;

import java.util.ArrayList;
import java.util.List;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.CliException;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.node.intake.Vocabulary;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.SearchAlertsRequest;
import org.bdx.proto.v1.SearchAlertsResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "search",
    description = {
      "Find alerts. Every criterion given must match; with none, lists the newest alerts.",
      "Phone numbers match in any common format, or by their last 4 or more digits;",
      "plates match on any part.",
    },
    sortOptions = false)
public final class AlertsSearchCommand extends BdxCommand {
  @Option(
      names = "--phone",
      paramLabel = "NUMBER",
      description =
          "A phone number, in any common format; or its last 4 or more digits, which also find"
              + " numbers kept as typed.")
  String phone;

  @Option(
      names = "--area-code",
      paramLabel = "CODE",
      description = "Numbers with this area code, e.g. 604, or +44 20 with a country code.")
  String areaCode;

  @Option(names = "--plate", paramLabel = "PLATE", description = "A licence plate or part of one.")
  String plate;

  @Option(
      names = "--text",
      paramLabel = "WORDS",
      description = "Words to find in descriptions, names, handles, vehicles and summaries.")
  String text;

  @Option(
      names = "--area",
      paramLabel = "AREA",
      description = "Area, as written in alerts (case does not matter).")
  String area;

  @Option(
      names = "--harm",
      paramLabel = "HARM",
      description = "Alerts with this harm (repeatable: any of them).")
  List<String> harms = new ArrayList<>();

  @Option(
      names = "--since",
      paramLabel = "YYYY-MM-DD",
      description = "Incidents on or after this date.")
  String since;

  @Option(
      names = "--until",
      paramLabel = "YYYY-MM-DD",
      description = "Incidents on or before this date.")
  String until;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "20",
      description = "How many to show (1-500, default ${DEFAULT-VALUE}).")
  int limit;

  @Option(
      names = "--page",
      paramLabel = "TOKEN",
      description = "Continue from the token a previous search printed.")
  String page;

  @Override
  protected void run() throws Exception {
    SearchAlertsRequest.Builder q = SearchAlertsRequest.newBuilder().setPageSize(limit);
    if (phone != null) {
      q.setPhone(phone);
    }
    if (areaCode != null) {
      q.setPhoneAreaCode(areaCode);
    }
    if (plate != null) {
      q.setPlate(plate);
    }
    if (text != null) {
      q.setText(text);
    }
    if (area != null) {
      q.setArea(area);
    }
    for (String h : harms) {
      try {
        q.addHarms(Vocabulary.harm(h));
      } catch (IllegalArgumentException e) {
        throw CliException.usage("--harm", "--harm: " + e.getMessage());
      }
    }
    if (since != null) {
      q.setSince(since);
    }
    if (until != null) {
      q.setUntil(until);
    }
    if (page != null) {
      q.setPageToken(page);
    }
    try (NodeConnection node = connect()) {
      SearchAlertsResponse r = node.call(s -> s.searchAlerts(q.build()));
      if (json()) {
        out().println(Printing.json(r));
        return;
      }
      if (r.getAlertsCount() == 0) {
        out().println("No alerts match.");
        return;
      }
      out()
          .println(
              r.getAlertsCount()
                  + (r.getAlertsCount() == 1 ? " alert" : " alerts")
                  + (r.getNextPageToken().isEmpty()
                      ? ""
                      : " (more: --page " + r.getNextPageToken() + ")")
                  + ":");
      for (AlertView a : r.getAlertsList()) {
        out().println();
        Printing.alert(out(), a);
      }
    }
  }
}
