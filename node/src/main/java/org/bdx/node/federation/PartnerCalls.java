package org.bdx.node.federation;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;
import org.bdx.node.agreement.PartnerLabels;
import org.bdx.node.error.BdxException;
import org.bdx.node.store.PartnerRecord;
import org.bdx.node.tls.CertificateDatesException;
import org.bdx.node.tls.PartnerChannels;
import org.bdx.node.tls.PartnerKeyProbe;
import org.bdx.node.tls.WrongNodeException;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.CloseAmendmentRequest;
import org.bdx.proto.v1.ConfirmAgreementRequest;
import org.bdx.proto.v1.FederationServiceGrpc;
import org.bdx.proto.v1.NotifyAgreementStateRequest;
import org.bdx.proto.v1.OfferAgreementRequest;
import org.bdx.proto.v1.SignedAgreement;

/**
 * The calls this node makes to a partner for its coordinator: learn its key, offer, confirm, and
 * tell it of a state change. Each call is one short-lived channel with a deadline. A failure
 * becomes a {@link BdxException} that says in plain words what happened at the partner and what it
 * means here (the {@code consequence} the caller gives): UNAVAILABLE when the partner cannot be
 * reached (worth retrying), FAILED_PRECONDITION when it refused.
 */
public final class PartnerCalls {
  private static final Logger LOG = Logger.getLogger(PartnerCalls.class.getName());
  private static final long CALL_SECONDS = 10;

  private final PartnerChannels channels;

  public PartnerCalls(PartnerChannels channels) {
    this.channels = Objects.requireNonNull(channels, "channels");
  }

  /** The partner's public key, from the certificate its federation endpoint presents. */
  public byte[] publicKey(PartnerRecord p, String consequence) {
    try {
      return PartnerKeyProbe.publicKey(channels, p.nodeId(), p.endpoint());
    } catch (StatusRuntimeException e) {
      throw failure(p, e, consequence);
    }
  }

  public void offer(PartnerRecord p, SignedAgreement agreement, String consequence) {
    call(
        p,
        consequence,
        stub ->
            stub.offerAgreement(
                OfferAgreementRequest.newBuilder().setAgreement(agreement).build()));
  }

  public void confirm(PartnerRecord p, SignedAgreement agreement, String consequence) {
    call(
        p,
        consequence,
        stub ->
            stub.confirmAgreement(
                ConfirmAgreementRequest.newBuilder().setAgreement(agreement).build()));
  }

  public void notifyState(
      PartnerRecord p, String agreementId, AgreementState state, String consequence) {
    call(
        p,
        consequence,
        stub ->
            stub.notifyAgreementState(
                NotifyAgreementStateRequest.newBuilder()
                    .setAgreementId(agreementId)
                    .setState(state)
                    .build()));
  }

  /** What a partner answered about an amendment (spec AGR-12.4 to AGR-12.6). */
  public enum AmendmentAnswer {
    /** The partner took the call: OK. */
    TAKEN,
    /**
     * The partner answered FAILED_PRECONDITION, which for a confirmation means the amendment is not
     * pending there (AGR-12.5), and for a CloseAmendment that it is in force there (AGR-12.6).
     */
    REFUSED
  }

  /**
   * Sends the countersigned amendment to its proposer (AGR-12.4).
   *
   * @throws BdxException as the other calls, for every answer but OK and FAILED_PRECONDITION from
   *     the partner itself (not reached, another node at the endpoint, any other error)
   */
  public AmendmentAnswer confirmAmendment(
      PartnerRecord p, SignedAgreement agreement, String consequence) {
    return amendmentCall(
        p,
        consequence,
        stub ->
            stub.confirmAgreement(
                ConfirmAgreementRequest.newBuilder().setAgreement(agreement).build()));
  }

  /** Tells the partner that this node declined or withdrew the amendment {@code version}. */
  public AmendmentAnswer closeAmendment(
      PartnerRecord p, String agreementId, long version, String consequence) {
    return amendmentCall(
        p,
        consequence,
        stub ->
            stub.closeAmendment(
                CloseAmendmentRequest.newBuilder()
                    .setAgreementId(agreementId)
                    .setVersion(version)
                    .build()));
  }

  private AmendmentAnswer amendmentCall(
      PartnerRecord p,
      String consequence,
      Function<FederationServiceGrpc.FederationServiceBlockingStub, ?> call) {
    try {
      rawCall(p, call);
      return AmendmentAnswer.TAKEN;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION
          && WrongNodeException.in(e).isEmpty()) {
        return AmendmentAnswer.REFUSED;
      }
      throw failure(p, e, consequence);
    }
  }

  private void call(
      PartnerRecord p,
      String consequence,
      Function<FederationServiceGrpc.FederationServiceBlockingStub, ?> call) {
    try {
      rawCall(p, call);
    } catch (StatusRuntimeException e) {
      throw failure(p, e, consequence);
    }
  }

  private void rawCall(
      PartnerRecord p, Function<FederationServiceGrpc.FederationServiceBlockingStub, ?> call) {
    ManagedChannel ch = channels.open(p.nodeId(), p.endpoint());
    try {
      call.apply(
          FederationServiceGrpc.newBlockingStub(ch)
              .withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS));
    } finally {
      ch.shutdownNow();
    }
  }

  private static BdxException failure(
      PartnerRecord p, StatusRuntimeException e, String consequence) {
    Status s = e.getStatus();
    var wrong = WrongNodeException.in(e);
    if (wrong.isPresent()) {
      // The endpoint is up, but another node answers there: "not reachable" would send the
      // coordinator looking at the network instead of at the node id they were given.
      String message =
          "partner "
              + p.name()
              + ": the node at "
              + p.endpoint()
              + " is a different node (its fingerprint is "
              + wrong.get().presented().fingerprint()
              + "; this partner was added with fingerprint "
              + p.nodeId().fingerprint()
              + "); check the node id and endpoint with the partner (their bdx id shows both); "
              + consequence;
      LOG.warning(() -> message);
      return BdxException.failedPrecondition(message);
    }
    var dates = CertificateDatesException.in(e);
    if (dates.isPresent()) {
      // Not "not reachable": the partner answered, with a certificate out of its dates.
      String message = "partner " + p.name() + ": " + dates.get().words() + "; " + consequence;
      LOG.warning(
          () ->
              "partner "
                  + PartnerLabels.label(p.name(), p.nodeId())
                  + ": "
                  + dates.get().getMessage());
      return BdxException.failedPrecondition(message);
    }
    LOG.warning(
        () ->
            "partner "
                + PartnerLabels.label(p.name(), p.nodeId())
                + " "
                + (s.getCode() == Status.Code.UNAVAILABLE
                        || s.getCode() == Status.Code.DEADLINE_EXCEEDED
                    ? "was not reached at " + p.endpoint()
                    : "refused the call (" + s.getCode() + ")"));
    String why =
        switch (s.getCode()) {
          case UNAVAILABLE, DEADLINE_EXCEEDED -> "is not reachable at " + p.endpoint();
          case UNAUTHENTICATED -> "refused our node (has it registered us as a partner?)";
          default ->
              "refused: "
                  + s.getCode()
                  + (s.getDescription() == null ? "" : " " + s.getDescription());
        };
    String message = "partner " + p.name() + " " + why + "; " + consequence;
    return switch (s.getCode()) {
      case UNAVAILABLE, DEADLINE_EXCEEDED -> BdxException.unavailable(message);
      default -> BdxException.failedPrecondition(message);
    };
  }
}
