package org.bdx.cli.agreement;

import java.io.PrintWriter;
import java.util.Locale;
import org.bdx.cli.command.Printing;
import org.bdx.cli.command.TerminalText;
import org.bdx.cli.partner.PartnerWords;
import org.bdx.proto.v1.Agreement;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.DirectionTerms;

/** How agreements read for a coordinator. */
final class AgreementPrinting {
  private AgreementPrinting() {}

  static String state(AgreementState s) {
    return switch (s) {
      case AGREEMENT_STATE_PROPOSED -> "proposed";
      case AGREEMENT_STATE_ACTIVE -> "active";
      case AGREEMENT_STATE_SUSPENDED -> "suspended";
      case AGREEMENT_STATE_TERMINATED -> "terminated";
      default -> "unknown";
    };
  }

  /** "pending" from the side that has to accept, "proposed" from the side waiting. */
  static String stateFor(Agreement a) {
    if (a.getState() == AgreementState.AGREEMENT_STATE_PROPOSED) {
      return a.getProposedByUs() ? "proposed (waiting for partner)" : "pending (accept it?)";
    }
    if (a.getState() == AgreementState.AGREEMENT_STATE_SUSPENDED) {
      return a.getSuspendedByUs() ? "suspended by us" : "suspended by partner";
    }
    return state(a.getState());
  }

  static void print(PrintWriter out, Agreement a) {
    out.println(
        "Agreement "
            + a.getAgreementId()
            + " with "
            + TerminalText.safe(a.getPartner())
            + ": "
            + stateFor(a));
    out.println("  partner node id: " + a.getPartnerNodeId());
    out.println("  last change:     " + Printing.date(a.getUpdatedAt()));
    direction(out, "We send", a.getWeSend());
    direction(out, "We receive", a.getWeReceive());
  }

  private static void direction(PrintWriter out, String title, DirectionTerms t) {
    out.println("  " + title + " (receiver is " + PartnerWords.word(t.getReceiverClass()) + "):");
    out.println(
        "    harms:     " + (t.getAllHarms() ? "all" : orNone(Printing.words(t.getHarmsList()))));
    out.println(
        "    areas:     "
            + (t.getAllAreas()
                ? "all"
                : orNone(TerminalText.safe(String.join(", ", t.getAreasList())))));
    if (t.getMinSeverityValue() != 0) {
      out.println("    severity:  at least " + Printing.word(t.getMinSeverity()));
    }
    out.println(
        "    fields:    " + orNone(TerminalText.safe(String.join(", ", t.getFieldPathsList()))));
    out.println(
        "    relay:     "
            + (t.getMayRelay()
                ? "allowed, up to " + t.getMaxRelayHops() + " hops"
                : "not allowed"));
    out.println(
        "    relayed:   "
            + (t.getAcceptRelayed()
                ? "the receiver takes alerts the sender relays, also from organizations it"
                    + " has no agreement with"
                : "the receiver takes no alerts the sender relays"));
    out.println("    retention: " + t.getRetentionDays() + " days");
  }

  private static String orNone(String s) {
    return s.isEmpty() ? "none" : s.toLowerCase(Locale.ROOT);
  }
}
