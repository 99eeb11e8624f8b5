package org.bdx.cli.command;

/**
 * An expected failure: printed as one clear message, no stack trace, with the exit code that says
 * what kind of failure it is (see {@code bdx --help}) and, when one is to blame, the option or
 * field, which {@code --json} reports for scripts.
 */
public final class CliException extends RuntimeException {
  /** Exit code: the command failed (a file, the node's answer, anything else). */
  public static final int FAILURE = 1;

  /** Exit code: the command line is wrong; nothing was done. */
  public static final int USAGE = 2;

  /** Exit code: the node is not running or cannot be reached. */
  public static final int UNREACHABLE = 3;

  /** Exit code: the node refused the credential, or the step for its role or this side. */
  public static final int REFUSED = 4;

  private final int exitCode;
  private final String field;

  public CliException(String message) {
    this(message, FAILURE, null);
  }

  public CliException(String message, int exitCode, String field) {
    super(message, null, false, false);
    this.exitCode = exitCode;
    this.field = field;
  }

  /** A wrong command line: {@code option} (e.g. {@code --class}) or its value is to blame. */
  public static CliException usage(String option, String message) {
    return new CliException(message, USAGE, option);
  }

  /** A failure caused by a field of a file or request, e.g. {@code we_send.retention_days}. */
  public static CliException field(String field, String message) {
    return new CliException(message, FAILURE, field);
  }

  public int exitCode() {
    return exitCode;
  }

  /** The option or field to blame, or null. */
  public String field() {
    return field;
  }

  /** The same failure, its message led by {@code prefix}, e.g. "no backup made: ". */
  public CliException prefixed(String prefix) {
    return new CliException(prefix + getMessage(), exitCode, field);
  }
}
