package org.bdx.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.Session;
import picocli.CommandLine;

/**
 * Builds and runs configured {@code bdx} command lines for one environment. The root command is
 * passed in rather than named here, so that the demo, which runs further command lines through this
 * class, does not depend on the root command that lists it.
 */
public final class Launcher implements Session {
  private final Supplier<?> root;
  private final List<Class<?>> commands;
  private final Map<String, String> env;

  /**
   * @param commands the root's subcommands, in the order help lists them
   */
  public Launcher(Supplier<?> root, List<Class<?>> commands, Map<String, String> env) {
    this.root = root;
    this.commands = List.copyOf(commands);
    this.env = Map.copyOf(env);
  }

  @Override
  public Map<String, String> env() {
    return env;
  }

  /** A fresh, whole command tree printing to {@code out} and {@code err}, ready to execute. */
  public CommandLine commandLine(PrintWriter out, PrintWriter err) {
    return commandLine(out, err, false, commands);
  }

  /**
   * {@code json}: failures are printed as JSON, as {@code --json} asks. {@code subcommands}: the
   * root's subcommands to build.
   */
  private CommandLine commandLine(
      PrintWriter out, PrintWriter err, boolean json, List<Class<?>> subcommands) {
    Factory factory = new Factory();
    CommandLine cl = new CommandLine(root.get(), factory);
    for (Class<?> c : subcommands) {
      cl.addSubcommand(new CommandLine(c, factory));
    }
    // Set after the tree is built: these setters reach every subcommand that exists by then.
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    Failures failures = new Failures(env.containsKey("BDX_DEBUG"), json);
    cl.setExitCodeExceptionMapper(failures);
    cl.setExecutionExceptionHandler(failures);
    cl.setParameterExceptionHandler(failures);
    return cl;
  }

  @Override
  public int run(PrintWriter out, PrintWriter err, String... args) {
    int code = commandLine(out, err, asksForJson(args), needed(args)).execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /**
   * The subcommands {@code args} need: only the one its first word names, so that running one
   * command does not build the model of every other; all of them for help, for a first word that
   * names none (the error lists them), or for no word at all; none for the version alone.
   */
  private List<Class<?>> needed(String... args) {
    for (String a : args) {
      if (a.startsWith("-")) {
        continue; // the root's own options (--help, --version) take no value
      }
      for (Class<?> c : commands) {
        CommandLine.Command named = c.getAnnotation(CommandLine.Command.class);
        if (named != null
            && !named.helpCommand()
            && (named.name().equals(a) || List.of(named.aliases()).contains(a))) {
          return List.of(c);
        }
      }
      return commands;
    }
    // `bdx --version` needs no command; `bdx --help` and `bdx` alone list them all.
    List<String> words = List.of(args);
    boolean help = words.contains("--help") || words.contains("-h");
    return !help && (words.contains("--version") || words.contains("-V")) ? List.of() : commands;
  }

  /**
   * Whether {@code --json} is among the options. Read from the words themselves, since a command
   * line that fails to parse has no parsed options to ask.
   */
  private static boolean asksForJson(String... args) {
    for (String a : args) {
      if ("--".equals(a)) {
        return false;
      }
      if ("--json".equals(a)) {
        return true;
      }
    }
    return false;
  }

  /** Creates commands as picocli does, and hands each of ours this session. */
  private final class Factory implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      K made = CommandLine.defaultFactory().create(cls);
      if (made instanceof BdxCommand command) {
        command.session(Launcher.this);
      }
      return made;
    }
  }
}
