package org.bdx.cli.backup;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SequencedSet;
import java.util.stream.Collectors;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.Passphrases;
import org.bdx.node.backup.PurgeList;
import org.bdx.node.home.NodeHome;
import org.bdx.node.server.Node;
import org.bdx.node.vault.Passphrase;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "restore",
    sortOptions = false,
    description = {
      "Bring a node back from a backup (bdx backup) into a new, empty home directory. Nothing is"
          + " written there unless the whole backup verifies and opens with the passphrase.",
      "Reports named in the purge list (--purged) are purged again, and their alerts retracted at"
          + " partners, so a purge made after the backup stays made. The restored node's feed goes"
          + " on above every sequence its partners acknowledged, and partners send it again what"
          + " it lost. A new coordinator account is made; its credential is written to admin.token"
          + " in the new home.",
    })
public final class RestoreCommand extends BdxCommand {
  @Parameters(paramLabel = "FILE", description = "The backup file.")
  Path file;

  @Option(
      names = "--passphrase-file",
      paramLabel = "FILE",
      description = "A file holding only the passphrase the node had when the backup was made.")
  Path passphraseFile;

  @Option(
      names = "--purged",
      paramLabel = "LIST",
      description =
          "The node's latest list of purged reports (the file purged-reports of its old home, or"
              + " the copy kept with the backups).")
  Path purgedList;

  @Override
  protected void run() throws Exception {
    if (common.home == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--home DIR is required: the new, empty directory to restore into");
    }
    NodeHome home = new NodeHome(common.home.toAbsolutePath().normalize());
    SequencedSet<String> purged =
        purgedList == null ? new LinkedHashSet<>() : PurgeList.read(purgedList);
    Node.Restored r;
    try (Passphrase p =
        Passphrases.existing(passphraseFile, session().env(), "the backup " + file)) {
      r = Node.restore(file, home, p, purged, Clock.systemUTC());
    }
    if (json()) {
      out().println(json(home, r));
      return;
    }
    out()
        .println(
            "Restored node "
                + r.nodeId().fingerprint()
                + " into "
                + home.dir()
                + " from the backup taken "
                + Instant.ofEpochSecond(r.takenAt())
                + ": "
                + r.reports()
                + " reports, "
                + r.alerts()
                + " alerts.");
    if (purgedList == null) {
      out()
          .println(
              "  No purge list given (--purged): reports purged after this backup was taken are"
                  + " back, readable. Purge them again with bdx report purge.");
    } else {
      out()
          .println(
              "  Purged again: "
                  + r.purgedAgain().size()
                  + " of the "
                  + r.purgesListed()
                  + " reports in "
                  + purgedList
                  + " (the others were purged before the backup, or never held).");
    }
    out()
        .println(
            "  Feed sequences go on above "
                + r.sequenceFloor()
                + "; partners send again what this node lost once it connects.");
    out()
        .println(
            "  New coordinator account "
                + r.coordinator()
                + "; its credential is in "
                + home.adminTokenFile()
                + ".");
    out().println("Start it with: bdx serve --home " + home.dir());
  }

  private static String json(NodeHome home, Node.Restored r) {
    List<String> ids = r.purgedAgain().stream().map(id -> "\"" + id + "\"").toList();
    return "{\"node_id\":\""
        + r.nodeId().value()
        + "\",\"home\":\""
        + escape(home.dir().toString())
        + "\",\"taken_at\":"
        + r.takenAt()
        + ",\"reports\":"
        + r.reports()
        + ",\"alerts\":"
        + r.alerts()
        + ",\"purges_listed\":"
        + r.purgesListed()
        + ",\"purged_again\":["
        + ids.stream().collect(Collectors.joining(","))
        + "],\"sequence_floor\":"
        + r.sequenceFloor()
        + ",\"coordinator\":\""
        + r.coordinator()
        + "\"}";
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
