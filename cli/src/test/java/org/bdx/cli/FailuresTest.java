package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bdx.cli.command.CliException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Exit codes and failure messages, which scripts and coordinators rely on. */
class FailuresTest {
  @TempDir Path tmp;

  @Test
  void expectedFailure_exitsOne_withOneLineAndNoStackTrace() {
    String home = tmp.resolve("nothing-here").toString();
    CliRun id = CliRun.bdx("id", "--home", home);
    assertThat(id.exitCode()).as(id.toString()).isEqualTo(1);
    assertThat(id.err())
        .startsWith("bdx: no node in " + home)
        .doesNotContain("Exception")
        .hasLineCount(1);
  }

  @Test
  void usageError_exitsTwo() {
    CliRun unknown = CliRun.bdx("nosuchcommand");
    assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(2);
    assertThat(unknown.err()).contains("'nosuchcommand'");
    CliRun missing = CliRun.bdx("partner", "show");
    assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(2);
    assertThat(missing.err()).contains("PARTNER");
  }

  @Test
  void unexpectedFailure_saysSo_andShowsAStackTraceOnlyWithDebug() {
    Exception bug = new IllegalStateException("boom");
    String quiet = handle(new Failures(false), bug);
    assertThat(quiet)
        .isEqualTo(
            "bdx: an unexpected error inside bdx: boom (set BDX_DEBUG=1 for details, and please"
                + " report it)"
                + System.lineSeparator());
    String debug = handle(new Failures(true), bug);
    assertThat(debug).startsWith(quiet).contains("at org.bdx.cli.FailuresTest");
  }

  @Test
  void expectedFailure_hasNoStackTraceEvenWithDebug() {
    String debug = handle(new Failures(true), new CliException("no such file: terms.json"));
    assertThat(debug).isEqualTo("bdx: no such file: terms.json" + System.lineSeparator());
  }

  @Test
  void fileProblem_namesTheFileAndWhatIsWrong() throws Exception {
    Path file = Files.writeString(tmp.resolve("not-a-directory"), "");
    CliRun init = CliRun.bdx("init", "--home", file.toString(), "--name", "East Outreach");
    assertThat(init.exitCode()).as(init.toString()).isEqualTo(1);
    assertThat(init.err())
        .isEqualTo(
            "bdx: "
                + file
                + " is a file, not a directory; choose another --home"
                + System.lineSeparator());

    assertThat(handle(new Failures(false), new AccessDeniedException("/srv/bdx/admin.token")))
        .isEqualTo("bdx: /srv/bdx/admin.token: permission denied" + System.lineSeparator());
    // A reason the system gave is kept as it is.
    assertThat(handle(new Failures(false), new FileSystemException("/srv/bdx", null, "Read-only")))
        .isEqualTo("bdx: /srv/bdx: Read-only" + System.lineSeparator());
  }

  @Test
  void exitCodes_usageErrorTwo_everyOtherFailureOne() {
    Failures failures = new Failures(false);
    CommandLine cl = new CommandLine(new Empty());
    assertThat(failures.getExitCode(new CommandLine.ParameterException(cl, "bad"))).isEqualTo(2);
    assertThat(failures.getExitCode(new CliException("expected"))).isEqualTo(1);
    assertThat(failures.getExitCode(new IllegalStateException("bug"))).isEqualTo(1);
  }

  @Test
  void nodeStatuses_mapToTheDocumentedExitCodes() {
    Failures failures = new Failures(false);
    assertThat(failures.getExitCode(Status.UNAVAILABLE.asRuntimeException())).isEqualTo(3);
    assertThat(failures.getExitCode(Status.DEADLINE_EXCEEDED.asRuntimeException())).isEqualTo(3);
    assertThat(failures.getExitCode(Status.UNAUTHENTICATED.asRuntimeException())).isEqualTo(4);
    assertThat(failures.getExitCode(Status.PERMISSION_DENIED.asRuntimeException())).isEqualTo(4);
    assertThat(failures.getExitCode(Status.NOT_FOUND.asRuntimeException())).isEqualTo(1);
    // Our node answered; the partner it had to reach did not: a failure, not "not running".
    assertThat(
            failures.getExitCode(
                Status.UNAVAILABLE
                    .withDescription("partner north is not reachable")
                    .asRuntimeException()))
        .isEqualTo(1);
  }

  @Test
  void refusedField_isReportedAsTheField_inJson() {
    var refused =
        StatusProto.toStatusRuntimeException(
            com.google.rpc.Status.newBuilder()
                .setCode(Status.Code.INVALID_ARGUMENT.value())
                .setMessage("invalid report")
                .addDetails(
                    Any.pack(
                        BadRequest.newBuilder()
                            .addFieldViolations(
                                BadRequest.FieldViolation.newBuilder()
                                    .setField("incident_date")
                                    .setDescription("is in the future"))
                            .build()))
                .build());
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new Empty());
    cl.setErr(new PrintWriter(err));
    int code = new Failures(false, true).handleExecutionException(refused, cl, null);
    assertThat(code).isEqualTo(1);
    String newline = System.lineSeparator().equals("\n") ? "\\n" : "\\r\\n";
    assertThat(err.toString().strip())
        .isEqualTo(
            "{\"error\":{\"code\":1,\"message\":\"the node refused the request:"
                + newline
                + "  incident_date: is in the future\",\"field\":\"incident_date\"}}");
  }

  @Test
  void messages_neverNameAJavaClass() {
    assertThat(
            handle(
                new Failures(false),
                new java.io.IOException("java.io.EOFException: End of input at line 2")))
        .isEqualTo("bdx: End of input at line 2" + System.lineSeparator());
  }

  private static String handle(Failures failures, Exception ex) {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new Empty());
    cl.setErr(new PrintWriter(err));
    int code = failures.handleExecutionException(ex, cl, null);
    assertThat(code).isEqualTo(1);
    return err.toString();
  }

  @Command(name = "empty")
  static final class Empty implements Runnable {
    @Override
    public void run() {}
  }
}
