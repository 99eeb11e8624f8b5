package org.bdx.cli.subscribers;

import org.bdx.cli.command.HelpOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "subscribers",
    description = {
      "The people who receive the bulletin by e-mail, each in their language and for their"
          + " areas. Addresses are kept sealed in the node's database, like everything else it"
          + " holds; the audit log records how many, never who.",
      "Send the bulletin with: bdx bulletin send. A coordinator's credential is needed.",
    },
    footer = {
      "",
      "Examples:",
      "  bdx subscribers add worker@example.org --lang vi --area Downtown --area Chinatown",
      "  bdx subscribers list",
      "  bdx subscribers remove worker@example.org",
    },
    subcommands = {
      SubscribersAddCommand.class,
      SubscribersListCommand.class,
      SubscribersRemoveCommand.class
    })
public final class SubscribersCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin HelpOption help;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "say what to do: add, list or remove");
  }
}
