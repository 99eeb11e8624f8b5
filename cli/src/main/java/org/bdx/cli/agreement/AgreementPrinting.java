package org.bdx.cli.agreement;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bdx.cli.command.Printing;
import org.bdx.cli.command.TerminalText;
import org.bdx.cli.partner.PartnerWords;
import org.bdx.proto.v1.Agreement;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.PendingAmendment;

/** How agreements read for a coordinator. */
final class AgreementPrinting {
  private AgreementPrinting() {}

  private static final String ANY = "any";

  static String state(AgreementState s) {
    return switch (s) {
      case AGREEMENT_STATE_PROPOSED -> "proposed";
      case AGREEMENT_STATE_ACTIVE -> "active";
      case AGREEMENT_STATE_SUSPENDED -> "suspended";
      case AGREEMENT_STATE_TERMINATED -> "terminated";
      default -> "unknown";
    };
  }

  /**
   * "pending" from the side that has to accept, "proposed" from the side waiting; an active
   * agreement with new terms waiting says whose they are and what is left to do.
   */
  static String stateFor(Agreement a) {
    if (a.getState() == AgreementState.AGREEMENT_STATE_PROPOSED) {
      return a.getProposedByUs() ? "proposed (waiting for partner)" : "pending (accept it?)";
    }
    if (a.getState() == AgreementState.AGREEMENT_STATE_SUSPENDED) {
      return a.getSuspendedByUs() ? "suspended by us" : "suspended by partner";
    }
    if (a.getState() == AgreementState.AGREEMENT_STATE_ACTIVE && a.hasPendingAmendment()) {
      return a.getPendingAmendment().getProposedByUs()
          ? "active, amendment pending (yours: waiting for the partner)"
          : "active, amendment pending (theirs: accept or decline)";
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
    out.println("  terms version:   " + a.getTermsVersion());
    direction(out, "  ", "We send", a.getWeSend(), null);
    direction(out, "  ", "We receive", a.getWeReceive(), null);
    if (a.hasPendingAmendment()) {
      pending(out, a);
    }
  }

  /**
   * The pending amendment as a second block: whose it is, what is left to do, and each line of its
   * terms, with the value in force beside every line it would change.
   */
  private static void pending(PrintWriter out, Agreement a) {
    PendingAmendment p = a.getPendingAmendment();
    String partner = TerminalText.safe(a.getPartner());
    out.println(
        "  Pending amendment, version "
            + p.getVersion()
            + ", proposed by "
            + (p.getProposedByUs() ? "this node" : partner)
            + " on "
            + Printing.date(p.getProposedAt())
            + ":");
    out.println(
        p.getProposedByUs()
            ? "    Not in force until "
                + partner
                + " accepts it; withdraw it with: bdx agreement decline "
                + a.getAgreementId()
            : "    Not in force until you accept it (bdx agreement accept "
                + a.getAgreementId()
                + ") or decline it (bdx agreement decline "
                + a.getAgreementId()
                + ").");
    out.println("    Accepted, it keeps what each side holds that it still allows.");
    direction(out, "    ", "We would send", p.getWeSend(), a.getWeSend());
    direction(out, "    ", "We would receive", p.getWeReceive(), a.getWeReceive());
  }

  /**
   * The lines of one direction; with {@code inForce}, each line that differs from it ends with the
   * value in force, and a direction that would not change says so.
   */
  private static void direction(
      PrintWriter out, String indent, String title, DirectionTerms t, DirectionTerms inForce) {
    List<String[]> lines = lines(t);
    List<String[]> now = inForce == null ? null : lines(inForce);
    boolean changes =
        now == null
            || !title(t).equals(title(inForce))
            || !lines.stream().map(l -> l[1]).toList().equals(now.stream().map(l -> l[1]).toList());
    String head = indent + title + " (receiver is " + title(t) + ")";
    if (inForce != null && !title(t).equals(title(inForce))) {
      head += " (in force: " + title(inForce) + ")";
    }
    out.println(head + (changes ? ":" : ": no change"));
    if (!changes) {
      return;
    }
    for (int i = 0; i < lines.size(); i++) {
      String[] l = lines.get(i);
      if (l[0].startsWith("severity")
          && l[1].equals(ANY)
          && (now == null || now.get(i)[1].equals(ANY))) {
        continue; // no minimum either way: nothing worth a line
      }
      String line = indent + "  " + l[0] + l[1];
      if (now != null && !now.get(i)[1].equals(l[1])) {
        line += "   (in force: " + now.get(i)[1] + ")";
      }
      out.println(line);
    }
  }

  private static String title(DirectionTerms t) {
    return PartnerWords.word(t.getReceiverClass());
  }

  /** Label and value of each line of a direction, in print order; severity only when set. */
  private static List<String[]> lines(DirectionTerms t) {
    List<String[]> l = new ArrayList<>();
    l.add(
        new String[] {
          "harms:     ", t.getAllHarms() ? "all" : orNone(Printing.words(t.getHarmsList()))
        });
    l.add(
        new String[] {
          "areas:     ",
          t.getAllAreas() ? "all" : orNone(TerminalText.safe(String.join(", ", t.getAreasList())))
        });
    l.add(
        new String[] {
          "severity:  ",
          t.getMinSeverityValue() == 0 ? ANY : "at least " + Printing.word(t.getMinSeverity())
        });
    l.add(
        new String[] {
          "fields:    ", orNone(TerminalText.safe(String.join(", ", t.getFieldPathsList())))
        });
    l.add(
        new String[] {
          "relay:     ",
          t.getMayRelay() ? "allowed, up to " + t.getMaxRelayHops() + " hops" : "not allowed"
        });
    l.add(
        new String[] {
          "relayed:   ",
          t.getAcceptRelayed()
              ? "the receiver takes alerts the sender relays, also from organizations it"
                  + " has no agreement with"
              : "the receiver takes no alerts the sender relays"
        });
    l.add(new String[] {"retention: ", t.getRetentionDays() + " days"});
    return l;
  }

  private static String orNone(String s) {
    return s.isEmpty() ? "none" : s.toLowerCase(Locale.ROOT);
  }
}
