package org.bdx.cli.staff;

import java.time.Instant;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.proto.v1.ListStaffRequest;
import org.bdx.proto.v1.ListStaffResponse;
import org.bdx.proto.v1.StaffAccount;
import picocli.CommandLine.Command;

@Command(name = "list", description = "List staff accounts, active and revoked.")
public final class StaffListCommand extends BdxCommand {
  @Override
  protected void run() throws Exception {
    try (NodeConnection node = connect()) {
      ListStaffResponse r = node.admin(s -> s.listStaff(ListStaffRequest.getDefaultInstance()));
      if (json()) {
        out().println(Printing.json(r));
        return;
      }
      out().printf("%-24s  %-11s  %-20s  %s%n", "NAME", "ROLE", "CREATED", "STATE");
      for (StaffAccount a : r.getAccountsList()) {
        out()
            .printf(
                "%-24s  %-11s  %-20s  %s%n",
                a.getName(),
                StaffWords.word(a.getRole()),
                Instant.ofEpochSecond(a.getCreatedAt()),
                a.getRevokedAt() == 0
                    ? "active"
                    : "revoked " + Instant.ofEpochSecond(a.getRevokedAt()));
      }
    }
  }
}
