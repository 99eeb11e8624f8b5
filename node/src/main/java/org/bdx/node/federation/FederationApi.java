package org.bdx.node.federation;

import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.bdx.node.agreement.PartnerActions;
import org.bdx.node.edge.PeerIdentity;
import org.bdx.proto.v1.CloseAmendmentRequest;
import org.bdx.proto.v1.CloseAmendmentResponse;
import org.bdx.proto.v1.ConfirmAgreementRequest;
import org.bdx.proto.v1.ConfirmAgreementResponse;
import org.bdx.proto.v1.FederationServiceGrpc;
import org.bdx.proto.v1.GetKeyLogRequest;
import org.bdx.proto.v1.GetKeyLogResponse;
import org.bdx.proto.v1.NotifyAgreementStateRequest;
import org.bdx.proto.v1.NotifyAgreementStateResponse;
import org.bdx.proto.v1.OfferAgreementRequest;
import org.bdx.proto.v1.OfferAgreementResponse;
import org.bdx.proto.v1.SignedKeyEvent;
import org.bdx.proto.v1.SubscribeRequest;
import org.bdx.proto.v1.SubscribeResponse;

/**
 * What partner nodes may call, served only over mutual TLS. The caller is always the authenticated
 * peer from its certificate ({@link PeerIdentity}), never a field in the request.
 */
public final class FederationApi extends FederationServiceGrpc.FederationServiceImplBase {
  private final PartnerActions agreements;
  private final FeedService feeds;
  private final Supplier<List<SignedKeyEvent>> ownKeyLog;

  /**
   * @param ownKeyLog this node's own key log as stored (KEY-10), event 0 first, served to partners
   *     (KEY-15)
   */
  public FederationApi(
      PartnerActions agreements, FeedService feeds, Supplier<List<SignedKeyEvent>> ownKeyLog) {
    this.agreements = agreements;
    this.feeds = feeds;
    this.ownKeyLog = Objects.requireNonNull(ownKeyLog, "ownKeyLog");
  }

  @Override
  public void offerAgreement(
      OfferAgreementRequest req, StreamObserver<OfferAgreementResponse> out) {
    if (!req.hasAgreement()) {
      throw new IllegalArgumentException("agreement: required");
    }
    agreements.receiveOffer(PeerIdentity.current(), req.getAgreement());
    out.onNext(OfferAgreementResponse.getDefaultInstance());
    out.onCompleted();
  }

  @Override
  public void confirmAgreement(
      ConfirmAgreementRequest req, StreamObserver<ConfirmAgreementResponse> out) {
    if (!req.hasAgreement()) {
      throw new IllegalArgumentException("agreement: required");
    }
    agreements.receiveConfirmation(PeerIdentity.current(), req.getAgreement());
    out.onNext(ConfirmAgreementResponse.getDefaultInstance());
    out.onCompleted();
  }

  @Override
  public void notifyAgreementState(
      NotifyAgreementStateRequest req, StreamObserver<NotifyAgreementStateResponse> out) {
    agreements.receiveStateChange(PeerIdentity.current(), req.getAgreementId(), req.getState());
    out.onNext(NotifyAgreementStateResponse.getDefaultInstance());
    out.onCompleted();
  }

  @Override
  public void closeAmendment(
      CloseAmendmentRequest req, StreamObserver<CloseAmendmentResponse> out) {
    agreements.receiveAmendmentClosed(
        PeerIdentity.current(), req.getAgreementId(), req.getVersion());
    out.onNext(CloseAmendmentResponse.getDefaultInstance());
    out.onCompleted();
  }

  /**
   * This node's own key log from {@code from_sequence} on (KEY-15). Only partners reach here
   * (FED-TLS-7); the log is public, so every partner gets all of it.
   */
  @Override
  public void getKeyLog(GetKeyLogRequest req, StreamObserver<GetKeyLogResponse> out) {
    List<SignedKeyEvent> log = ownKeyLog.get();
    GetKeyLogResponse.Builder r = GetKeyLogResponse.newBuilder();
    if (Long.compareUnsigned(req.getFromSequence(), log.size()) < 0) {
      r.addAllEvents(log.subList((int) req.getFromSequence(), log.size()));
    }
    out.onNext(r.build());
    out.onCompleted();
  }

  @Override
  public StreamObserver<SubscribeRequest> subscribe(StreamObserver<SubscribeResponse> out) {
    return feeds.subscribe(PeerIdentity.current(), out);
  }
}
