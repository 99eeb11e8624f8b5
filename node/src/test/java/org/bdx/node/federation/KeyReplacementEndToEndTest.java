package org.bdx.node.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.bdx.node.TestNodes;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.identity.NodeId;
import org.bdx.node.logging.LogCapture;
import org.bdx.node.server.Node;
import org.bdx.node.server.RunningNode;
import org.bdx.node.sync.PartnerKeyLogs;
import org.bdx.proto.v1.AdminServiceGrpc;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.Consent;
import org.bdx.proto.v1.GetAlertRequest;
import org.bdx.proto.v1.GetStatusRequest;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.PartnerStatus;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.RetractAlertRequest;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.SubmitReportRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node replaces its key (spec KEY-19, KEY-20), end to end on loopback with mutual TLS: two real
 * nodes share alerts, one is stopped and its key rotated or revoked with its recovery file, and the
 * other trusts the new key by itself. Waits are on the nodes' own status; the deadline only keeps a
 * broken node from hanging the build.
 */
class KeyReplacementEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir Path dir;

  private final List<Member> started = new java.util.ArrayList<>();

  private record Member(
      String name,
      NodeHome home,
      RunningNode running,
      ManagedChannel channel,
      AdminServiceGrpc.AdminServiceBlockingStub admin,
      ClientServiceGrpc.ClientServiceBlockingStub client) {
    String endpoint() {
      return "127.0.0.1:" + running.federationPort();
    }

    PartnerStatus partner(String partnerName) {
      return admin.getStatus(GetStatusRequest.getDefaultInstance()).getPartnersList().stream()
          .filter(p -> p.getPartner().getName().equals(partnerName))
          .findFirst()
          .orElseThrow();
    }

    void stop() {
      channel.shutdownNow();
      running.close();
    }

    String submit(String phone) {
      return client
          .submitReport(SubmitReportRequest.newBuilder().setReport(report(phone)).build())
          .getAlert()
          .getAlertId();
    }

    /** The alert as this node holds it, or null if it holds none. */
    AlertView held(String alertId, NodeId origin) {
      try {
        return client
            .getAlert(
                GetAlertRequest.newBuilder()
                    .setAlertId(alertId)
                    .setOriginNodeId(origin.value())
                    .build())
            .getAlert();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != io.grpc.Status.Code.NOT_FOUND) {
          throw e;
        }
        return null;
      }
    }
  }

  @AfterEach
  void close() {
    for (Member m : started) {
      m.stop();
    }
  }

  @Test
  void rotate_partnerOnlineThenOffline_partnerTrustsEachNewKeyAndSharingGoesOn() throws Exception {
    Member alpha = member("alpha", 0);
    Member bravo = member("bravo", 0);
    link(alpha, bravo);
    NodeId alphaId = alpha.running().node().nodeId();
    String first = alpha.submit("604 555 0101");
    await("bravo holds alpha's first alert", () -> bravo.held(first, alphaId) != null);

    // Rotation 1: bravo keeps running while alpha is stopped and rotated.
    int alphaPort = alpha.running().federationPort();
    alpha = rotate(alpha, alphaPort, OptionalLong.empty());
    Member a1 = alpha;
    assertThat(a1.running().node().nodeId()).isEqualTo(alphaId);
    await("bravo trusts alpha's second key", () -> bravo.partner("alpha").getKeyLogLength() == 2);
    String second = a1.submit("604 555 0102");
    await(
        "bravo holds the alert alpha signed with its new key",
        () -> bravo.held(second, alphaId) != null);
    String fromBravo = bravo.submit("604 555 0201");
    NodeId bravoId = bravo.running().node().nodeId();
    await(
        "alpha, rotated, still receives bravo's alerts", () -> a1.held(fromBravo, bravoId) != null);

    // Rotation 2: bravo is offline for it and learns of it when both are back.
    int bravoPort = bravo.running().federationPort();
    stop(bravo);
    Member a2 = rotate(a1, alphaPort, OptionalLong.empty());
    String third = a2.submit("604 555 0103");
    Member b2 = member("bravo", bravoPort, bravo.home());
    await("bravo trusts alpha's third key", () -> b2.partner("alpha").getKeyLogLength() == 3);
    await(
        "bravo holds alpha's alert from while it was offline",
        () -> b2.held(third, alphaId) != null);
    PartnerStatus seen = b2.partner("alpha");
    assertThat(seen.getKeyRotationPending()).isFalse();
    assertThat(seen.getKeyCompromisedSince()).isZero();
    assertThat(seen.getKeyLogForks()).isZero();
    // What alpha signed with its first key before the rotations is still held and current.
    assertThat(b2.held(first, alphaId).getStatus())
        .isNotEqualTo(AlertStatus.ALERT_STATUS_RETRACTED);
  }

  @Test
  void revoke_afterTheft_thiefRefusedItsRetractionNeverApplied_realAlertsRemain() throws Exception {
    Member alpha = member("alpha", 0);
    Member bravo = member("bravo", 0);
    link(alpha, bravo);
    NodeId alphaId = alpha.running().node().nodeId();
    String real = alpha.submit("604 555 0301");
    await("bravo holds alpha's real alert", () -> bravo.held(real, alphaId) != null);

    // The theft: a copy of alpha's home (key and passphrase) taken while alpha is stopped.
    int alphaPort = alpha.running().federationPort();
    stop(alpha);
    Thread.sleep(1100); // issue times are whole seconds: the real alert is before the theft
    long stolenAt = java.time.Instant.now().getEpochSecond();
    Path thiefHome = dir.resolve("thief");
    copyTree(alpha.home().dir(), thiefHome);
    Files.deleteIfExists(thiefHome.resolve("serve.lock"));

    // The thief serves at alpha's address and sends a warning of its own making.
    Member thief = member("thief", alphaPort, new NodeHome(thiefHome));
    String fake = thief.submit("604 555 0666");
    await(
        "bravo took the thief's alert before the revocation",
        () -> bravo.held(fake, alphaId) != null);
    stop(thief);

    // The revocation, from alpha's own home with its recovery file.
    Node.KeyReplaced revoked =
        Node.replaceKey(
            alpha.home(),
            TestNodes.PASSPHRASE,
            alpha.home().recoveryFile(),
            OptionalLong.of(stolenAt),
            Clock.systemUTC());
    assertThat(revoked.compromisedSince()).hasValue(stolenAt);
    assertThat(revoked.reissued()).as("the real alert was issued before the theft").isZero();
    Member back = member("alpha", alphaPort, alpha.home());
    await(
        "bravo holds alpha's revocation",
        () -> bravo.partner("alpha").getKeyCompromisedSince() == stolenAt);
    PartnerStatus status = bravo.partner("alpha");
    assertThat(status.getAlertsFlagged()).isEqualTo(1);
    assertThat(bravo.held(fake, alphaId).getSignedByCompromisedKey()).isTrue();
    assertThat(bravo.held(real, alphaId).getSignedByCompromisedKey()).isFalse();
    String after = back.submit("604 555 0302");
    try {
      await(
          "bravo takes alpha's alerts under its new key", () -> bravo.held(after, alphaId) != null);
    } catch (AssertionError e) {
      System.err.println("DEBUG bravo status " + bravo.partner("alpha"));
      System.err.println("DEBUG alpha status " + back.partner("bravo"));
      throw e;
    }
    stop(back);

    // The thief comes back at alpha's address and retracts the real alert.
    try (LogCapture log = LogCapture.of(PartnerKeyLogs.class)) {
      Member again = member("thief", alphaPort, new NodeHome(thiefHome));
      again
          .client()
          .retractAlert(
              RetractAlertRequest.newBuilder().setAlertId(real).setReason("gone").build());
      await(
          "bravo refuses the thief's connection",
          () -> !log.containing("revoked as compromised").isEmpty());
      assertThat(bravo.partner("alpha").getConnected()).isFalse();
    }
    AlertView kept = bravo.held(real, alphaId);
    assertThat(kept).isNotNull();
    assertThat(kept.getStatus()).isNotEqualTo(AlertStatus.ALERT_STATUS_RETRACTED);
    assertThat(kept.getTombstone()).isFalse();
  }

  private Member rotate(Member m, int port, OptionalLong since) throws Exception {
    stop(m);
    Node.replaceKey(
        m.home(), TestNodes.PASSPHRASE, m.home().recoveryFile(), since, Clock.systemUTC());
    return member(m.name(), port, m.home());
  }

  private void stop(Member m) {
    started.remove(m);
    m.stop();
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private Member member(String name, int federationPort) throws Exception {
    NodeHome home = new NodeHome(dir.resolve(name));
    NodeConfig.HostPort any = new NodeConfig.HostPort("127.0.0.1", 0);
    TestNodes.init(home, new NodeConfig("Org " + name, any, any, "CA", Duration.ofDays(30), 0));
    // The test looks alerts up while it waits, far more often than staff would.
    Files.writeString(
        home.configFile(),
        "\nscreening.burst=1000000\nscreening.per_minute=1000000\n",
        java.nio.file.StandardOpenOption.APPEND);
    return member(name, federationPort, home);
  }

  private Member member(String name, int federationPort, NodeHome home) throws Exception {
    NodeConfig.HostPort any = new NodeConfig.HostPort("127.0.0.1", 0);
    RunningNode running =
        RunningNode.start(
            home,
            TestNodes.PASSPHRASE,
            Clock.systemUTC(),
            any,
            new NodeConfig.HostPort("127.0.0.1", federationPort),
            List.of());
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", running.clientPort()).usePlaintext().build();
    Member m =
        new Member(
            name,
            home,
            running,
            channel,
            LoopbackPartners.bearer(
                AdminServiceGrpc.newBlockingStub(channel), home.readAdminToken()),
            LoopbackPartners.bearer(
                ClientServiceGrpc.newBlockingStub(channel), home.readClientToken()));
    started.add(m);
    return m;
  }

  /** Partners both ways and an agreement in force sharing peer alerts with their area. */
  private static void link(Member a, Member b) {
    addPartner(a, b);
    addPartner(b, a);
    LoopbackPartners.agree(a.admin(), b.name(), b.admin());
  }

  private static void addPartner(Member at, Member partner) {
    LoopbackPartners.addPartner(
        at.admin(), partner.name(), partner.running().node().nodeId(), partner.endpoint());
  }

  private static Report report(String phone) {
    return Report.newBuilder()
        .setIncidentDate(LocalDate.now(ZoneOffset.UTC).minusDays(1).toString())
        .setArea("Downtown East")
        .addHarms(HarmCategory.HARM_CATEGORY_PHYSICAL_ASSAULT)
        .setSeverity(Severity.SEVERITY_HIGH)
        .addPhoneNumbers(phone)
        .setNarrative("stays at the origin")
        .setConsent(Consent.newBuilder().setAudience(Audience.AUDIENCE_PEER))
        .build();
  }

  private static void copyTree(Path from, Path to) throws java.io.IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
