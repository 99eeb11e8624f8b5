package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.ok;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.vault.Passphrase;
import org.bdx.node.vault.RecoveryFile;
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
        .doesNotContain("rotated to a new key")
        .doesNotContain("FORK");
    assertThat(ok("status", "--home", west.homeArg()).out())
        .containsPattern("east +key in use since ");
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
}
