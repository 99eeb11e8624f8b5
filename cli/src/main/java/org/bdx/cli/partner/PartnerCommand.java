package org.bdx.cli.partner;

import picocli.CommandLine;
import picocli.CommandLine.Command;

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
      PartnerRemoveCommand.class
    },
    mixinStandardHelpOptions = true)
public final class PartnerCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "say what to do: add, list, show or remove");
  }
}
