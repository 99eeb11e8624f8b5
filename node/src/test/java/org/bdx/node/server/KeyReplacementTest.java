package org.bdx.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import org.bdx.node.TestNodes;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.identity.KeyFiles;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.vault.Vault;
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
}
