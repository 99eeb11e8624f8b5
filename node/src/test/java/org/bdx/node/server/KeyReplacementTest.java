package org.bdx.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.OptionalLong;
import org.bdx.node.TestNodes;
import org.bdx.node.edge.CredentialCheck;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.identity.KeyFiles;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.RowCipher;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.vault.Vault;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.Consent;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.SubmitReportRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bdx key rotate} and {@code bdx key revoke} on the node's home (spec KEY-20). */
class KeyReplacementTest {
  @TempDir Path tmp;

  private NodeHome init(String name) throws Exception {
    NodeHome home = new NodeHome(tmp.resolve(name));
    NodeConfig.HostPort any = new NodeConfig.HostPort("127.0.0.1", 0);
    TestNodes.init(home, new NodeConfig("Org", any, any, "CA", Duration.ofDays(30), 0));
    return home;
  }

  @Test
  void rotate_newKeySameId_nodeOpensWithIt() throws Exception {
    NodeHome home = init("a");
    NodeKeys before = TestNodes.keys(home);
    Path used = Files.copy(home.recoveryFile(), tmp.resolve("used.recovery"));

    Node.KeyReplaced r =
        Node.replaceKey(home, TestNodes.PASSPHRASE, used, OptionalLong.empty(), Clock.systemUTC());

    assertThat(r.nodeId()).isEqualTo(before.nodeId());
    assertThat(r.sequence()).isEqualTo(1);
    assertThat(r.compromisedSince()).isEmpty();
    NodeKeys after = TestNodes.keys(home);
    assertThat(after.publicKey()).isNotEqualTo(before.publicKey());
    assertThat(KeyFiles.loadPublic(home.dir())).isEqualTo(before.nodeId());
    try (Node node = Node.open(home, TestNodes.PASSPHRASE, Clock.systemUTC())) {
      assertThat(node.nodeId()).isEqualTo(before.nodeId());
      assertThat(node.ownKeyLog(TestNodes.PASSPHRASE).size()).isEqualTo(2);
    }
    // The home holds the recovery file of the key after the new one, not the spent one.
    assertThat(Files.readAllBytes(home.recoveryFile())).isNotEqualTo(Files.readAllBytes(used));
  }

  @Test
  void rotate_interruptedBeforeTheVault_refusesToOpen_thenRunAgainFinishes() throws Exception {
    NodeHome home = init("a");
    NodeKeys before = TestNodes.keys(home);
    Path used = Files.copy(home.recoveryFile(), tmp.resolve("used.recovery"));
    Path oldVault = Files.copy(Vault.file(home.dir()), tmp.resolve("vault.before"));
    Path oldPub = Files.copy(KeyFiles.publicFile(home.dir()), tmp.resolve("node.pub.before"));
    Node.replaceKey(home, TestNodes.PASSPHRASE, used, OptionalLong.empty(), Clock.systemUTC());
    // As if the process stopped after storing the event, before replacing the key in the vault.
    Files.copy(oldVault, Vault.file(home.dir()), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(oldPub, KeyFiles.publicFile(home.dir()), StandardCopyOption.REPLACE_EXISTING);

    assertThatThrownBy(() -> Node.open(home, TestNodes.PASSPHRASE, Clock.systemUTC()))
        .hasMessageContaining("run it again with the same recovery file");

    Node.KeyReplaced r =
        Node.replaceKey(home, TestNodes.PASSPHRASE, used, OptionalLong.empty(), Clock.systemUTC());
    assertThat(r.finishedInterrupted()).isTrue();
    assertThat(r.sequence()).isEqualTo(1);
    try (Node node = Node.open(home, TestNodes.PASSPHRASE, Clock.systemUTC())) {
      assertThat(node.nodeId()).isEqualTo(before.nodeId());
    }
    // Finished: the same file again is spent.
    assertThatThrownBy(
            () ->
                Node.replaceKey(
                    home, TestNodes.PASSPHRASE, used, OptionalLong.empty(), Clock.systemUTC()))
        .hasMessageContaining("was used already");
  }

  @Test
  void anotherNodesRecoveryFile_isRefused_nothingChanges() throws Exception {
    NodeHome home = init("a");
    NodeHome other = init("b");
    byte[] vault = Files.readAllBytes(Vault.file(home.dir()));

    assertThatThrownBy(
            () ->
                Node.replaceKey(
                    home,
                    TestNodes.PASSPHRASE,
                    other.recoveryFile(),
                    OptionalLong.of(Node.SINCE_KEY_IN_USE),
                    Clock.systemUTC()))
        .hasMessageContaining("another node's")
        .hasMessageContaining("nothing was changed");
    assertThat(Files.readAllBytes(Vault.file(home.dir()))).isEqualTo(vault);
  }

  @Test
  void revoke_sinceTheKeyCameIntoUse_recordsItsValidFrom() throws Exception {
    NodeHome home = init("a");
    NodeId id = TestNodes.keys(home).nodeId();
    Node.KeyReplaced r =
        Node.replaceKey(
            home,
            TestNodes.PASSPHRASE,
            home.recoveryFile(),
            OptionalLong.of(Node.SINCE_KEY_IN_USE),
            Clock.systemUTC());
    assertThat(r.nodeId()).isEqualTo(id);
    assertThat(r.compromisedSince()).isPresent();
    assertThat(r.compromisedSince().getAsLong()).isPositive();
  }

  @Test
  void revoke_reissuesOwnAlertsTheOldKeySigned_underTheNewKey() throws Exception {
    NodeHome home = init("a");
    NodeConfig.HostPort any = new NodeConfig.HostPort("127.0.0.1", 0);
    String alertId;
    try (RunningNode running =
        RunningNode.start(home, TestNodes.PASSPHRASE, Clock.systemUTC(), any, any, List.of())) {
      io.grpc.ManagedChannel ch =
          io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress(
                  "127.0.0.1", running.clientPort())
              .usePlaintext()
              .build();
      try {
        io.grpc.Metadata m = new io.grpc.Metadata();
        m.put(CredentialCheck.AUTHORIZATION, "Bearer " + home.readClientToken());
        alertId =
            ClientServiceGrpc.newBlockingStub(ch)
                .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(m))
                .submitReport(
                    SubmitReportRequest.newBuilder()
                        .setReport(
                            Report.newBuilder()
                                .setIncidentDate(LocalDate.now().minusDays(1).toString())
                                .setArea("Downtown East")
                                .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
                                .addPhoneNumbers("604 555 0123")
                                .setConsent(
                                    Consent.newBuilder().setAudience(Audience.AUDIENCE_PEER)))
                        .build())
                .getAlert()
                .getAlertId();
      } finally {
        ch.shutdownNow();
      }
    }
    NodeId id = TestNodes.keys(home).nodeId();

    Node.KeyReplaced r =
        Node.replaceKey(
            home,
            TestNodes.PASSPHRASE,
            home.recoveryFile(),
            OptionalLong.of(Node.SINCE_KEY_IN_USE),
            Clock.systemUTC());

    assertThat(r.reissued()).isEqualTo(1);
    byte[] newKey = TestNodes.keys(home).publicKey();
    try (Vault vault = Vault.open(home.dir(), TestNodes.PASSPHRASE);
        RowCipher cipher = RowCipher.of(vault, new java.security.SecureRandom());
        NodeDatabase db = NodeDatabase.open(home.databaseFile(), cipher)) {
      StoredAlert held =
          new AlertStore(db, new org.bdx.node.search.AlertIndex()).get(id, alertId).orElseThrow();
      assertThat(held.version()).isEqualTo(2);
      assertThat(
              AlertHeader.parseFrom(held.envelope().getHeader()).getOriginPublicKey().toByteArray())
          .isEqualTo(newKey);
      assertThat(held.fields().getArea()).isEqualTo("Downtown East");
    }
  }
}
