package org.bdx.node.federation;

import io.grpc.stub.StreamObserver;
import org.bdx.node.agreement.AgreementBook;
import org.bdx.node.edge.PeerIdentity;
import org.bdx.proto.v1.ConfirmAgreementRequest;
import org.bdx.proto.v1.ConfirmAgreementResponse;
import org.bdx.proto.v1.FederationServiceGrpc;
import org.bdx.proto.v1.NotifyAgreementStateRequest;
import org.bdx.proto.v1.NotifyAgreementStateResponse;
import org.bdx.proto.v1.OfferAgreementRequest;
import org.bdx.proto.v1.OfferAgreementResponse;
import org.bdx.proto.v1.SubscribeRequest;
import org.bdx.proto.v1.SubscribeResponse;

/**
 * What partner nodes may call, served only over mutual TLS. The caller is always the authenticated
 * peer from its certificate ({@link PeerIdentity}), never a field in the request.
 */
public final class FederationApi extends FederationServiceGrpc.FederationServiceImplBase {
  private final AgreementBook book;
  private final FeedService feeds;

  public FederationApi(AgreementBook book, FeedService feeds) {
    this.book = book;
    this.feeds = feeds;
  }

  @Override
  public void offerAgreement(
      OfferAgreementRequest req, StreamObserver<OfferAgreementResponse> out) {
    if (!req.hasAgreement()) {
      throw new IllegalArgumentException("agreement: required");
    }
    book.receiveOffer(PeerIdentity.current(), req.getAgreement());
    out.onNext(OfferAgreementResponse.getDefaultInstance());
    out.onCompleted();
  }

  @Override
  public void confirmAgreement(
      ConfirmAgreementRequest req, StreamObserver<ConfirmAgreementResponse> out) {
    if (!req.hasAgreement()) {
      throw new IllegalArgumentException("agreement: required");
    }
    book.receiveConfirmation(PeerIdentity.current(), req.getAgreement());
    out.onNext(ConfirmAgreementResponse.getDefaultInstance());
    out.onCompleted();
  }

  @Override
  public void notifyAgreementState(
      NotifyAgreementStateRequest req, StreamObserver<NotifyAgreementStateResponse> out) {
    book.receiveStateChange(PeerIdentity.current(), req.getAgreementId(), req.getState());
    out.onNext(NotifyAgreementStateResponse.getDefaultInstance());
    out.onCompleted();
  }

  @Override
  public StreamObserver<SubscribeRequest> subscribe(StreamObserver<SubscribeResponse> out) {
    return feeds.subscribe(PeerIdentity.current(), out);
  }
}
