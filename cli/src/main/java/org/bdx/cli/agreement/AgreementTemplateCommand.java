package org.bdx.cli.agreement;

import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.HumanJson;
import org.bdx.cli.command.NodeConnection;
import org.bdx.node.policy.SharingPolicy;
import org.bdx.proto.v1.Agreement;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.GetAgreementRequest;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.ProposedTerms;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "template",
    description = {
      "Print example agreement terms (JSON) to edit and propose.",
      "Save them to a file, edit it, and pass it to: bdx agreement propose --terms FILE",
      "With --from ID, prints the terms in force of that agreement instead, to edit and pass to:"
          + " bdx agreement amend ID --terms FILE",
      "we_send is what your node sends; we_receive is what the partner sends you.",
      "Anything not listed is withheld. Field paths are the alert fields, e.g. phone_numbers.",
      "may_relay and max_relay_hops let the receiver pass alerts on to its own partners;"
          + " accept_relayed (false unless set) says the receiver takes alerts the sender relays"
          + " from other organizations, even ones it has no agreement with.",
    })
public final class AgreementTemplateCommand extends BdxCommand {
  /** A cautious starting point: warnings without identifying details of the reporter. */
  public static ProposedTerms example() {
    DirectionTerms.Builder common =
        DirectionTerms.newBuilder()
            .setAllHarms(true)
            .setAllAreas(true)
            .addAllFieldPaths(SharingPolicy.pathsExceptContact())
            .setMayRelay(false)
            .setRetentionDays(180);
    return ProposedTerms.newBuilder()
        .setWeSend(common.clone())
        .setWeReceive(common.clone().setReceiverClass(PartnerClass.PARTNER_CLASS_PEER))
        .build();
  }

  @Option(
      names = "--from",
      paramLabel = "ID",
      description = "Start from the terms in force of this agreement (to amend it).")
  String from;

  @Override
  protected void run() throws Exception {
    if (from == null) {
      out().println(HumanJson.print(example()));
      return;
    }
    try (NodeConnection node = connect()) {
      Agreement a =
          node.admin(
                  s ->
                      s.getAgreement(GetAgreementRequest.newBuilder().setAgreementId(from).build()))
              .getAgreement();
      out().println(HumanJson.print(inForce(a)));
    }
  }

  /** The terms in force of {@code a}, seen from this node, as a terms file states them. */
  static ProposedTerms inForce(Agreement a) {
    return ProposedTerms.newBuilder()
        .setWeSend(a.getWeSend())
        .setWeReceive(a.getWeReceive())
        .build();
  }
}
