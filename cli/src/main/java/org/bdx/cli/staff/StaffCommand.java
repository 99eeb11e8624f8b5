package org.bdx.cli.staff;

import org.bdx.cli.command.HelpOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "staff",
    description = {
      "Give each person who uses this node an account of their own, with a role: viewer (search"
          + " and read alerts), intake (also enter, correct and retract reports) or coordinator"
          + " (also purge reports and manage partners, agreements and staff).",
      "Revoke a person's account when they leave; the rest keep working.",
    },
    subcommands = {StaffAddCommand.class, StaffListCommand.class, StaffRevokeCommand.class})
public final class StaffCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin HelpOption help;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "say what to do: add, list or revoke");
  }
}
