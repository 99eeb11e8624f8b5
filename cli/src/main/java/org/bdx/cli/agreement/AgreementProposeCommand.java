package org.bdx.cli.agreement;

import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.proto.v1.ProposeAgreementRequest;
import org.bdx.proto.v1.ProposeAgreementResponse;
import org.bdx.proto.v1.ProposedTerms;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "propose",
    description = {
      "Sign terms and send them to a partner, who sees them as pending until accepted.",
      "To change the terms of an agreement in force, amend it instead: bdx agreement amend"
    })
public final class AgreementProposeCommand extends BdxCommand {
  @Option(
      names = "--partner",
      required = true,
      paramLabel = "PARTNER",
      description = "The partner's name or node id.")
  String partner;

  @Mixin TermsFileOption terms;

  @Override
  protected void run() throws Exception {
    ProposedTerms t = terms.terms();
    try (NodeConnection node = connect()) {
      ProposeAgreementResponse r =
          node.admin(
              s ->
                  s.proposeAgreement(
                      ProposeAgreementRequest.newBuilder()
                          .setPartner(partner)
                          .setTerms(t)
                          .build()));
      if (json()) {
        out().println(Printing.json(r));
        return;
      }
      out().println("Proposed; the partner now sees it as pending.");
      AgreementPrinting.print(out(), r.getAgreement());
    }
  }
}
