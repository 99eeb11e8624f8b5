package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.ok;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.keys.KeyEvents;
import org.bdx.node.keys.KeyLog;
import org.bdx.node.vault.Passphrase;
import org.bdx.node.vault.RecoveryFile;
import org.bdx.proto.v1.PartnerStatus;
import org.bdx.proto.v1.SignedKeyEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bdx init} makes the node's key log and its sealed recovery file; {@code bdx key show} and
 * {@code bdx status} tell the coordinator about them; {@code bdx key export-recovery} moves the
 * file off the machine once, and says so in a sentence when there is nothing left to move.
 */
class KeyEndToEndTest {
  @TempDir Path tmp;
  private TestOrg east;
  private TestOrg west;

  @AfterEach
  void stop() {
    TestOrg.stopAll(east, west);
  }

  /**
   * Partners with an agreement fetch each other's key log when their feeds connect (spec KEY-16);
   * {@code bdx status} then shows each partner's key age (KEY-17).
   */
  @Test
  void status_afterPartnersConnect_showsEachPartnersKeyAge() throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").start();
    west = TestOrg.builder(tmp, "west", "West Collective").start();
    TestOrg.peers(east, west);

    CliRun before = ok("status", "--home", east.homeArg());
    assertThat(before.out()).contains("Partners' keys:").contains("no key log received yet");

    TestOrg.agree(east, west, 30);
    NetSteps.awaitTrue(
        () -> NetSteps.status(east.home(), "west").getKeyLogLength() == 1,
        "east holds west's key log");
    NetSteps.awaitTrue(
        () -> NetSteps.status(west.home(), "east").getKeyLogLength() == 1,
        "west holds east's key log");

    CliRun status = ok("status", "--home", east.homeArg());
    assertThat(status.out())
        .containsPattern("west +key in use since \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} \\(0 days\\)")
        .doesNotContain("rotating to a new key")
        .doesNotContain("FORK");
    assertThat(ok("status", "--home", west.homeArg()).out())
        .containsPattern("east +key in use since ");
  }

  /**
   * A partner's log that names a key taking over tomorrow shows as a pending rotation; a log that
   * does not extend the one held shows as a fork, with the fingerprint to compare by phone (spec
   * KEY-16, KEY-17). West's stored log is changed behind its back, as a thief holding west's next
   * key could serve it; east fetches it again when its feed from west reconnects.
   */
  @Test
  void status_showsAPartnersPendingRotation_thenAFork() throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").start();
    west = TestOrg.builder(tmp, "west", "West Collective").start();
    TestOrg.peers(east, west);
    String agreement = TestOrg.agree(east, west, 30);
    NetSteps.awaitTrue(
        () -> NetSteps.status(east.home(), "west").getKeyLogLength() == 1,
        "east holds west's key log");

    NodeKeys next;
    try (Passphrase p = Passphrase.fromFile(TestOrg.passphraseFile(west.home()))) {
      byte[] seed = RecoveryFile.openSeed(west.home().resolve("keys/next-key.recovery"), p);
      next = NodeKeys.fromSeed(seed);
      Arrays.fill(seed, (byte) 0);
    }
    KeyLog westLog = KeyLog.verify(west.id(), ownLog(west));
    // Announced for tomorrow: west keeps serving with its current key until then.
    long tomorrow = epochNow() + 86_400;
    SignedKeyEvent rotation =
        KeyEvents.rotation(
            westLog, next, NodeKeys.generate(new SecureRandom()).publicKey(), tomorrow);
    storeOwnEvent(
        west, rotation, "INSERT INTO key_log (event, signature, sequence) VALUES (?, ?, 1)");
    reconnect(east, agreement);
    NetSteps.awaitTrue(
        () -> NetSteps.status(east.home(), "west").getKeyRotationPending(),
        "east sees west's rotation");
    String nextFingerprint = next.nodeId().fingerprint();
    assertThat(ok("status", "--home", east.homeArg()).out())
        .contains(
            "rotating to a new key ("
                + nextFingerprint
                + ") from "
                + java.time.Instant.ofEpochSecond(tomorrow).toString().substring(0, 10))
        .doesNotContain("FORK");

    SignedKeyEvent other =
        KeyEvents.rotation(
            westLog, next, NodeKeys.generate(new SecureRandom()).publicKey(), tomorrow + 1);
    storeOwnEvent(west, other, "UPDATE key_log SET event = ?, signature = ? WHERE sequence = 1");
    reconnect(east, agreement);
    NetSteps.awaitTrue(
        () -> NetSteps.status(east.home(), "west").getKeyLogForks() > 0, "east sees the fork");
    PartnerStatus kept = NetSteps.status(east.home(), "west");
    assertThat(kept.getKeyLogLength()).isEqualTo(2);
    assertThat(kept.getKeyLogKey().toByteArray()).isEqualTo(next.publicKey());
    assertThat(ok("status", "--home", east.homeArg()).out())
        .contains("FORK: two different key logs seen for this partner; compare fingerprints")
        .contains("the log kept here ends in key " + nextFingerprint);
  }

  private static long epochNow() {
    return java.time.Instant.now().getEpochSecond();
  }

  /** {@code o}'s own key log as stored, event 0 first. */
  private static List<SignedKeyEvent> ownLog(TestOrg o) throws Exception {
    List<SignedKeyEvent> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + o.home().resolve("node.db"));
        PreparedStatement ps =
            c.prepareStatement("SELECT event, signature FROM key_log ORDER BY sequence");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(
            SignedKeyEvent.newBuilder()
                .setEvent(ByteString.copyFrom(rs.getBytes(1)))
                .setSignature(ByteString.copyFrom(rs.getBytes(2)))
                .build());
      }
    }
    return out;
  }

  /** Runs {@code sql} with the event's bytes and signature on {@code o}'s own key log. */
  private static void storeOwnEvent(TestOrg o, SignedKeyEvent e, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + o.home().resolve("node.db"));
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setBytes(1, e.getEvent().toByteArray());
      ps.setBytes(2, e.getSignature().toByteArray());
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  /** A new feed connection from {@code o} to its partner: suspend and resume the agreement. */
  private static void reconnect(TestOrg o, String agreement) {
    ok("agreement", "suspend", agreement, "--home", o.homeArg());
    ok("agreement", "resume", agreement, "--home", o.homeArg());
  }

  @Test
  void keyShow_exportRecovery_status() throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").start();
    Path recovery = east.home().resolve("keys").resolve("next-key.recovery");
    assertThat(recovery).exists();

    CliRun show = ok("key", "show", "--home", east.homeArg());
    String fingerprint = east.keys().nodeId().fingerprint();
    assertThat(show.out())
        .contains("node id:        " + east.keys().nodeId().value())
        .contains("fingerprint:    " + fingerprint)
        .contains("current key:    " + fingerprint)
        .contains("key log:        1 event")
        .contains("key age:        in use since ")
        .contains("(0 days)")
        .contains("recovery file:  still on this machine: " + recovery)
        .contains("WARNING")
        .contains("bdx key export-recovery --out");

    CliRun status = ok("status", "--home", east.homeArg());
    assertThat(status.out()).contains("Your node's key: in use since ").contains("(0 days)");

    Path out = tmp.resolve("usb").resolve("east.recovery");
    Files.createDirectories(out.getParent());
    byte[] before = Files.readAllBytes(recovery);
    CliRun export = ok("key", "export-recovery", "--home", east.homeArg(), "--out", out.toString());
    assertThat(export.out()).contains("Moved the recovery file to " + out);
    assertThat(recovery).doesNotExist();
    assertThat(Files.readAllBytes(out)).isEqualTo(before);

    // The exported file opens with the passphrase and holds the key the inception committed to.
    byte[] seed;
    try (Passphrase p = Passphrase.fromFile(TestOrg.passphraseFile(east.home()))) {
      seed = RecoveryFile.openSeed(out, p);
    }
    assertThat(NodeKeys.fromSeed(seed).publicKey()).isNotEqualTo(east.keys().publicKey());
    Arrays.fill(seed, (byte) 0);
    assertThat(RecoveryFile.header(out).nodeId()).isEqualTo(east.keys().nodeId().value());

    CliRun again =
        CliRun.bdx(
            "key",
            "export-recovery",
            "--home",
            east.homeArg(),
            "--out",
            tmp.resolve("usb").resolve("again.recovery").toString());
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(1);
    assertThat(again.err()).contains("there is no recovery file in").contains("already moved");
    assertThat(tmp.resolve("usb").resolve("again.recovery")).doesNotExist();

    CliRun shown = ok("key", "show", "--home", east.homeArg());
    assertThat(shown.out()).contains("recovery file:  not on this machine").doesNotContain("WARN");

    // Restarting the node makes no new recovery file: the log is stored, its next key is offline.
    east.stop();
    east.start();
    assertThat(recovery).doesNotExist();
    assertThat(ok("key", "show", "--home", east.homeArg()).out()).contains("1 event");
  }

  @Test
  void init_saysWhereTheRecoveryFileIsAndToMoveIt() throws Exception {
    Path home = tmp.resolve("west");
    Path passphrase = Files.writeString(tmp.resolve("west.passphrase"), "correct horse battery\n");
    CliRun init =
        ok(
            "init",
            "--home",
            home.toString(),
            "--passphrase-file",
            passphrase.toString(),
            "--name",
            "West Outreach",
            "--listen",
            "127.0.0.1:" + TestOrg.freePort(),
            "--federation-listen",
            "127.0.0.1:" + TestOrg.freePort());
    Path recovery = home.resolve("keys").resolve("next-key.recovery");
    assertThat(init.out())
        .contains("sealed in " + recovery)
        .contains("bdx key export-recovery --out FILE");
    assertThat(recovery).exists();
  }

  @Test
  void exportRecovery_existingTarget_refusesAndKeepsTheFile() throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").init();
    Path recovery = east.home().resolve("keys").resolve("next-key.recovery");
    Path taken = Files.writeString(tmp.resolve("taken"), "mine\n");
    CliRun r =
        CliRun.bdx("key", "export-recovery", "--home", east.homeArg(), "--out", taken.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains("already exists; a recovery file is never overwritten");
    assertThat(Files.readString(taken)).isEqualTo("mine\n");
    assertThat(recovery).exists();
    assertThat(List.of(r.out())).containsExactly("");
  }

  /**
   * {@code bdx key rotate} with the recovery file in the home: a new key under the same node id, a
   * new recovery file, the spent one refused; the running partner trusts the new key by itself
   * (spec KEY-19, KEY-20).
   */
  @Test
  void rotate_thenPartnerTrustsTheNewKey_andTheSpentFileIsRefused() throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").start();
    west = TestOrg.builder(tmp, "west", "West Collective").start();
    TestOrg.peers(east, west);
    TestOrg.agree(east, west, 30);
    NetSteps.awaitTrue(
        () -> NetSteps.status(east.home(), "west").getKeyLogLength() == 1,
        "east holds west's key log");
    Path recovery = west.home().resolve("keys").resolve("next-key.recovery");
    Path spent = Files.copy(recovery, tmp.resolve("west-spent.recovery"));
    String oldKey = ok("key", "show", "--home", west.homeArg()).out();

    CliRun running = keyRun(west, recovery, "rotate");
    assertThat(running.exitCode()).as(running.toString()).isEqualTo(1);
    assertThat(running.err()).contains("serve");

    west.stop();
    CliRun rotated = keyOk(west, recovery, "rotate");
    assertThat(rotated.out())
        .contains("Node " + west.id().fingerprint() + " now signs with key")
        .contains("stays only to check what it signed before")
        .contains("bdx key export-recovery --out FILE");
    assertThat(recovery).exists();
    assertThat(Files.readAllBytes(recovery)).isNotEqualTo(Files.readAllBytes(spent));

    CliRun again = keyRun(west, spent, "rotate");
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(1);
    assertThat(again.err()).contains("was used already").contains("nothing was changed");

    west.start();
    assertThat(ok("key", "show", "--home", west.homeArg()).out())
        .contains("2 events")
        .isNotEqualTo(oldKey);
    NetSteps.awaitTrue(
        () -> NetSteps.status(east.home(), "west").getKeyLogLength() == 2,
        "east trusts west's new key");
    NetSteps.awaitTrue(
        () -> NetSteps.status(east.home(), "west").getConnected(), "east reads west's feed again");
    assertThat(ok("status", "--home", east.homeArg()).out())
        .doesNotContain("REVOKED")
        .doesNotContain("FORK");
  }

  private static CliRun keyOk(TestOrg org, Path recovery, String... args) {
    CliRun r = keyRun(org, recovery, args);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r;
  }

  /** {@code bdx key CMD ...} on {@code org}'s home with its passphrase and {@code recovery}. */
  private static CliRun keyRun(TestOrg org, Path recovery, String... args) {
    List<String> all = new ArrayList<>(List.of("key"));
    all.addAll(List.of(args));
    all.addAll(
        List.of(
            "--home",
            org.homeArg(),
            "--passphrase-file",
            org.passphraseArg(),
            "--recovery-file",
            recovery.toString()));
    return CliRun.bdx(all.toArray(String[]::new));
  }

  @Test
  void revoke_mistakes_sayWhatToDoAndChangeNothing() throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").init();
    Path recovery = east.home().resolve("keys").resolve("next-key.recovery");
    byte[] before = Files.readAllBytes(recovery);

    CliRun noFlag = keyRun(east, recovery, "revoke");
    assertThat(noFlag.exitCode()).as(noFlag.toString()).isEqualTo(2);
    assertThat(noFlag.err()).contains("--compromised");

    CliRun future = keyRun(east, recovery, "revoke", "--compromised", "--since", "2999-01-01");
    assertThat(future.exitCode()).as(future.toString()).isEqualTo(2);
    assertThat(future.err()).contains("--since").contains("future");

    CliRun garbled = keyRun(east, recovery, "revoke", "--compromised", "--since", "last tuesday");
    assertThat(garbled.exitCode()).as(garbled.toString()).isEqualTo(2);
    assertThat(garbled.err()).contains("2026-11-01T14:30Z");

    Path wrong = Files.writeString(tmp.resolve("wrong.passphrase"), "not the passphrase at all\n");
    CliRun wrongPassphrase =
        CliRun.bdx(
            "key",
            "revoke",
            "--compromised",
            "--home",
            east.homeArg(),
            "--passphrase-file",
            wrong.toString(),
            "--recovery-file",
            recovery.toString());
    assertThat(wrongPassphrase.exitCode()).as(wrongPassphrase.toString()).isEqualTo(1);
    assertThat(wrongPassphrase.err()).contains("passphrase");

    assertThat(Files.readAllBytes(recovery)).isEqualTo(before);

    CliRun revoked = keyOk(east, recovery, "revoke", "--compromised", "--since", "2026-01-01");
    assertThat(revoked.out())
        .contains("is revoked: partners refuse anything new it signs")
        .contains("since 2026-01-01T00:00:00Z")
        .contains("0 of this node's alerts");
    east.start();
    assertThat(ok("key", "show", "--home", east.homeArg()).out()).contains("2 events");
    east.stop();
    CliRun json = keyOk(east, recovery, "rotate", "--json");
    assertThat(json.out())
        .startsWith("{")
        .contains("\"node_id\":\"" + east.id().value() + "\"")
        .contains("\"key_event\":2")
        .doesNotContain("compromised_since");
  }
}
