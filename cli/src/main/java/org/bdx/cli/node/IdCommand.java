package org.bdx.cli.node;

import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.Printing;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.identity.KeyFiles;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.GetNodeInfoResponse;
import picocli.CommandLine.Command;

@Command(
    name = "id",
    description =
        "Show this node's id, fingerprint and endpoints: the client API staff use and the"
            + " federation endpoint partners connect to (works while the node is stopped).")
public final class IdCommand extends BdxCommand {
  @Override
  protected void run() throws Exception {
    NodeConfig config = home().loadConfig();
    NodeId id = KeyFiles.loadPublic(home().dir());
    if (json()) {
      out()
          .println(
              Printing.json(
                  GetNodeInfoResponse.newBuilder()
                      .setNodeId(id.value())
                      .setFingerprint(id.fingerprint())
                      .setOrganizationName(config.organizationName())
                      .setFederationEndpoint(config.federationListen().toString())
                      .build()));
      return;
    }
    out().println("organization: " + config.organizationName());
    out().println("node id:      " + id.value());
    out().println("fingerprint:  " + id.fingerprint());
    out().println("client API:   " + config.listen() + "  (staff and the bdx commands)");
    out()
        .println(
            "federation:   "
                + config.federationListen()
                + "  (give partners this with the node id)");
  }
}
