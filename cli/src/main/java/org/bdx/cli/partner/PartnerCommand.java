package org.bdx.cli.partner;

import org.bdx.cli.command.HelpOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "partner",
    description = {
      "Register the partner organizations this node may share with.",
      "A partner is pinned by its node id: compare fingerprints out of band before adding one.",
    },
    subcommands = {
      PartnerAddCommand.class,
      PartnerListCommand.class,
      PartnerShowCommand.class,
      PartnerUpdateCommand.class,
      PartnerRemoveCommand.class
    })
public final class PartnerCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin HelpOption help;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "say what to do: add, list, show, update or remove");
  }
}
