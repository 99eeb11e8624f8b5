package org.bdx.cli.subscribers;

import java.util.ArrayList;
import java.util.List;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.cli.command.TerminalText;
import org.bdx.proto.v1.AddSubscriberRequest;
import org.bdx.proto.v1.AddSubscriberResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "add",
    description = {
      "Add a subscriber: from the next sending on, they receive the bulletin by e-mail in their"
          + " language, with the warnings of their areas (of every area when none is given).",
    },
    footer = {"", "Languages: en, fr, zh-Hans, zh-Hant, vi, ko, th, es, tl, pa."},
    sortOptions = false)
public final class SubscribersAddCommand extends BdxCommand {
  @Parameters(paramLabel = "EMAIL", description = "The subscriber's e-mail address.")
  String address;

  @Option(
      names = "--lang",
      paramLabel = "LANG",
      defaultValue = "en",
      description = "The language of their bulletin (default ${DEFAULT-VALUE}).")
  String lang;

  @Option(
      names = "--area",
      paramLabel = "AREA",
      description =
          "An area whose warnings they receive, as written in the warnings (case does not"
              + " matter); repeat for several, at most 20. Without it: every area.")
  List<String> areas = new ArrayList<>();

  @Override
  protected void run() throws Exception {
    AddSubscriberRequest request =
        AddSubscriberRequest.newBuilder()
            .setAddress(address)
            .setLang(lang)
            .addAllAreas(areas)
            .build();
    AddSubscriberResponse r;
    try (NodeConnection node = connect()) {
      r = node.distribution(s -> s.addSubscriber(request));
    }
    if (json()) {
      out().println(Printing.json(r));
      return;
    }
    out()
        .println(
            "Subscribed "
                + TerminalText.safe(r.getSubscriber().getAddress())
                + " ("
                + SubscriberWords.describe(r.getSubscriber())
                + ").");
  }
}
