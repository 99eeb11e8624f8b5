package org.bdx.cli.alerts;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
    name = "alerts",
    description =
        "Search and read alerts (this node's own and those partners shared); update or retract"
            + " this node's own.",
    subcommands = {
      AlertsSearchCommand.class,
      AlertsShowCommand.class,
      AlertsUpdateCommand.class,
      AlertsRetractCommand.class
    },
    mixinStandardHelpOptions = true)
public final class AlertsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "say what to do: search, show, update or retract");
  }
}
