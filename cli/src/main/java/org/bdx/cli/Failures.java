package org.bdx.cli;

import io.grpc.StatusRuntimeException;
import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * How every command fails, in one place: the exit code (0 success, 1 failure, 2 usage error, as
 * {@code bdx --help} promises) and one line on standard error. A stack trace only helps a
 * developer, so it is printed only with BDX_DEBUG set, and never for an expected failure.
 */
final class Failures implements IExitCodeExceptionMapper, IExecutionExceptionHandler {
  static final int FAILURE = 1;
  static final int USAGE = 2;

  private final boolean debug;

  Failures(boolean debug) {
    this.debug = debug;
  }

  @Override
  public int getExitCode(Throwable failure) {
    return failure instanceof ParameterException ? USAGE : FAILURE;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    cmd.getErr().println("bdx: " + message(ex));
    if (debug && !(ex instanceof CliException)) {
      ex.printStackTrace(cmd.getErr());
    }
    cmd.getErr().flush();
    return getExitCode(ex);
  }

  /** What went wrong, in words a coordinator can act on. */
  static String message(Exception ex) {
    return switch (ex) {
      case CliException e -> e.getMessage();
      // The node's own checks (settings, addresses, files) already say what is wrong.
      case IOException e -> e.getMessage();
      case IllegalArgumentException e -> e.getMessage();
      case StatusRuntimeException e -> NodeConnection.explain(e, null);
      default ->
          "unexpected "
              + ex.getClass().getSimpleName()
              + " (set BDX_DEBUG=1 for details): "
              + ex.getMessage();
    };
  }
}
