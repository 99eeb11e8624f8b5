package org.bdx.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.bdx.node.home.NodeHome;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every subcommand shares: the common options and where to print. */
public abstract class BdxCommand implements Callable<Integer> {
  @Mixin protected CommonOptions common;
  @Spec protected CommandSpec spec;

  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  protected PrintWriter err() {
    return spec.commandLine().getErr();
  }

  protected NodeHome home() {
    Bdx root = (Bdx) spec.root().userObject();
    return NodeHome.resolve(common.home, root.env());
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
