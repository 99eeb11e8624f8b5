package org.bdx.cli.report;

import org.bdx.cli.command.HelpOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "report",
    description = "Enter, import, list, change consent of and purge this node's bad date reports.",
    subcommands = {
      ReportAddCommand.class,
      ReportImportCommand.class,
      ReportListCommand.class,
      ReportTemplateCommand.class,
      ReportConsentCommand.class,
      ReportPurgeCommand.class
    })
public final class ReportCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin HelpOption help;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "say what to do: add, import, list, template, consent or purge");
  }
}
