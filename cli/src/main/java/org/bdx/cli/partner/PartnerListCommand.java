package org.bdx.cli.partner;

import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.cli.command.TerminalText;
import org.bdx.proto.v1.ListPartnersRequest;
import org.bdx.proto.v1.ListPartnersResponse;
import org.bdx.proto.v1.Partner;
import picocli.CommandLine.Command;

@Command(name = "list", description = "List registered partners.")
public final class PartnerListCommand extends BdxCommand {
  @Override
  protected void run() throws Exception {
    try (NodeConnection node = connect()) {
      ListPartnersResponse r =
          node.admin(s -> s.listPartners(ListPartnersRequest.getDefaultInstance()));
      if (json()) {
        out().println(Printing.json(r));
        return;
      }
      if (r.getPartnersCount() == 0) {
        out().println("No partners yet. Add one with: bdx partner add --help");
        return;
      }
      out().printf("%-20s  %-8s  %-24s  %s%n", "NAME", "CLASS", "FINGERPRINT", "ENDPOINT");
      for (Partner p : r.getPartnersList()) {
        out()
            .printf(
                "%-20s  %-8s  %-24s  %s%n",
                TerminalText.safe(p.getName()),
                PartnerWords.word(p.getPartnerClass()),
                p.getFingerprint(),
                TerminalText.safe(p.getEndpoint()));
      }
    }
  }
}
