package org.bdx.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.conformance.ConformanceFixture.WAIT;
import static org.bdx.conformance.ConformanceFixture.assertStatus;
import static org.bdx.conformance.ConformanceFixture.notice;
import static org.bdx.conformance.ConformanceFixture.offer;
import static org.bdx.conformance.ConformanceFixture.propose;
import static org.bdx.conformance.ConformanceFixture.randomBytes;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.ConfirmAgreementRequest;
import org.bdx.proto.v1.FederationServiceGrpc;
import org.bdx.proto.v1.FeedAck;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.NotifyAgreementStateRequest;
import org.bdx.proto.v1.OfferAgreementRequest;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.SignedAgreement;
import org.bdx.proto.v1.SubscribeRequest;
import org.bdx.proto.v1.SubscribeStart;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Hostile federation calls from a partner with an agreement (spec section 11.1). */
abstract class HostileSection extends ConformanceSection {
  HostileSection(ConformanceFixture fixture) {
    super(fixture);
  }

  @Test
  @Order(60)
  @DisplayName(
      "HOST-2, FAPI-2, AGR-4, AGR-5, AGR-7: hostile OfferAgreement calls get their status and change nothing")
  void hostileOffers() throws Exception {
    federation();
    SuiteNode m = hostile;
    AgreementTerms valid = terms(m, PartnerClass.PARTNER_CLASS_PEER, SpecCrypto.newId16());
    SignedAgreement signed = propose(m.keys, valid);
    byte[] flipped = signed.getTerms().toByteArray();
    flipped[flipped.length - 1] ^= 1;
    long heldProposedAt = AgreementTerms.parseFrom(m.offered.getTerms()).getProposedAt();
    SpecCrypto.Keys third = SpecCrypto.Keys.generate();
    AgreementTerms byThird =
        valid.toBuilder()
            .setProposerNodeId(third.nodeId())
            .setProposerPublicKey(ByteString.copyFrom(third.publicKey()))
            .build();
    var fed = fed(m);
    assertStatus(
        () -> fed.offerAgreement(OfferAgreementRequest.getDefaultInstance()),
        Status.Code.INVALID_ARGUMENT);
    assertStatus(
        () ->
            fed.offerAgreement(
                offer(
                    SignedAgreement.newBuilder()
                        .setTerms(ByteString.copyFrom(randomBytes(100)))
                        .setProposerSignature(ByteString.copyFrom(new byte[64]))
                        .build())),
        Status.Code.INVALID_ARGUMENT);
    assertStatus(
        () ->
            fed.offerAgreement(
                offer(signed.toBuilder().setTerms(ByteString.copyFrom(flipped)).build())),
        Status.Code.INVALID_ARGUMENT);
    assertStatus(
        () ->
            fed.offerAgreement(offer(signed.toBuilder().setUnknownFields(unknownField(9)).build())),
        Status.Code.INVALID_ARGUMENT);
    assertStatus(
        () ->
            fed.offerAgreement(
                offer(
                    signed.toBuilder()
                        .setAcceptorSignature(ByteString.copyFrom(new byte[64]))
                        .build())),
        Status.Code.INVALID_ARGUMENT);
    // AGR-4: all_harms beside a harm list, correctly signed by the caller: TERMS_INVALID.
    AgreementTerms allWithList =
        valid.toBuilder()
            .setProposerToAcceptor(
                valid.getProposerToAcceptor().toBuilder()
                    .setAllHarms(true)
                    .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY))
            .build();
    assertStatus(
        () -> fed.offerAgreement(offer(propose(m.keys, allWithList))),
        Status.Code.INVALID_ARGUMENT);
    assertStatus(
        () -> fed.offerAgreement(offer(propose(third, byThird))), Status.Code.PERMISSION_DENIED);
    assertStatus(
        () ->
            fed.offerAgreement(
                offer(
                    propose(
                        m.keys,
                        // Other terms under the same id: proposed_at differs from the held offer
                        // even when both were made within the same second.
                        valid.toBuilder()
                            .setAgreementId(m.agreementId)
                            .setProposedAt(heldProposedAt + 1)
                            .build()))),
        Status.Code.ALREADY_EXISTS);
    assertStatus(() -> fed.offerAgreement(offer(signed)), Status.Code.FAILED_PRECONDITION);
    // The twin: the genuine offer repeated succeeds and changes nothing (AGR-7.4).
    fed.offerAgreement(offer(m.offered));
    assertActive(m);
  }

  @Test
  @Order(61)
  @DisplayName(
      "HOST-2, FAPI-2, AGR-8.2: hostile ConfirmAgreement calls get their status and change nothing")
  void hostileConfirmations() throws Exception {
    federation();
    SuiteNode m = hostile;
    var fed = fed(m);
    AgreementTerms t = AgreementTerms.parseFrom(m.offered.getTerms());
    assertStatus(
        () -> fed.confirmAgreement(ConfirmAgreementRequest.getDefaultInstance()),
        Status.Code.INVALID_ARGUMENT);
    assertStatus(
        () ->
            fed.confirmAgreement(
                confirm(
                    SignedAgreement.newBuilder()
                        .setTerms(
                            t.toBuilder()
                                .setAgreementId(SpecCrypto.newId16())
                                .build()
                                .toByteString())
                        .setProposerSignature(ByteString.copyFrom(new byte[64]))
                        .setAcceptorSignature(ByteString.copyFrom(new byte[64]))
                        .build())),
        Status.Code.NOT_FOUND);
    assertStatus(
        () ->
            fed.confirmAgreement(
                confirm(
                    m.confirmed.toBuilder()
                        .setTerms(t.toBuilder().setAgreementId("NOT-AN-ID").build().toByteString())
                        .build())),
        Status.Code.INVALID_ARGUMENT);
    assertActive(m);
  }

  @Test
  @Order(62)
  @DisplayName(
      "HOST-2, FAPI-2, AGR-9.4: hostile NotifyAgreementState calls get their status and change nothing")
  void hostileNotices() throws Exception {
    federation();
    SuiteNode m = hostile;
    var fed = fed(m);
    assertStatus(
        () ->
            fed.notifyAgreementState(
                notice(SpecCrypto.newId16(), AgreementState.AGREEMENT_STATE_SUSPENDED)),
        Status.Code.NOT_FOUND);
    assertStatus(
        () -> fed.notifyAgreementState(notice("../etc", AgreementState.AGREEMENT_STATE_SUSPENDED)),
        Status.Code.INVALID_ARGUMENT);
    for (AgreementState s :
        List.of(
            AgreementState.AGREEMENT_STATE_UNSPECIFIED, AgreementState.AGREEMENT_STATE_PROPOSED)) {
      assertStatus(
          () -> fed.notifyAgreementState(notice(m.agreementId, s)), Status.Code.INVALID_ARGUMENT);
    }
    assertStatus(
        () ->
            fed.notifyAgreementState(
                NotifyAgreementStateRequest.newBuilder()
                    .setAgreementId(m.agreementId)
                    .setStateValue(42)
                    .build()),
        Status.Code.INVALID_ARGUMENT);
    // The twin: a repeated ACTIVE notice succeeds and changes nothing.
    fed.notifyAgreementState(notice(m.agreementId, AgreementState.AGREEMENT_STATE_ACTIVE));
    assertActive(m);
  }

  @Test
  @Order(63)
  @DisplayName(
      "HOST-2, FEED-5.2, FEED-5.4: hostile Subscribe requests are INVALID_ARGUMENT; a proper one is served")
  void hostileSubscribe() throws Exception {
    federation();
    SuiteNode m = hostile;
    SubscribeRequest ack =
        SubscribeRequest.newBuilder().setAck(FeedAck.newBuilder().setThroughSequence(1)).build();
    SubscribeRequest startLast =
        SubscribeRequest.newBuilder()
            .setStart(SubscribeStart.newBuilder().setAfterSequence(Long.MAX_VALUE))
            .build();
    List<List<SubscribeRequest>> cases =
        List.of(
            List.of(ack),
            List.of(SubscribeRequest.getDefaultInstance()),
            List.of(
                SubscribeRequest.newBuilder()
                    .setStart(SubscribeStart.newBuilder().setAfterSequence(-1))
                    .build()),
            List.of(startLast, startLast));
    for (List<SubscribeRequest> c : cases) {
      SuiteNode.Subscription s = m.subscribe(nut.federationEndpoint(), false);
      c.forEach(s::send);
      assertThat(s.awaitEnd().getCode()).as("%s", c).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }
    SuiteNode.Subscription s = m.subscribe(nut.federationEndpoint(), false);
    s.send(startLast);
    s.awaitCaughtUp();
    s.ack(1); // beyond the last item sent on this stream: none was
    assertThat(s.awaitEnd().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    // The twin: a proper subscription is served.
    SuiteNode.Subscription ok = m.subscribe(nut.federationEndpoint(), false);
    allFeeds.add(ok);
    ok.start(Long.MAX_VALUE);
    ok.awaitCaughtUp();
    ok.cancel();
    assertActive(m);
  }

  @Test
  @Order(64)
  @DisplayName("HOST-2, HOST-1: requests that do not decode are INVALID_ARGUMENT")
  void undecodable() throws Exception {
    federation();
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
    ManagedChannel ch = hostile.channel(nut.federationEndpoint());
    for (var method :
        List.of(
            FederationServiceGrpc.getOfferAgreementMethod(),
            FederationServiceGrpc.getConfirmAgreementMethod(),
            FederationServiceGrpc.getNotifyAgreementStateMethod())) {
      MethodDescriptor<byte[], byte[]> raw =
          method.toBuilder(SuiteNode.RawBytes.INSTANCE, SuiteNode.RawBytes.INSTANCE).build();
      assertStatus(
          () ->
              ClientCalls.blockingUnaryCall(
                  ch, raw, CallOptions.DEFAULT.withDeadlineAfter(WAIT, TimeUnit.SECONDS), garbage),
          Status.Code.INVALID_ARGUMENT);
    }
    assertActive(hostile);
  }

  private static ConfirmAgreementRequest confirm(SignedAgreement s) {
    return ConfirmAgreementRequest.newBuilder().setAgreement(s).build();
  }

  private static UnknownFieldSet unknownField(int number) {
    return UnknownFieldSet.newBuilder()
        .addField(number, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
        .build();
  }
}
