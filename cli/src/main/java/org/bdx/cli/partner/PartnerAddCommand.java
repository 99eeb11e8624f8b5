package org.bdx.cli.partner;

import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.CliException;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.proto.v1.AddPartnerRequest;
import org.bdx.proto.v1.AddPartnerResponse;
import org.bdx.proto.v1.PartnerClass;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "add",
    description = {
      "Register a partner node. Nothing is shared until an agreement with it is active.",
    })
public final class PartnerAddCommand extends BdxCommand {
  @Option(
      names = "--name",
      required = true,
      paramLabel = "NAME",
      description = "A short local name, e.g. north-peers.")
  String name;

  @Option(
      names = "--node-id",
      required = true,
      paramLabel = "ID",
      description = "The partner's node id (it pins their key).")
  String nodeId;

  @Option(
      names = "--endpoint",
      required = true,
      paramLabel = "HOST:PORT",
      description = "The partner's federation address.")
  String endpoint;

  @Option(
      names = "--class",
      required = true,
      paramLabel = "CLASS",
      description =
          "What the partner is: peer (sex-worker-led organization), support (health or"
              + " anti-violence service) or police (police liaison).")
  String partnerClass;

  @Override
  protected void run() throws Exception {
    PartnerClass cls = PartnerWords.partnerClass(partnerClass);
    try (NodeConnection node = connect()) {
      AddPartnerResponse r =
          node.admin(
              s ->
                  s.addPartner(
                      AddPartnerRequest.newBuilder()
                          .setName(name)
                          .setNodeId(nodeId.strip())
                          .setEndpoint(endpoint)
                          .setPartnerClass(cls)
                          .build()));
      if (json()) {
        out().println(Printing.json(r));
        return;
      }
      out().println("Added partner " + r.getPartner().getName() + ".");
      out()
          .println(
              "Check this fingerprint with them by phone or in person: "
                  + r.getPartner().getFingerprint());
      out().println("Next: bdx agreement template > terms.json, edit it, then");
      out().println("      bdx agreement propose --partner " + name + " --terms terms.json");
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
  }
}
