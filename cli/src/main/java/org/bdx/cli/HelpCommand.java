package org.bdx.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.bdx.cli.command.HelpOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code bdx help [COMMAND [SUBCOMMAND...]]}. picocli's own help command looks up one word only, so
 * {@code bdx help report add} showed the help of {@code report}; this one follows every word.
 */
@Command(
    name = "help",
    helpCommand = true,
    description = "Show the help of a command, e.g. bdx help report add.")
public final class HelpCommand implements Runnable, CommandLine.IHelpCommandInitializable2 {
  @Mixin HelpOption help;

  @Parameters(
      paramLabel = "COMMAND",
      arity = "0..*",
      description =
          "The command and any subcommands, e.g. report add; without one, bdx's own help.")
  List<String> words = new ArrayList<>();

  private CommandLine self;
  private Help.ColorScheme colors;
  private PrintWriter out;

  @Override
  public void init(
      CommandLine helpCommandLine, Help.ColorScheme colorScheme, PrintWriter out, PrintWriter err) {
    this.self = helpCommandLine;
    this.colors = colorScheme;
    this.out = out;
  }

  @Override
  public void run() {
    CommandLine command = self.getParent();
    for (String word : words) {
      CommandLine sub = command.getSubcommands().get(word);
      if (sub == null) {
        // A usage error of the command lacking the word; its usage, listing what it has, follows.
        throw new ParameterException(
            command, command.getCommandSpec().qualifiedName() + " has no command '" + word + "'");
      }
      command = sub;
    }
    command.usage(out, colors);
  }
}
