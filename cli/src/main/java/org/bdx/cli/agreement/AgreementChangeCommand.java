package org.bdx.cli.agreement;

import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.CliException;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.cli.command.TerminalText;
import org.bdx.proto.v1.AcceptAgreementRequest;
import org.bdx.proto.v1.Agreement;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.CancelAmendmentRequest;
import org.bdx.proto.v1.GetAgreementRequest;
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

  /** What happened, for a person; {@code after} is the agreement as the node returned it. */
  abstract String done(Agreement after);

  /** The agreement as this node holds it now. */
  Agreement current(NodeConnection node) throws Exception {
    return node.admin(
            s ->
                s.getAgreement(
                    GetAgreementRequest.newBuilder().setAgreementId(agreementId).build()))
        .getAgreement();
  }

  @Override
  protected void run() throws Exception {
    try (NodeConnection node = connect()) {
      Agreement a = change(node);
      if (json()) {
        out().println(Printing.json(a));
        return;
      }
      out().println(done(a));
      AgreementPrinting.print(out(), a);
    }
  }

  @Command(
      name = "accept",
      description = {
        "Accept a pending agreement (alerts start to flow both ways) or the partner's amendment.",
        "Accepting an amendment of an active agreement tells the partner first, then the new"
            + " terms apply on both sides. Alerts each side holds that the new terms still allow"
            + " are kept; what they newly allow arrives; fields and alerts they no longer allow"
            + " are deleted."
      })
  public static final class Accept extends AgreementChangeCommand {
    /** Set when the call accepts the partner's amendment rather than the agreement. */
    private boolean amendment;

    @Override
    Agreement change(NodeConnection node) throws Exception {
      Agreement before = current(node);
      if (before.getState() == AgreementState.AGREEMENT_STATE_ACTIVE
          && before.hasPendingAmendment()) {
        if (before.getPendingAmendment().getProposedByUs()) {
          throw new CliException(
              "the pending amendment of "
                  + agreementId
                  + " is this node's own; "
                  + TerminalText.safe(before.getPartner())
                  + " accepts it on its node. To withdraw it: bdx agreement decline "
                  + agreementId);
        }
        amendment = true;
      }
      return node.admin(
              s ->
                  s.acceptAgreement(
                      AcceptAgreementRequest.newBuilder().setAgreementId(agreementId).build()))
          .getAgreement();
    }

    @Override
    String done(Agreement after) {
      return amendment
          ? "Accepted the amendment; the new terms (version "
              + after.getTermsVersion()
              + ") are in force on both sides."
          : "Accepted and signed; the partner has been told.";
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
    String done(Agreement after) {
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
    String done(Agreement after) {
      return "Resumed: sharing continues where it stopped.";
    }
  }

  @Command(
      name = "terminate",
      description = {
        "End an agreement for good. Both sides stop sending; each deletes what it received under it.",
        "To change what flows instead, keeping what each side holds: bdx agreement amend"
      })
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
    String done(Agreement after) {
      return "Terminated. Alerts received under it have been deleted here; the partner deletes theirs.";
    }
  }

  @Command(
      name = "decline",
      description = {
        "Say no to what is pending: the partner's amendment or proposal (declined), or your own"
            + " (withdrawn). The partner is told.",
        "A declined amendment changes nothing: the terms in force stay and nothing is deleted."
            + " A declined proposal ends that agreement before anything flowed under it.",
        "An active agreement with nothing pending is left alone; to end it: bdx agreement"
            + " terminate"
      })
  public static final class Decline extends AgreementChangeCommand {
    private String done;

    @Override
    Agreement change(NodeConnection node) throws Exception {
      Agreement before = current(node);
      if (before.hasPendingAmendment()) {
        done =
            before.getPendingAmendment().getProposedByUs()
                ? "Withdrew your amendment; the terms in force stay. The partner has been told."
                : "Declined the partner's amendment; the terms in force stay. The partner has"
                    + " been told.";
        return node.admin(
                s ->
                    s.cancelAmendment(
                        CancelAmendmentRequest.newBuilder().setAgreementId(agreementId).build()))
            .getAgreement();
      }
      if (before.getState() == AgreementState.AGREEMENT_STATE_PROPOSED) {
        // A first proposal is declined or withdrawn by terminating it (spec AGR-9.3), only if it
        // is still PROPOSED when the node acts: a withdrawal racing the partner's acceptance of
        // our own proposal must not end the agreement just accepted.
        done =
            before.getProposedByUs()
                ? "Withdrew your proposal; nothing will flow under it. The partner has been told."
                : "Declined the partner's proposal; nothing will flow under it. The partner has"
                    + " been told.";
        return node.admin(
                s ->
                    s.terminateAgreement(
                        TerminateAgreementRequest.newBuilder()
                            .setAgreementId(agreementId)
                            .setOnlyIfProposed(true)
                            .build()))
            .getAgreement();
      }
      throw new CliException(
          "nothing is pending for agreement "
              + agreementId
              + " (it is "
              + AgreementPrinting.stateFor(before)
              + "): no amendment and no proposal to decline"
              + (before.getState() == AgreementState.AGREEMENT_STATE_ACTIVE
                  ? ". To change its terms: bdx agreement amend " + agreementId + " --terms FILE"
                  : ""));
    }

    @Override
    String done(Agreement after) {
      return done;
    }
  }
}
