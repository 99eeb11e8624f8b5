package org.bdx.cli.command;

import java.io.PrintWriter;
import java.util.Map;

/**
 * What a command sees of the command line that runs it: the environment, and a way to run further
 * command lines in it (the demo's steps). Commands are handed one when they are created, so none of
 * them has to import the root command that lists them.
 */
public interface Session {
  /** The environment variables this command line runs with (BDX_HOME, BDX_DEBUG). */
  Map<String, String> env();

  /** Runs one more {@code bdx} command line in the same environment; returns its exit code. */
  int run(PrintWriter out, PrintWriter err, String... args);
}
