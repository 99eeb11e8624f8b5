package org.bdx.cli.agreement;

import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.proto.v1.AmendAgreementRequest;
import org.bdx.proto.v1.AmendAgreementResponse;
import org.bdx.proto.v1.ProposedTerms;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
    name = "amend",
    description = {
      "Propose new terms for an active agreement, e.g. one more area or field, or one less.",
      "The terms in force stay until the partner accepts (bdx agreement accept ID there);"
          + " then the new terms apply on both sides under the same agreement id.",
      "Nothing is deleted that the new terms still allow: each side keeps the alerts it"
          + " received, loses only fields or alerts the new terms no longer grant, and gets what"
          + " they newly grant. (Terminating instead would delete everything received.)",
      "Either side can drop a pending amendment: bdx agreement decline ID"
    })
public final class AgreementAmendCommand extends BdxCommand {
  @Parameters(paramLabel = "ID", description = "The agreement id.")
  String agreementId;

  @Mixin TermsFileOption terms;

  @Override
  protected void run() throws Exception {
    ProposedTerms t = terms.terms();
    try (NodeConnection node = connect()) {
      AmendAgreementResponse r =
          node.admin(
              s ->
                  s.amendAgreement(
                      AmendAgreementRequest.newBuilder()
                          .setAgreementId(agreementId)
                          .setTerms(t)
                          .build()));
      if (json()) {
        out().println(Printing.json(r));
        return;
      }
      out()
          .println(
              "Amendment proposed; the partner sees it as pending. The terms in force stay until"
                  + " it accepts.");
      AgreementPrinting.print(out(), r.getAgreement());
    }
  }
}
