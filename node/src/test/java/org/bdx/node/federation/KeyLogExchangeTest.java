package org.bdx.node.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.bdx.node.TestNodes;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.keys.KeyEvents;
import org.bdx.node.logging.LogCapture;
import org.bdx.node.server.RunningNode;
import org.bdx.node.signing.SigningInput;
import org.bdx.node.sync.PartnerKeyLogs;
import org.bdx.proto.v1.AdminServiceGrpc;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.GetStatusRequest;
import org.bdx.proto.v1.KeyEvent;
import org.bdx.proto.v1.KeyEventKind;
import org.bdx.proto.v1.PartnerStatus;
import org.bdx.proto.v1.ResumeAgreementRequest;
import org.bdx.proto.v1.SuspendAgreementRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key logs travel between partners (spec KEY-15, KEY-16), end to end on loopback with mutual TLS:
 * two real nodes with an ACTIVE agreement each end up holding the other's verified log once their
 * feeds connect, and a log that a node then serves with an event signed by a key its log never
 * committed to is refused at the partner and not stored. Waits are on the nodes' own status and
 * logs; the deadline only keeps a broken node from hanging the build.
 */
class KeyLogExchangeTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private record Member(
      String name,
      NodeHome home,
      RunningNode running,
      ManagedChannel channel,
      AdminServiceGrpc.AdminServiceBlockingStub admin) {
    String endpoint() {
      return "127.0.0.1:" + running.federationPort();
    }

    PartnerStatus partner(String partnerName) {
      return admin.getStatus(GetStatusRequest.getDefaultInstance()).getPartnersList().stream()
          .filter(p -> p.getPartner().getName().equals(partnerName))
          .findFirst()
          .orElseThrow();
    }
  }

  private Member alpha;
  private Member bravo;

  @AfterEach
  void close() {
    for (Member m : new Member[] {alpha, bravo}) {
      if (m != null) {
        m.channel().shutdownNow();
        m.running().close();
      }
    }
  }

  @Test
  void partnersWithAnAgreement_eachHoldTheOthersVerifiedLog_andRefuseAForgedOne() throws Exception {
    alpha = member("alpha");
    bravo = member("bravo");
    addPartner(alpha, bravo);
    addPartner(bravo, alpha);
    String agreementId = agree(alpha, bravo);

    awaitStatus(alpha, "bravo", p -> p.getKeyLogLength() == 1);
    awaitStatus(bravo, "alpha", p -> p.getKeyLogLength() == 1);

    PartnerStatus bravoAtAlpha = alpha.partner("bravo");
    assertThat(bravoAtAlpha.getKeyValidFrom()).isPositive();
    assertThat(bravoAtAlpha.getKeyRotationPending()).isFalse();
    assertThat(bravoAtAlpha.getKeyLogForks()).isZero();
    assertThat(bravo.partner("alpha").getKeyRotationPending()).isFalse();

    try (LogCapture log = LogCapture.of(PartnerKeyLogs.class)) {
      forgeRotation(bravo);
      // A new feed connection from alpha to bravo: alpha fetches bravo's log again.
      alpha
          .admin()
          .suspendAgreement(
              SuspendAgreementRequest.newBuilder().setAgreementId(agreementId).build());
      alpha
          .admin()
          .resumeAgreement(ResumeAgreementRequest.newBuilder().setAgreementId(agreementId).build());
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (log.containing("NOT_PRE_COMMITTED").isEmpty()) {
        assertThat(System.nanoTime()).as("alpha refused bravo's forged log").isLessThan(deadline);
        Thread.sleep(20);
      }
    }

    PartnerStatus after = alpha.partner("bravo");
    assertThat(after.getKeyLogLength()).isEqualTo(1);
    assertThat(after.getKeyRotationPending()).isFalse();
    assertThat(after.getKeyLogForks()).isZero();
  }

  /**
   * Appends to {@code m}'s own stored log (behind the running node's back) a rotation to a fresh
   * key that its inception never committed to, signed by that key: what a thief holding only a
   * current key could make.
   */
  private static void forgeRotation(Member m) throws Exception {
    SecureRandom rng = new SecureRandom();
    NodeKeys thief = NodeKeys.generate(rng);
    try (Connection c =
        DriverManager.getConnection("jdbc:sqlite:" + m.home().databaseFile().toAbsolutePath())) {
      byte[] first;
      try (var ps = c.prepareStatement("SELECT event FROM key_log WHERE sequence = 0");
          var rs = ps.executeQuery()) {
        rs.next();
        first = rs.getBytes(1);
      }
      KeyEvent e0 = KeyEvent.parseFrom(first);
      KeyEvent forged =
          KeyEvent.newBuilder()
              .setNodeId(e0.getNodeId())
              .setSequence(1)
              .setKind(KeyEventKind.KEY_EVENT_KIND_ROTATION)
              .setPublicKey(ByteString.copyFrom(thief.publicKey()))
              .setNextKeyDigest(
                  ByteString.copyFrom(KeyEvents.nextKeyDigest(NodeKeys.generate(rng).publicKey())))
              .setPreviousEventDigest(
                  ByteString.copyFrom(KeyEvents.eventDigest(ByteString.copyFrom(first))))
              .setValidFrom(e0.getValidFrom() + 1)
              .build();
      byte[] bytes = forged.toByteArray();
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO key_log (sequence, event, signature) VALUES (1, ?, ?)")) {
        ps.setBytes(1, bytes);
        ps.setBytes(2, thief.sign(SigningInput.of(KeyEvents.PAYLOAD_TYPE, bytes)));
        ps.executeUpdate();
      }
    }
  }

  private static void awaitStatus(Member at, String partner, Predicate<PartnerStatus> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!done.test(at.partner(partner))) {
      assertThat(System.nanoTime())
          .as(at.name() + " holds the key log of " + partner)
          .isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private Member member(String name) throws Exception {
    NodeHome home = new NodeHome(dir.resolve(name));
    NodeConfig.HostPort any = new NodeConfig.HostPort("127.0.0.1", 0);
    TestNodes.init(home, new NodeConfig("Org " + name, any, any, "CA", Duration.ofDays(30), 0));
    RunningNode running =
        RunningNode.start(home, TestNodes.PASSPHRASE, Clock.systemUTC(), any, any, List.of());
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", running.clientPort()).usePlaintext().build();
    return new Member(
        name,
        home,
        running,
        channel,
        LoopbackPartners.bearer(AdminServiceGrpc.newBlockingStub(channel), home.readAdminToken()));
  }

  private static void addPartner(Member at, Member partner) {
    LoopbackPartners.addPartner(
        at.admin(), partner.name(), partner.running().node().nodeId(), partner.endpoint());
  }

  /** An agreement proposed by {@code a} and accepted by {@code b}; its id. */
  private static String agree(Member a, Member b) {
    String id = LoopbackPartners.agree(a.admin(), b.name(), b.admin());
    assertThat(a.partner(b.name()).getAgreementState())
        .isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
    return id;
  }
}
