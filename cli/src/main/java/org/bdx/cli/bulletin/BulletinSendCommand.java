package org.bdx.cli.bulletin;

import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.CliException;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.proto.v1.SendBulletinsRequest;
import org.bdx.proto.v1.SendBulletinsResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "send",
    description = {
      "E-mail the bulletin now to every subscriber (bdx subscribers), each in their language and"
          + " with the warnings of their areas, through the SMTP server in the node's settings"
          + " (bulletin.mail.*).",
      "Every message is queued before it is sent: if the server fails, the command says why and"
          + " the running node tries again later (in a minute, then less often), so nothing is"
          + " lost and nobody receives it twice. The audit log records how many were sent.",
      "The running node also sends by itself on a schedule (bulletin.schedule) and after a new"
          + " high-severity warning (bulletin.on_high_severity).",
    },
    footer = {
      "",
      "Exit code 1 when a bulletin could not be sent yet (it stays queued) or an address was"
          + " refused.",
      "Examples:",
      "  bdx bulletin send",
      "  bdx bulletin send --since 2026-11-01",
    },
    sortOptions = false)
public final class BulletinSendCommand extends BdxCommand {
  @Option(
      names = "--since",
      paramLabel = "YYYY-MM-DD",
      description =
          "Warnings about incidents on or after this date (default: bulletin.period_days, 14"
              + " unless set, before today).")
  String since;

  @Override
  protected void run() throws Exception {
    SendBulletinsRequest.Builder q = SendBulletinsRequest.newBuilder();
    if (since != null) {
      q.setSince(since);
    }
    SendBulletinsResponse r;
    try (NodeConnection node = connect()) {
      r = node.distribution(s -> s.sendBulletins(q.build()));
    }
    if (!r.getFailure().isEmpty()) {
      throw new CliException(failure(r));
    }
    if (json()) {
      out().println(Printing.json(r));
      return;
    }
    if (r.getQueued() == 0) {
      out().println("No subscribers: nothing to send. Add one with: bdx subscribers add EMAIL");
      return;
    }
    out()
        .println(
            "Bulletin sent to "
                + r.getDelivered()
                + " of "
                + subscribers(r.getQueued())
                + (r.getStillQueued() == 0
                    ? "."
                    : "; "
                        + r.getStillQueued()
                        + " more queued, which the running node sends in the next minutes."));
  }

  /** What went wrong and what happens to the bulletins: one message, no address. */
  static String failure(SendBulletinsResponse r) {
    StringBuilder sb =
        new StringBuilder("the bulletin was queued for ")
            .append(subscribers(r.getQueued()))
            .append(" and ")
            .append(r.getDelivered())
            .append(" delivered: ")
            .append(r.getFailure());
    if (!r.getFailure().matches(".*[.?!]$")) {
      sb.append('.');
    }
    if (r.getStillQueued() > 0) {
      sb.append(' ')
          .append(r.getStillQueued())
          .append(r.getStillQueued() == 1 ? " stays" : " stay")
          .append(" queued; the running node (bdx serve) tries again in a minute, then less")
          .append(" often, for 3 days.");
    }
    if (r.getGivenUp() > 0) {
      sb.append(' ')
          .append(r.getGivenUp())
          .append(" given up (check those addresses with bdx subscribers list).");
    }
    return sb.toString();
  }

  private static String subscribers(int n) {
    return n + (n == 1 ? " subscriber" : " subscribers");
  }
}
