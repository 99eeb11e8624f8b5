package org.bdx.cli.agreement;

import org.bdx.cli.command.HelpOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "agreement",
    description = {
      "Sharing agreements with partners: what flows each way, signed by both nodes.",
      "Flow: template -> edit -> propose -> the partner accepts -> alerts flow.",
      "To change the terms later: amend -> the partner accepts (or declines); what each side"
          + " holds that the new terms allow is kept. Terminating deletes it.",
    },
    subcommands = {
      AgreementTemplateCommand.class,
      AgreementProposeCommand.class,
      AgreementListCommand.class,
      AgreementShowCommand.class,
      AgreementChangeCommand.Accept.class,
      AgreementAmendCommand.class,
      AgreementChangeCommand.Decline.class,
      AgreementChangeCommand.Suspend.class,
      AgreementChangeCommand.Resume.class,
      AgreementChangeCommand.Terminate.class,
    })
public final class AgreementCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin HelpOption help;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "say what to do: template, propose, list, show, accept, amend, decline, suspend, resume"
            + " or terminate");
  }
}
