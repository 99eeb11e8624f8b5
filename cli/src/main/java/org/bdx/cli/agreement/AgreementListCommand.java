package org.bdx.cli.agreement;

import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.cli.command.TerminalText;
import org.bdx.proto.v1.Agreement;
import org.bdx.proto.v1.ListAgreementsRequest;
import org.bdx.proto.v1.ListAgreementsResponse;
import picocli.CommandLine.Command;

@Command(
    name = "list",
    description = "List agreements, including pending ones and pending amendments to accept.")
public final class AgreementListCommand extends BdxCommand {
  @Override
  protected void run() throws Exception {
    try (NodeConnection node = connect()) {
      ListAgreementsResponse r =
          node.admin(s -> s.listAgreements(ListAgreementsRequest.getDefaultInstance()));
      if (json()) {
        out().println(Printing.json(r));
        return;
      }
      if (r.getAgreementsCount() == 0) {
        out().println("No agreements yet.");
        return;
      }
      out().printf("%-26s  %-20s  %s%n", "AGREEMENT", "PARTNER", "STATE");
      for (Agreement a : r.getAgreementsList()) {
        out()
            .printf(
                "%-26s  %-20s  %s%n",
                a.getAgreementId(),
                TerminalText.safe(a.getPartner()),
                AgreementPrinting.stateFor(a));
      }
    }
  }
}
