package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

/**
 * Every command's help, asked for both ways a newcomer would: {@code bdx <command> --help} and
 * {@code bdx help <command>}. The commands are found by walking the tree from the root, so a new
 * command is covered without changing this test.
 */
class HelpTest {
  private static final CommandLine ROOT =
      Bdx.launcher(Map.of())
          .commandLine(new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()));

  /** Every command below the root (and the root itself, as the empty path), parents first. */
  private static List<CommandLine> commands() {
    List<CommandLine> all = new ArrayList<>();
    walk(ROOT, all);
    return all;
  }

  private static void walk(CommandLine command, List<CommandLine> into) {
    into.add(command);
    // An alias maps to the same CommandLine as its name; visit it once.
    for (CommandLine sub : new LinkedHashSet<>(command.getSubcommands().values())) {
      walk(sub, into);
    }
  }

  /** The words after {@code bdx} that name a command, e.g. [report, add]. */
  private static List<String> path(CommandLine command) {
    List<String> words = new ArrayList<>();
    for (CommandLine c = command; c.getParent() != null; c = c.getParent()) {
      words.addFirst(c.getCommandName());
    }
    return words;
  }

  private static String[] args(List<String> first, List<String> then) {
    List<String> all = new ArrayList<>(first);
    all.addAll(then);
    return all.toArray(String[]::new);
  }

  @Test
  void theWalkReachesEveryLevel() {
    List<List<String>> paths = commands().stream().map(HelpTest::path).toList();
    assertThat(paths)
        .contains(
            List.of(),
            List.of("help"),
            List.of("init"),
            List.of("report"),
            List.of("report", "add"),
            List.of("agreement", "accept"),
            List.of("partner", "remove"),
            List.of("alerts", "search"))
        .doesNotHaveDuplicates();
  }

  @TestFactory
  Stream<DynamicTest> helpOption_printsThatCommandsOwnUsage() {
    return commands().stream()
        .flatMap(
            command ->
                Stream.of("--help", "-h")
                    .map(flag -> ownUsage(command, args(path(command), List.of(flag)))));
  }

  @TestFactory
  Stream<DynamicTest> helpCommand_printsThatCommandsOwnUsage() {
    return commands().stream()
        .map(command -> ownUsage(command, args(List.of("help"), path(command))));
  }

  private static DynamicTest ownUsage(CommandLine command, String[] args) {
    String name = command.getCommandSpec().qualifiedName();
    return DynamicTest.dynamicTest(
        "bdx " + String.join(" ", args),
        () -> {
          CliRun run = CliRun.bdx(args);
          assertThat(run.exitCode()).as(run.toString()).isZero();
          assertThat(run.err()).as(run.toString()).isEmpty();
          // Its own usage line, not its parent's ("Usage: bdx report [-h] [COMMAND]").
          assertThat(run.out()).as(run.toString()).startsWith("Usage: " + name + " ");
          assertThat(run.out()).isEqualTo(command.getUsageMessage());
        });
  }

  @Test
  void helpCommand_unknownCommand_isAUsageErrorNamingTheWord() {
    CliRun top = CliRun.bdx("help", "nosuchcommand");
    assertThat(top.exitCode()).as(top.toString()).isEqualTo(2);
    assertThat(top.out()).isEmpty();
    assertThat(top.err()).startsWith("bdx has no command 'nosuchcommand'");

    CliRun nested = CliRun.bdx("help", "report", "nosuch");
    assertThat(nested.exitCode()).as(nested.toString()).isEqualTo(2);
    assertThat(nested.out()).isEmpty();
    assertThat(nested.err())
        .startsWith("bdx report has no command 'nosuch'")
        // What `report` does have follows.
        .contains("Usage: bdx report ")
        .contains("consent");

    CliRun pastALeaf = CliRun.bdx("help", "report", "add", "extra");
    assertThat(pastALeaf.exitCode()).as(pastALeaf.toString()).isEqualTo(2);
    assertThat(pastALeaf.err()).startsWith("bdx report add has no command 'extra'");
  }

  @Test
  void help_needsNoRequiredOptionsOrParameters() {
    // `agreement accept` requires an ID and `partner add` four options; asking for help needs none.
    CliRun accept = CliRun.bdx("agreement", "accept", "--help");
    assertThat(accept.exitCode()).as(accept.toString()).isZero();
    assertThat(accept.out()).startsWith("Usage: bdx agreement accept ");
    CliRun add = CliRun.bdx("partner", "add", "--name", "north", "-h");
    assertThat(add.exitCode()).as(add.toString()).isZero();
    assertThat(add.out()).startsWith("Usage: bdx partner add ");
  }

  @Test
  void topLevelHelp_andBdxAlone_listEveryCommand_inOrder() {
    // A command line builds only the command it names; help and a bare `bdx` must build them all.
    List<String> names =
        Bdx.COMMANDS.stream().map(c -> c.getAnnotation(CommandLine.Command.class).name()).toList();
    for (String[] args : List.of(new String[] {"--help"}, new String[] {})) {
      CliRun run = CliRun.bdx(args);
      assertThat(run.exitCode()).as(run.toString()).isZero();
      String commandsPart = run.out().substring(run.out().indexOf("Commands:"));
      List<String> listed =
          commandsPart
              .lines()
              .map(l -> l.matches("  [a-z].*") ? l.strip().split("\\s+")[0] : null)
              .filter(java.util.Objects::nonNull)
              .toList();
      assertThat(listed).as(run.toString()).containsExactlyElementsOf(names);
    }
  }

  @Test
  void topLevelHelp_listsTheExitCodes() {
    CliRun help = CliRun.bdx("--help");
    assertThat(help.exitCode()).as(help.toString()).isZero();
    assertThat(help.out())
        .contains("Exit codes:")
        .containsPattern("\\s0\\s+success")
        .containsPattern("\\s2\\s+usage error")
        .containsPattern("\\s3\\s+the node is not running or not reachable")
        .containsPattern("\\s4\\s+the node refused")
        .contains("With --json, a failure is one JSON object");
  }

  @Test
  void topLevelHelp_printsEveryFooterLineWhole() {
    // A footer line longer than the help width is broken in mid-sentence by picocli.
    CliRun help = CliRun.bdx("--help");
    String[] footer = Bdx.class.getAnnotation(picocli.CommandLine.Command.class).footer();
    assertThat(footer).isNotEmpty();
    for (String line : footer) {
      if (!line.isBlank()) {
        assertThat(help.out()).as("footer line").contains(line);
      }
    }
  }

  @Test
  void version_isTheTopLevelsOnly() {
    CliRun version = CliRun.bdx("--version");
    assertThat(version.exitCode()).as(version.toString()).isZero();
    assertThat(version.out())
        .startsWith("bdx ")
        .contains("(protocol bdx.v1)")
        .contains("database schema " + org.bdx.node.server.Node.schemaVersion());
    // A subcommand has no version of its own; it used to print nothing and exit 0.
    CliRun below = CliRun.bdx("report", "--version");
    assertThat(below.exitCode()).as(below.toString()).isEqualTo(2);
    assertThat(below.err()).contains("--version");
  }
}
