package org.bdx.cli.command;

/** An expected failure: printed as one clear message, exit code 1, no stack trace. */
public final class CliException extends RuntimeException {
  public CliException(String message) {
    super(message, null, false, false);
  }
}
