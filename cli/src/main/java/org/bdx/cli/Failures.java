package org.bdx.cli;

import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.bdx.cli.command.CliException;
import org.bdx.cli.command.NodeConnection;
import org.bdx.node.identity.KeyFileException;
import org.bdx.node.vault.VaultException;
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
      // Without a reason, the message is the bare path ("bdx: /etc/passwd"): add what is wrong.
      case FileSystemException e when e.getReason() == null -> e.getMessage() + ": " + problem(e);
      // The node's own checks (settings, addresses, files) already say what is wrong.
      case IOException e -> e.getMessage();
      case IllegalArgumentException e -> e.getMessage();
      // The vault and the key files say what is wrong, and never a secret.
      case VaultException e -> e.getMessage();
      case KeyFileException e -> e.getMessage();
      case StatusRuntimeException e -> NodeConnection.explain(e, null);
      default ->
          "unexpected "
              + ex.getClass().getSimpleName()
              + " (set BDX_DEBUG=1 for details): "
              + ex.getMessage();
    };
  }

  private static String problem(FileSystemException e) {
    return switch (e) {
      case NoSuchFileException x -> "no such file or directory";
      case AccessDeniedException x -> "permission denied";
      case FileAlreadyExistsException x -> "already exists";
      case NotDirectoryException x -> "not a directory";
      case DirectoryNotEmptyException x -> "directory not empty";
      default -> "file system error (" + e.getClass().getSimpleName() + ")";
    };
  }
}
