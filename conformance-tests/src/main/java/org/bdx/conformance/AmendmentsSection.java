package org.bdx.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.conformance.ConformanceFixture.GRANTED;
import static org.bdx.conformance.ConformanceFixture.GRANTED_TO_NUT;
import static org.bdx.conformance.ConformanceFixture.WAIT;
import static org.bdx.conformance.ConformanceFixture.assertStatus;
import static org.bdx.conformance.ConformanceFixture.header;
import static org.bdx.conformance.ConformanceFixture.notice;
import static org.bdx.conformance.ConformanceFixture.offer;
import static org.bdx.conformance.ConformanceFixture.propose;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.bdx.conformance.ConformanceFixture.Submitted;
import org.bdx.proto.v1.AcceptAgreementRequest;
import org.bdx.proto.v1.Agreement;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.AmendAgreementRequest;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.CancelAmendmentRequest;
import org.bdx.proto.v1.CloseAmendmentRequest;
import org.bdx.proto.v1.ConfirmAgreementRequest;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.GetAgreementRequest;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.OfferAgreementRequest;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.ProposedTerms;
import org.bdx.proto.v1.SignedAgreement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Amending an ACTIVE agreement (spec AGR-12, ADM-14; CONF-7): the suite's node proposes new terms,
 * closes them, has them refused and accepted; the node under test proposes, withdraws and declines;
 * and the node under test's feed follows the terms in force (AGR-12.7): fields taken away, granted
 * back, and the whole alert withdrawn header-only. It amends the agreement of a PEER partner of its
 * own, so the fixture's partners keep their terms, and runs last because an amendment sends alerts
 * again at their version, which the version checks of other sections would read as a repeat.
 *
 * <p>Long because the checks are one story on one agreement, each starting from the terms the one
 * before left in force, and the suite plays both sides of every exchange itself.
 */
abstract class AmendmentsSection extends ConformanceSection {
  /** What the node under test sends the suite's partner under a reduced amendment. */
  private static final Set<String> REDUCED = Set.of("incident_date", "area", "harms");

  private SuiteNode partner;
  private SuiteNode.Subscription feed;
  private Submitted alert;

  /** The newest item of {@link #alert} on {@link #feed} that a check has looked at. */
  private long lastSeen;

  AmendmentsSection(ConformanceFixture fixture) {
    super(fixture);
  }

  @AfterAll
  void retirePartner() {
    if (partner != null) {
      retire(partner);
    }
  }

  @Test
  @Order(110)
  @DisplayName(
      "AGR-12.1, AGR-12.2, AGR-7.4, FAPI-2, ADM-14: an amendment offered by the partner is pending, the terms in force stay; a repeat succeeds, others are refused")
  void partnersAmendmentPending() throws Exception {
    federation();
    SuiteNode p = partner();
    var fed = fed(p);
    AgreementTerms v1 = inForce();
    SignedAgreement amendment = propose(p.keys, amendment(v1, REDUCED, 0));
    fed.offerAgreement(offer(amendment));

    Agreement held = held();
    assertThat(held.getState()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
    assertThat(held.getTermsVersion()).isEqualTo(v1.getVersion());
    assertThat(held.getWeSend().getFieldPathsList())
        .containsExactlyInAnyOrderElementsOf(GRANTED.get(PartnerClass.PARTNER_CLASS_PEER));
    assertThat(held.getSigned().getTerms()).isEqualTo(p.offered.getTerms());
    assertThat(held.hasPendingAmendment()).as("pending_amendment").isTrue();
    var pending = held.getPendingAmendment();
    assertThat(pending.getVersion()).isEqualTo(v1.getVersion() + 1);
    assertThat(pending.getProposedByUs()).isFalse();
    assertThat(pending.getWeSend().getFieldPathsList())
        .containsExactlyInAnyOrderElementsOf(REDUCED);
    assertThat(pending.getSigned().getTerms()).isEqualTo(amendment.getTerms());
    assertThat(pending.getSigned().getProposerSignature())
        .isEqualTo(amendment.getProposerSignature());
    assertThat(pending.getSigned().getAcceptorSignature()).isEmpty();

    // The same offer again changes nothing (AGR-12.2).
    fed.offerAgreement(offer(amendment));
    assertThat(held().getPendingAmendment().getSigned().getTerms()).isEqualTo(amendment.getTerms());
    // Another amendment while one is pending (AGR-12.2).
    assertStatus(
        () -> fed.offerAgreement(offer(propose(p.keys, amendment(v1, REDUCED, 1)))),
        Status.Code.FAILED_PRECONDITION);
    // Other terms under the version in force: a superseded version never comes back (AGR-7.4).
    assertStatus(
        () ->
            fed.offerAgreement(
                offer(
                    propose(p.keys, v1.toBuilder().setProposedAt(v1.getProposedAt() + 1).build()))),
        Status.Code.ALREADY_EXISTS);
    // Signed badly (AGR-5): refused before anything else.
    SignedAgreement badlySigned = propose(p.keys, amendment(v1, REDUCED, 2));
    byte[] sig = badlySigned.getProposerSignature().toByteArray();
    sig[0] ^= 1;
    assertStatus(
        () ->
            fed.offerAgreement(
                offer(
                    badlySigned.toBuilder()
                        .setProposerSignature(ByteString.copyFrom(sig))
                        .build())),
        Status.Code.INVALID_ARGUMENT);
    // Signed by another key than the proposer's, with a greater version.
    assertStatus(
        () ->
            fed.offerAgreement(
                offer(
                    propose(
                        SpecCrypto.Keys.generate(),
                        amendment(v1, REDUCED, 3).toBuilder()
                            .setVersion(v1.getVersion() + 5)
                            .build()))),
        Status.Code.INVALID_ARGUMENT);
    // Another registered partner cannot amend this agreement: its terms are other terms under a
    // stored id (AGR-7.4).
    AgreementTerms byHostile =
        amendment(v1, REDUCED, 4).toBuilder()
            .setProposerNodeId(hostile.keys.nodeId())
            .setProposerPublicKey(ByteString.copyFrom(hostile.keys.publicKey()))
            .build();
    assertStatus(
        () -> fed(hostile).offerAgreement(offer(propose(hostile.keys, byHostile))),
        Status.Code.ALREADY_EXISTS);

    Agreement after = held();
    assertThat(after.getTermsVersion()).isEqualTo(v1.getVersion());
    assertThat(after.getPendingAmendment().getSigned().getTerms()).isEqualTo(amendment.getTerms());
  }

  @Test
  @Order(111)
  @DisplayName(
      "AGR-12.6, FAPI-2: CloseAmendment from the partner drops its pending amendment; hostile ones get their status and change nothing")
  void partnerClosesAmendment() throws Exception {
    federation();
    SuiteNode p = partner();
    var fed = fed(p);
    Agreement before = held();
    assertThat(before.hasPendingAmendment()).as("the amendment of the previous check").isTrue();
    long pending = before.getPendingAmendment().getVersion();
    long current = before.getTermsVersion();

    assertStatus(
        () -> fed.closeAmendment(close(p.agreementId, current)), Status.Code.FAILED_PRECONDITION);
    assertStatus(
        () -> fed.closeAmendment(close(SpecCrypto.newId16(), pending)), Status.Code.NOT_FOUND);
    assertStatus(() -> fed.closeAmendment(close(p.agreementId, 0)), Status.Code.INVALID_ARGUMENT);
    assertStatus(
        () -> fed.closeAmendment(close("not an agreement id", pending)),
        Status.Code.INVALID_ARGUMENT);
    assertStatus(
        () -> fed(hostile).closeAmendment(close(p.agreementId, pending)),
        Status.Code.PERMISSION_DENIED);
    // Another version than the pending one: nothing of it is pending, so nothing changes.
    fed.closeAmendment(close(p.agreementId, pending + 1));
    assertThat(held().getPendingAmendment().getVersion()).isEqualTo(pending);

    fed.closeAmendment(close(p.agreementId, pending));
    Agreement after = held();
    assertThat(after.hasPendingAmendment()).as("pending_amendment after closing").isFalse();
    assertThat(after.getTermsVersion()).isEqualTo(current);
    assertThat(after.getState()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
    // Closing again: none of that version is pending, which succeeds without change.
    fed.closeAmendment(close(p.agreementId, pending));
  }

  @Test
  @Order(112)
  @DisplayName(
      "AGR-12.2, FAPI-2: suspending drops the pending amendment, and an agreement that is not ACTIVE cannot be amended")
  void suspensionDropsAmendment() throws Exception {
    federation();
    SuiteNode p = partner();
    var fed = fed(p);
    AgreementTerms v1 = inForce();
    fed.offerAgreement(offer(propose(p.keys, amendment(v1, REDUCED, 7))));
    assertThat(held().hasPendingAmendment()).as("pending_amendment").isTrue();
    fed.notifyAgreementState(notice(p.agreementId, AgreementState.AGREEMENT_STATE_SUSPENDED));
    Agreement suspended = held();
    assertThat(suspended.getState()).isEqualTo(AgreementState.AGREEMENT_STATE_SUSPENDED);
    assertThat(suspended.hasPendingAmendment()).as("pending_amendment once suspended").isFalse();
    assertStatus(
        () -> fed.offerAgreement(offer(propose(p.keys, amendment(v1, REDUCED, 8)))),
        Status.Code.FAILED_PRECONDITION);
    fed.notifyAgreementState(notice(p.agreementId, AgreementState.AGREEMENT_STATE_ACTIVE));
    Agreement resumed = held();
    assertThat(resumed.getState()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
    assertThat(resumed.hasPendingAmendment()).as("pending_amendment after resuming").isFalse();
    assertThat(resumed.getTermsVersion()).isEqualTo(v1.getVersion());
  }

  @Test
  @Order(113)
  @DisplayName(
      "AGR-12.4, ADM-14.2: when the proposer refuses the confirmation, accepting fails and the amendment is dropped; the old terms stay")
  void refusedConfirmationDropsAmendment() throws Exception {
    federation();
    SuiteNode p = partner();
    AgreementTerms v1 = inForce();
    SignedAgreement amendment = propose(p.keys, amendment(v1, REDUCED, 5));
    fed(p).offerAgreement(offer(amendment));
    p.confirmations.clear();
    p.confirmAnswer =
        r -> Status.FAILED_PRECONDITION.withDescription("the suite withdrew this amendment");
    try {
      assertStatus(
          () ->
              admin()
                  .acceptAgreement(
                      AcceptAgreementRequest.newBuilder().setAgreementId(p.agreementId).build()),
          Status.Code.FAILED_PRECONDITION);
    } finally {
      p.confirmAnswer = r -> Status.OK;
    }
    ConfirmAgreementRequest sent = p.confirmations.poll(WAIT, TimeUnit.SECONDS);
    assertThat(sent).as("ConfirmAgreement sent to the proposer").isNotNull();
    assertThat(sent.getAgreement().getTerms()).isEqualTo(amendment.getTerms());
    Agreement held = held();
    assertThat(held.hasPendingAmendment()).as("pending_amendment after the refusal").isFalse();
    assertThat(held.getTermsVersion()).isEqualTo(v1.getVersion());
    assertThat(held.getSigned().getTerms()).isEqualTo(p.offered.getTerms());
    assertThat(held.getWeSend().getFieldPathsList())
        .containsExactlyInAnyOrderElementsOf(GRANTED.get(PartnerClass.PARTNER_CLASS_PEER));
  }

  @Test
  @Order(114)
  @DisplayName(
      "AGR-12.4, AGR-2, ADM-14.2: accepting the partner's amendment confirms the exact offered bytes first, then puts the new terms in force; unreached, nothing changes")
  void acceptPartnersAmendment() throws Exception {
    federation();
    SuiteNode p = partner();
    // The alert AGR-12.7 is checked with, received first under the terms in force.
    feed = subscribe(p, 0);
    alert = submit(Audience.AUDIENCE_PEER);
    FeedItem first = feed.awaitItem(ofAlertAfter(0), "the PEER-audience alert");
    lastSeen = first.getSequence();
    assertThat(Alerts.verify(first.getAlert(), info.getNodeId()).disclosed().keySet())
        .containsExactlyInAnyOrderElementsOf(GRANTED.get(PartnerClass.PARTNER_CLASS_PEER));

    AgreementTerms v1 = inForce();
    AgreementTerms v2 = amendment(v1, REDUCED, 6);
    SignedAgreement amendment = propose(p.keys, v2);
    fed(p).offerAgreement(offer(amendment));
    // The proposer not reached: nothing changes, the amendment stays pending (ADM-14.2).
    p.confirmAnswer = r -> Status.UNAVAILABLE.withDescription("the suite is down for a moment");
    try {
      assertStatus(
          () ->
              admin()
                  .acceptAgreement(
                      AcceptAgreementRequest.newBuilder().setAgreementId(p.agreementId).build()),
          Status.Code.UNAVAILABLE);
    } finally {
      p.confirmAnswer = r -> Status.OK;
    }
    Agreement unreached = held();
    assertThat(unreached.getTermsVersion()).isEqualTo(v1.getVersion());
    assertThat(unreached.getPendingAmendment().getSigned().getTerms())
        .isEqualTo(amendment.getTerms());
    p.confirmations.clear();
    AtomicReference<Agreement> whileConfirming = new AtomicReference<>();
    p.confirmAnswer =
        r -> {
          // The node under test waits for this answer: it must not have put the terms in force.
          try {
            whileConfirming.set(held());
          } catch (RuntimeException e) {
            // left unset: the check below fails with what it could not read
          }
          return Status.OK;
        };
    Agreement accepted;
    try {
      accepted =
          admin()
              .acceptAgreement(
                  AcceptAgreementRequest.newBuilder().setAgreementId(p.agreementId).build())
              .getAgreement();
    } finally {
      p.confirmAnswer = r -> Status.OK;
    }

    ConfirmAgreementRequest sent = p.confirmations.poll(WAIT, TimeUnit.SECONDS);
    assertThat(sent).as("ConfirmAgreement sent to the proposer").isNotNull();
    SignedAgreement signed = sent.getAgreement();
    assertThat(signed.getTerms()).isEqualTo(amendment.getTerms());
    assertThat(signed.getProposerSignature()).isEqualTo(amendment.getProposerSignature());
    assertThat(
            SpecCrypto.verify(
                info.getPublicKey().toByteArray(),
                SpecCrypto.AGREEMENT_TERMS_TYPE,
                signed.getTerms().toByteArray(),
                signed.getAcceptorSignature().toByteArray()))
        .as("acceptor signature (AGR-2)")
        .isTrue();
    assertThat(whileConfirming.get()).as("the agreement read while confirming").isNotNull();
    assertThat(whileConfirming.get().getTermsVersion())
        .as("terms_version before the proposer answered")
        .isEqualTo(v1.getVersion());

    for (Agreement a : new Agreement[] {accepted, held()}) {
      assertThat(a.getState()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
      assertThat(a.getAgreementId()).isEqualTo(p.agreementId);
      assertThat(a.getTermsVersion()).isEqualTo(v2.getVersion());
      assertThat(a.hasPendingAmendment()).as("pending_amendment once in force").isFalse();
      assertThat(a.getProposedByUs()).isFalse();
      assertThat(a.getWeSend().getFieldPathsList()).containsExactlyInAnyOrderElementsOf(REDUCED);
      assertThat(a.getWeReceive().getFieldPathsList())
          .containsExactlyInAnyOrderElementsOf(GRANTED_TO_NUT);
      assertThat(a.getSigned().getTerms()).isEqualTo(amendment.getTerms());
      assertThat(a.getSigned().getAcceptorSignature()).isEqualTo(signed.getAcceptorSignature());
    }
  }

  @Test
  @Order(115)
  @DisplayName(
      "AGR-12.7, FEED-2, FEED-9.1: under the amendment the partner is sent the alert's version again, with only the fields the new terms grant")
  void amendmentWithdrawsFields() throws Exception {
    federation();
    assertThat(feed).as("the feed of the previous check").isNotNull();
    FeedItem again = feed.awaitItem(ofAlertAfter(lastSeen), "the alert again under the amendment");
    lastSeen = again.getSequence();
    Alerts.Verified v = Alerts.verify(again.getAlert(), info.getNodeId());
    assertThat(v.header().getVersion()).isEqualTo(alert.alert().getVersion());
    assertThat(v.disclosed().keySet()).containsExactlyInAnyOrderElementsOf(REDUCED);
    assertThat(again.getAgreementId()).isEqualTo(partner.agreementId);
  }

  @Test
  @Order(116)
  @DisplayName(
      "ADM-14.1, AGR-12.1, AGR-12.5: the node under test amends: it offers the same id at the next version as proposer, and the partner's confirmation puts it in force")
  void nodeAmends() throws Exception {
    federation();
    SuiteNode p = partner();
    Agreement before = held();
    long current = before.getTermsVersion();
    DirectionTerms weSend = fullPeer();
    DirectionTerms weReceive = before.getWeReceive();
    p.offers.clear();
    p.takesOffers = true;
    Agreement amended =
        admin()
            .amendAgreement(
                AmendAgreementRequest.newBuilder()
                    .setAgreementId(p.agreementId)
                    .setTerms(ProposedTerms.newBuilder().setWeSend(weSend).setWeReceive(weReceive))
                    .build())
            .getAgreement();
    assertThat(amended.getTermsVersion()).isEqualTo(current);
    assertThat(amended.getPendingAmendment().getProposedByUs()).isTrue();
    assertThat(amended.getPendingAmendment().getVersion()).isEqualTo(current + 1);
    assertThat(amended.getWeSend().getFieldPathsList())
        .as("we_send stays until the partner accepts")
        .containsExactlyInAnyOrderElementsOf(REDUCED);

    OfferAgreementRequest offered = p.offers.poll(WAIT, TimeUnit.SECONDS);
    assertThat(offered).as("OfferAgreement received").isNotNull();
    SignedAgreement s = offered.getAgreement();
    AgreementTerms t = AgreementTerms.parseFrom(s.getTerms());
    assertThat(t.getAgreementId()).isEqualTo(p.agreementId);
    assertThat(t.getVersion()).isEqualTo(current + 1);
    assertThat(t.getProposerNodeId()).isEqualTo(info.getNodeId());
    assertThat(t.getProposerPublicKey()).isEqualTo(info.getPublicKey());
    assertThat(t.getAcceptorNodeId()).isEqualTo(p.keys.nodeId());
    assertThat(t.getAcceptorPublicKey().toByteArray()).isEqualTo(p.keys.publicKey());
    assertThat(t.getProposerToAcceptor().getFieldPathsList())
        .containsExactlyInAnyOrderElementsOf(GRANTED.get(PartnerClass.PARTNER_CLASS_PEER));
    assertThat(t.getProposerToAcceptor().getReceiverClass())
        .isEqualTo(PartnerClass.PARTNER_CLASS_PEER);
    assertThat(t.getAcceptorToProposer().getFieldPathsList())
        .containsExactlyInAnyOrderElementsOf(GRANTED_TO_NUT);
    assertThat(s.getAcceptorSignature()).isEmpty();
    assertThat(
            SpecCrypto.verify(
                info.getPublicKey().toByteArray(),
                SpecCrypto.AGREEMENT_TERMS_TYPE,
                s.getTerms().toByteArray(),
                s.getProposerSignature().toByteArray()))
        .as("proposer signature (AGR-2)")
        .isTrue();

    SignedAgreement countersigned = countersign(p, s);
    fed(p)
        .confirmAgreement(ConfirmAgreementRequest.newBuilder().setAgreement(countersigned).build());
    Agreement inForce = held();
    assertThat(inForce.getState()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
    assertThat(inForce.getTermsVersion()).isEqualTo(current + 1);
    assertThat(inForce.getProposedByUs()).isTrue();
    assertThat(inForce.hasPendingAmendment()).as("pending_amendment once in force").isFalse();
    assertThat(inForce.getWeSend().getFieldPathsList())
        .containsExactlyInAnyOrderElementsOf(GRANTED.get(PartnerClass.PARTNER_CLASS_PEER));
    assertThat(inForce.getSigned().getTerms()).isEqualTo(s.getTerms());
    assertThat(inForce.getSigned().getAcceptorSignature())
        .isEqualTo(countersigned.getAcceptorSignature());
    // A repeated confirmation of the terms in force succeeds without change (AGR-12.5).
    fed(p)
        .confirmAgreement(ConfirmAgreementRequest.newBuilder().setAgreement(countersigned).build());
    assertThat(held().getTermsVersion()).isEqualTo(current + 1);
  }

  @Test
  @Order(117)
  @DisplayName(
      "AGR-12.7, FEED-2: what an amendment newly grants reaches the partner: the alert's version again with the fields granted back")
  void amendmentGrantsFieldsBack() throws Exception {
    federation();
    assertThat(feed).as("the feed of the earlier checks").isNotNull();
    FeedItem again =
        feed.awaitItem(ofAlertAfter(lastSeen), "the alert again under the node's amendment");
    lastSeen = again.getSequence();
    Alerts.Verified v = Alerts.verify(again.getAlert(), info.getNodeId());
    assertThat(v.header().getVersion()).isEqualTo(alert.alert().getVersion());
    assertThat(v.disclosed().keySet())
        .containsExactlyInAnyOrderElementsOf(GRANTED.get(PartnerClass.PARTNER_CLASS_PEER));
  }

  @Test
  @Order(118)
  @DisplayName(
      "ADM-14.1, ADM-14.3, AGR-12.5, AGR-12.6: the node under test withdraws its amendment and declines the partner's, telling the partner with CloseAmendment")
  void nodeWithdrawsAndDeclines() throws Exception {
    federation();
    SuiteNode p = partner();
    Agreement before = held();
    long current = before.getTermsVersion();
    ProposedTerms reduced =
        ProposedTerms.newBuilder()
            .setWeSend(fullPeer().toBuilder().clearFieldPaths().addAllFieldPaths(REDUCED))
            .setWeReceive(before.getWeReceive())
            .build();
    ProposedTerms unchanged =
        ProposedTerms.newBuilder()
            .setWeSend(before.getWeSend())
            .setWeReceive(before.getWeReceive())
            .build();
    var admin = admin();
    // The terms in force are no amendment (ADM-14.1).
    assertStatus(() -> admin.amendAgreement(amend(p, unchanged)), Status.Code.FAILED_PRECONDITION);
    // A partner that refuses the offer: the amendment is dropped (ADM-14.1).
    p.takesOffers = false;
    assertStatus(() -> admin().amendAgreement(amend(p, reduced)), Status.Code.FAILED_PRECONDITION);
    assertThat(held().hasPendingAmendment())
        .as("pending_amendment after a refused offer")
        .isFalse();

    p.takesOffers = true;
    p.offers.clear();
    admin().amendAgreement(amend(p, reduced));
    OfferAgreementRequest offer = p.offers.poll(WAIT, TimeUnit.SECONDS);
    assertThat(offer).as("OfferAgreement received").isNotNull();
    SignedAgreement withdrawn = offer.getAgreement();
    // One pending at a time (AGR-12.2).
    assertStatus(() -> admin().amendAgreement(amend(p, reduced)), Status.Code.FAILED_PRECONDITION);
    p.closedAmendments.clear();
    Agreement cancelled =
        admin()
            .cancelAmendment(
                CancelAmendmentRequest.newBuilder().setAgreementId(p.agreementId).build())
            .getAgreement();
    assertThat(cancelled.hasPendingAmendment()).isFalse();
    assertThat(cancelled.getTermsVersion()).isEqualTo(current);
    CloseAmendmentRequest told = p.closedAmendments.poll(WAIT, TimeUnit.SECONDS);
    assertThat(told).as("CloseAmendment received").isNotNull();
    assertThat(told.getAgreementId()).isEqualTo(p.agreementId);
    assertThat(told.getVersion()).isEqualTo(current + 1);
    // A withdrawn amendment can no longer be put in force (AGR-12.5).
    assertStatus(
        () ->
            fed(p)
                .confirmAgreement(
                    ConfirmAgreementRequest.newBuilder()
                        .setAgreement(countersign(p, withdrawn))
                        .build()),
        Status.Code.FAILED_PRECONDITION);
    assertThat(held().getTermsVersion()).isEqualTo(current);
    // None pending: nothing to cancel (ADM-14.3).
    assertStatus(
        () ->
            admin()
                .cancelAmendment(
                    CancelAmendmentRequest.newBuilder().setAgreementId(p.agreementId).build()),
        Status.Code.FAILED_PRECONDITION);

    // The partner amends the terms the node under test proposed: the roles of the terms in force
    // are swapped in the amendment; the node under test declines it.
    AgreementTerms v = inForce();
    AgreementTerms theirs =
        AgreementTerms.newBuilder()
            .setAgreementId(v.getAgreementId())
            .setVersion(v.getVersion() + 1)
            .setProposerNodeId(v.getAcceptorNodeId())
            .setProposerPublicKey(v.getAcceptorPublicKey())
            .setAcceptorNodeId(v.getProposerNodeId())
            .setAcceptorPublicKey(v.getProposerPublicKey())
            .setProposerToAcceptor(v.getAcceptorToProposer())
            .setAcceptorToProposer(
                v.getProposerToAcceptor().toBuilder().clearFieldPaths().addAllFieldPaths(REDUCED))
            .setProposedAt(System.currentTimeMillis() / 1000)
            .build();
    assertThat(theirs.getProposerNodeId()).isEqualTo(p.keys.nodeId());
    fed(p).offerAgreement(offer(propose(p.keys, theirs)));
    Agreement offered = held();
    assertThat(offered.getPendingAmendment().getProposedByUs()).isFalse();
    assertThat(offered.getPendingAmendment().getVersion()).isEqualTo(theirs.getVersion());
    p.closedAmendments.clear();
    Agreement declined =
        admin()
            .cancelAmendment(
                CancelAmendmentRequest.newBuilder().setAgreementId(p.agreementId).build())
            .getAgreement();
    assertThat(declined.hasPendingAmendment()).isFalse();
    assertThat(declined.getTermsVersion()).isEqualTo(current);
    CloseAmendmentRequest decline = p.closedAmendments.poll(WAIT, TimeUnit.SECONDS);
    assertThat(decline).as("CloseAmendment received").isNotNull();
    assertThat(decline.getVersion()).isEqualTo(theirs.getVersion());
    assertThat(declined.getWeSend().getFieldPathsList())
        .containsExactlyInAnyOrderElementsOf(GRANTED.get(PartnerClass.PARTNER_CLASS_PEER));
  }

  @Test
  @Order(119)
  @DisplayName(
      "AGR-12.7, VER-5.2: an alert an amendment no longer lets the partner see is sent again header-only")
  void amendmentWithdrawsAlert() throws Exception {
    federation();
    assertThat(feed).as("the feed of the earlier checks").isNotNull();
    SuiteNode p = partner();
    Agreement before = held();
    // The alert is a physical assault: terms granting robbery only no longer let the partner see
    // it.
    ProposedTerms robberyOnly =
        ProposedTerms.newBuilder()
            .setWeSend(
                fullPeer().toBuilder()
                    .setAllHarms(false)
                    .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY))
            .setWeReceive(before.getWeReceive())
            .build();
    p.takesOffers = true;
    p.offers.clear();
    admin().amendAgreement(amend(p, robberyOnly));
    OfferAgreementRequest offered = p.offers.poll(WAIT, TimeUnit.SECONDS);
    assertThat(offered).as("OfferAgreement received").isNotNull();
    fed(p)
        .confirmAgreement(
            ConfirmAgreementRequest.newBuilder()
                .setAgreement(countersign(p, offered.getAgreement()))
                .build());
    assertThat(held().getTermsVersion()).isEqualTo(before.getTermsVersion() + 1);
    FeedItem again =
        feed.awaitItem(ofAlertAfter(lastSeen), "the alert header-only under the amendment");
    lastSeen = again.getSequence();
    Alerts.Verified v = Alerts.verify(again.getAlert(), info.getNodeId());
    assertThat(v.header().getVersion()).isEqualTo(alert.alert().getVersion());
    assertThat(again.getAlert().getDisclosuresCount())
        .as("disclosures of a header-only item")
        .isZero();
    assertThat(v.disclosed()).isEmpty();
  }

  @Test
  @Order(120)
  @DisplayName(
      "AGR-12.4, AGR-12.6, ADM-14.3: an acceptance whose answer was lost leaves the amendment pending; declining it then, when the proposer has it in force, puts it in force here too")
  void declineAfterLostAnswer_takesTheAmendmentTheProposerHolds() throws Exception {
    federation();
    SuiteNode p = partner();
    AgreementTerms v = inForce();
    boolean suiteProposed = v.getProposerNodeId().equals(p.keys.nodeId());
    DirectionTerms toSuite = suiteProposed ? v.getAcceptorToProposer() : v.getProposerToAcceptor();
    DirectionTerms toNode = suiteProposed ? v.getProposerToAcceptor() : v.getAcceptorToProposer();
    AgreementTerms theirs =
        AgreementTerms.newBuilder()
            .setAgreementId(v.getAgreementId())
            .setVersion(v.getVersion() + 1)
            .setProposerNodeId(p.keys.nodeId())
            .setProposerPublicKey(
                suiteProposed ? v.getProposerPublicKey() : v.getAcceptorPublicKey())
            .setAcceptorNodeId(info.getNodeId())
            .setAcceptorPublicKey(
                suiteProposed ? v.getAcceptorPublicKey() : v.getProposerPublicKey())
            .setProposerToAcceptor(toNode)
            .setAcceptorToProposer(toSuite.toBuilder().setRetentionDays(29))
            .setProposedAt(System.currentTimeMillis() / 1000 + 11)
            .build();
    SignedAgreement offered = propose(p.keys, theirs);
    fed(p).offerAgreement(offer(offered));
    p.confirmations.clear();
    p.closedAmendments.clear();
    // The suite takes the confirmation but its answer is lost: the node sees UNAVAILABLE.
    p.confirmAnswer = r -> Status.UNAVAILABLE.withDescription("the answer was lost");
    p.closeAnswer =
        r -> Status.FAILED_PRECONDITION.withDescription("that amendment is in force here");
    try {
      assertStatus(
          () ->
              admin()
                  .acceptAgreement(
                      AcceptAgreementRequest.newBuilder().setAgreementId(p.agreementId).build()),
          Status.Code.UNAVAILABLE);
      ConfirmAgreementRequest sent = p.confirmations.poll(WAIT, TimeUnit.SECONDS);
      assertThat(sent).as("ConfirmAgreement sent").isNotNull();
      assertThat(held().getPendingAmendment().getVersion())
          .as("still pending after the lost answer")
          .isEqualTo(theirs.getVersion());

      assertStatus(
          () ->
              admin()
                  .cancelAmendment(
                      CancelAmendmentRequest.newBuilder().setAgreementId(p.agreementId).build()),
          Status.Code.FAILED_PRECONDITION);
      CloseAmendmentRequest asked = p.closedAmendments.poll(WAIT, TimeUnit.SECONDS);
      assertThat(asked).as("CloseAmendment sent before anything changed").isNotNull();
      Agreement now = held();
      assertThat(now.hasPendingAmendment()).isFalse();
      assertThat(now.getTermsVersion()).isEqualTo(theirs.getVersion());
      assertThat(now.getSigned().getTerms()).isEqualTo(offered.getTerms());
      assertThat(now.getSigned().getAcceptorSignature())
          .as("the countersignature the suite already holds")
          .isEqualTo(sent.getAgreement().getAcceptorSignature());
    } finally {
      p.confirmAnswer = r -> Status.OK;
      p.closeAnswer = r -> Status.OK;
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** The suite's PEER partner of this section, with an ACTIVE agreement the suite proposed. */
  private SuiteNode partner() throws Exception {
    if (partner == null) {
      partner = partnerWithAgreement("amend", PartnerClass.PARTNER_CLASS_PEER, 0);
    }
    return partner;
  }

  private Agreement held() {
    return admin()
        .getAgreement(GetAgreementRequest.newBuilder().setAgreementId(partner.agreementId).build())
        .getAgreement();
  }

  /** The terms in force, as the node under test holds them. */
  private AgreementTerms inForce() throws Exception {
    return AgreementTerms.parseFrom(held().getSigned().getTerms());
  }

  /**
   * An amendment the suite's partner proposes of {@code current} (which it proposed): the next
   * version, what the node under test sends it cut to {@code toSuite}. {@code salt} makes terms of
   * the same version differ.
   */
  private AgreementTerms amendment(AgreementTerms current, Set<String> toSuite, int salt) {
    return current.toBuilder()
        .setVersion(current.getVersion() + 1)
        .setAcceptorToProposer(
            current.getAcceptorToProposer().toBuilder().clearFieldPaths().addAllFieldPaths(toSuite))
        .setProposedAt(System.currentTimeMillis() / 1000 + salt)
        .build();
  }

  private static DirectionTerms fullPeer() {
    return DirectionTerms.newBuilder()
        .setReceiverClass(PartnerClass.PARTNER_CLASS_PEER)
        .setAllHarms(true)
        .setAllAreas(true)
        .addAllFieldPaths(GRANTED.get(PartnerClass.PARTNER_CLASS_PEER))
        .setRetentionDays(30)
        .build();
  }

  private static SignedAgreement countersign(SuiteNode p, SignedAgreement s) {
    return s.toBuilder()
        .setAcceptorSignature(
            ByteString.copyFrom(
                p.keys.sign(SpecCrypto.AGREEMENT_TERMS_TYPE, s.getTerms().toByteArray())))
        .build();
  }

  private static CloseAmendmentRequest close(String agreementId, long version) {
    return CloseAmendmentRequest.newBuilder()
        .setAgreementId(agreementId)
        .setVersion(version)
        .build();
  }

  private static AmendAgreementRequest amend(SuiteNode p, ProposedTerms t) {
    return AmendAgreementRequest.newBuilder().setAgreementId(p.agreementId).setTerms(t).build();
  }

  /** An item of {@link #alert} after sequence {@code after}. */
  private Predicate<FeedItem> ofAlertAfter(long after) {
    return i ->
        i.getSequence() > after && header(i.getAlert()).getAlertId().equals(alert.alertId());
  }
}
