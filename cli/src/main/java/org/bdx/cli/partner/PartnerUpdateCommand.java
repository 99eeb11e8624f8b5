package org.bdx.cli.partner;

import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.CliException;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.cli.command.TerminalText;
import org.bdx.proto.v1.UpdatePartnerRequest;
import org.bdx.proto.v1.UpdatePartnerResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "update",
    description = {
      "Change a partner's endpoint or local name, e.g. after it moved to a new address.",
      "Agreements, the alerts it sent and what is queued for it are kept; the node connects to"
          + " the new endpoint at once, without a restart.",
      "The node id and the class cannot change: the class decides what the partner may receive"
          + " and its agreements were signed under it. For either, terminate the agreement,"
          + " remove the partner and add it again.",
    })
public final class PartnerUpdateCommand extends BdxCommand {
  @Parameters(paramLabel = "PARTNER", description = "The partner's name or node id.")
  String partner;

  @Option(
      names = "--endpoint",
      paramLabel = "HOST:PORT",
      description = "The partner's new federation address.")
  String endpoint;

  @Option(names = "--name", paramLabel = "NAME", description = "A new local name for it.")
  String name;

  @Override
  protected void run() throws Exception {
    if (endpoint == null && name == null) {
      throw CliException.usage(
          null, "say what to change: --endpoint HOST:PORT, --name NAME or both");
    }
    try (NodeConnection node = connect()) {
      UpdatePartnerResponse r =
          node.admin(
              s ->
                  s.updatePartner(
                      UpdatePartnerRequest.newBuilder()
                          .setPartner(partner)
                          .setEndpoint(endpoint == null ? "" : endpoint)
                          .setName(name == null ? "" : name)
                          .build()));
      if (json()) {
        out().println(Printing.json(r));
        return;
      }
      out()
          .println(
              "Updated partner "
                  + TerminalText.safe(r.getPartner().getName())
                  + "; its agreements and the alerts it sent are kept.");
      PartnerShowCommand.print(out(), r.getPartner());
    }
  }
}
