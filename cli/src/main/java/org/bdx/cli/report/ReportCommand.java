package org.bdx.cli.report;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
    name = "report",
    description = "Enter and list this node's bad date reports.",
    subcommands = {ReportAddCommand.class, ReportListCommand.class, ReportTemplateCommand.class},
    mixinStandardHelpOptions = true)
public final class ReportCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "say what to do: add, list or template");
  }
}
