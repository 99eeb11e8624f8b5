package org.bdx.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bdx.proto.v1.AddPartnerRequest;
import org.bdx.proto.v1.AdminServiceGrpc;
import org.bdx.proto.v1.Agreement;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.ConfirmAgreementRequest;
import org.bdx.proto.v1.Consent;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.FederationServiceGrpc;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.GetAgreementRequest;
import org.bdx.proto.v1.GetAlertRequest;
import org.bdx.proto.v1.GetNodeInfoRequest;
import org.bdx.proto.v1.GetNodeInfoResponse;
import org.bdx.proto.v1.GetStatusRequest;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.NotifyAgreementStateRequest;
import org.bdx.proto.v1.OfferAgreementRequest;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.PartnerStatus;
import org.bdx.proto.v1.RemovePartnerRequest;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.SignedAgreement;
import org.bdx.proto.v1.SignedAlert;
import org.bdx.proto.v1.SubmitReportRequest;
import org.bdx.proto.v1.TerminateAgreementRequest;
import org.bdx.proto.v1.Vehicle;
import org.bdx.proto.v1.WorkSetting;

/**
 * What the conformance checks share: the node under test and the suite's channel to it, the suite's
 * own partner nodes with their agreements and feeds, the alerts submitted at the start, the
 * canaries, and the helpers more than one section of checks uses. {@link BdxConformanceSuite} makes
 * one per run before the first check and closes it after the last. The checks add to it as they go
 * (feeds, alerts, partners), which is why they run in a fixed order.
 */
final class ConformanceFixture implements AutoCloseable {
  static final long WAIT = SuiteNode.WAIT_SECONDS;
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** What the suite's PEER/SUPPORT/POLICE nodes may receive (the node under test's outbound). */
  static final Map<PartnerClass, Set<String>> GRANTED =
      Map.of(
          PartnerClass.PARTNER_CLASS_PEER,
          Set.of(
              "incident_date",
              "area",
              "harms",
              "severity",
              "aggressor_description",
              "phone_numbers",
              "modus_operandi"),
          PartnerClass.PARTNER_CLASS_SUPPORT,
          Set.of("incident_date", "area", "harms", "severity", "aggressor_description"),
          PartnerClass.PARTNER_CLASS_POLICE,
          Set.of("incident_date", "area", "harms"));

  /** What the suite's nodes may send the node under test. */
  static final Set<String> GRANTED_TO_NUT =
      Set.of("incident_date", "area", "harms", "severity", "aggressor_description");

  final String run = HexFormat.of().formatHex(randomBytes(3));
  final NodeUnderTest nut;
  final ManagedChannel local;
  private final ClientServiceGrpc.ClientServiceBlockingStub client;
  private final AdminServiceGrpc.AdminServiceBlockingStub admin;
  GetNodeInfoResponse info;

  final Map<PartnerClass, SuiteNode> partners = new EnumMap<>(PartnerClass.class);
  final Map<PartnerClass, SuiteNode.Subscription> feeds = new EnumMap<>(PartnerClass.class);
  final List<SuiteNode.Subscription> allFeeds = new ArrayList<>();
  SuiteNode hostile;
  SuiteNode noAgreement;
  final List<SuiteNode> all = new ArrayList<>();

  Submitted peerReport;
  Submitted supportReport;
  Submitted policeReport;

  /** Values that must never reach any partner (SEC-1, API-7, POL-2, POL-3, VER-3). */
  final Set<String> canaries = new HashSet<>();

  record Submitted(String reportId, String alertId, AlertView alert, Report report) {}

  /** Opens the channel only: no call yet, so {@link #close()} can always follow. */
  ConformanceFixture(NodeUnderTest nut) {
    this.nut = nut;
    local = plaintext(nut.endpoint());
    client = bearer(ClientServiceGrpc.newBlockingStub(local), nut.adminToken());
    admin = bearer(AdminServiceGrpc.newBlockingStub(local), nut.adminToken());
  }

  /** Registers the suite's partner nodes, makes their agreements and submits the first alerts. */
  void start() throws Exception {
    info = client().getNodeInfo(GetNodeInfoRequest.getDefaultInstance());
    if (nut.federationEndpoint() == null) {
      return;
    }
    for (PartnerClass c :
        List.of(
            PartnerClass.PARTNER_CLASS_PEER,
            PartnerClass.PARTNER_CLASS_SUPPORT,
            PartnerClass.PARTNER_CLASS_POLICE)) {
      SuiteNode n = partnerWithAgreement(c.name().substring(14).toLowerCase(), c);
      partners.put(c, n);
      feeds.put(c, subscribe(n, 0));
    }
    hostile = partnerWithAgreement("hostile", PartnerClass.PARTNER_CLASS_PEER);
    noAgreement = register("noagr", PartnerClass.PARTNER_CLASS_PEER);
    // Submitted in this order: a feed that carries the last one has been sent the earlier ones
    // it may see (FEED-1, FEED-5.3), so "never received" is decided without timing.
    peerReport = submit(Audience.AUDIENCE_PEER);
    supportReport = submit(Audience.AUDIENCE_SUPPORT);
    policeReport = submit(Audience.AUDIENCE_POLICE);
    for (PartnerClass c : feeds.keySet()) {
      feeds.get(c).awaitItem(forAlert(policeReport.alertId()), "the POLICE-audience alert");
    }
  }

  /** Ends the suite's agreements, removes its partners and stops its nodes and channel. */
  @Override
  public void close() {
    for (SuiteNode.Subscription s : allFeeds) {
      s.cancel();
    }
    for (SuiteNode n : all) {
      try {
        if (!n.agreementId.isEmpty()) {
          admin()
              .terminateAgreement(
                  TerminateAgreementRequest.newBuilder().setAgreementId(n.agreementId).build());
        }
        admin().removePartner(RemovePartnerRequest.newBuilder().setPartner(n.name).build());
      } catch (RuntimeException e) {
        // best effort: the node under test is for conformance runs only (CONF-3)
      }
      n.close();
    }
    local.shutdownNow();
  }

  void federation() {
    assumeTrue(nut.federationEndpoint() != null, "no federation endpoint given (CONF-1)");
  }

  ClientServiceGrpc.ClientServiceBlockingStub client() {
    return client.withDeadlineAfter(WAIT, TimeUnit.SECONDS);
  }

  AdminServiceGrpc.AdminServiceBlockingStub admin() {
    return admin.withDeadlineAfter(WAIT, TimeUnit.SECONDS);
  }

  FederationServiceGrpc.FederationServiceBlockingStub fed(SuiteNode n) {
    return FederationServiceGrpc.newBlockingStub(n.channel(nut.federationEndpoint()))
        .withDeadlineAfter(WAIT, TimeUnit.SECONDS);
  }

  private SuiteNode register(String role, PartnerClass c) throws Exception {
    SuiteNode n = new SuiteNode("conf-" + role + "-" + run, c, info.getNodeId(), nut.listenHost());
    all.add(n);
    admin()
        .addPartner(
            AddPartnerRequest.newBuilder()
                .setName(n.name)
                .setNodeId(n.keys.nodeId())
                .setEndpoint(n.endpoint())
                .setPartnerClass(c)
                .build());
    return n;
  }

  /** CONF-4: registers a partner node of the suite, offers an agreement and has it accepted. */
  private SuiteNode partnerWithAgreement(String role, PartnerClass c) throws Exception {
    return partnerWithAgreement(role, c, 0);
  }

  /**
   * As above; with {@code maxRelayHops} ≥ 1 the suite's terms to the node under test set {@code
   * may_relay} (AGR-4, RELAY-3).
   */
  SuiteNode partnerWithAgreement(String role, PartnerClass c, int maxRelayHops) throws Exception {
    return partnerWithAgreement(
        role,
        c,
        t ->
            maxRelayHops <= 0
                ? t
                : t.toBuilder()
                    .setProposerToAcceptor(
                        t.getProposerToAcceptor().toBuilder()
                            .setMayRelay(true)
                            .setMaxRelayHops(maxRelayHops))
                    .build());
  }

  /** As above, with the suite's terms as {@code edit} makes them (e.g. relaying, RELAY-4). */
  SuiteNode partnerWithAgreement(
      String role, PartnerClass c, java.util.function.UnaryOperator<AgreementTerms> edit)
      throws Exception {
    SuiteNode n = register(role, c);
    String id = SpecCrypto.newId16();
    AgreementTerms t = edit.apply(terms(n, c, id));
    agree(n, t);
    return n;
  }

  /**
   * Offers {@code t} as {@code n}, has the node under test accept it and waits for its
   * confirmation.
   */
  private void agree(SuiteNode n, AgreementTerms t) throws Exception {
    n.offered = propose(n.keys, t);
    fed(n).offerAgreement(offer(n.offered));
    Agreement a =
        admin()
            .acceptAgreement(
                org.bdx.proto.v1.AcceptAgreementRequest.newBuilder()
                    .setAgreementId(t.getAgreementId())
                    .build())
            .getAgreement();
    assertThat(a.getState()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
    ConfirmAgreementRequest conf = n.confirmations.poll(WAIT, TimeUnit.SECONDS);
    assertThat(conf).as("the node under test confirmed to %s", n.name).isNotNull();
    n.confirmed = conf.getAgreement();
    n.agreementId = t.getAgreementId();
  }

  /**
   * A PEER partner of the suite whose terms to the node under test are {@code inbound} (what it may
   * send), for the feed vectors (CONF-6). {@link #retire} it when done.
   */
  SuiteNode partnerWithTerms(String role, DirectionTerms inbound) throws Exception {
    SuiteNode n = register(role, PartnerClass.PARTNER_CLASS_PEER);
    agree(
        n,
        terms(n, PartnerClass.PARTNER_CLASS_PEER, SpecCrypto.newId16()).toBuilder()
            .setProposerToAcceptor(inbound)
            .build());
    return n;
  }

  /**
   * Ends a partner of the suite before the run ends: terminates its agreement (the node under test
   * then deletes what it received under it, FEED-10), removes it and stops it.
   */
  void retire(SuiteNode n) {
    try {
      if (!n.agreementId.isEmpty()) {
        admin()
            .terminateAgreement(
                TerminateAgreementRequest.newBuilder().setAgreementId(n.agreementId).build());
      }
      admin().removePartner(RemovePartnerRequest.newBuilder().setPartner(n.name).build());
    } finally {
      all.remove(n);
      n.close();
    }
  }

  AgreementTerms terms(SuiteNode n, PartnerClass c, String id) {
    return AgreementTerms.newBuilder()
        .setAgreementId(id)
        .setVersion(1)
        .setProposerNodeId(n.keys.nodeId())
        .setProposerPublicKey(ByteString.copyFrom(n.keys.publicKey()))
        .setAcceptorNodeId(info.getNodeId())
        .setAcceptorPublicKey(info.getPublicKey())
        .setProposerToAcceptor(
            DirectionTerms.newBuilder()
                .setReceiverClass(PartnerClass.PARTNER_CLASS_PEER)
                .setAllHarms(true)
                .setAllAreas(true)
                .addAllFieldPaths(GRANTED_TO_NUT)
                .setRetentionDays(30))
        .setAcceptorToProposer(
            DirectionTerms.newBuilder()
                .setReceiverClass(c)
                .setAllHarms(true)
                .setAllAreas(true)
                .addAllFieldPaths(GRANTED.get(c))
                .setRetentionDays(30))
        .setProposedAt(System.currentTimeMillis() / 1000)
        .build();
  }

  static SignedAgreement propose(SpecCrypto.Keys k, AgreementTerms t) {
    byte[] bytes = t.toByteArray();
    return SignedAgreement.newBuilder()
        .setTerms(ByteString.copyFrom(bytes))
        .setProposerSignature(ByteString.copyFrom(k.sign(SpecCrypto.AGREEMENT_TERMS_TYPE, bytes)))
        .build();
  }

  SuiteNode.Subscription subscribe(SuiteNode n, long after) {
    SuiteNode.Subscription s = n.subscribe(nut.federationEndpoint(), true);
    allFeeds.add(s);
    s.start(after);
    return s;
  }

  Submitted submit(Audience audience) {
    String tag = audience.name().substring(9) + run + HexFormat.of().formatHex(randomBytes(3));
    String narrative = "CNRYNARRATIVE" + tag;
    String contact = "CNRYCONTACT" + tag;
    String name = "CNRYNAME" + tag;
    String handle = "CNRYHANDLE" + tag;
    String plate = ("CN" + tag).toUpperCase().replaceAll("[^A-Z0-9]", "");
    plate = plate.substring(0, Math.min(16, plate.length()));
    canaries.addAll(List.of(narrative, contact, name, handle, plate));
    int last4 = 1000 + Math.floorMod(tag.hashCode(), 8999);
    Report r =
        Report.newBuilder()
            .setIncidentDate(LocalDate.now(ZoneOffset.UTC).minusDays(3).toString())
            .setArea("Conformance Area " + tag)
            .setWorkSetting(WorkSetting.WORK_SETTING_OUTCALL)
            .addHarms(HarmCategory.HARM_CATEGORY_PHYSICAL_ASSAULT)
            .setSeverity(Severity.SEVERITY_HIGH)
            .setAggressorDescription("conformance description " + tag)
            .addNamesUsed(name)
            .addPhoneNumbers("+1 604 555 " + last4)
            .setVehicle(Vehicle.newBuilder().setDescription("grey van").setPlate(plate))
            .addOnlineHandles(handle)
            .setModusOperandi("conformance summary " + tag)
            .setNarrative(narrative)
            .setReporterContact(contact)
            .setConsent(Consent.newBuilder().setAudience(audience).setShareContact(true))
            .build();
    var resp = client().submitReport(SubmitReportRequest.newBuilder().setReport(r).build());
    return new Submitted(resp.getReportId(), resp.getAlert().getAlertId(), resp.getAlert(), r);
  }

  AlertFields suiteFields(String word) {
    return AlertFields.newBuilder()
        .setIncidentDate(LocalDate.now(ZoneOffset.UTC).minusDays(2).toString())
        .setArea("Conformance Area")
        .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
        .setSeverity(Severity.SEVERITY_MODERATE)
        .setAggressorDescription("suite alert " + word + " " + run)
        .build();
  }

  static FeedItem item(SuiteNode p, SignedAlert a) {
    return FeedItem.newBuilder()
        .setSequence(p.nextSequence())
        .setAgreementId(p.agreementId)
        .setAlert(a)
        .build();
  }

  long storedFrom(SuiteNode p, String alertId) {
    return client()
        .getAlert(
            GetAlertRequest.newBuilder()
                .setAlertId(alertId)
                .setOriginNodeId(p.keys.nodeId())
                .build())
        .getAlert()
        .getVersion();
  }

  long inboundRejected(SuiteNode p) {
    return partnerStatus(p).getInboundRejected();
  }

  PartnerStatus partnerStatus(SuiteNode p) {
    for (PartnerStatus s :
        admin().getStatus(GetStatusRequest.getDefaultInstance()).getPartnersList()) {
      if (s.getPartner().getNodeId().equals(p.keys.nodeId())) {
        return s;
      }
    }
    throw new AssertionError("GetStatus does not list " + p.name);
  }

  void assertNeverSent(PartnerClass c, String alertId) {
    SuiteNode n = partners.get(c);
    for (SuiteNode.Subscription s : allFeeds) {
      if (s.owner() == n) {
        assertThat(s.items)
            .as("a %s partner was sent alert %s", c, alertId)
            .noneMatch(forAlert(alertId));
      }
    }
  }

  void assertActive(SuiteNode n) {
    assertThat(
            admin()
                .getAgreement(
                    GetAgreementRequest.newBuilder().setAgreementId(n.agreementId).build())
                .getAgreement()
                .getState())
        .isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
  }

  static java.util.function.Predicate<FeedItem> forAlert(String alertId) {
    return i -> header(i.getAlert()).getAlertId().equals(alertId);
  }

  static AlertHeader header(SignedAlert a) {
    try {
      return AlertHeader.parseFrom(a.getHeader());
    } catch (InvalidProtocolBufferException e) {
      return AlertHeader.getDefaultInstance();
    }
  }

  static OfferAgreementRequest offer(SignedAgreement s) {
    return OfferAgreementRequest.newBuilder().setAgreement(s).build();
  }

  static NotifyAgreementStateRequest notice(String id, AgreementState state) {
    return NotifyAgreementStateRequest.newBuilder().setAgreementId(id).setState(state).build();
  }

  static boolean contains(byte[] haystack, String needle) {
    byte[] n = needle.getBytes(StandardCharsets.UTF_8);
    outer:
    for (int i = 0; i + n.length <= haystack.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (haystack[i + j] != n[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    SpecCrypto.RNG.nextBytes(b);
    return b;
  }

  static String[] hostPort(String endpoint) {
    int colon = endpoint.lastIndexOf(':');
    return new String[] {
      endpoint.substring(0, colon).replace("[", "").replace("]", ""), endpoint.substring(colon + 1)
    };
  }

  static ManagedChannel plaintext(String endpoint) {
    String[] hp = hostPort(endpoint);
    return NettyChannelBuilder.forAddress(hp[0], Integer.parseInt(hp[1])).usePlaintext().build();
  }

  static <S extends AbstractStub<S>> S bearer(S stub, String token) {
    Metadata m = new Metadata();
    m.put(AUTHORIZATION, "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
  }

  static StatusRuntimeException catchStatus(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("the call succeeded; a failure status was expected");
  }

  static void assertStatus(Runnable call, Status.Code expected) {
    assertThat(catchStatus(call).getStatus().getCode()).isEqualTo(expected);
  }
}
