package org.bdx.cli.agreement;

import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.proto.v1.GetAgreementRequest;
import org.bdx.proto.v1.GetAgreementResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "show",
    description = {
      "Show an agreement's terms in both directions.",
      "A pending amendment follows, with each change beside the terms in force."
    })
public final class AgreementShowCommand extends BdxCommand {
  @Parameters(paramLabel = "ID", description = "The agreement id.")
  String agreementId;

  @Override
  protected void run() throws Exception {
    try (NodeConnection node = connect()) {
      GetAgreementResponse r =
          node.admin(
              s ->
                  s.getAgreement(
                      GetAgreementRequest.newBuilder().setAgreementId(agreementId).build()));
      if (json()) {
        out().println(Printing.json(r));
        return;
      }
      AgreementPrinting.print(out(), r.getAgreement());
    }
  }
}
