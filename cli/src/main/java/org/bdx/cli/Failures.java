package org.bdx.cli;

import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.regex.Pattern;
import org.bdx.cli.command.CliException;
import org.bdx.cli.command.NodeConnection;
import org.bdx.node.identity.KeyFileException;
import org.bdx.node.vault.VaultException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every command fails, in one place: the exit code (0 success, 1 failure, 2 usage error, 3 node
 * not running or not reachable, 4 refused by the node, as {@code bdx --help} promises) and one
 * message on standard error, or with {@code --json} one JSON object there: {@code {"error":
 * {"code": 2, "message": "...", "field": "--harm"}}}, its code the exit code. A stack trace only
 * helps a developer, so it is printed only with BDX_DEBUG set, and never for an expected failure.
 */
final class Failures
    implements IExitCodeExceptionMapper, IExecutionExceptionHandler, IParameterExceptionHandler {
  static final int FAILURE = CliException.FAILURE;
  static final int USAGE = CliException.USAGE;

  /** A Java class name leading a message, e.g. "java.io.EOFException: ". */
  private static final Pattern CLASS_NAME =
      Pattern.compile("\\b(?:[a-z][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error)\\b:? ?");

  private final boolean debug;
  private final boolean json;

  Failures(boolean debug) {
    this(debug, false);
  }

  /** {@code json}: the command line asked for {@code --json}, so failures are JSON too. */
  Failures(boolean debug, boolean json) {
    this.debug = debug;
    this.json = json;
  }

  @Override
  public int getExitCode(Throwable failure) {
    return switch (failure) {
      case ParameterException e -> USAGE;
      case CliException e -> e.exitCode();
      case StatusRuntimeException e -> NodeConnection.failure(e, null).exitCode();
      default -> FAILURE;
    };
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    int code = getExitCode(ex);
    if (json) {
      err.println(json(code, message(ex), field(ex)));
    } else {
      err.println("bdx: " + message(ex));
    }
    if (debug && !(ex instanceof CliException)) {
      ex.printStackTrace(err);
    }
    err.flush();
    return code;
  }

  /**
   * A wrong command line: picocli's message with what the command takes (its suggestions for a
   * mistyped word, else its usage), or with {@code --json} the message alone as JSON.
   */
  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    if (json) {
      err.println(json(USAGE, scrub(ex.getMessage()), field(ex)));
    } else {
      err.println(ex.getMessage());
      if (!UnmatchedArgumentException.printSuggestions(ex, err)) {
        cmd.usage(err, cmd.getColorScheme());
      }
    }
    err.flush();
    return USAGE;
  }

  /** The option, parameter or field to blame, or null. */
  static String field(Exception ex) {
    return switch (ex) {
      case CliException e -> e.field();
      case StatusRuntimeException e -> NodeConnection.failure(e, null).field();
      case ParameterException e when e.getArgSpec() instanceof OptionSpec o -> o.longestName();
      case ParameterException e when e.getArgSpec() instanceof PositionalParamSpec p ->
          p.paramLabel();
      case MissingParameterException e when !e.getMissing().isEmpty() ->
          e.getMissing().getFirst() instanceof OptionSpec o
              ? o.longestName()
              : e.getMissing().getFirst().paramLabel();
      case UnmatchedArgumentException e when !e.getUnmatched().isEmpty() ->
          e.getUnmatched().getFirst();
      default -> null;
    };
  }

  /** What went wrong, in words a coordinator can act on, with no Java class name. */
  static String message(Exception ex) {
    return scrub(
        switch (ex) {
          case CliException e -> e.getMessage();
          // Without a reason, the message is the bare path ("bdx: /etc/passwd"): add what is wrong.
          case FileSystemException e when e.getReason() == null ->
              e.getMessage() + ": " + problem(e);
          // The node's own checks (settings, addresses, files) already say what is wrong.
          case IOException e -> e.getMessage();
          case IllegalArgumentException e -> e.getMessage();
          // The vault and the key files say what is wrong, and never a secret.
          case VaultException e -> e.getMessage();
          case KeyFileException e -> e.getMessage();
          case StatusRuntimeException e -> NodeConnection.explain(e, null);
          default ->
              "an unexpected error inside bdx"
                  + (ex.getMessage() == null ? "" : ": " + ex.getMessage())
                  + " (set BDX_DEBUG=1 for details, and please report it)";
        });
  }

  /** {@code message} without Java class names, which mean nothing to a coordinator. */
  static String scrub(String message) {
    return message == null ? "" : CLASS_NAME.matcher(message).replaceAll("");
  }

  static String json(int code, String message, String field) {
    return "{\"error\":{\"code\":"
        + code
        + ",\"message\":"
        + quoted(message)
        + ",\"field\":"
        + (field == null || field.isEmpty() ? "null" : quoted(field))
        + "}}";
  }

  /** {@code s} as a JSON string. */
  private static String quoted(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  private static String problem(FileSystemException e) {
    return switch (e) {
      case NoSuchFileException x -> "no such file or directory";
      case AccessDeniedException x -> "permission denied";
      case FileAlreadyExistsException x -> "already exists";
      case NotDirectoryException x -> "not a directory";
      case DirectoryNotEmptyException x -> "directory not empty";
      default -> "cannot use it";
    };
  }
}
