package org.bdx.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.bdx.node.TestNodes;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.keys.KeyEvents;
import org.bdx.node.keys.KeyLog;
import org.bdx.node.store.KeyLogStore;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.RowCipher;
import org.bdx.node.vault.Passphrase;
import org.bdx.node.vault.RecoveryFile;
import org.bdx.node.vault.Vault;
import org.bdx.node.vault.VaultException;
import org.bdx.proto.v1.KeyEvent;
import org.bdx.proto.v1.SignedKeyEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's own key log and its recovery file (spec KEY-10 to KEY-13). */
class OwnKeyLogTest {
  @TempDir Path tmp;

  private NodeHome init() throws Exception {
    NodeHome home = new NodeHome(tmp.resolve("home"));
    NodeConfig.HostPort any = new NodeConfig.HostPort("127.0.0.1", 0);
    TestNodes.init(home, new NodeConfig("Org", any, any, "CA", Duration.ofDays(30), 0));
    return home;
  }

  private static List<SignedKeyEvent> storedLog(NodeHome home) {
    try (Vault vault = Vault.open(home.dir(), TestNodes.PASSPHRASE);
        RowCipher cipher = RowCipher.of(vault, new SecureRandom());
        NodeDatabase db = NodeDatabase.open(home.databaseFile(), cipher)) {
      return new KeyLogStore(db).load();
    }
  }

  /** As a node made before key logs: no row in key_log. */
  private static void forgetLog(NodeHome home) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.databaseFile());
        Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM key_log");
    }
  }

  /**
   * The log verifies for the node id, its key is the node's, and the recovery file holds the key it
   * committed to.
   */
  private static KeyLog checkConsistent(NodeHome home) throws Exception {
    List<SignedKeyEvent> stored = storedLog(home);
    NodeKeys keys = TestNodes.keys(home);
    KeyLog log = KeyLog.verify(keys.nodeId(), stored);
    assertThat(log.size()).isEqualTo(1);
    assertThat(log.latestKey()).isEqualTo(keys.publicKey());
    byte[] seed = RecoveryFile.openSeed(home.recoveryFile(), TestNodes.PASSPHRASE);
    NodeKeys next = NodeKeys.fromSeed(seed);
    Arrays.fill(seed, (byte) 0);
    KeyEvent inception = KeyEvent.parseFrom(stored.get(0).getEvent());
    assertThat(KeyEvents.nextKeyDigest(next.publicKey()))
        .isEqualTo(inception.getNextKeyDigest().toByteArray());
    RecoveryFile.Header h = RecoveryFile.header(home.recoveryFile());
    assertThat(h.nodeId()).isEqualTo(keys.nodeId().value());
    assertThat(h.sequence()).isZero();
    assertThat(h.eventDigest()).isEqualTo(log.lastEventDigest());
    return log;
  }

  @Test
  void init_makesInceptionAndSealedRecoveryFile() throws Exception {
    NodeHome home = init();
    checkConsistent(home);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.recoveryFile())))
        .isEqualTo("rw-------");
  }

  @Test
  void open_withLog_makesNoSecondInceptionAndLeavesRecoveryFile() throws Exception {
    NodeHome home = init();
    List<SignedKeyEvent> before = storedLog(home);
    byte[] file = Files.readAllBytes(home.recoveryFile());
    try (Node node = Node.open(home, TestNodes.PASSPHRASE, Clock.systemUTC())) {
      assertThat(node.ownKeyLog(TestNodes.PASSPHRASE).events()).isEqualTo(before);
    }
    assertThat(storedLog(home)).isEqualTo(before);
    assertThat(Files.readAllBytes(home.recoveryFile())).isEqualTo(file);
  }

  @Test
  void open_existingNodeWithoutLog_makesOneAtFirstStart() throws Exception {
    NodeHome home = init();
    forgetLog(home);
    Files.delete(home.recoveryFile());
    Instant at = Instant.parse("2026-11-01T10:00:00Z");
    try (Node node = Node.open(home, TestNodes.PASSPHRASE, Clock.fixed(at, ZoneOffset.UTC))) {
      assertThat(node.ownKeyLog(TestNodes.PASSPHRASE).lastValidFrom())
          .isEqualTo(at.getEpochSecond());
    }
    checkConsistent(home);
  }

  @Test
  void open_recoveryFileWithoutStoredLog_makesBothAgainConsistently() throws Exception {
    // The state a crash leaves between forcing the recovery file and storing the log.
    NodeHome home = init();
    forgetLog(home);
    byte[] orphan = Files.readAllBytes(home.recoveryFile());
    try (Node node = Node.open(home, TestNodes.PASSPHRASE, Clock.systemUTC())) {
      // opened: the log was made again
    }
    assertThat(Files.readAllBytes(home.recoveryFile())).isNotEqualTo(orphan);
    checkConsistent(home);
  }

  @Test
  void open_exportedRecoveryFile_makesNoNewOne() throws Exception {
    NodeHome home = init();
    Files.delete(home.recoveryFile());
    try (Node node = Node.open(home, TestNodes.PASSPHRASE, Clock.systemUTC())) {
      // the log is stored: the next key is offline, nothing to write
    }
    assertThat(home.recoveryFile()).doesNotExist();
  }

  @Test
  void open_logOfAnotherKey_refuses() throws Exception {
    NodeHome home = init();
    NodeKeys other = NodeKeys.generate(new SecureRandom());
    SignedKeyEvent foreign =
        KeyEvents.inception(other, NodeKeys.generate(new SecureRandom()).publicKey(), 1);
    forgetLog(home);
    try (Vault vault = Vault.open(home.dir(), TestNodes.PASSPHRASE);
        RowCipher cipher = RowCipher.of(vault, new SecureRandom());
        NodeDatabase db = NodeDatabase.open(home.databaseFile(), cipher)) {
      new KeyLogStore(db).append(0, List.of(foreign));
    }
    assertThatThrownBy(() -> Node.open(home, TestNodes.PASSPHRASE, Clock.systemUTC()))
        .hasMessageContaining("key log")
        .hasMessageContaining("not the current key");
  }

  @Test
  void recoveryFile_wrongPassphrase_doesNotOpen() throws Exception {
    NodeHome home = init();
    try (Passphrase wrong = Passphrase.random(new SecureRandom())) {
      assertThatThrownBy(() -> RecoveryFile.openSeed(home.recoveryFile(), wrong))
          .isInstanceOf(VaultException.WrongPassphrase.class);
    }
  }

  @Test
  void recoveryFile_alteredHeader_doesNotOpen() throws Exception {
    NodeHome home = init();
    byte[] raw = Files.readAllBytes(home.recoveryFile());
    raw[100] ^= 1; // the event's sequence: bound into the tag as associated data
    Path altered = tmp.resolve("altered.recovery");
    Files.write(altered, raw);
    assertThatThrownBy(() -> RecoveryFile.openSeed(altered, TestNodes.PASSPHRASE))
        .isInstanceOf(VaultException.class);
  }

  @Test
  void recoveryFile_holdsNoSeedInClear() throws Exception {
    NodeHome home = init();
    byte[] raw = Files.readAllBytes(home.recoveryFile());
    byte[] seed = RecoveryFile.openSeed(home.recoveryFile(), TestNodes.PASSPHRASE);
    for (int i = 0; i + 8 <= raw.length; i++) {
      assertThat(Arrays.copyOfRange(raw, i, i + 8)).isNotEqualTo(Arrays.copyOf(seed, 8));
    }
  }
}
