package org.bdx.cli.agreement;

import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.proto.v1.AcceptAgreementRequest;
import org.bdx.proto.v1.Agreement;
import org.bdx.proto.v1.ResumeAgreementRequest;
import org.bdx.proto.v1.SuspendAgreementRequest;
import org.bdx.proto.v1.TerminateAgreementRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The agreement state changes: each takes an id, tells the partner, and prints the result. */
public abstract class AgreementChangeCommand extends BdxCommand {
  @Parameters(paramLabel = "ID", description = "The agreement id.")
  String agreementId;

  abstract Agreement change(NodeConnection node) throws Exception;

  abstract String done();

  @Override
  protected void run() throws Exception {
    try (NodeConnection node = connect()) {
      Agreement a = change(node);
      if (json()) {
        out().println(Printing.json(a));
        return;
      }
      out().println(done());
      AgreementPrinting.print(out(), a);
    }
  }

  @Command(
      name = "accept",
      description = "Accept a pending agreement; alerts start to flow both ways.")
  public static final class Accept extends AgreementChangeCommand {
    @Override
    Agreement change(NodeConnection node) throws Exception {
      return node.admin(
              s ->
                  s.acceptAgreement(
                      AcceptAgreementRequest.newBuilder().setAgreementId(agreementId).build()))
          .getAgreement();
    }

    @Override
    String done() {
      return "Accepted and signed; the partner has been told.";
    }
  }

  @Command(
      name = "suspend",
      description = "Stop all sharing under an agreement at once, both ways, until you resume it.")
  public static final class Suspend extends AgreementChangeCommand {
    @Override
    Agreement change(NodeConnection node) throws Exception {
      return node.admin(
              s ->
                  s.suspendAgreement(
                      SuspendAgreementRequest.newBuilder().setAgreementId(agreementId).build()))
          .getAgreement();
    }

    @Override
    String done() {
      return "Suspended: nothing flows either way until you resume it.";
    }
  }

  @Command(name = "resume", description = "Resume an agreement you suspended.")
  public static final class Resume extends AgreementChangeCommand {
    @Override
    Agreement change(NodeConnection node) throws Exception {
      return node.admin(
              s ->
                  s.resumeAgreement(
                      ResumeAgreementRequest.newBuilder().setAgreementId(agreementId).build()))
          .getAgreement();
    }

    @Override
    String done() {
      return "Resumed: sharing continues where it stopped.";
    }
  }

  @Command(
      name = "terminate",
      description =
          "End an agreement for good. Both sides stop sending; each deletes what it received under it.")
  public static final class Terminate extends AgreementChangeCommand {
    @Override
    Agreement change(NodeConnection node) throws Exception {
      return node.admin(
              s ->
                  s.terminateAgreement(
                      TerminateAgreementRequest.newBuilder().setAgreementId(agreementId).build()))
          .getAgreement();
    }

    @Override
    String done() {
      return "Terminated. Alerts received under it have been deleted here; the partner deletes theirs.";
    }
  }
}
