package org.bdx.cli.node;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.cli.key.KeyShowCommand;
import org.bdx.cli.partner.PartnerWords;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.GetStatusRequest;
import org.bdx.proto.v1.GetStatusResponse;
import org.bdx.proto.v1.PartnerStatus;
import org.bdx.proto.v1.RejectionCount;
import picocli.CommandLine.Command;

@Command(
    name = "status",
    description = {
      "Show the network's health, partner by partner, and how long this node's own key has been"
          + " in use.",
      "For each partner: the agreement's state, whether its feed is connected, the last"
          + " successful sync, items waiting each way, and what this node did not accept from it:",
      "  REJECTED  items that failed verification or policy (in all)",
      "  STALE     items it already had: replayed or older versions, copies that came",
      "            first through another partner (in all; some are normal)",
      "  REFUSED   malformed, undecodable or oversized messages refused whole",
      "            (since the node started)",
      "Below the table, each partner's key: since when it is in use by the partner's key log"
          + " (fetched when its feed connects), a rotation not yet trusted here, and a warning if"
          + " two different key logs were seen; then each partner whose feed is offline: since"
          + " when (while this node ran) and why its last attempt failed; then each partner with"
          + " rejected items, counted by reason.",
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
      if (!r.getOwnKey().isEmpty()) {
        out()
            .println(
                "Your node's key: "
                    + KeyShowCommand.inUseSince(r.getOwnKeyValidFrom(), Instant.now())
                    + "  (bdx key show)");
      }
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
      keys(r, now);
      offline(r);
      rejections(r);
    }
  }

  /** Each partner's key as its key log held here says (spec KEY-17). */
  private void keys(GetStatusResponse r, Instant now) {
    out().println();
    out().println("Partners' keys:");
    for (PartnerStatus p : r.getPartnersList()) {
      String line =
          p.getKeyLogLength() == 0
              ? "no key log received yet (fetched when its feed connects)"
              : "key " + KeyShowCommand.inUseSince(p.getKeyValidFrom(), now);
      out().printf("  %-18s  %s%n", p.getPartner().getName(), line);
      String key =
          p.getKeyLogKey().size() == 32
              ? NodeId.fromPublicKey(p.getKeyLogKey().toByteArray()).fingerprint()
              : "";
      if (p.getKeyRotationPending()) {
        out()
            .printf(
                "  %-18s  %s%n",
                "",
                "rotating to a new key (" + key + ") from " + Printing.date(p.getKeyValidFrom()));
      }
      if (p.getKeyCompromisedSince() > 0) {
        out()
            .printf(
                "  %-18s  %s%n",
                "",
                "REVOKED a key as stolen since "
                    + Printing.date(p.getKeyCompromisedSince())
                    + "; its current key is "
                    + key
                    + (p.getAlertsFlagged() == 0
                        ? ""
                        : "; "
                            + p.getAlertsFlagged()
                            + " of its alerts held here are flagged until it issues them again"));
      }
      if (p.getKeyLogForks() > 0) {
        out()
            .printf(
                "  %-18s  %s%n",
                "",
                "FORK: two different key logs seen for this partner; compare fingerprints with"
                    + " them by phone: the log kept here ends in key "
                    + key
                    + " (their bdx key show, \"current key\")");
      }
    }
  }

  /** "partner: offline since 14:05; the partner's node is not running or not reachable". */
  private void offline(GetStatusResponse r) {
    boolean any = false;
    for (PartnerStatus p : r.getPartnersList()) {
      if (p.getConnected()
          || p.getAgreementState() != AgreementState.AGREEMENT_STATE_ACTIVE
          || (p.getOfflineSince() == 0 && p.getLastError().isEmpty())) {
        continue;
      }
      if (!any) {
        out().println();
        out().println("Offline feeds:");
        any = true;
      }
      StringBuilder line = new StringBuilder();
      if (p.getOfflineSince() != 0) {
        line.append("offline since ").append(since(p.getOfflineSince(), ZoneId.systemDefault()));
      } else {
        line.append("not connected since this node started");
      }
      if (!p.getLastError().isEmpty()) {
        line.append("; ").append(p.getLastError());
      }
      out().printf("  %-18s  %s%n", p.getPartner().getName(), line);
    }
  }

  /** "14:05" today, else "2026-12-06 14:05", in the local time zone. */
  static String since(long unixSeconds, ZoneId zone) {
    ZonedDateTime at = Instant.ofEpochSecond(unixSeconds).atZone(zone);
    ZonedDateTime today = ZonedDateTime.now(zone);
    String time = at.format(DateTimeFormatter.ofPattern("HH:mm"));
    return at.toLocalDate().equals(today.toLocalDate()) ? time : at.toLocalDate() + " " + time;
  }

  /** What each reason of spec FEED-8 means, in plain words. */
  static final Map<String, String> REASONS =
      Map.ofEntries(
          Map.entry("ITEM_MALFORMED", "items that were not well formed"),
          Map.entry("AGREEMENT_MISMATCH", "items sent under another agreement"),
          Map.entry("VERIFICATION_FAILED", "alerts whose signature or content did not check out"),
          Map.entry("FIELD_NOT_GRANTED", "alerts carrying a field the agreement does not grant"),
          Map.entry(
              "NOT_GRANTED", "alerts outside the agreement's audience, harms, areas or severity"),
          Map.entry("NO_RETENTION", "alerts the terms let this node keep no day"),
          Map.entry("FUTURE_DATED", "alerts dated ahead of this node's clock"),
          Map.entry(
              "RELAY_NOT_ALLOWED",
              "relayed alerts passed on further than the agreements on the way allow"),
          Map.entry(
              "HOP_STATEMENT_INVALID",
              "relayed alerts whose signed path back to their origin does not check out"),
          Map.entry(
              "RELAYED_ORIGIN_NOT_ACCEPTED",
              "relayed alerts from an organization this node has no agreement with, where the"
                  + " terms with this partner do not accept them"));

  /** "partner: rejected 3 (RELAY_NOT_ALLOWED 1, ...)", then what each reason shown means. */
  private void rejections(GetStatusResponse r) {
    Map<String, Long> shown = new TreeMap<>();
    boolean any = false;
    for (PartnerStatus p : r.getPartnersList()) {
      if (p.getInboundRejectedByReasonCount() == 0) {
        continue;
      }
      if (!any) {
        out().println();
        out().println("Rejected items by reason:");
        any = true;
      }
      StringBuilder line = new StringBuilder();
      for (RejectionCount c : p.getInboundRejectedByReasonList()) {
        line.append(line.isEmpty() ? "" : ", ")
            .append(c.getReason())
            .append(' ')
            .append(c.getCount());
        shown.merge(c.getReason(), c.getCount(), Long::sum);
      }
      out()
          .printf(
              "  %-18s  rejected %d (%s)%n",
              p.getPartner().getName(), p.getInboundRejected(), line);
    }
    for (String reason : shown.keySet()) {
      out()
          .printf(
              "    %s: %s%n",
              reason, REASONS.getOrDefault(reason, "see the specification, FEED-8"));
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
