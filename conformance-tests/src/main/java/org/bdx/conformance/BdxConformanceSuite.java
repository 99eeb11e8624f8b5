package org.bdx.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bdx.conformance.ConformanceFixture.GRANTED;
import static org.bdx.conformance.ConformanceFixture.GRANTED_TO_NUT;
import static org.bdx.conformance.ConformanceFixture.WAIT;
import static org.bdx.conformance.ConformanceFixture.assertStatus;
import static org.bdx.conformance.ConformanceFixture.bearer;
import static org.bdx.conformance.ConformanceFixture.catchStatus;
import static org.bdx.conformance.ConformanceFixture.contains;
import static org.bdx.conformance.ConformanceFixture.forAlert;
import static org.bdx.conformance.ConformanceFixture.header;
import static org.bdx.conformance.ConformanceFixture.hostPort;
import static org.bdx.conformance.ConformanceFixture.item;
import static org.bdx.conformance.ConformanceFixture.notice;
import static org.bdx.conformance.ConformanceFixture.offer;
import static org.bdx.conformance.ConformanceFixture.plaintext;
import static org.bdx.conformance.ConformanceFixture.propose;
import static org.bdx.conformance.ConformanceFixture.randomBytes;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import com.google.rpc.BadRequest;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.bdx.conformance.ConformanceFixture.Submitted;
import org.bdx.proto.v1.AddPartnerRequest;
import org.bdx.proto.v1.AdminServiceGrpc;
import org.bdx.proto.v1.Agreement;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.ConfirmAgreementRequest;
import org.bdx.proto.v1.FederationServiceGrpc;
import org.bdx.proto.v1.FeedAck;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.GetAgreementRequest;
import org.bdx.proto.v1.GetAlertRequest;
import org.bdx.proto.v1.GetNodeInfoRequest;
import org.bdx.proto.v1.GetNodeInfoResponse;
import org.bdx.proto.v1.GetStatusRequest;
import org.bdx.proto.v1.ListReportsRequest;
import org.bdx.proto.v1.NotifyAgreementStateRequest;
import org.bdx.proto.v1.OfferAgreementRequest;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.PartnerStatus;
import org.bdx.proto.v1.RemovePartnerRequest;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.RetractAlertRequest;
import org.bdx.proto.v1.SearchAlertsRequest;
import org.bdx.proto.v1.SignedAgreement;
import org.bdx.proto.v1.SignedAlert;
import org.bdx.proto.v1.SubmitReportRequest;
import org.bdx.proto.v1.SubscribeRequest;
import org.bdx.proto.v1.SubscribeStart;
import org.bdx.proto.v1.UpdateAlertRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The BDX v1 conformance suite (spec section 15). It drives a node under test through its published
 * APIs only: the client and admin APIs with the admin credential (CONF-2), and the federation API
 * as partner nodes of its own (CONF-4): one registered as PEER, one as SUPPORT, one as POLICE, one
 * for hostile calls, one without an agreement, and one whose terms allow relaying, which relays
 * alerts of an origin key the node under test does not know (section 10.8).
 *
 * <p>Each test's display name starts with the requirement ids it checks. Subclasses say which node
 * to test ({@link #nodeUnderTest()}); {@code OurNodeConformanceTest} runs it against the reference
 * node in the build and {@link Main} against any {@code HOST:PORT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class BdxConformanceSuite {
  /** Implementations give the suite their endpoints and admin credential (CONF-1). */
  protected abstract NodeUnderTest nodeUnderTest() throws Exception;

  private ConformanceFixture fx;

  // The fixture's state under the names the tests use, set once the fixture has started.
  private String run;
  private NodeUnderTest nut;
  private ManagedChannel local;
  private GetNodeInfoResponse info;
  private Map<PartnerClass, SuiteNode> partners;
  private Map<PartnerClass, SuiteNode.Subscription> feeds;
  private List<SuiteNode.Subscription> allFeeds;
  private SuiteNode hostile;
  private SuiteNode noAgreement;
  private List<SuiteNode> all;
  private Submitted peerReport;
  private Submitted supportReport;
  private Submitted policeReport;
  private Set<String> canaries;

  @BeforeAll
  void setUp() throws Exception {
    fx = new ConformanceFixture(nodeUnderTest());
    fx.start();
    run = fx.run;
    nut = fx.nut;
    local = fx.local;
    info = fx.info;
    partners = fx.partners;
    feeds = fx.feeds;
    allFeeds = fx.allFeeds;
    hostile = fx.hostile;
    noAgreement = fx.noAgreement;
    all = fx.all;
    peerReport = fx.peerReport;
    supportReport = fx.supportReport;
    policeReport = fx.policeReport;
    canaries = fx.canaries;
  }

  /** Runs after the suite has ended its agreements and stopped its partner nodes. */
  protected void afterSuite() throws Exception {}

  @AfterAll
  void tearDown() throws Exception {
    if (fx != null) {
      fx.close();
    }
    afterSuite();
  }

  // --- identity and the client API ---------------------------------------------------------------

  @Test
  @Order(1)
  @DisplayName(
      "ID-2, ID-3: the node id is derived from the public key; the fingerprint is its prefix")
  void identity() {
    byte[] pk = info.getPublicKey().toByteArray();
    assertThat(pk).hasSize(32);
    assertThat(info.getNodeId()).matches("bdx[a-z2-7]{52}").isEqualTo(SpecCrypto.nodeId(pk));
    assertThat(info.getFingerprint())
        .matches("[a-z2-7]{4}(-[a-z2-7]{4}){4}")
        .isEqualTo(SpecCrypto.fingerprint(info.getNodeId()));
    assertThat(info.getProtocolVersionsList()).contains("bdx.v1");
    assertThat(admin().getStatus(GetStatusRequest.getDefaultInstance()).getNodeId())
        .isEqualTo(info.getNodeId());
  }

  @Test
  @Order(2)
  @DisplayName("API-1, ADM-1, CONF-2: calls without the credential are UNAUTHENTICATED")
  void unauthenticated() {
    var anon = ClientServiceGrpc.newBlockingStub(local).withDeadlineAfter(WAIT, TimeUnit.SECONDS);
    var wrong =
        bearer(ClientServiceGrpc.newBlockingStub(local), "not-the-token")
            .withDeadlineAfter(WAIT, TimeUnit.SECONDS);
    var anonAdmin =
        AdminServiceGrpc.newBlockingStub(local).withDeadlineAfter(WAIT, TimeUnit.SECONDS);
    var wrongAdmin =
        bearer(AdminServiceGrpc.newBlockingStub(local), nut.adminToken() + "x")
            .withDeadlineAfter(WAIT, TimeUnit.SECONDS);
    assertStatus(
        () -> anon.getNodeInfo(GetNodeInfoRequest.getDefaultInstance()),
        Status.Code.UNAUTHENTICATED);
    assertStatus(
        () -> wrong.searchAlerts(SearchAlertsRequest.newBuilder().setText("x").build()),
        Status.Code.UNAUTHENTICATED);
    assertStatus(
        () -> anonAdmin.getStatus(GetStatusRequest.getDefaultInstance()),
        Status.Code.UNAUTHENTICATED);
    assertStatus(
        () -> wrongAdmin.getStatus(GetStatusRequest.getDefaultInstance()),
        Status.Code.UNAUTHENTICATED);
    // The twin: the admin credential opens both services (CONF-2).
    assertThat(client().getNodeInfo(GetNodeInfoRequest.getDefaultInstance()).getNodeId())
        .isNotEmpty();
  }

  @Test
  @Order(3)
  @DisplayName(
      "API-5, API-6: an invalid report is INVALID_ARGUMENT naming every bad field; nothing stored")
  void invalidReport() {
    String canary = "CNRY" + run + "INVALID";
    int before =
        client()
            .listReports(ListReportsRequest.newBuilder().setPageSize(500).build())
            .getReportsCount();
    Report bad =
        Report.newBuilder()
            .setIncidentDate("2026-13-45")
            .addHarmsValue(999)
            .addPhoneNumbers("12" + canary)
            .setAggressorDescription("description " + canary)
            .build();
    StatusRuntimeException e =
        catchStatus(
            () -> client().submitReport(SubmitReportRequest.newBuilder().setReport(bad).build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    com.google.rpc.Status details = StatusProto.fromThrowable(e);
    assertThat(details).as("google.rpc.Status details").isNotNull();
    List<BadRequest.FieldViolation> violations = new ArrayList<>();
    for (var any : details.getDetailsList()) {
      if (any.is(BadRequest.class)) {
        try {
          violations.addAll(any.unpack(BadRequest.class).getFieldViolationsList());
        } catch (InvalidProtocolBufferException ex) {
          throw new AssertionError(ex);
        }
      }
    }
    assertThat(violations)
        .extracting(BadRequest.FieldViolation::getField)
        .anySatisfy(f -> assertThat(f).startsWith("incident_date"))
        .anySatisfy(f -> assertThat(f).startsWith("area"))
        .anySatisfy(f -> assertThat(f).startsWith("harms"))
        .anySatisfy(f -> assertThat(f).startsWith("phone_numbers[0]"));
    assertThat(e.getStatus().getDescription()).doesNotContain(canary);
    assertThat(violations).allSatisfy(v -> assertThat(v.getDescription()).doesNotContain(canary));
    // Nothing stored.
    assertThat(
            client()
                .listReports(ListReportsRequest.newBuilder().setPageSize(500).build())
                .getReportsCount())
        .isEqualTo(before);
    assertThat(
            client()
                .searchAlerts(SearchAlertsRequest.newBuilder().setText(canary).build())
                .getAlertsList())
        .isEmpty();
  }

  @Test
  @Order(4)
  @DisplayName(
      "API-7, SIG-7, SIG-5, ALR-3: a submitted report yields a signed version 1 without the narrative")
  void submittedAlert() throws Exception {
    Submitted s = peerReport != null ? peerReport : submit(Audience.AUDIENCE_PEER);
    AlertView a = s.alert();
    Alerts.Verified v = Alerts.verify(a.getEnvelope().toByteArray(), info.getNodeId());
    assertThat(v.header().getVersion()).isEqualTo(1);
    assertThat(v.header().getStatus()).isEqualTo(AlertStatus.ALERT_STATUS_ACTIVE);
    assertThat(v.header().getAlertId()).isEqualTo(s.alertId());
    assertThat(v.header().getAudience()).isEqualTo(Audience.AUDIENCE_PEER);
    assertThat(v.disclosed().keySet())
        .contains("incident_date", "area", "harms", "phone_numbers", "vehicle_plate")
        .contains("reporter_contact"); // share_contact was chosen
    assertThat(v.disclosed().get("phone_numbers").getPhoneNumbersList())
        .allMatch(p -> p.startsWith("+"));
    String narrative = s.report().getNarrative();
    assertThat(contains(a.getEnvelope().toByteArray(), narrative)).isFalse();
    assertThat(contains(a.toByteArray(), narrative)).isFalse();
  }

  @Test
  @Order(5)
  @DisplayName("5.1 GetAlert: NOT_FOUND for an unknown alert, INVALID_ARGUMENT for a malformed id")
  void getAlertErrors() {
    assertStatus(
        () ->
            client()
                .getAlert(GetAlertRequest.newBuilder().setAlertId(SpecCrypto.newId16()).build()),
        Status.Code.NOT_FOUND);
    assertStatus(
        () -> client().getAlert(GetAlertRequest.newBuilder().setAlertId("NOT/AN/ID").build()),
        Status.Code.INVALID_ARGUMENT);
  }

  @Test
  @Order(6)
  @DisplayName(
      "ADM-4.1: AddPartner refuses bad input (INVALID_ARGUMENT) and taken ids (ALREADY_EXISTS)")
  void addPartnerErrors() {
    SpecCrypto.Keys k = SpecCrypto.Keys.generate();
    AddPartnerRequest ok =
        AddPartnerRequest.newBuilder()
            .setName("conf-bad-" + run)
            .setNodeId(k.nodeId())
            .setEndpoint("127.0.0.1:9")
            .setPartnerClass(PartnerClass.PARTNER_CLASS_PEER)
            .build();
    assertStatus(
        () -> admin().addPartner(ok.toBuilder().setNodeId("bdxnotanodeid").build()),
        Status.Code.INVALID_ARGUMENT);
    assertStatus(
        () -> admin().addPartner(ok.toBuilder().setNodeId(info.getNodeId()).build()),
        Status.Code.INVALID_ARGUMENT);
    assertStatus(
        () -> admin().addPartner(ok.toBuilder().setEndpoint("no-port").build()),
        Status.Code.INVALID_ARGUMENT);
    assertStatus(
        () ->
            admin()
                .addPartner(
                    ok.toBuilder().setPartnerClass(PartnerClass.PARTNER_CLASS_UNSPECIFIED).build()),
        Status.Code.INVALID_ARGUMENT);
    admin().addPartner(ok);
    try {
      assertStatus(() -> admin().addPartner(ok), Status.Code.ALREADY_EXISTS);
      assertStatus(
          () -> admin().addPartner(ok.toBuilder().setName("conf-bad2-" + run).build()),
          Status.Code.ALREADY_EXISTS);
    } finally {
      admin().removePartner(RemovePartnerRequest.newBuilder().setPartner(ok.getName()).build());
    }
  }

  // --- federation transport ----------------------------------------------------------------------

  @Test
  @Order(10)
  @DisplayName(
      "FED-TLS-2, FED-TLS-3, FED-TLS-5.1: the federation endpoint presents one self-signed Ed25519 certificate of its node key")
  void certificate() throws Exception {
    federation();
    SuiteNode n = partners.get(PartnerClass.PARTNER_CLASS_PEER);
    assertThat(n.clientTrust.seen).isNotEmpty();
    for (X509Certificate[] chain : n.clientTrust.seen) {
      assertThat(chain).hasSize(1);
      X509Certificate c = chain[0];
      assertThat(PartnerTls.nodeIdOf(c)).isEqualTo(info.getNodeId());
      c.verify(c.getPublicKey());
      assertThat(c.getVersion()).isEqualTo(3);
      assertThat(c.getBasicConstraints()).isEqualTo(-1);
      assertThat(c.getKeyUsage()[0]).as("digitalSignature").isTrue();
      assertThat(c.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    }
    // The node under test, as client of our endpoints, presents the same key.
    assertThat(n.serverTrust.seen).isNotEmpty();
    for (X509Certificate[] chain : n.serverTrust.seen) {
      assertThat(chain).hasSize(1);
      assertThat(PartnerTls.nodeIdOf(chain[0])).isEqualTo(info.getNodeId());
    }
  }

  @Test
  @Order(11)
  @DisplayName("FED-TLS-1: the federation endpoint refuses TLS 1.2 and plaintext")
  void tlsOnly13() throws Exception {
    federation();
    String[] hp = hostPort(nut.federationEndpoint());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new PartnerTls.Pinning(id -> true)}, null);
    try (SSLSocket s =
        (SSLSocket) ctx.getSocketFactory().createSocket(hp[0], Integer.parseInt(hp[1]))) {
      s.setEnabledProtocols(new String[] {"TLSv1.2"});
      s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT));
      assertThatThrownBy(s::startHandshake).isInstanceOf(java.io.IOException.class);
    }
    ManagedChannel plain = plaintext(nut.federationEndpoint());
    try {
      assertThatThrownBy(
              () ->
                  FederationServiceGrpc.newBlockingStub(plain)
                      .withDeadlineAfter(WAIT, TimeUnit.SECONDS)
                      .notifyAgreementState(
                          notice(
                              partners.get(PartnerClass.PARTNER_CLASS_PEER).agreementId,
                              AgreementState.AGREEMENT_STATE_TERMINATED)))
          .isInstanceOf(StatusRuntimeException.class);
    } finally {
      plain.shutdownNow();
    }
    assertActive(partners.get(PartnerClass.PARTNER_CLASS_PEER));
  }

  @Test
  @Order(12)
  @DisplayName(
      "FED-TLS-5.4, FED-TLS-6, FED-TLS-7: a client without a certificate, or with a key that is not a partner, is refused")
  void strangersRefused() throws Exception {
    federation();
    PartnerTls.Pinning pin = new PartnerTls.Pinning(info.getNodeId()::equals);
    PartnerTls stranger = new PartnerTls(SpecCrypto.Keys.generate());
    for (var ctx : List.of(PartnerTls.clientWithoutCertificate(pin), stranger.clientContext(pin))) {
      ManagedChannel ch = SuiteNode.open(nut.federationEndpoint(), ctx);
      try {
        StatusRuntimeException e =
            catchStatus(
                () ->
                    FederationServiceGrpc.newBlockingStub(ch)
                        .withDeadlineAfter(WAIT, TimeUnit.SECONDS)
                        .notifyAgreementState(
                            notice(
                                partners.get(PartnerClass.PARTNER_CLASS_PEER).agreementId,
                                AgreementState.AGREEMENT_STATE_SUSPENDED)));
        assertThat(e.getStatus().getCode())
            .isIn(Status.Code.UNAVAILABLE, Status.Code.UNAUTHENTICATED);
      } finally {
        ch.shutdownNow();
      }
    }
    assertActive(partners.get(PartnerClass.PARTNER_CLASS_PEER));
  }

  // --- agreements --------------------------------------------------------------------------------

  @Test
  @Order(20)
  @DisplayName(
      "AGR-2, AGR-8.1, ADM-7: accepting countersigns the exact offered bytes and confirms to the proposer")
  void agreementConfirmed() throws Exception {
    federation();
    for (SuiteNode n : partners.values()) {
      Agreement held =
          admin()
              .getAgreement(GetAgreementRequest.newBuilder().setAgreementId(n.agreementId).build())
              .getAgreement();
      assertThat(held.getState()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
      assertThat(held.getPartnerNodeId()).isEqualTo(n.keys.nodeId());
      assertThat(held.getWeSend().getReceiverClass()).isEqualTo(n.registeredAs);
      assertThat(held.getWeSend().getFieldPathsList())
          .containsExactlyInAnyOrderElementsOf(GRANTED.get(n.registeredAs));
      SignedAgreement signed = n.confirmed;
      assertThat(signed).as("ConfirmAgreement received").isNotNull();
      assertThat(signed.getTerms()).isEqualTo(n.offered.getTerms());
      assertThat(signed.getProposerSignature()).isEqualTo(n.offered.getProposerSignature());
      assertThat(
              SpecCrypto.verify(
                  info.getPublicKey().toByteArray(),
                  SpecCrypto.AGREEMENT_TERMS_TYPE,
                  signed.getTerms().toByteArray(),
                  signed.getAcceptorSignature().toByteArray()))
          .as("acceptor signature (AGR-2)")
          .isTrue();
    }
  }

  // --- disclosure per partner class --------------------------------------------------------------

  @Test
  @Order(30)
  @DisplayName(
      "POL-1, POL-2, SIG-8, FEED-2: a PEER partner gets every audience with exactly the granted fields")
  void peerDisclosure() throws Exception {
    federation();
    PartnerClass c = PartnerClass.PARTNER_CLASS_PEER;
    for (Submitted s : List.of(peerReport, supportReport, policeReport)) {
      assertExactDisclosure(c, s);
    }
  }

  @Test
  @Order(31)
  @DisplayName(
      "POL-1, POL-2, SEC-3: a SUPPORT partner gets SUPPORT and POLICE audiences only, with exactly the granted fields")
  void supportDisclosure() throws Exception {
    federation();
    PartnerClass c = PartnerClass.PARTNER_CLASS_SUPPORT;
    assertExactDisclosure(c, supportReport);
    assertExactDisclosure(c, policeReport);
    assertNeverSent(c, peerReport.alertId());
  }

  @Test
  @Order(32)
  @DisplayName(
      "POL-1, POL-2, SEC-3: a POLICE partner gets only POLICE-audience alerts, with exactly the granted fields")
  void policeDisclosure() throws Exception {
    federation();
    PartnerClass c = PartnerClass.PARTNER_CLASS_POLICE;
    assertExactDisclosure(c, policeReport);
    assertNeverSent(c, peerReport.alertId());
    assertNeverSent(c, supportReport.alertId());
  }

  @Test
  @Order(33)
  @DisplayName(
      "SEC-1, API-7, POL-2, POL-3, SEC-3: canary values never reach a partner (with the twin)")
  void canaries() throws Exception {
    federation();
    for (SuiteNode n : all) {
      for (byte[] b : n.receivedBytes) {
        for (String canary : canaries) {
          assertThat(contains(b, canary))
              .as("%s received withheld value %s", n.name, canary)
              .isFalse();
        }
      }
    }
    // A POLICE partner never sees what a PEER-audience alert carries.
    SuiteNode police = partners.get(PartnerClass.PARTNER_CLASS_POLICE);
    String peerOnly = peerReport.report().getAggressorDescription();
    assertThat(police.receivedBytes).noneMatch(b -> contains(b, peerOnly));
    // The twin: granted values do arrive, in the same bytes the scan reads.
    SuiteNode peer = partners.get(PartnerClass.PARTNER_CLASS_PEER);
    assertThat(peer.receivedBytes).anyMatch(b -> contains(b, peerOnly));
    assertThat(police.receivedBytes).anyMatch(b -> contains(b, policeReport.report().getArea()));
  }

  // --- versions, retraction, cursor --------------------------------------------------------------

  @Test
  @Order(40)
  @DisplayName(
      "VER-2, FEED-9, ALR-4: an update arrives as the next version, never followed by an older one")
  void update() throws Exception {
    federation();
    String desc = "updated description " + run;
    AlertView v2 =
        client()
            .updateAlert(
                UpdateAlertRequest.newBuilder()
                    .setAlertId(peerReport.alertId())
                    .setChanges(Report.newBuilder().setAggressorDescription(desc))
                    .build())
            .getAlert();
    assertThat(v2.getVersion()).isEqualTo(2);
    assertThat(v2.getStatus()).isEqualTo(AlertStatus.ALERT_STATUS_UPDATED);
    FeedItem item =
        feeds
            .get(PartnerClass.PARTNER_CLASS_PEER)
            .awaitItem(forVersion(peerReport.alertId(), 2), "version 2 of the updated alert");
    Alerts.Verified v = Alerts.verify(item.getAlert(), info.getNodeId());
    assertThat(v.header().getStatus()).isEqualTo(AlertStatus.ALERT_STATUS_UPDATED);
    assertThat(v.disclosed().get("aggressor_description").getAggressorDescription())
        .isEqualTo(desc);
    assertThat(v.header().getExpiresAt())
        .isEqualTo(header(peerReport.alert().getEnvelope()).getExpiresAt());
    assertVersionsNeverGoBack();
  }

  @Test
  @Order(41)
  @DisplayName(
      "VER-3, ALR-6, VER-5.2, SIG-5.2: a retraction arrives header-only at the partners that held content, without the reason")
  void retraction() throws Exception {
    federation();
    String reason = "CNRYREASON" + run;
    canaries.add(reason);
    AlertView r =
        client()
            .retractAlert(
                RetractAlertRequest.newBuilder()
                    .setAlertId(supportReport.alertId())
                    .setReason(reason)
                    .build())
            .getAlert();
    assertThat(r.getStatus()).isEqualTo(AlertStatus.ALERT_STATUS_RETRACTED);
    for (PartnerClass c :
        List.of(PartnerClass.PARTNER_CLASS_PEER, PartnerClass.PARTNER_CLASS_SUPPORT)) {
      FeedItem item =
          feeds.get(c).awaitItem(forVersion(supportReport.alertId(), 2), "the retraction");
      Alerts.Verified v = Alerts.verify(item.getAlert(), info.getNodeId());
      assertThat(v.header().getStatus()).isEqualTo(AlertStatus.ALERT_STATUS_RETRACTED);
      assertThat(v.header().getClaimDigestsCount()).isZero();
      assertThat(item.getAlert().getDisclosuresCount()).isZero();
    }
    // A partner that never held it learns nothing, not even the retraction (VER-5.3, POL-1).
    Submitted marker = submit(Audience.AUDIENCE_POLICE);
    feeds.get(PartnerClass.PARTNER_CLASS_POLICE).awaitItem(forAlert(marker.alertId()), "marker");
    assertNeverSent(PartnerClass.PARTNER_CLASS_POLICE, supportReport.alertId());
    for (SuiteNode n : all) {
      assertThat(n.receivedBytes).noneMatch(b -> contains(b, reason));
    }
  }

  @Test
  @Order(42)
  @DisplayName(
      "FEED-5.3, FEED-6, FEED-7: a feed resumed after the last acknowledged sequence misses nothing and repeats nothing")
  void cursorResume() throws Exception {
    federation();
    SuiteNode peer = partners.get(PartnerClass.PARTNER_CLASS_PEER);
    SuiteNode.Subscription old = feeds.get(PartnerClass.PARTNER_CLASS_PEER);
    long cursor = old.items.stream().mapToLong(FeedItem::getSequence).max().orElse(0);
    old.cancel();
    Submitted missed = submit(Audience.AUDIENCE_PEER);
    SuiteNode.Subscription resumed = subscribe(peer, cursor);
    feeds.put(PartnerClass.PARTNER_CLASS_PEER, resumed);
    resumed.awaitItem(forAlert(missed.alertId()), "the alert issued while disconnected");
    Submitted live = submit(Audience.AUDIENCE_PEER);
    resumed.awaitItem(forAlert(live.alertId()), "the alert issued after resuming");
    List<Long> seqs = resumed.items.stream().map(FeedItem::getSequence).toList();
    assertThat(seqs).allMatch(s -> s > cursor);
    assertThat(seqs).isSorted().doesNotHaveDuplicates();
    Set<String> before = new HashSet<>();
    old.items.forEach(
        i ->
            before.add(
                header(i.getAlert()).getAlertId() + "/" + header(i.getAlert()).getVersion()));
    assertThat(resumed.items)
        .noneMatch(
            i ->
                before.contains(
                    header(i.getAlert()).getAlertId() + "/" + header(i.getAlert()).getVersion()));
  }

  // --- what the node under test receives ---------------------------------------------------------

  @Test
  @Order(50)
  @DisplayName(
      "FEED-8, FEED-8.8, FEED-9, HOST-3, ADM-10: expired, ungranted and forged items are not stored; a valid twin is, once")
  void receiving() throws Exception {
    federation();
    SuiteNode p = partners.get(PartnerClass.PARTNER_CLASS_PEER);
    long now = System.currentTimeMillis() / 1000;
    String expiredId = SpecCrypto.newId16();
    String ungrantedId = SpecCrypto.newId16();
    String forgedId = SpecCrypto.newId16();
    String twinId = SpecCrypto.newId16();
    SignedAlert expired =
        Alerts.select(
            Alerts.sign(
                p.keys,
                expiredId,
                1,
                AlertStatus.ALERT_STATUS_ACTIVE,
                now - 7200,
                now - 3600,
                Audience.AUDIENCE_PEER,
                suiteFields("expired")),
            GRANTED_TO_NUT);
    SignedAlert ungranted =
        Alerts.sign(
            p.keys,
            ungrantedId,
            1,
            AlertStatus.ALERT_STATUS_ACTIVE,
            now - 60,
            now + 86_400,
            Audience.AUDIENCE_PEER,
            suiteFields("ungranted").toBuilder()
                .setVehiclePlate("CNRY" + run.toUpperCase())
                .build());
    SignedAlert good =
        Alerts.select(
            Alerts.sign(
                p.keys,
                forgedId,
                1,
                AlertStatus.ALERT_STATUS_ACTIVE,
                now - 60,
                now + 86_400,
                Audience.AUDIENCE_PEER,
                suiteFields("forged")),
            GRANTED_TO_NUT);
    byte[] sig = good.getSignature().toByteArray();
    sig[7] ^= 1;
    SignedAlert forged = good.toBuilder().setSignature(ByteString.copyFrom(sig)).build();
    SignedAlert twin =
        Alerts.select(
            Alerts.sign(
                p.keys,
                twinId,
                1,
                AlertStatus.ALERT_STATUS_ACTIVE,
                now - 60,
                now + 86_400,
                Audience.AUDIENCE_PEER,
                suiteFields("twin")),
            GRANTED_TO_NUT);
    long rejectedBefore = inboundRejected(p);
    p.deliver(List.of(item(p, expired), item(p, ungranted), item(p, forged), item(p, twin)));
    assertThat(storedFrom(p, twinId)).as("the valid twin is stored").isEqualTo(1);
    for (String id : List.of(expiredId, ungrantedId, forgedId)) {
      assertStatus(
          () ->
              client()
                  .getAlert(
                      GetAlertRequest.newBuilder()
                          .setAlertId(id)
                          .setOriginNodeId(p.keys.nodeId())
                          .build()),
          Status.Code.NOT_FOUND);
    }
    assertThat(inboundRejected(p) - rejectedBefore)
        .as("inbound_rejected grows by the two rejected items, not the expired one")
        .isEqualTo(2);

    // The twin again under a new sequence (a replay, or a copy by a second path): not applied,
    // counted as stale and not as rejected.
    PartnerStatus before = partnerStatus(p);
    p.deliver(List.of(item(p, twin)));
    PartnerStatus after = partnerStatus(p);
    assertThat(storedFrom(p, twinId)).as("the twin is still held at version 1").isEqualTo(1);
    assertThat(after.getInboundStale() - before.getInboundStale())
        .as("inbound_stale grows by the replayed item")
        .isEqualTo(1);
    assertThat(after.getInboundRejected())
        .as("a replay is not counted as rejected")
        .isEqualTo(before.getInboundRejected());
  }

  @Test
  @Order(51)
  @DisplayName(
      "FEED-3, AGR-4, RELAY-3.2: an alert received under terms without may_relay is sent to no partner")
  void noRelay() throws Exception {
    federation();
    SuiteNode p = partners.get(PartnerClass.PARTNER_CLASS_PEER);
    long now = System.currentTimeMillis() / 1000;
    String id = SpecCrypto.newId16();
    p.deliver(
        List.of(
            item(
                p,
                Alerts.select(
                    Alerts.sign(
                        p.keys,
                        id,
                        1,
                        AlertStatus.ALERT_STATUS_ACTIVE,
                        now - 60,
                        now + 86_400,
                        Audience.AUDIENCE_POLICE,
                        suiteFields("relay")),
                    GRANTED_TO_NUT))));
    assertThat(storedFrom(p, id)).isEqualTo(1);
    Submitted marker = submit(Audience.AUDIENCE_POLICE);
    for (PartnerClass c : feeds.keySet()) {
      feeds.get(c).awaitItem(forAlert(marker.alertId()), "marker");
      assertNeverSent(c, id);
    }
  }

  @Test
  @Order(52)
  @DisplayName(
      "FEED-5.1: a partner without an ACTIVE agreement gets PERMISSION_DENIED on Subscribe")
  void subscribeWithoutAgreement() throws Exception {
    federation();
    SuiteNode.Subscription s = noAgreement.subscribe(nut.federationEndpoint(), true);
    s.start(0);
    assertThat(s.awaitEnd().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(s.items).isEmpty();
  }

  // --- hostile federation calls (section 11.1) ---------------------------------------------------

  @Test
  @Order(60)
  @DisplayName(
      "HOST-2, FAPI-2, AGR-5, AGR-7: hostile OfferAgreement calls get their status and change nothing")
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

  // --- every received item -----------------------------------------------------------------------

  @Test
  @Order(90)
  @DisplayName(
      "SIG-7, SIG-1, FEED-1, FEED-5.3: every item received verifies, comes from the node under test under our agreement, in ascending sequence")
  void everyItemVerifies() throws Exception {
    federation();
    int n = 0;
    for (SuiteNode.Subscription s : allFeeds) {
      long last = 0;
      for (FeedItem i : s.items) {
        Alerts.verify(i.getAlert().toByteArray(), info.getNodeId());
        assertThat(i.getSequence()).isGreaterThan(last);
        last = i.getSequence();
        n++;
      }
    }
    for (SuiteNode p : partners.values()) {
      for (SuiteNode.Subscription s : allFeeds) {
        if (s.owner() == p) {
          assertThat(s.items).allMatch(i -> i.getAgreementId().equals(p.agreementId));
        }
      }
    }
    assertThat(n).as("items received (the twin: there is something to verify)").isPositive();
  }

  // --- relay, receiving side (section 10.8) -----------------------------------------------------

  @Test
  @Order(95)
  @DisplayName(
      "RELAY-1, RELAY-2, FEED-8.4, FEED-9, RELAY-7: a third origin's alert relayed within its signed max_hops is stored, from the relay")
  void relayedStored() throws Exception {
    federation();
    SuiteNode r = relayPartner();
    String word = "rly" + run + "ok";
    String id = SpecCrypto.newId16();
    long d =
        rejectedBy(r, relayed(r, originAlert(origin, id, 1, Audience.AUDIENCE_PEER, word), 1, 0));
    assertThat(d).as("inbound_rejected for a valid relayed item").isZero();
    AlertView held =
        client()
            .getAlert(
                GetAlertRequest.newBuilder()
                    .setAlertId(id)
                    .setOriginNodeId(origin.nodeId())
                    .build())
            .getAlert();
    assertThat(held.getVersion()).isEqualTo(1);
    assertThat(held.getOriginNodeId()).isEqualTo(origin.nodeId());
    assertThat(held.getLocal()).isFalse();
    assertThat(held.getReceivedFromNodeId())
        .as("the partner it came from")
        .isEqualTo(r.keys.nodeId());
    assertThat(held.getAgreementId()).isEqualTo(r.agreementId);
    assertThat(held.getDisclosedPathsList()).isSubsetOf(GRANTED_TO_NUT).isNotEmpty();
    assertThat(
            client()
                .searchAlerts(
                    SearchAlertsRequest.newBuilder().setText(word).setPageSize(500).build())
                .getAlertsList())
        .as("search finds the relayed copy (%s)", word)
        .anySatisfy(
            a -> {
              assertThat(a.getAlertId()).isEqualTo(id);
              assertThat(a.getOriginNodeId()).isEqualTo(origin.nodeId());
            });
  }

  @Test
  @Order(96)
  @DisplayName(
      "RELAY-2, FEED-8.4, HOST-3, ADM-10: hop counts the signed max_hops does not allow are rejected and counted, nothing stored")
  void relayHopsBounded() throws Exception {
    federation();
    SuiteNode r = relayPartner();
    String above = SpecCrypto.newId16();
    String raised = SpecCrypto.newId16();
    String ownRelayed = SpecCrypto.newId16();
    String twin = SpecCrypto.newId16();
    // max_hops 1 in every header below.
    assertThat(rejectedBy(r, relayed(r, originAlert(origin, above, 1, "above"), 2, 0)))
        .as("relay_hops 2 above max_hops 1")
        .isEqualTo(1);
    assertThat(rejectedBy(r, relayed(r, originAlert(origin, raised, 1, "raised"), 1, 1)))
        .as("relay_hops 1 + hops_left 1 above max_hops 1")
        .isEqualTo(1);
    assertThat(rejectedBy(r, relayed(r, originAlert(r.keys, ownRelayed, 1, "own"), 1, 0)))
        .as("relay_hops 1 with the sender as origin")
        .isEqualTo(1);
    assertNotHeld(origin.nodeId(), above);
    assertNotHeld(origin.nodeId(), raised);
    assertNotHeld(r.keys.nodeId(), ownRelayed);
    // The twin: the same counts as the first two, within max_hops 2, are stored.
    assertThat(rejectedBy(r, relayed(r, originAlert(origin, twin, 2, "twin"), 2, 0))).isZero();
    assertThat(storedFrom(origin.nodeId(), twin)).isEqualTo(1);
  }

  @Test
  @Order(97)
  @DisplayName(
      "RELAY-2, SIG-7.5, FEED-8.4, HOST-3: a third origin's alert with relay_hops 0 is rejected (UNEXPECTED_ORIGIN) and counted")
  void unmarkedThirdOrigin() throws Exception {
    federation();
    SuiteNode r = relayPartner();
    String id = SpecCrypto.newId16();
    assertThat(rejectedBy(r, relayed(r, originAlert(origin, id, 1, "unmarked"), 0, 0)))
        .isEqualTo(1);
    assertNotHeld(origin.nodeId(), id);
    // The twin: the same alert marked as relayed is stored.
    assertThat(rejectedBy(r, relayed(r, originAlert(origin, id, 1, "unmarked"), 1, 0))).isZero();
    assertThat(storedFrom(origin.nodeId(), id)).isEqualTo(1);
  }

  @Test
  @Order(98)
  @DisplayName(
      "RELAY-5, FEED-8.4, HOST-3: the node's own alert relayed back is ignored, never replaces its own alert")
  void relayOwnAlertBack() throws Exception {
    federation();
    SuiteNode r = relayPartner();
    SuiteNode peer = partners.get(PartnerClass.PARTNER_CLASS_PEER);
    FeedItem own = null;
    for (SuiteNode.Subscription s : allFeeds) {
      if (s.owner() == peer) {
        for (FeedItem i : s.items) {
          if (forAlert(policeReport.alertId()).test(i)) {
            own = i;
          }
        }
      }
    }
    assertThat(own).as("the node under test's alert, as its feed sent it").isNotNull();
    AlertView before = ownAlert(policeReport.alertId());
    long m = Integer.toUnsignedLong(header(own.getAlert()).getMaxHops());
    // FEED-8 check 4 runs RELAY-2 before the RELAY-5 "ignored": with max_hops 0 the same item is
    // a RELAY_NOT_ALLOWED rejection (counted); with max_hops >= 1 it is ignored (not counted).
    assertThat(rejectedBy(r, relayed(r, own.getAlert(), 1, 0)))
        .as("inbound_rejected (own alert signed with max_hops %d)", m)
        .isEqualTo(m >= 1 ? 0 : 1);
    AlertView after = ownAlert(policeReport.alertId());
    assertThat(after.getLocal()).isTrue();
    assertThat(after.getReceivedFromNodeId()).isEmpty();
    assertThat(after.getVersion()).isEqualTo(before.getVersion());
    assertThat(after.getEnvelope()).isEqualTo(before.getEnvelope());
    assertThat(after.getFields()).isEqualTo(before.getFields());
  }

  @Test
  @Order(99)
  @DisplayName(
      "RELAY-4, FEED-3: an alert from a partner whose terms allow relaying is never sent back to it")
  void neverBackToOrigin() throws Exception {
    federation();
    SuiteNode r = relayPartner();
    String id = SpecCrypto.newId16();
    assertThat(
            rejectedBy(
                r,
                item(r, originAlert(r.keys, id, 2, Audience.AUDIENCE_PEER, "back" + run))
                    .toBuilder()
                    .setHopsLeft(1)
                    .build()))
        .isZero();
    assertThat(storedFrom(r, id)).isEqualTo(1);
    // Stored before the marker is submitted: anything relayed to r precedes the marker in its feed
    // (RELAY-4 queues in the storing transaction; FEED-1), so "never" is decided without timing.
    Submitted marker = submit(Audience.AUDIENCE_PEER);
    relayFeed.awaitItem(forAlert(marker.alertId()), "the marker (the twin: the feed to r works)");
    assertThat(relayFeed.items).as("r was sent its own alert").noneMatch(forAlert(id));
  }

  // --- helpers -----------------------------------------------------------------------------------

  private void federation() {
    fx.federation();
  }

  private ClientServiceGrpc.ClientServiceBlockingStub client() {
    return fx.client();
  }

  private AdminServiceGrpc.AdminServiceBlockingStub admin() {
    return fx.admin();
  }

  private FederationServiceGrpc.FederationServiceBlockingStub fed(SuiteNode n) {
    return fx.fed(n);
  }

  private SuiteNode partnerWithAgreement(String role, PartnerClass c, int maxRelayHops)
      throws Exception {
    return fx.partnerWithAgreement(role, c, maxRelayHops);
  }

  private AgreementTerms terms(SuiteNode n, PartnerClass c, String id) {
    return fx.terms(n, c, id);
  }

  private SuiteNode.Subscription subscribe(SuiteNode n, long after) {
    return fx.subscribe(n, after);
  }

  private Submitted submit(Audience audience) {
    return fx.submit(audience);
  }

  private AlertFields suiteFields(String word) {
    return fx.suiteFields(word);
  }

  private long storedFrom(SuiteNode p, String alertId) {
    return fx.storedFrom(p, alertId);
  }

  private long inboundRejected(SuiteNode p) {
    return fx.inboundRejected(p);
  }

  private PartnerStatus partnerStatus(SuiteNode p) {
    return fx.partnerStatus(p);
  }

  private void assertNeverSent(PartnerClass c, String alertId) {
    fx.assertNeverSent(c, alertId);
  }

  private void assertActive(SuiteNode n) {
    fx.assertActive(n);
  }

  /** An origin the node under test does not know: its alerts reach it only through a relay. */
  private final SpecCrypto.Keys origin = SpecCrypto.Keys.generate();

  private SuiteNode relay;
  private SuiteNode.Subscription relayFeed;

  /** A PEER partner whose terms to the node under test allow relaying one hop (RELAY-3). */
  private SuiteNode relayPartner() throws Exception {
    if (relay == null) {
      relay = partnerWithAgreement("relay", PartnerClass.PARTNER_CLASS_PEER, 1);
      relayFeed = subscribe(relay, 0);
    }
    return relay;
  }

  private SignedAlert originAlert(SpecCrypto.Keys k, String id, int maxHops, String word) {
    return originAlert(k, id, maxHops, Audience.AUDIENCE_PEER, word);
  }

  /** Version 1 signed by {@code k} with {@code max_hops}, redacted to the granted fields. */
  private SignedAlert originAlert(
      SpecCrypto.Keys k, String id, int maxHops, Audience audience, String word) {
    long now = System.currentTimeMillis() / 1000;
    return Alerts.select(
        Alerts.sign(
            k,
            id,
            1,
            AlertStatus.ALERT_STATUS_ACTIVE,
            now - 60,
            now + 86_400,
            audience,
            maxHops,
            suiteFields(word)),
        GRANTED_TO_NUT);
  }

  private static FeedItem relayed(SuiteNode p, SignedAlert a, int relayHops, int hopsLeft) {
    return item(p, a).toBuilder().setRelayHops(relayHops).setHopsLeft(hopsLeft).build();
  }

  /** Delivers one item and returns how much the partner's inbound_rejected grew (ADM-10). */
  private long rejectedBy(SuiteNode p, FeedItem i) throws InterruptedException {
    long before = inboundRejected(p);
    p.deliver(List.of(i));
    return inboundRejected(p) - before;
  }

  private void assertNotHeld(String originNodeId, String alertId) {
    assertStatus(
        () ->
            client()
                .getAlert(
                    GetAlertRequest.newBuilder()
                        .setAlertId(alertId)
                        .setOriginNodeId(originNodeId)
                        .build()),
        Status.Code.NOT_FOUND);
  }

  private AlertView ownAlert(String alertId) {
    return client()
        .getAlert(
            GetAlertRequest.newBuilder()
                .setAlertId(alertId)
                .setOriginNodeId(info.getNodeId())
                .build())
        .getAlert();
  }

  private long storedFrom(String originNodeId, String alertId) {
    return client()
        .getAlert(
            GetAlertRequest.newBuilder().setAlertId(alertId).setOriginNodeId(originNodeId).build())
        .getAlert()
        .getVersion();
  }

  private void assertExactDisclosure(PartnerClass c, Submitted s) throws Exception {
    FeedItem item = feeds.get(c).awaitItem(forAlert(s.alertId()), "alert " + s.alertId());
    Alerts.Verified v = Alerts.verify(item.getAlert(), info.getNodeId());
    assertThat(v.header().getAudience()).isEqualTo(s.report().getConsent().getAudience());
    assertThat(v.disclosed().keySet())
        .as("paths disclosed to a %s partner", c)
        .containsExactlyInAnyOrderElementsOf(GRANTED.get(c));
    // The header is the origin's, byte for byte (SIG-8).
    assertThat(item.getAlert().getHeader()).isEqualTo(s.alert().getEnvelope().getHeader());
  }

  private void assertVersionsNeverGoBack() {
    for (SuiteNode.Subscription s : allFeeds) {
      Map<String, Long> newest = new HashMap<>();
      for (FeedItem i : s.items) {
        AlertHeader h = header(i.getAlert());
        Long held = newest.get(h.getAlertId());
        assertThat(held == null || h.getVersion() > held)
            .as("version %d of %s after version %s", h.getVersion(), h.getAlertId(), held)
            .isTrue();
        newest.put(h.getAlertId(), h.getVersion());
      }
    }
  }

  private static java.util.function.Predicate<FeedItem> forVersion(String alertId, long version) {
    return i -> {
      AlertHeader h = header(i.getAlert());
      return h.getAlertId().equals(alertId) && h.getVersion() == version;
    };
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
