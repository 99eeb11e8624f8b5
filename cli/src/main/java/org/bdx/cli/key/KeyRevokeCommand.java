package org.bdx.cli.key;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.OptionalLong;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.CliException;
import org.bdx.cli.command.Passphrases;
import org.bdx.node.home.NodeHome;
import org.bdx.node.server.Node;
import org.bdx.node.vault.Passphrase;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "revoke",
    sortOptions = false,
    description = {
      "Take the node's identity back after its key was stolen or copied: replace the key with the"
          + " next key, the one the recovery file holds, and tell partners the old key is"
          + " compromised. Partners then refuse connections made with the old key and anything"
          + " new it signs, and flag to their staff the alerts it signed since --since. This"
          + " node's own alerts signed with the old key since then are issued again under the new"
          + " key, so the flags clear.",
      "Stop the node first. If the machine is gone, restore the latest backup into a new home"
          + " (bdx restore) and run this there. You need the recovery file and the passphrase it"
          + " was sealed with.",
    })
public final class KeyRevokeCommand extends BdxCommand {
  @Option(
      names = "--compromised",
      required = true,
      description = "Say that the key is (or may be) in someone else's hands. Required.")
  boolean compromised;

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description =
          "Since when the key may have been in someone else's hands: a date (2026-11-01, from"
              + " midnight UTC) or a time (2026-11-01T14:30Z). Default: since the key came into"
              + " use, which distrusts everything new it signed.")
  String since;

  @Mixin RecoveryOptions recovery;

  @Override
  protected void run() throws Exception {
    if (!compromised) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "say --compromised: revoking is for a stolen or copied key");
    }
    long from = since == null ? Node.SINCE_KEY_IN_USE : parseSince(since);
    NodeHome home = home();
    Node.KeyReplaced r;
    try (Passphrase p =
        Passphrases.existing(
            recovery.passphraseFile, session().env(), "the node in " + home.dir())) {
      r = Node.replaceKey(home, p, recovery.recoveryFile, OptionalLong.of(from), Clock.systemUTC());
    }
    if (json()) {
      out().println(KeyReplacing.json(r));
      return;
    }
    KeyReplacing.print(out(), r);
  }

  /** A date (midnight UTC) or an ISO time with an offset, as Unix seconds; never in the future. */
  static long parseSince(String text) {
    Instant at;
    try {
      at =
          text.contains("T")
              ? OffsetDateTime.parse(text).toInstant()
              : LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw CliException.usage(
          "--since", "--since: not a date or time: write 2026-11-01 or 2026-11-01T14:30Z");
    }
    if (at.isAfter(Instant.now()) || at.getEpochSecond() <= 0) {
      throw CliException.usage("--since", "--since: the time is in the future or before 1970");
    }
    return at.getEpochSecond();
  }
}
