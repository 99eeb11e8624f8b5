package org.bdx.cli.subscribers;

import java.time.Instant;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.cli.command.TerminalText;
import org.bdx.proto.v1.ListSubscribersRequest;
import org.bdx.proto.v1.ListSubscribersResponse;
import org.bdx.proto.v1.Subscriber;
import picocli.CommandLine.Command;

@Command(
    name = "list",
    description = "List the subscribers: address, language, areas and when they were added.")
public final class SubscribersListCommand extends BdxCommand {
  @Override
  protected void run() throws Exception {
    ListSubscribersResponse r;
    try (NodeConnection node = connect()) {
      r = node.distribution(s -> s.listSubscribers(ListSubscribersRequest.getDefaultInstance()));
    }
    if (json()) {
      out().println(Printing.json(r));
      return;
    }
    if (r.getSubscribersCount() == 0) {
      out().println("No subscribers yet. Add one with: bdx subscribers add EMAIL [--lang LANG]");
      return;
    }
    out().printf("%-40s  %-7s  %-20s  %s%n", "ADDRESS", "LANG", "ADDED", "AREAS");
    for (Subscriber s : r.getSubscribersList()) {
      out()
          .printf(
              "%-40s  %-7s  %-20s  %s%n",
              TerminalText.safe(s.getAddress()),
              s.getLang(),
              Instant.ofEpochSecond(s.getCreatedAt()),
              s.getAreasCount() == 0
                  ? "every area"
                  : TerminalText.safe(String.join(", ", s.getAreasList())));
    }
    out()
        .println(
            r.getSubscribersCount()
                + (r.getSubscribersCount() == 1 ? " subscriber" : " subscribers"));
  }
}
