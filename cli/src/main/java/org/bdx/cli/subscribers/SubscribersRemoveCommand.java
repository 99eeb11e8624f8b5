package org.bdx.cli.subscribers;

import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.proto.v1.RemoveSubscriberRequest;
import org.bdx.proto.v1.RemoveSubscriberResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "remove",
    description =
        "Remove a subscriber (when they ask to stop receiving the bulletin): nothing more is sent"
            + " to them, not even a bulletin still waiting to be sent.")
public final class SubscribersRemoveCommand extends BdxCommand {
  @Parameters(paramLabel = "EMAIL", description = "The subscriber's e-mail address.")
  String address;

  @Override
  protected void run() throws Exception {
    RemoveSubscriberResponse r;
    try (NodeConnection node = connect()) {
      r =
          node.distribution(
              s ->
                  s.removeSubscriber(
                      RemoveSubscriberRequest.newBuilder().setAddress(address).build()));
    }
    if (json()) {
      out().println(Printing.json(r));
      return;
    }
    out().println("Removed " + address.strip() + "; nothing more is sent to them.");
  }
}
