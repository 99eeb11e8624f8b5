package org.bdx.cli.partner;

import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.NodeConnection;
import org.bdx.proto.v1.RemovePartnerRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "remove", description = "Remove a partner. Terminate any agreement with it first.")
public final class PartnerRemoveCommand extends BdxCommand {
  @Parameters(paramLabel = "PARTNER", description = "The partner's name or node id.")
  String partner;

  @Override
  protected void run() throws Exception {
    try (NodeConnection node = connect()) {
      node.admin(
          s -> s.removePartner(RemovePartnerRequest.newBuilder().setPartner(partner).build()));
      if (json()) {
        out().println("{}");
        return;
      }
      out().println("Removed partner " + partner + ".");
    }
  }
}
