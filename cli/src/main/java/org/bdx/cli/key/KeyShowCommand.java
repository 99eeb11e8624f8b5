package org.bdx.cli.key;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.CliException;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.GetStatusRequest;
import org.bdx.proto.v1.GetStatusResponse;
import picocli.CommandLine.Command;

@Command(
    name = "show",
    description = {
      "Show this node's id, its current signing key, how long that key has been in use, and"
          + " whether the recovery file is still on this machine (it should not be: move it with"
          + " bdx key export-recovery). Needs the running node and a coordinator's credential.",
    })
public final class KeyShowCommand extends BdxCommand {
  @Override
  protected void run() throws Exception {
    GetStatusResponse r;
    try (NodeConnection node = connect()) {
      r = node.admin(s -> s.getStatus(GetStatusRequest.getDefaultInstance()));
    }
    if (r.getOwnKey().isEmpty()) {
      throw new CliException("the node has no key log yet; restart it (bdx serve) to make one");
    }
    NodeId id = NodeId.parse(r.getNodeId());
    String current = NodeId.fromPublicKey(r.getOwnKey().toByteArray()).fingerprint();
    Path recovery = home().recoveryFile();
    boolean inHome = Files.exists(recovery, LinkOption.NOFOLLOW_LINKS);
    long days = ageDays(r.getOwnKeyValidFrom(), Instant.now());
    if (json()) {
      out()
          .println(
              Printing.json(
                  Struct.newBuilder()
                      .putFields("node_id", text(id.value()))
                      .putFields("fingerprint", text(id.fingerprint()))
                      .putFields("current_key_fingerprint", text(current))
                      .putFields("key_log_length", number(r.getOwnKeyLogLength()))
                      .putFields("valid_from", number(r.getOwnKeyValidFrom()))
                      .putFields("age_days", number(days))
                      .putFields(
                          "recovery_file_in_home",
                          Value.newBuilder().setBoolValue(inHome).build())));
      return;
    }
    out().println("node id:        " + id.value());
    out().println("fingerprint:    " + id.fingerprint());
    out().println("current key:    " + current + "  (fingerprint of the key the node signs with)");
    out()
        .println(
            "key log:        "
                + r.getOwnKeyLogLength()
                + (r.getOwnKeyLogLength() == 1 ? " event" : " events"));
    out().println("key age:        " + inUseSince(r.getOwnKeyValidFrom(), Instant.now()));
    if (inHome) {
      out().println("recovery file:  still on this machine: " + recovery);
      out()
          .println(
              "WARNING: whoever takes this machine and learns the passphrase could replace your"
                  + " key for good. Move the recovery file off it now:");
      out().println("  bdx key export-recovery --out /path/to/usb-stick/next-key.recovery");
    } else {
      out().println("recovery file:  not on this machine (keep it offline, apart from backups)");
    }
  }

  /** "in use since 2026-12-07 14:05 (3 days)", in the local time zone. */
  public static String inUseSince(long validFrom, Instant now) {
    String at =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneId.systemDefault())
            .format(Instant.ofEpochSecond(validFrom));
    long days = ageDays(validFrom, now);
    return "in use since " + at + " (" + days + (days == 1 ? " day)" : " days)");
  }

  static long ageDays(long validFrom, Instant now) {
    return Math.max(0, Duration.between(Instant.ofEpochSecond(validFrom), now).toDays());
  }

  private static Value text(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  private static Value number(long n) {
    return Value.newBuilder().setNumberValue(n).build();
  }
}
