package org.bdx.cli;

import java.io.PrintWriter;
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
  private final Map<String, String> env;

  public Launcher(Supplier<?> root, Map<String, String> env) {
    this.root = root;
    this.env = Map.copyOf(env);
  }

  @Override
  public Map<String, String> env() {
    return env;
  }

  /** A fresh command tree printing to {@code out} and {@code err}, ready to execute. */
  public CommandLine commandLine(PrintWriter out, PrintWriter err) {
    return commandLine(out, err, false);
  }

  /** {@code json}: failures are printed as JSON, as {@code --json} asks. */
  private CommandLine commandLine(PrintWriter out, PrintWriter err, boolean json) {
    CommandLine cl = new CommandLine(root.get(), new Factory());
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
    int code = commandLine(out, err, asksForJson(args)).execute(args);
    out.flush();
    err.flush();
    return code;
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
