package org.bdx.cli.key;

import org.bdx.cli.command.HelpOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "key",
    description = {
      "This node's signing key and its recovery file.",
      "Every alert and agreement this node sends is signed with its key; partners trust that key."
          + " If the machine is stolen, or someone kept a copy of the key, a thief could speak for"
          + " your organization. To take the node back, BDX prepares the node's next key in"
          + " advance and seals it, under the node's passphrase, in a recovery file. Move that file"
          + " off this machine and keep it safe, apart from your backups: with it (and the"
          + " passphrase) you can replace the key (bdx key rotate) or take the node back from a thief (bdx"
          + " key revoke), even from another machine.",
    },
    subcommands = {
      KeyShowCommand.class,
      KeyExportRecoveryCommand.class,
      KeyRotateCommand.class,
      KeyRevokeCommand.class
    })
public final class KeyCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin HelpOption help;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "say what to do: show, export-recovery, rotate or revoke");
  }
}
