package org.bdx.cli.partner;

import java.io.PrintWriter;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.cli.command.TerminalText;
import org.bdx.proto.v1.GetPartnerRequest;
import org.bdx.proto.v1.GetPartnerResponse;
import org.bdx.proto.v1.Partner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "show", description = "Show one partner.")
public final class PartnerShowCommand extends BdxCommand {
  @Parameters(paramLabel = "PARTNER", description = "The partner's name or node id.")
  String partner;

  @Override
  protected void run() throws Exception {
    try (NodeConnection node = connect()) {
      GetPartnerResponse r =
          node.admin(s -> s.getPartner(GetPartnerRequest.newBuilder().setPartner(partner).build()));
      if (json()) {
        out().println(Printing.json(r));
        return;
      }
      print(out(), r.getPartner());
    }
  }

  /** The partner as {@code partner show} prints it, one field a line. */
  static void print(PrintWriter out, Partner p) {
    out.println("name:        " + TerminalText.safe(p.getName()));
    out.println("class:       " + PartnerWords.word(p.getPartnerClass()));
    out.println("node id:     " + p.getNodeId());
    out.println("fingerprint: " + p.getFingerprint());
    out.println("endpoint:    " + TerminalText.safe(p.getEndpoint()));
    out.println("added:       " + Printing.date(p.getAddedAt()));
  }
}
