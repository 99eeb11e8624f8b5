package org.bdx.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bdx.conformance.ConformanceFixture.WAIT;
import static org.bdx.conformance.ConformanceFixture.catchStatus;
import static org.bdx.conformance.ConformanceFixture.hostPort;
import static org.bdx.conformance.ConformanceFixture.notice;
import static org.bdx.conformance.ConformanceFixture.plaintext;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.CloseAmendmentRequest;
import org.bdx.proto.v1.FederationServiceGrpc;
import org.bdx.proto.v1.GetKeyLogRequest;
import org.bdx.proto.v1.GetKeyLogResponse;
import org.bdx.proto.v1.KeyEvent;
import org.bdx.proto.v1.KeyEventKind;
import org.bdx.proto.v1.PartnerClass;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Federation transport (spec section 7.2): the certificate, the TLS version, who is admitted. */
abstract class TransportSection extends ConformanceSection {
  TransportSection(ConformanceFixture fixture) {
    super(fixture);
  }

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

  @Test
  @Order(13)
  @DisplayName(
      "FED-TLS-5.5: a partner whose certificate expired beyond any tolerated skew is refused; the same key with a current certificate is served")
  void expiredCertificateRefused() throws Exception {
    federation();
    SuiteNode peer = partners.get(PartnerClass.PARTNER_CLASS_PEER);
    PartnerTls.Pinning pin = new PartnerTls.Pinning(info.getNodeId()::equals);
    Instant now = Instant.now();
    // Ended two days ago: beyond the largest skew a node may tolerate (1 day, TIME-1).
    PartnerTls expired =
        new PartnerTls(peer.keys, now.minus(Duration.ofDays(9)), now.minus(Duration.ofDays(2)));
    // Twin: the same key, a certificate made now. (A certificate just outside its dates but within
    // the node's skew is not checked here: the suite does not know the node's skew, which may be
    // 0.)
    PartnerTls current = new PartnerTls(peer.keys);
    assertThat(admitted(expired.clientContext(pin))).as("expired certificate admitted").isFalse();
    assertThat(admitted(current.clientContext(pin))).as("current certificate admitted").isTrue();
    assertActive(peer);
  }

  @Test
  @Order(14)
  @DisplayName(
      "KEY-15, KEY-4: GetKeyLog answers a registered partner with the node's own key log, which verifies for its node id; a stranger is refused")
  void keyLogServed() throws Exception {
    federation();
    SuiteNode peer = partners.get(PartnerClass.PARTNER_CLASS_PEER);
    GetKeyLogResponse whole =
        fed(peer).getKeyLog(GetKeyLogRequest.newBuilder().setFromSequence(0).build());
    assertThat(whole.getEventsCount()).as("events").isBetween(1, KeyLogs.MAX_EVENTS);
    // Verified with the suite's own KEY-4 verifier, for the node id the suite pinned.
    List<KeyEvent> events =
        KeyLogs.verify(info.getNodeId(), KeyLogs.bytesOf(whole.getEventsList()));
    assertThat(events.get(0).getKind()).isEqualTo(KeyEventKind.KEY_EVENT_KIND_INCEPTION);
    // from_sequence: the events from there on; none past the end.
    int n = whole.getEventsCount();
    assertThat(
            fed(peer)
                .getKeyLog(GetKeyLogRequest.newBuilder().setFromSequence(n - 1).build())
                .getEventsList())
        .containsExactly(whole.getEvents(n - 1));
    assertThat(
            fed(peer)
                .getKeyLog(GetKeyLogRequest.newBuilder().setFromSequence(n).build())
                .getEventsCount())
        .isZero();

    PartnerTls.Pinning pin = new PartnerTls.Pinning(info.getNodeId()::equals);
    PartnerTls stranger = new PartnerTls(SpecCrypto.Keys.generate());
    ManagedChannel ch = SuiteNode.open(nut.federationEndpoint(), stranger.clientContext(pin));
    try {
      StatusRuntimeException e =
          catchStatus(
              () ->
                  FederationServiceGrpc.newBlockingStub(ch)
                      .withDeadlineAfter(WAIT, TimeUnit.SECONDS)
                      .getKeyLog(GetKeyLogRequest.getDefaultInstance()));
      assertThat(e.getStatus().getCode())
          .isIn(Status.Code.UNAVAILABLE, Status.Code.UNAUTHENTICATED);
    } finally {
      ch.shutdownNow();
    }
  }

  /**
   * Whether a harmless call (closing an amendment of an agreement that does not exist) gets past
   * the handshake and the per-call check: any answer but UNAVAILABLE or UNAUTHENTICATED.
   */
  private boolean admitted(SslContext ctx) {
    ManagedChannel ch = SuiteNode.open(nut.federationEndpoint(), ctx);
    try {
      FederationServiceGrpc.newBlockingStub(ch)
          .withDeadlineAfter(WAIT, TimeUnit.SECONDS)
          .closeAmendment(
              CloseAmendmentRequest.newBuilder()
                  .setAgreementId("conf-no-such-agreement")
                  .setVersion(1)
                  .build());
      return true;
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      return code != Status.Code.UNAVAILABLE && code != Status.Code.UNAUTHENTICATED;
    } finally {
      ch.shutdownNow();
    }
  }
}
