package org.bdx.node.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.bdx.node.TestNodes;
import org.bdx.node.agreement.SignedAgreements;
import org.bdx.node.edge.CredentialCheck;
import org.bdx.node.edge.FederationServerFactory;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.logging.LogCapture;
import org.bdx.node.server.RunningNode;
import org.bdx.node.signing.AlertDraft;
import org.bdx.node.signing.AlertSigner;
import org.bdx.node.signing.Disclosures;
import org.bdx.node.signing.SigningInput;
import org.bdx.node.store.Ids;
import org.bdx.node.sync.FeedReceiver;
import org.bdx.node.tls.FederationTls;
import org.bdx.node.tls.TlsPartnerChannels;
import org.bdx.proto.v1.AddPartnerRequest;
import org.bdx.proto.v1.AdminServiceGrpc;
import org.bdx.proto.v1.Agreement;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.Claim;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.ConfirmAgreementRequest;
import org.bdx.proto.v1.ConfirmAgreementResponse;
import org.bdx.proto.v1.Consent;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.Disclosure;
import org.bdx.proto.v1.FederationServiceGrpc;
import org.bdx.proto.v1.FeedAck;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.FeedStatus;
import org.bdx.proto.v1.GetAgreementRequest;
import org.bdx.proto.v1.GetAlertRequest;
import org.bdx.proto.v1.GetStatusRequest;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.ListAgreementsRequest;
import org.bdx.proto.v1.NotifyAgreementStateRequest;
import org.bdx.proto.v1.NotifyAgreementStateResponse;
import org.bdx.proto.v1.OfferAgreementRequest;
import org.bdx.proto.v1.OfferAgreementResponse;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.PartnerStatus;
import org.bdx.proto.v1.ProposeAgreementRequest;
import org.bdx.proto.v1.ProposedTerms;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.SearchAlertsRequest;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.SignedAgreement;
import org.bdx.proto.v1.SignedAlert;
import org.bdx.proto.v1.SubmitReportRequest;
import org.bdx.proto.v1.SubscribeRequest;
import org.bdx.proto.v1.SubscribeResponse;
import org.bdx.proto.v1.SubscribeStart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input at the federation boundary (spec HOST-1..HOST-3), end to end on loopback with
 * mutual TLS: a real victim node V and a registered partner M with an ACTIVE agreement, where M is
 * this test acting as a malicious node. The test holds M's keys and serves M's federation endpoint
 * itself, so V's feed client subscribes to it and receives whatever the test streams; it also calls
 * V's federation API as M. It runs across rooms (V's federation API and feed service, the edge's
 * decoding and refused-call counting, V's feed client and checks in sync); the federation boundary
 * is its subject.
 *
 * <p>For every hostile item or call: the documented outcome (rejection counted in V's {@code
 * GetStatus.inbound_rejected}, or the documented gRPC status), nothing of it stored at V (seen
 * through V's client API), and V keeps serving: a valid twin sent right after IS stored. Progress
 * is synchronized on V's acknowledgements (sent only after V committed a batch), never on time; the
 * timeouts below only keep a broken node from hanging the build.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostilePartnerTest {
  private static final long WAIT_SECONDS = 30;
  private static final SecureRandom RNG = new SecureRandom();
  private static final String M_NAME = "mallory";

  /** What M may send to V (V's inbound grant). */
  private static final List<String> GRANTED_TO_V =
      List.of("incident_date", "area", "harms", "severity", "aggressor_description");

  private static final String GRANTED_AREA = "Downtown Eastside";

  @TempDir static Path dir;

  private RunningNode v;
  private NodeKeys vKeys;
  private NodeId vId;
  private ManagedChannel vLocal;
  private ClientServiceGrpc.ClientServiceBlockingStub vClient;
  private AdminServiceGrpc.AdminServiceBlockingStub vAdmin;

  private final NodeKeys mKeys = NodeKeys.generate(RNG);
  private final NodeKeys thirdKeys = NodeKeys.generate(RNG);
  private final AlertSigner mSigner = new AlertSigner(mKeys, RNG);
  private final FakePartner fake = new FakePartner();
  private Server mServer;
  private ManagedChannel mToV;

  /** M's calls to V: {@link #mToV}, recording the connection each call went over. */
  private Channel mCalls;

  /**
   * The local address of M's end of the connection, one per call M made to V in this test (null if
   * the call ended without one).
   */
  private final List<SocketAddress> callConnections = new CopyOnWriteArrayList<>();

  private String agreementId;
  private SignedAgreement activeAgreement;
  private SignedAlert vOwnAlert;

  /**
   * What V's receiver logs, from before V starts: a rejection is logged the first time and then
   * counted, so the line a test's items produce may have been written by an earlier test.
   */
  private LogCapture receiverLog;

  /** The feed session V currently has open to M, and the next sequence M sends. */
  private Session session;

  private long nextSequence = 1;

  @BeforeAll
  void setUp() throws Exception {
    receiverLog = LogCapture.of(FeedReceiver.class);
    NodeHome home = new NodeHome(dir.resolve("v"));
    NodeConfig.HostPort any = new NodeConfig.HostPort("127.0.0.1", 0);
    TestNodes.init(home, new NodeConfig("Victim Org", any, any, "CA", Duration.ofDays(30), 0));
    // The test polls searches while it waits for delivery; the limit itself is
    // ScreeningLimitTest's.
    Files.writeString(
        home.configFile(),
        "screening.burst=1000000\nscreening.per_minute=1000000\n",
        StandardOpenOption.APPEND);
    v = RunningNode.start(home, TestNodes.PASSPHRASE, Clock.systemUTC(), any, any, List.of());
    vId = v.node().nodeId();
    vKeys = TestNodes.keys(home);
    vLocal = NettyChannelBuilder.forAddress("127.0.0.1", v.clientPort()).usePlaintext().build();
    vClient = bearer(ClientServiceGrpc.newBlockingStub(vLocal), home.readClientToken());
    vAdmin = bearer(AdminServiceGrpc.newBlockingStub(vLocal), home.readAdminToken());

    // M's federation endpoint: mutual TLS with M's key, admitting only V.
    mServer =
        FederationServerFactory.builder(new InetSocketAddress("127.0.0.1", 0), mKeys, vId::equals)
            .addService(fake)
            .addService(new HealthStatusManager().getHealthService())
            .build()
            .start();
    mToV = new TlsPartnerChannels(mKeys).open(vId, "127.0.0.1:" + v.federationPort());
    mCalls = ClientInterceptors.intercept(mToV, new ConnectionRecorder());

    vAdmin.addPartner(
        AddPartnerRequest.newBuilder()
            .setName(M_NAME)
            .setNodeId(mKeys.nodeId().value())
            .setEndpoint("127.0.0.1:" + mServer.getPort())
            .setPartnerClass(PartnerClass.PARTNER_CLASS_PEER)
            .build());
    // V proposes (it probes M's key over TLS and offers to M's endpoint, which keeps the offer).
    DirectionTerms vSends =
        DirectionTerms.newBuilder()
            .setAllHarms(true)
            .setAllAreas(true)
            .addFieldPaths("area")
            .addFieldPaths("harms")
            .setRetentionDays(30)
            .build();
    DirectionTerms vReceives =
        DirectionTerms.newBuilder()
            .setReceiverClass(PartnerClass.PARTNER_CLASS_PEER)
            .setAllHarms(true)
            .addAreas(GRANTED_AREA)
            .addAllFieldPaths(GRANTED_TO_V)
            .setRetentionDays(30)
            .build();
    agreementId =
        vAdmin
            .proposeAgreement(
                ProposeAgreementRequest.newBuilder()
                    .setPartner(M_NAME)
                    .setTerms(ProposedTerms.newBuilder().setWeSend(vSends).setWeReceive(vReceives))
                    .build())
            .getAgreement()
            .getAgreementId();
    SignedAgreement offered = fake.offers.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(offered).as("V offered the agreement to M").isNotNull();
    activeAgreement = SignedAgreements.countersign(mKeys, offered);
    asM()
        .confirmAgreement(
            ConfirmAgreementRequest.newBuilder().setAgreement(activeAgreement).build());
    assertThat(agreementState()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);

    // One alert of V's own, for the echo case and the Subscribe twin.
    vOwnAlert =
        vClient
            .submitReport(
                SubmitReportRequest.newBuilder()
                    .setReport(
                        Report.newBuilder()
                            .setIncidentDate("2026-11-01")
                            .setArea("Downtown East")
                            .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
                            .addPhoneNumbers("604 555 0142")
                            .setConsent(Consent.newBuilder().setAudience(Audience.AUDIENCE_PEER)))
                    .build())
            .getAlert()
            .getEnvelope();
    assertThat(vOwnAlert.getHeader().isEmpty()).isFalse();

    // V's feed client subscribes to M once the agreement is ACTIVE.
    liveSession();
  }

  @BeforeEach
  void forgetConnections() {
    callConnections.clear();
  }

  @AfterAll
  void tearDown() throws Exception {
    if (receiverLog != null) {
      receiverLog.close();
    }
    if (mToV != null) {
      mToV.shutdownNow();
    }
    if (vLocal != null) {
      vLocal.shutdownNow();
    }
    if (v != null) {
      v.close();
    }
    if (mServer != null) {
      mServer.shutdownNow();
      mServer.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  // --- the feed: M streams hostile items to V -------------------------------------------------

  @Test
  void garbageItems_areRejected_andCounted() throws Exception {
    Delivery d = new Delivery();
    d.item(FeedItem.newBuilder().setSequence(d.seq()).setAgreementId(agreementId).build());
    String unknownFieldsId = newAlertId();
    d.item(
        FeedItem.newBuilder()
            .setSequence(d.seq())
            .setAgreementId(agreementId)
            .setAlert(granted(unknownFieldsId, 1))
            .setUnknownFields(unknownField(99))
            .build());
    String sequenceZeroId = newAlertId();
    d.item(
        FeedItem.newBuilder()
            .setSequence(0)
            .setAgreementId(agreementId)
            .setAlert(granted(sequenceZeroId, 1))
            .build());
    d.raw(SubscribeResponse.getDefaultInstance()); // neither item nor status: ignored
    d.deliverWithTwin(3);
    assertNotStored(unknownFieldsId, sequenceZeroId);
  }

  @Test
  void badSignature_isRejected() throws Exception {
    String id = newAlertId();
    SignedAlert good = granted(id, 1);
    byte[] sig = good.getSignature().toByteArray();
    sig[5] ^= 0x01;
    Delivery d = new Delivery();
    d.alert(good.toBuilder().setSignature(ByteString.copyFrom(sig)).build());
    d.alert(good.toBuilder().setSignature(ByteString.copyFrom(new byte[63])).build());
    d.deliverWithTwin(2);
    assertNotStored(id);
  }

  @Test
  void wrongOrigin_relayAndEcho_areRejected() throws Exception {
    // A third node's genuine alert not marked as relayed (relay_hops 0): the origin must be the
    // sender (RELAY-2, SIG-7.5).
    String thirdId = newAlertId();
    SignedAlert third =
        Disclosures.select(
            new AlertSigner(thirdKeys, RNG).sign(draft(thirdId, 1, fields("third"))),
            Set.copyOf(GRANTED_TO_V));
    // M's node id over the third node's key, and M's id and key signed by the third node.
    String claimsMId = newAlertId();
    SignedAlert mIdOtherKey =
        signed(
            thirdKeys,
            headerBuilder(granted(claimsMId, 1))
                .setOriginPublicKey(ByteString.copyFrom(thirdKeys.publicKey())));
    String signedByThirdId = newAlertId();
    SignedAlert signedByThird = signed(thirdKeys, headerBuilder(granted(signedByThirdId, 1)));
    Delivery d = new Delivery();
    d.alert(third);
    d.alert(mIdOtherKey);
    d.alert(signedByThird);
    d.alert(vOwnAlert); // V's own alert echoed back (FEED-3)
    d.deliverWithTwin(4);
    assertNotStored(thirdId, claimsMId, signedByThirdId);
    // V's own alert is still its own, unchanged.
    var own =
        vClient
            .getAlert(
                GetAlertRequest.newBuilder()
                    .setAlertId(header(vOwnAlert).getAlertId())
                    .setOriginNodeId(vId.value())
                    .build())
            .getAlert();
    assertThat(own.getLocal()).isTrue();
    assertThat(own.getEnvelope()).isEqualTo(vOwnAlert);
  }

  @Test
  void hopCountsTheSignedMaxHopsDoNotAllow_areRejected() throws Exception {
    // RELAY-8: an item with content counts its relays by signed hop statements, and these carry
    // none (HOP_STATEMENT_INVALID); nor would statements let counts pass the signed max_hops.
    String ownId = newAlertId();
    String noHopsId = newAlertId();
    SignedAlert thirdNoHops =
        Disclosures.select(
            new AlertSigner(thirdKeys, RNG).sign(draft(noHopsId, 1, fields("relay"), 0)),
            Set.copyOf(GRANTED_TO_V));
    String raisedId = newAlertId();
    SignedAlert thirdTwoHops =
        Disclosures.select(
            new AlertSigner(thirdKeys, RNG).sign(draft(raisedId, 1, fields("relay"), 2)),
            Set.copyOf(GRANTED_TO_V));
    Delivery d = new Delivery();
    d.item(relayed(granted(ownId, 1), d.seq(), 1, 0)); // the sender claims to relay its own alert
    d.item(relayed(thirdNoHops, d.seq(), 1, 0)); // relay_hops above max_hops 0
    d.item(relayed(thirdTwoHops, d.seq(), 1, 5)); // relay_hops + hops_left above max_hops 2
    d.deliverWithTwin(3);
    assertNotStored(ownId, noHopsId, raisedId);
  }

  @Test
  void futureDatedAlert_isRejected() throws Exception {
    String id = newAlertId();
    long now = System.currentTimeMillis() / 1000;
    SignedAlert future =
        Disclosures.select(
            mSigner.sign(
                new AlertDraft(
                    id,
                    1,
                    AlertStatus.ALERT_STATUS_ACTIVE,
                    now + 86_400,
                    now + 86_400 * 30,
                    Audience.AUDIENCE_PEER,
                    0,
                    fields("future"))),
            Set.copyOf(GRANTED_TO_V));
    Delivery d = new Delivery();
    d.alert(future); // a day ahead of V's clock: beyond the tolerated skew (TIME-2)
    d.deliverWithTwin(1);
    assertNotStored(id);
  }

  @Test
  void tamperedClaims_digestsDoNotMatch_areRejected() throws Exception {
    String id = newAlertId();
    SignedAlert good = granted(id, 1);
    Disclosure area = disclosure(good, "area");
    Disclosure tampered =
        area.toBuilder()
            .setClaim(claim("area", AlertFields.newBuilder().setArea("Tampered CANARYAREA")))
            .build();
    String otherId = newAlertId();
    Disclosure foreign = disclosure(granted(otherId, 1), "area"); // committed in another header
    Delivery d = new Delivery();
    d.alert(replace(good, area, tampered));
    d.alert(replace(good, area, foreign));
    d.deliverWithTwin(2);
    assertNotStored(id, otherId);
    assertThat(vClient.searchAlerts(SearchAlertsRequest.newBuilder().setText("CANARYAREA").build()))
        .satisfies(r -> assertThat(r.getAlertsList()).isEmpty());
  }

  @Test
  void disclosuresOutsideTheGrant_areRejected() throws Exception {
    String plateId = newAlertId();
    AlertFields withPlate =
        fields("plate").toBuilder().setVehiclePlate("CANARY7").setVehicleDescription("x").build();
    SignedAlert everything = mSigner.sign(draft(plateId, 1, withPlate)); // all disclosures
    String areaId = newAlertId();
    SignedAlert otherArea =
        Disclosures.select(
            mSigner.sign(draft(areaId, 1, fields("area").toBuilder().setArea("Uptown").build())),
            Set.copyOf(GRANTED_TO_V));
    Delivery d = new Delivery();
    d.alert(everything); // FIELD_NOT_GRANTED
    d.alert(otherArea); // NOT_GRANTED (area outside the grant)
    d.deliverWithTwin(2);
    assertNotStored(plateId, areaId);
    assertThat(vClient.searchAlerts(SearchAlertsRequest.newBuilder().setPlate("CANARY7").build()))
        .satisfies(r -> assertThat(r.getAlertsList()).isEmpty());
  }

  @Test
  void unknownEnumValues_areRejected() throws Exception {
    String harmId = newAlertId();
    SignedAlert unknownHarm =
        Disclosures.select(
            mSigner.sign(draft(harmId, 1, fields("harm").toBuilder().addHarmsValue(999).build())),
            Set.copyOf(GRANTED_TO_V));
    String statusId = newAlertId();
    SignedAlert unknownStatus =
        signed(mKeys, headerBuilder(granted(statusId, 1)).setStatusValue(99));
    String audienceId = newAlertId();
    SignedAlert unknownAudience =
        signed(mKeys, headerBuilder(granted(audienceId, 1)).setAudienceValue(42));
    Delivery d = new Delivery();
    d.alert(unknownHarm);
    d.alert(unknownStatus);
    d.alert(unknownAudience);
    d.deliverWithTwin(3);
    assertNotStored(harmId, statusId, audienceId);
  }

  @Test
  void replayedOlderVersion_andReusedSequence_areNotApplied_andCountedAsStale() throws Exception {
    String id = newAlertId();
    Delivery first = new Delivery();
    first.alert(granted(id, 2));
    first.deliverWithTwin(0);
    assertThat(storedVersion(id)).isEqualTo(2);

    // Version 1 under a new sequence after version 2: ignored (FEED-9), not rejected.
    Delivery replay = new Delivery();
    replay.alert(granted(id, 1));
    // A new alert under a sequence V already processed: never applied (FEED-7).
    String reusedId = newAlertId();
    replay.item(
        FeedItem.newBuilder()
            .setSequence(1)
            .setAgreementId(agreementId)
            .setAlert(granted(reusedId, 1))
            .build());
    // Version 2 again (a replay, or a copy arriving by a second path): ignored the same way.
    replay.alert(granted(id, 2));
    long staleBefore = partnerStatus().getInboundStale();
    replay.deliverWithTwin(0);
    assertThat(storedVersion(id)).isEqualTo(2);
    assertNotStored(reusedId);
    // Counted for `bdx status` (ADM-10), as stale and not as rejected; the twin is not counted.
    assertThat(partnerStatus().getInboundStale() - staleBefore).isEqualTo(3);
  }

  @Test
  void itemUnderAnotherAgreement_isRejected() throws Exception {
    String id = newAlertId();
    Delivery d = new Delivery();
    d.item(
        FeedItem.newBuilder()
            .setSequence(d.seq())
            .setAgreementId(Ids.newId(RNG))
            .setAlert(granted(id, 1))
            .build());
    d.deliverWithTwin(1);
    assertNotStored(id);
  }

  @Test
  void fiftyRejectedItems_areLoggedByThePartnersLocalName_onceAndThenCounted() throws Exception {
    String reason = "reason=AGREEMENT_MISMATCH";
    int linesBefore = receiverLog.containing(reason).size();
    SignedAlert alert = granted(newAlertId(), 1);
    Delivery d = new Delivery();
    for (int i = 0; i < 50; i++) {
      d.item(
          FeedItem.newBuilder()
              .setSequence(d.seq())
              .setAgreementId(Ids.newId(RNG))
              .setAlert(alert)
              .build());
    }
    d.deliverWithTwin(50);

    // V's coordinator registered M as "mallory": the log says so, with M's fingerprint.
    List<String> lines = receiverLog.containing(reason);
    assertThat(lines)
        .isNotEmpty()
        .allSatisfy(
            l ->
                assertThat(l)
                    .startsWith(
                        "feed item rejected from partner "
                            + M_NAME
                            + " ("
                            + mKeys.nodeId().fingerprint()
                            + "): "));
    // Once (or, if an earlier test logged it, not again), and at most one count a minute.
    assertThat(lines.size() - linesBefore).as("lines for 50 rejected items").isLessThanOrEqualTo(2);
  }

  @Test
  void expiredAlert_isNotStored_andNotCounted() throws Exception {
    String id = newAlertId();
    long now = System.currentTimeMillis() / 1000;
    SignedAlert expired =
        Disclosures.select(
            mSigner.sign(
                new AlertDraft(
                    id,
                    1,
                    AlertStatus.ALERT_STATUS_ACTIVE,
                    now - 7200,
                    now - 3600,
                    Audience.AUDIENCE_PEER,
                    0,
                    fields("expired"))),
            Set.copyOf(GRANTED_TO_V));
    Delivery d = new Delivery();
    d.alert(expired);
    d.deliverWithTwin(0);
    assertNotStored(id);
  }

  @Test
  void oversizedMessage_endsTheStream_isCountedAsRefused_andVReconnects() throws Exception {
    long rejectedBefore = rejected();
    long refusedBefore = partnerStatus().getInboundRefused();
    Session before = liveSession();
    long cursorBefore = nextSequence - 1; // every delivery so far ended with an acknowledged twin
    String id = newAlertId();
    SignedAlert good = granted(id, 1);
    // One message over the 4 MiB federation limit (FED-TLS-11).
    SignedAlert huge =
        good.toBuilder()
            .addDisclosures(
                Disclosure.newBuilder()
                    .setSalt(ByteString.copyFrom(new byte[16]))
                    .setClaim(ByteString.copyFrom(new byte[FederationTls.MAX_MESSAGE_BYTES])))
            .build();
    before.send(
        SubscribeResponse.newBuilder()
            .setItem(
                FeedItem.newBuilder()
                    .setSequence(nextSequence++)
                    .setAgreementId(agreementId)
                    .setAlert(huge))
            .build());
    // V's client refuses the message (RESOURCE_EXHAUSTED) and cancels the stream ...
    assertThat(before.awaitEnd()).as("V cancelled the stream").isTrue();
    // ... then reconnects from its unchanged cursor, and the feed works again.
    Session after = liveSession();
    assertThat(after).isNotSameAs(before);
    assertThat(after.afterSequence).isEqualTo(cursorBefore);
    new Delivery().deliverWithTwin(0);
    assertNotStored(id);
    assertThat(rejected()).isEqualTo(rejectedBefore);
    assertThat(partnerStatus().getInboundRefused()).isEqualTo(refusedBefore + 1);
  }

  @Test
  void undecodableMessage_endsTheStream_isCountedAsRefused_andVReconnects() throws Exception {
    long rejectedBefore = rejected();
    long refusedBefore = partnerStatus().getInboundRefused();
    Session before = liveSession();
    long cursorBefore = nextSequence - 1;
    String id = newAlertId();
    // FeedItem.agreement_id (field 2, a string) holding bytes that are not UTF-8: the whole
    // response fails to parse at V, before any of it is read as an item.
    FeedItem notUtf8 =
        FeedItem.newBuilder()
            .setSequence(nextSequence++)
            .setAlert(granted(id, 1))
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(
                        FeedItem.AGREEMENT_ID_FIELD_NUMBER,
                        UnknownFieldSet.Field.newBuilder()
                            .addLengthDelimited(ByteString.copyFrom(new byte[] {(byte) 0xc3, 0x28}))
                            .build())
                    .build())
            .build();
    before.send(SubscribeResponse.newBuilder().setItem(notUtf8).build());
    assertThat(before.awaitEnd()).as("V cancelled the stream").isTrue();
    Session after = liveSession();
    assertThat(after.afterSequence).isEqualTo(cursorBefore);
    new Delivery().deliverWithTwin(0);
    assertNotStored(id);
    assertThat(rejected()).isEqualTo(rejectedBefore);
    assertThat(partnerStatus().getInboundRefused()).isEqualTo(refusedBefore + 1);
  }

  // --- unary calls: M calls V's federation API with hostile requests --------------------------

  @Test
  void hostileOffers_getTheirStatus_andChangeNothing() throws Exception {
    AgreementTerms terms = AgreementTerms.parseFrom(activeAgreement.getTerms());
    AgreementTerms mine =
        AgreementTerms.newBuilder()
            .setAgreementId(Ids.newId(RNG))
            .setVersion(2)
            .setProposerNodeId(mKeys.nodeId().value())
            .setProposerPublicKey(ByteString.copyFrom(mKeys.publicKey()))
            .setAcceptorNodeId(vId.value())
            .setAcceptorPublicKey(terms.getProposerPublicKey())
            .setProposerToAcceptor(terms.getAcceptorToProposer())
            .setAcceptorToProposer(terms.getProposerToAcceptor())
            .setProposedAt(System.currentTimeMillis() / 1000)
            .build();
    SignedAgreement valid = SignedAgreements.propose(mKeys, mine);
    long refusedBefore = partnerStatus().getInboundRefused();
    byte[] flipped = valid.getTerms().toByteArray();
    flipped[flipped.length - 1] ^= 0x01;
    byte[] garbage = new byte[200];
    RNG.nextBytes(garbage);
    AgreementTerms byThird =
        mine.toBuilder()
            .setProposerNodeId(thirdKeys.nodeId().value())
            .setProposerPublicKey(ByteString.copyFrom(thirdKeys.publicKey()))
            .build();

    assertOffer(OfferAgreementRequest.getDefaultInstance(), Status.Code.INVALID_ARGUMENT);
    assertOffer(
        offer(
            SignedAgreement.newBuilder()
                .setTerms(ByteString.copyFrom(garbage))
                .setProposerSignature(ByteString.copyFrom(new byte[64]))
                .build()),
        Status.Code.INVALID_ARGUMENT);
    assertOffer(
        offer(valid.toBuilder().setTerms(ByteString.copyFrom(flipped)).build()),
        Status.Code.INVALID_ARGUMENT);
    assertOffer(
        offer(valid.toBuilder().setUnknownFields(unknownField(7)).build()),
        Status.Code.INVALID_ARGUMENT);
    assertOffer(offer(SignedAgreements.countersign(vKeys, valid)), Status.Code.INVALID_ARGUMENT);
    assertOffer(offer(SignedAgreements.propose(thirdKeys, byThird)), Status.Code.PERMISSION_DENIED);
    // Other terms under the agreement's id, not a greater version than those in force: not an
    // amendment (AGR-12.1), so the id is taken (AGR-7.4).
    assertOffer(
        offer(
            SignedAgreements.propose(
                mKeys,
                mine.toBuilder()
                    .setAgreementId(agreementId)
                    .setVersion(terms.getVersion())
                    .build())),
        Status.Code.ALREADY_EXISTS);
    assertOffer(offer(valid), Status.Code.FAILED_PRECONDITION);
    assertOffer(
        offer(
            valid.toBuilder()
                .setTerms(ByteString.copyFrom(new byte[FederationTls.MAX_MESSAGE_BYTES]))
                .build()),
        Status.Code.RESOURCE_EXHAUSTED);
    // Counted (ADM-10): the five INVALID_ARGUMENT and the RESOURCE_EXHAUSTED answers; not the
    // answers an honest partner can also get (PERMISSION_DENIED, ALREADY_EXISTS, FAILED_...).
    awaitRefused(refusedBefore + 6);

    List<Agreement> all =
        vAdmin.listAgreements(ListAgreementsRequest.getDefaultInstance()).getAgreementsList();
    assertThat(all).extracting(Agreement::getAgreementId).containsExactly(agreementId);
    assertThat(agreementState()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
    new Delivery().deliverWithTwin(0);
  }

  @Test
  void hostileConfirmations_getTheirStatus_andChangeNothing() throws Exception {
    long refusedBefore = partnerStatus().getInboundRefused();
    AgreementTerms terms = AgreementTerms.parseFrom(activeAgreement.getTerms());
    // The same terms, re-serialized into other bytes (version repeated: same message when parsed).
    ByteString reserialized =
        activeAgreement
            .getTerms()
            .concat(
                AgreementTerms.newBuilder().setVersion(terms.getVersion()).build().toByteString());
    assertThat(AgreementTerms.parseFrom(reserialized)).isEqualTo(terms);
    SignedAgreement reSigned =
        SignedAgreement.newBuilder()
            .setTerms(reserialized)
            .setProposerSignature(activeAgreement.getProposerSignature())
            .setAcceptorSignature(
                ByteString.copyFrom(
                    mKeys.sign(
                        SigningInput.of(
                            SigningInput.AGREEMENT_TERMS_TYPE, reserialized.toByteArray()))))
            .build();
    byte[] badSignature = activeAgreement.getAcceptorSignature().toByteArray();
    badSignature[0] ^= 0x01;
    AgreementTerms unknownId = terms.toBuilder().setAgreementId(Ids.newId(RNG)).build();

    assertConfirm(ConfirmAgreementRequest.getDefaultInstance(), Status.Code.INVALID_ARGUMENT);
    assertConfirm(confirm(reSigned), Status.Code.INVALID_ARGUMENT);
    assertConfirm(
        confirm(
            activeAgreement.toBuilder()
                .setAcceptorSignature(ByteString.copyFrom(badSignature))
                .build()),
        Status.Code.INVALID_ARGUMENT);
    assertConfirm(
        confirm(activeAgreement.toBuilder().clearAcceptorSignature().build()),
        Status.Code.INVALID_ARGUMENT);
    assertConfirm(
        confirm(
            SignedAgreement.newBuilder()
                .setTerms(unknownId.toByteString())
                .setProposerSignature(ByteString.copyFrom(new byte[64]))
                .setAcceptorSignature(ByteString.copyFrom(new byte[64]))
                .build()),
        Status.Code.NOT_FOUND);
    assertConfirm(
        confirm(
            activeAgreement.toBuilder()
                .setTerms(terms.toBuilder().setAgreementId("NOT-AN-ID").build().toByteString())
                .build()),
        Status.Code.INVALID_ARGUMENT);
    awaitRefused(refusedBefore + 5); // the INVALID_ARGUMENT answers, not the NOT_FOUND
    // The twin: the genuine confirmation repeated succeeds and changes nothing (AGR-8.2).
    asM().confirmAgreement(confirm(activeAgreement));

    Agreement held =
        vAdmin
            .getAgreement(GetAgreementRequest.newBuilder().setAgreementId(agreementId).build())
            .getAgreement();
    assertThat(held.getState()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
    assertThat(held.getSigned()).isEqualTo(activeAgreement);
    new Delivery().deliverWithTwin(0);
  }

  @Test
  void undecodableRequests_areInvalidArgument_andChangeNothing() throws Exception {
    long refusedBefore = partnerStatus().getInboundRefused();
    byte[] notProtobuf = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
    for (var method :
        List.of(
            FederationServiceGrpc.getOfferAgreementMethod(),
            FederationServiceGrpc.getConfirmAgreementMethod(),
            FederationServiceGrpc.getNotifyAgreementStateMethod())) {
      MethodDescriptor<byte[], byte[]> raw =
          method.toBuilder(RawBytes.INSTANCE, RawBytes.INSTANCE).build();
      assertStatus(
          () ->
              ClientCalls.blockingUnaryCall(
                  mCalls,
                  raw,
                  CallOptions.DEFAULT.withDeadlineAfter(WAIT_SECONDS, TimeUnit.SECONDS),
                  notProtobuf),
          Status.Code.INVALID_ARGUMENT);
    }
    // The same inside a Subscribe stream, after a proper start.
    MethodDescriptor<byte[], byte[]> rawSubscribe =
        FederationServiceGrpc.getSubscribeMethod().toBuilder(RawBytes.INSTANCE, RawBytes.INSTANCE)
            .build();
    BlockingQueue<Status> end = new LinkedBlockingQueue<>();
    StreamObserver<byte[]> requests =
        ClientCalls.asyncBidiStreamingCall(
            mCalls.newCall(rawSubscribe, CallOptions.DEFAULT),
            new StreamObserver<byte[]>() {
              @Override
              public void onNext(byte[] value) {}

              @Override
              public void onError(Throwable t) {
                end.add(Status.fromThrowable(t));
              }

              @Override
              public void onCompleted() {
                end.add(Status.OK);
              }
            });
    requests.onNext(
        SubscribeRequest.newBuilder()
            .setStart(SubscribeStart.newBuilder().setAfterSequence(Long.MAX_VALUE))
            .build()
            .toByteArray());
    requests.onNext(notProtobuf);
    Status subscribeEnd = end.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(subscribeEnd).isNotNull();
    assertThat(subscribeEnd.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    awaitRefused(refusedBefore + 4);

    // The twins: the agreement is untouched, a proper Subscribe is served, the feed still works.
    assertThat(agreementState()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
    MySubscription ok = new MySubscription();
    ok.send(
        SubscribeRequest.newBuilder()
            .setStart(SubscribeStart.newBuilder().setAfterSequence(0))
            .build());
    assertThat(ok.awaitItem().getAgreementId()).isEqualTo(agreementId);
    ok.cancel();
    new Delivery().deliverWithTwin(0);
  }

  /** Sends and receives bytes as they are, so a test can put anything on the wire. */
  private enum RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Test
  void hostileStateNotices_getTheirStatus_andChangeNothing() throws Exception {
    long refusedBefore = partnerStatus().getInboundRefused();
    assertNotify(
        notice(Ids.newId(RNG), AgreementState.AGREEMENT_STATE_SUSPENDED), Status.Code.NOT_FOUND);
    assertNotify(
        notice("../../etc", AgreementState.AGREEMENT_STATE_SUSPENDED),
        Status.Code.INVALID_ARGUMENT);
    assertNotify(
        notice(agreementId, AgreementState.AGREEMENT_STATE_UNSPECIFIED),
        Status.Code.INVALID_ARGUMENT);
    assertNotify(
        notice(agreementId, AgreementState.AGREEMENT_STATE_PROPOSED), Status.Code.INVALID_ARGUMENT);
    assertNotify(
        NotifyAgreementStateRequest.newBuilder()
            .setAgreementId(agreementId)
            .setStateValue(42)
            .build(),
        Status.Code.INVALID_ARGUMENT);
    awaitRefused(refusedBefore + 4); // not the NOT_FOUND: an honest partner can get that
    // The twin: a repeated ACTIVE notice for the ACTIVE agreement succeeds and changes nothing.
    asM().notifyAgreementState(notice(agreementId, AgreementState.AGREEMENT_STATE_ACTIVE));
    assertThat(agreementState()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
    new Delivery().deliverWithTwin(0);
  }

  @Test
  void hostileSubscribeCalls_areInvalidArgument_andAProperOneIsServed() throws Exception {
    long refusedBefore = partnerStatus().getInboundRefused();
    SubscribeRequest ack1 =
        SubscribeRequest.newBuilder().setAck(FeedAck.newBuilder().setThroughSequence(1)).build();
    SubscribeRequest startLast =
        SubscribeRequest.newBuilder()
            .setStart(SubscribeStart.newBuilder().setAfterSequence(Long.MAX_VALUE))
            .build();
    assertSubscribeFails(s -> s.send(ack1));
    assertSubscribeFails(s -> s.send(SubscribeRequest.getDefaultInstance()));
    assertSubscribeFails(
        s ->
            s.send(
                SubscribeRequest.newBuilder()
                    .setStart(
                        SubscribeStart.newBuilder().setAfterSequence(-1)) // 2^64-1 on the wire
                    .build()));
    assertSubscribeFails(
        s -> {
          s.send(startLast);
          s.send(startLast);
        });
    assertSubscribeFails(
        s -> {
          s.send(startLast);
          s.awaitCaughtUp(); // nothing was sent on this stream
          s.send(ack1);
        });
    assertSubscribeFails(
        s -> {
          s.send(startLast);
          s.awaitCaughtUp();
          s.send(SubscribeRequest.getDefaultInstance());
        });
    awaitRefused(refusedBefore + 6);

    // The twin: a proper subscription is served, with V's own alert, redacted to the grant.
    MySubscription ok = new MySubscription();
    ok.send(
        SubscribeRequest.newBuilder()
            .setStart(SubscribeStart.newBuilder().setAfterSequence(0))
            .build());
    FeedItem item = ok.awaitItem();
    assertThat(item.getAgreementId()).isEqualTo(agreementId);
    assertThat(header(item.getAlert()).getOriginNodeId()).isEqualTo(vId.value());
    ok.cancel();
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** Hostile items followed by a valid twin; checks the counter and that the twin is stored. */
  private final class Delivery {
    private final List<SubscribeResponse> messages = new ArrayList<>();

    long seq() {
      return nextSequence++;
    }

    void item(FeedItem item) {
      raw(SubscribeResponse.newBuilder().setItem(item).build());
    }

    void alert(SignedAlert alert) {
      item(
          FeedItem.newBuilder()
              .setSequence(seq())
              .setAgreementId(agreementId)
              .setAlert(alert)
              .build());
    }

    void raw(SubscribeResponse r) {
      messages.add(r);
    }

    void deliverWithTwin(long expectedRejections) throws Exception {
      long before = rejected();
      String twinId = newAlertId();
      long twinSeq = seq();
      messages.add(
          SubscribeResponse.newBuilder()
              .setItem(
                  FeedItem.newBuilder()
                      .setSequence(twinSeq)
                      .setAgreementId(agreementId)
                      .setAlert(granted(twinId, 1)))
              .build());
      Session s = liveSession();
      for (SubscribeResponse r : messages) {
        s.send(r);
      }
      s.awaitAck(twinSeq);
      assertThat(storedVersion(twinId)).as("the valid twin is stored").isEqualTo(1);
      assertThat(rejected() - before).as("inbound_rejected increase").isEqualTo(expectedRejections);
    }
  }

  private long rejected() {
    return partnerStatus().getInboundRejected();
  }

  /**
   * Waits until V counts {@code expected} refused calls from M, then checks that it is exactly that
   * many: no call of this test counted twice, no honest call counted.
   *
   * <p>An extra count is shown by a marker, not by time. M repeats the genuine confirmation twice
   * on the same connection (AGR-8.2: it succeeds and changes nothing; OK is never a refusal) and
   * waits for each answer. Why the answer proves that every wrong count of an earlier call has been
   * made: V counts a call ({@code edge/RefusedCallCounter}, a stream tracer) at the later of {@code
   * serverCallStarted} and {@code streamClosed}. {@code serverCallStarted} runs before the call's
   * interceptors and handler, so before V answers it. {@code streamClosed} runs on the connection's
   * Netty event loop, one thread for the connection's life: for a call V's code ended, from the
   * listener of the write that put its trailers on the socket (grpc-java's {@code
   * NettyServerHandler.closeStreamWhenDone}), which Netty runs in that same turn of the loop; for a
   * call the transport ended, before its status is even queued for writing. So it has run before M
   * could see that call's status. M sends the marker only after it has every earlier status, and V
   * writes the marker's answer in a later turn of the same loop: once M has the answer, every count
   * made at {@code streamClosed} of an earlier call has been made. The first marker's own count is
   * not ordered by its own answer (its trailers can reach M before its {@code streamClosed} runs),
   * but it is by the second one's: an honest call counted would show too.
   *
   * <p>Where this does not hold: (1) a call the transport ended before V started it (a request over
   * the size limit: the deframer refuses it on the event loop while {@code serverCallStarted} still
   * waits on the executor) is counted on an executor thread that no marker is ordered with; the
   * wait above covers its one right count, not a wrong second one. (2) Counts for another
   * connection run on another event loop, so every call must have gone over one connection (checked
   * below); a call that ended the connection (a connection error, GOAWAY) would break that, and
   * none here does: a request over the size limit ends only its stream. (3) Netty runs a write's
   * listener in the same turn unless listener notifications nest more than eight deep; then it
   * queues it as a task, and a flush queued before it could carry the marker's answer first.
   */
  private void awaitRefused(long expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (partnerStatus().getInboundRefused() < expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    asM().confirmAgreement(confirm(activeAgreement));
    asM().confirmAgreement(confirm(activeAgreement));
    assertThat(new HashSet<>(callConnections))
        .as("connections of M's calls in this test (the marker orders only its own)")
        .hasSize(1)
        .doesNotContainNull();
    assertThat(partnerStatus().getInboundRefused()).as("inbound_refused").isEqualTo(expected);
  }

  private PartnerStatus partnerStatus() {
    return vAdmin.getStatus(GetStatusRequest.getDefaultInstance()).getPartnersList().stream()
        .filter(p -> p.getPartner().getName().equals(M_NAME))
        .findFirst()
        .orElseThrow();
  }

  private AgreementState agreementState() {
    return vAdmin
        .getAgreement(GetAgreementRequest.newBuilder().setAgreementId(agreementId).build())
        .getAgreement()
        .getState();
  }

  private long storedVersion(String alertId) {
    return vClient
        .getAlert(
            GetAlertRequest.newBuilder()
                .setAlertId(alertId)
                .setOriginNodeId(mKeys.nodeId().value())
                .build())
        .getAlert()
        .getVersion();
  }

  private void assertNotStored(String... alertIds) {
    for (String id : alertIds) {
      assertThatThrownBy(
              () -> vClient.getAlert(GetAlertRequest.newBuilder().setAlertId(id).build()))
          .as("alert %s is not stored", id)
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }
  }

  private static String newAlertId() {
    return AlertDraft.newAlertId(RNG);
  }

  private static AlertFields fields(String word) {
    return AlertFields.newBuilder()
        .setIncidentDate("2026-11-02")
        .setArea(GRANTED_AREA)
        .addHarms(HarmCategory.HARM_CATEGORY_PHYSICAL_ASSAULT)
        .setSeverity(Severity.SEVERITY_HIGH)
        .setAggressorDescription("man with a " + word + " tattoo")
        .build();
  }

  private static AlertDraft draft(String id, long version, AlertFields fields) {
    return draft(id, version, fields, 0);
  }

  private static AlertDraft draft(String id, long version, AlertFields fields, int maxHops) {
    long now = System.currentTimeMillis() / 1000;
    return new AlertDraft(
        id,
        version,
        version == 1 ? AlertStatus.ALERT_STATUS_ACTIVE : AlertStatus.ALERT_STATUS_UPDATED,
        now - 60,
        now + 86_400 * 30,
        Audience.AUDIENCE_PEER,
        maxHops,
        fields);
  }

  private FeedItem relayed(SignedAlert alert, long sequence, int relayHops, int hopsLeft) {
    return FeedItem.newBuilder()
        .setSequence(sequence)
        .setAgreementId(agreementId)
        .setAlert(alert)
        .setRelayHops(relayHops)
        .setHopsLeft(hopsLeft)
        .build();
  }

  /** A valid alert from M, redacted to what the agreement grants V. */
  private SignedAlert granted(String id, long version) {
    return Disclosures.select(
        mSigner.sign(draft(id, version, fields("twin"))), Set.copyOf(GRANTED_TO_V));
  }

  private static AlertHeader header(SignedAlert e) {
    try {
      return AlertHeader.parseFrom(e.getHeader());
    } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
      throw new AssertionError(ex);
    }
  }

  /** Re-signs a header (keeping the original disclosures out: they would not match anyway). */
  private static SignedAlert signed(NodeKeys keys, AlertHeader.Builder header) {
    byte[] bytes = header.build().toByteArray();
    return SignedAlert.newBuilder()
        .setHeader(ByteString.copyFrom(bytes))
        .setSignature(ByteString.copyFrom(keys.sign(SigningInput.ofAlertHeader(bytes))))
        .build();
  }

  private static AlertHeader.Builder headerBuilder(SignedAlert e) {
    return header(e).toBuilder();
  }

  private static Disclosure disclosure(SignedAlert e, String path) {
    return e.getDisclosuresList().stream()
        .filter(d -> pathOf(d).equals(path))
        .findFirst()
        .orElseThrow();
  }

  private static String pathOf(Disclosure d) {
    try {
      return Claim.parseFrom(d.getClaim()).getPath();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return "";
    }
  }

  private static SignedAlert replace(SignedAlert e, Disclosure old, Disclosure replacement) {
    List<Disclosure> ds = new ArrayList<>(e.getDisclosuresList());
    ds.set(ds.indexOf(old), replacement);
    return e.toBuilder().clearDisclosures().addAllDisclosures(ds).build();
  }

  private static ByteString claim(String path, AlertFields.Builder value) {
    return Claim.newBuilder().setPath(path).setValue(value).build().toByteString();
  }

  private static UnknownFieldSet unknownField(int number) {
    return UnknownFieldSet.newBuilder()
        .addField(number, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
        .build();
  }

  private FederationServiceGrpc.FederationServiceBlockingStub asM() {
    return FederationServiceGrpc.newBlockingStub(mCalls)
        .withDeadlineAfter(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private static OfferAgreementRequest offer(SignedAgreement s) {
    return OfferAgreementRequest.newBuilder().setAgreement(s).build();
  }

  private static ConfirmAgreementRequest confirm(SignedAgreement s) {
    return ConfirmAgreementRequest.newBuilder().setAgreement(s).build();
  }

  private static NotifyAgreementStateRequest notice(String id, AgreementState state) {
    return NotifyAgreementStateRequest.newBuilder().setAgreementId(id).setState(state).build();
  }

  private void assertOffer(OfferAgreementRequest r, Status.Code expected) {
    assertStatus(() -> asM().offerAgreement(r), expected);
  }

  private void assertConfirm(ConfirmAgreementRequest r, Status.Code expected) {
    assertStatus(() -> asM().confirmAgreement(r), expected);
  }

  private void assertNotify(NotifyAgreementStateRequest r, Status.Code expected) {
    assertStatus(() -> asM().notifyAgreementState(r), expected);
  }

  private static void assertStatus(Runnable call, Status.Code expected) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(expected);
              assertThat(e.getStatus().getCode()).isNotEqualTo(Status.Code.INTERNAL);
            });
  }

  /** Opens a Subscribe to V as M, runs {@code hostile} on it, expects INVALID_ARGUMENT. */
  private void assertSubscribeFails(ThrowingConsumer<MySubscription> hostile) throws Exception {
    MySubscription s = new MySubscription();
    hostile.accept(s);
    Status end = s.awaitEnd();
    assertThat(end.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @FunctionalInterface
  private interface ThrowingConsumer<T> {
    void accept(T t) throws Exception;
  }

  /** M's own Subscribe call to V. */
  private final class MySubscription {
    final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    final ClientCallStreamObserver<SubscribeRequest> requests;

    MySubscription() {
      AtomicReference<ClientCallStreamObserver<SubscribeRequest>> call = new AtomicReference<>();
      FederationServiceGrpc.newStub(mCalls)
          .subscribe(
              new ClientResponseObserver<SubscribeRequest, SubscribeResponse>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<SubscribeRequest> r) {
                  call.set(r);
                }

                @Override
                public void onNext(SubscribeResponse value) {
                  events.add(value);
                }

                @Override
                public void onError(Throwable t) {
                  events.add(Status.fromThrowable(t));
                }

                @Override
                public void onCompleted() {
                  events.add(Status.OK);
                }
              });
      requests = call.get();
    }

    void send(SubscribeRequest r) {
      requests.onNext(r);
    }

    void awaitCaughtUp() throws InterruptedException {
      while (true) {
        Object e = next();
        if (e instanceof SubscribeResponse r && r.hasStatus() && r.getStatus().getCaughtUp()) {
          return;
        }
        if (e instanceof Status s) {
          throw new AssertionError("stream ended before caught up: " + s);
        }
      }
    }

    FeedItem awaitItem() throws InterruptedException {
      while (true) {
        Object e = next();
        if (e instanceof SubscribeResponse r && r.hasItem()) {
          return r.getItem();
        }
        if (e instanceof Status s) {
          throw new AssertionError("stream ended without an item: " + s);
        }
      }
    }

    Status awaitEnd() throws InterruptedException {
      while (true) {
        if (next() instanceof Status s) {
          return s;
        }
      }
    }

    void cancel() {
      requests.cancel("test done", null);
    }

    private Object next() throws InterruptedException {
      Object e = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      if (e == null) {
        requests.cancel("test gave up", null);
        throw new AssertionError("V did not answer on the Subscribe stream");
      }
      return e;
    }
  }

  /** V's current feed session at M, waiting for a new one if the last one ended. */
  private Session liveSession() throws InterruptedException {
    if (session == null || session.ended()) {
      Session next;
      do {
        next = fake.sessions.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(next).as("V subscribed to M's feed").isNotNull();
      } while (next.ended());
      next.awaitStart();
      session = next;
    }
    return session;
  }

  /** One Subscribe call from V to M, driven by the test. */
  private static final class Session {
    final ServerCallStreamObserver<SubscribeResponse> out;
    final BlockingQueue<Object> requests = new LinkedBlockingQueue<>();
    volatile boolean cancelled;
    long afterSequence = -1;

    Session(ServerCallStreamObserver<SubscribeResponse> out) {
      this.out = out;
      out.setOnCancelHandler(
          () -> {
            cancelled = true;
            requests.add(Status.CANCELLED);
          });
    }

    boolean ended() {
      return cancelled;
    }

    final StreamObserver<SubscribeRequest> inbound =
        new StreamObserver<>() {
          @Override
          public void onNext(SubscribeRequest value) {
            requests.add(value);
          }

          @Override
          public void onError(Throwable t) {
            cancelled = true;
            requests.add(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            requests.add(Status.OK);
          }
        };

    void awaitStart() throws InterruptedException {
      Object r = requests.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      if (!(r instanceof SubscribeRequest req) || !req.hasStart()) {
        throw new AssertionError("V's first feed request was not start: " + r);
      }
      afterSequence = req.getStart().getAfterSequence();
      send(
          SubscribeResponse.newBuilder()
              .setStatus(FeedStatus.newBuilder().setCaughtUp(true))
              .build());
    }

    synchronized void send(SubscribeResponse r) {
      out.onNext(r);
    }

    void awaitAck(long through) throws InterruptedException {
      while (true) {
        Object r = requests.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (r == null) {
          throw new AssertionError("V did not acknowledge sequence " + through);
        }
        if (r instanceof Status s) {
          throw new AssertionError("V ended its feed stream: " + s);
        }
        SubscribeRequest req = (SubscribeRequest) r;
        if (req.hasAck() && req.getAck().getThroughSequence() >= through) {
          return;
        }
      }
    }

    /** True once V cancelled the stream. */
    boolean awaitEnd() throws InterruptedException {
      while (!cancelled) {
        Object r = requests.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (r == null) {
          return false;
        }
      }
      return true;
    }
  }

  /** Records, when a call of M's ends, the local address of the connection it went over. */
  private final class ConnectionRecorder implements ClientInterceptor {
    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
        MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
      ClientCall<ReqT, RespT> call = next.newCall(method, options);
      return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
        @Override
        public void start(Listener<RespT> listener, Metadata headers) {
          super.start(
              new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                @Override
                public void onClose(Status status, Metadata trailers) {
                  callConnections.add(call.getAttributes().get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR));
                  super.onClose(status, trailers);
                }
              },
              headers);
        }
      };
    }
  }

  /** M's federation service: keeps offers, accepts everything, hands Subscribe calls to tests. */
  private static final class FakePartner extends FederationServiceGrpc.FederationServiceImplBase {
    final BlockingQueue<SignedAgreement> offers = new LinkedBlockingQueue<>();
    final BlockingQueue<Session> sessions = new LinkedBlockingQueue<>();

    @Override
    public void offerAgreement(
        OfferAgreementRequest req, StreamObserver<OfferAgreementResponse> out) {
      offers.add(req.getAgreement());
      out.onNext(OfferAgreementResponse.getDefaultInstance());
      out.onCompleted();
    }

    @Override
    public void confirmAgreement(
        ConfirmAgreementRequest req, StreamObserver<ConfirmAgreementResponse> out) {
      out.onNext(ConfirmAgreementResponse.getDefaultInstance());
      out.onCompleted();
    }

    @Override
    public void notifyAgreementState(
        NotifyAgreementStateRequest req, StreamObserver<NotifyAgreementStateResponse> out) {
      out.onNext(NotifyAgreementStateResponse.getDefaultInstance());
      out.onCompleted();
    }

    @Override
    public StreamObserver<SubscribeRequest> subscribe(StreamObserver<SubscribeResponse> out) {
      Session s = new Session((ServerCallStreamObserver<SubscribeResponse>) out);
      sessions.add(s);
      return s.inbound;
    }
  }

  private static <S extends AbstractStub<S>> S bearer(S stub, String token) {
    Metadata m = new Metadata();
    m.put(CredentialCheck.AUTHORIZATION, "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
  }
}
