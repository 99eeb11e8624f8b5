package org.bdx.cli.node;

import java.time.Duration;
import java.time.Instant;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.cli.partner.PartnerWords;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.GetStatusRequest;
import org.bdx.proto.v1.GetStatusResponse;
import org.bdx.proto.v1.PartnerStatus;
import picocli.CommandLine.Command;

@Command(
    name = "status",
    description = {
      "Show the network's health, partner by partner.",
      "For each partner: the agreement's state, whether its feed is connected, the last"
          + " successful sync, items waiting each way, and what this node did not accept from it:",
      "  REJECTED  items that failed verification or policy (in all)",
      "  STALE     items it already had: replayed or older versions, copies that came",
      "            first through another partner (in all; some are normal)",
      "  REFUSED   malformed, undecodable or oversized messages refused whole",
      "            (since the node started)",
    })
public final class StatusCommand extends BdxCommand {
  @Override
  protected void run() throws Exception {
    try (NodeConnection node = connect()) {
      GetStatusResponse r = node.admin(s -> s.getStatus(GetStatusRequest.getDefaultInstance()));
      if (json()) {
        out().println(Printing.json(r));
        return;
      }
      out().println(r.getOrganizationName() + "  " + r.getNodeId());
      if (r.getPartnersCount() == 0) {
        out().println("No partners yet. Add one with: bdx partner add --help");
        return;
      }
      out()
          .printf(
              "%-18s  %-7s  %-10s  %-9s  %-14s  %8s  %8s  %8s  %8s  %8s%n",
              "PARTNER",
              "CLASS",
              "AGREEMENT",
              "FEED",
              "LAST SYNC",
              "OUT WAIT",
              "IN WAIT",
              "REJECTED",
              "STALE",
              "REFUSED");
      Instant now = Instant.now();
      for (PartnerStatus p : r.getPartnersList()) {
        out()
            .printf(
                "%-18s  %-7s  %-10s  %-9s  %-14s  %8d  %8d  %8d  %8d  %8d%n",
                p.getPartner().getName(),
                PartnerWords.word(p.getPartner().getPartnerClass()),
                state(p.getAgreementState()),
                p.getConnected() ? "connected" : "offline",
                ago(p.getLastSyncAt(), now),
                p.getOutboundWaiting(),
                p.getInboundWaiting(),
                p.getInboundRejected(),
                p.getInboundStale(),
                p.getInboundRefused());
      }
    }
  }

  private static String state(AgreementState s) {
    return switch (s) {
      case AGREEMENT_STATE_PROPOSED -> "proposed";
      case AGREEMENT_STATE_ACTIVE -> "active";
      case AGREEMENT_STATE_SUSPENDED -> "suspended";
      case AGREEMENT_STATE_TERMINATED -> "terminated";
      default -> "none";
    };
  }

  static String ago(long unixSeconds, Instant now) {
    if (unixSeconds == 0) {
      return "never";
    }
    Duration d = Duration.between(Instant.ofEpochSecond(unixSeconds), now);
    if (d.isNegative() || d.toSeconds() < 60) {
      return "just now";
    }
    if (d.toMinutes() < 60) {
      return d.toMinutes() + " min ago";
    }
    if (d.toHours() < 48) {
      return d.toHours() + " h ago";
    }
    return d.toDays() + " days ago";
  }
}
