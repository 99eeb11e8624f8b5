package org.bdx.cli.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.bdx.node.home.NodeHome;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every subcommand shares: the common options, --help and where to print. */
public abstract class BdxCommand implements Callable<Integer> {
  @Mixin protected CommonOptions common;
  @Mixin HelpOption help;
  @Spec protected CommandSpec spec;

  private Session session;

  /** Called once by the launcher that creates this command. */
  public void session(Session session) {
    this.session = session;
  }

  /** The command line this command runs in: its environment, and a way to run more. */
  protected Session session() {
    return Objects.requireNonNull(session, "commands are created through a Launcher");
  }

  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  protected PrintWriter err() {
    return spec.commandLine().getErr();
  }

  protected NodeHome home() {
    return NodeHome.resolve(common.home, session().env());
  }

  /** A connection to this home's running node, with the chosen staff credential. */
  protected NodeConnection connect() throws IOException {
    return NodeConnection.open(home(), common.credentialFile);
  }

  protected boolean json() {
    return common.json;
  }

  @Override
  public final Integer call() throws Exception {
    run();
    out().flush();
    return 0;
  }

  protected abstract void run() throws Exception;
}
