package org.bdx.cli.alerts;

import org.bdx.cli.command.HelpOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "alerts",
    description =
        "Search and read alerts (this node's own and those partners shared); update or retract"
            + " this node's own.",
    subcommands = {
      AlertsSearchCommand.class,
      AlertsShowCommand.class,
      AlertsLinkedCommand.class,
      AlertsUpdateCommand.class,
      AlertsRetractCommand.class
    })
public final class AlertsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin HelpOption help;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "say what to do: search, show, linked, update or retract");
  }
}
