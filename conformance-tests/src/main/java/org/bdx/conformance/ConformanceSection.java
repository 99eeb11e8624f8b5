package org.bdx.conformance;

import io.grpc.ManagedChannel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bdx.conformance.ConformanceFixture.Submitted;
import org.bdx.proto.v1.AdminServiceGrpc;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.FederationServiceGrpc;
import org.bdx.proto.v1.GetNodeInfoResponse;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.PartnerStatus;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One section of the conformance suite: a stage of the run whose checks go in their {@code @Order}.
 * The fixture's state and shared helpers appear here under the names the checks used when the suite
 * was one class, so each check reads exactly as it did. The fixture is complete before any section
 * is made ({@link BdxConformanceSuite}'s {@code @BeforeAll}), and none of these fields is
 * reassigned afterwards, so the copies never go stale.
 *
 * <p>One instance per section ({@code PER_CLASS}): a section may keep state across its checks, as
 * the relay section does with its relaying partner.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ConformanceSection {
  private final ConformanceFixture fx;

  final String run;
  final NodeUnderTest nut;
  final ManagedChannel local;
  final GetNodeInfoResponse info;
  final Map<PartnerClass, SuiteNode> partners;
  final Map<PartnerClass, SuiteNode.Subscription> feeds;
  final List<SuiteNode.Subscription> allFeeds;
  final SuiteNode hostile;
  final SuiteNode noAgreement;
  final List<SuiteNode> all;
  final Submitted peerReport;
  final Submitted supportReport;
  final Submitted policeReport;
  final Set<String> canaries;

  ConformanceSection(ConformanceFixture fx) {
    this.fx = fx;
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

  void federation() {
    fx.federation();
  }

  ClientServiceGrpc.ClientServiceBlockingStub client() {
    return fx.client();
  }

  AdminServiceGrpc.AdminServiceBlockingStub admin() {
    return fx.admin();
  }

  FederationServiceGrpc.FederationServiceBlockingStub fed(SuiteNode n) {
    return fx.fed(n);
  }

  SuiteNode partnerWithAgreement(String role, PartnerClass c, int maxRelayHops) throws Exception {
    return fx.partnerWithAgreement(role, c, maxRelayHops);
  }

  SuiteNode partnerWithAgreement(
      String role, PartnerClass c, java.util.function.UnaryOperator<AgreementTerms> edit)
      throws Exception {
    return fx.partnerWithAgreement(role, c, edit);
  }

  SuiteNode partnerWithTerms(String role, org.bdx.proto.v1.DirectionTerms inbound)
      throws Exception {
    return fx.partnerWithTerms(role, inbound);
  }

  void retire(SuiteNode n) {
    fx.retire(n);
  }

  AgreementTerms terms(SuiteNode n, PartnerClass c, String id) {
    return fx.terms(n, c, id);
  }

  SuiteNode.Subscription subscribe(SuiteNode n, long after) {
    return fx.subscribe(n, after);
  }

  Submitted submit(Audience audience) {
    return fx.submit(audience);
  }

  AlertFields suiteFields(String word) {
    return fx.suiteFields(word);
  }

  long storedFrom(SuiteNode p, String alertId) {
    return fx.storedFrom(p, alertId);
  }

  long inboundRejected(SuiteNode p) {
    return fx.inboundRejected(p);
  }

  PartnerStatus partnerStatus(SuiteNode p) {
    return fx.partnerStatus(p);
  }

  void assertNeverSent(PartnerClass c, String alertId) {
    fx.assertNeverSent(c, alertId);
  }

  void assertActive(SuiteNode n) {
    fx.assertActive(n);
  }
}
