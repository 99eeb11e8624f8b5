package org.bdx.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs the real CLI entry point in-process and captures what it prints. */
record CliRun(int exitCode, String out, String err) {
  static CliRun bdx(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Bdx.run(new PrintWriter(out), new PrintWriter(err), Map.of(), args);
    return new CliRun(code, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
  }
}
