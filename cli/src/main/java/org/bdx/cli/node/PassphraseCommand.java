package org.bdx.cli.node;

import org.bdx.cli.command.HelpOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "passphrase",
    description = "Manage the passphrase that unlocks this node's vault.",
    subcommands = {PassphraseChangeCommand.class})
public final class PassphraseCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin HelpOption help;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: change");
  }
}
