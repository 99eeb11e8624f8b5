package org.bdx.cli.agreement;

import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.HumanJson;
import org.bdx.node.policy.SharingPolicy;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.ProposedTerms;
import picocli.CommandLine.Command;

@Command(
    name = "template",
    description = {
      "Print example agreement terms (JSON) to edit and propose.",
      "Save them to a file, edit it, and pass it to: bdx agreement propose --terms FILE",
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

  @Override
  protected void run() {
    out().println(HumanJson.print(example()));
  }
}
