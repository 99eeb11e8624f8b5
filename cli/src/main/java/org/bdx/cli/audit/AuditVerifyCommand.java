package org.bdx.cli.audit;

import java.util.HexFormat;
import java.util.Locale;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.CliException;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.proto.v1.AuditProblem;
import org.bdx.proto.v1.ListAuditRequest;
import org.bdx.proto.v1.VerifyAuditRequest;
import org.bdx.proto.v1.VerifyAuditResponse;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "verify",
    description = {
      "Check the audit log's hash chain from the first entry and print its head, or name the"
          + " first entry that was edited, removed or reordered, or the last entries removed"
          + " (exit 1).",
      "Someone who can rewrite the whole database can also rebuild the chain: write the head"
          + " down (or send it to another organization) and check later with --expect that the"
          + " log still holds it.",
    },
    sortOptions = false)
public final class AuditVerifyCommand extends BdxCommand {
  @Option(
      names = "--expect",
      paramLabel = "SEQUENCE:HASH",
      description =
          "A head noted earlier (as this command printed it): the entry with that sequence must"
              + " still have that hash.")
  String expect;

  @Override
  protected void run() throws Exception {
    Noted noted = expect == null ? null : Noted.parse(expect, spec);
    try (NodeConnection node = connect()) {
      VerifyAuditResponse v =
          node.admin(s -> s.verifyAudit(VerifyAuditRequest.getDefaultInstance()));
      String head = hex(v.getHeadHash().toByteArray());
      if (json()) {
        out().println(Printing.json(v));
      }
      if (!v.getIntact()) {
        throw new CliException(
            "audit log not intact: "
                + v.getDescription()
                + " (first bad entry "
                + v.getBadSequence()
                + ", "
                + word(v.getProblem())
                + "; head "
                + v.getHeadSequence()
                + ":"
                + head
                + ")");
      }
      if (!json()) {
        out().println("audit log intact: " + v.getEntries() + " entries, head " + head);
        out().println("note it down: " + v.getHeadSequence() + ":" + head);
      }
      if (noted != null) {
        checkNoted(node, noted);
        if (!json()) {
          out().println("the noted head " + noted.seq() + " is still in the log");
        }
      }
    }
  }

  private static void checkNoted(NodeConnection node, Noted noted) throws java.io.IOException {
    var page =
        node.admin(
            s ->
                s.listAudit(
                    ListAuditRequest.newBuilder()
                        .setAfterSequence(noted.seq() - 1)
                        .setPageSize(1)
                        .build()));
    if (page.getEntriesCount() == 0 || page.getEntries(0).getSequence() != noted.seq()) {
      throw new CliException(
          "audit log rewritten: the noted entry " + noted.seq() + " is no longer in the log");
    }
    String now = hex(page.getEntries(0).getHash().toByteArray());
    if (!now.equals(noted.hash())) {
      throw new CliException(
          "audit log rewritten: entry "
              + noted.seq()
              + " now has hash "
              + now
              + ", not the noted "
              + noted.hash());
    }
  }

  private record Noted(long seq, String hash) {
    static Noted parse(String s, CommandLine.Model.CommandSpec spec) {
      String[] parts = s.strip().toLowerCase(Locale.ROOT).split(":", -1);
      if (parts.length != 2
          || !parts[0].matches("[1-9][0-9]{0,17}")
          || !parts[1].matches("[0-9a-f]{64}")) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--expect: SEQUENCE:HASH as bdx audit verify printed it (a number, a colon, 64 hex"
                + " digits)");
      }
      return new Noted(Long.parseLong(parts[0]), parts[1]);
    }
  }

  private static String word(AuditProblem p) {
    return p.name().replace("AUDIT_PROBLEM_", "").toLowerCase(Locale.ROOT);
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
