package org.bdx.cli.staff;

import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.proto.v1.RevokeStaffRequest;
import org.bdx.proto.v1.RevokeStaffResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "revoke",
    description =
        "Revoke a staff account: its credential fails from the next call on. The account stays"
            + " listed as revoked.")
public final class StaffRevokeCommand extends BdxCommand {
  @Parameters(paramLabel = "NAME", description = "The account's name.")
  String name;

  @Override
  protected void run() throws Exception {
    try (NodeConnection node = connect()) {
      RevokeStaffResponse r =
          node.admin(s -> s.revokeStaff(RevokeStaffRequest.newBuilder().setName(name).build()));
      if (json()) {
        out().println(Printing.json(r));
        return;
      }
      out().println("Revoked staff account " + r.getAccount().getName() + ".");
    }
  }
}
