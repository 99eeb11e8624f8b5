package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.NetSteps.parse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.search.AlertIndex;
import org.bdx.node.server.Node;
import org.bdx.node.server.RunningNode;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.LegacyDatabase;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.ReportKeys;
import org.bdx.node.store.ReportRecord;
import org.bdx.node.store.ReportStore;
import org.bdx.node.store.RowCipher;
import org.bdx.node.store.SealedReportCodec;
import org.bdx.node.vault.KdfParams;
import org.bdx.node.vault.Passphrase;
import org.bdx.node.vault.SecretAccess;
import org.bdx.node.vault.Vault;
import org.bdx.proto.v1.SubmitReportResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a seized home shows, through the commands people use (spec AR-1 to AR-5, SEC-6). Homes are
 * made through the Java API with the cheap key derivation (a `bdx init` would pay the real one),
 * their nodes run in this JVM on loopback, and everything else goes through {@code bdx}.
 */
@DisplayName("AR encryption at rest, end to end")
class AtRestEndToEndTest {
  private static final SecureRandom RNG = new SecureRandom();

  @TempDir Path tmp;

  @Test
  void serve_withAWrongPassphrase_failsAtOnce_andChangesNoFile() throws Exception {
    Path home = init("east", "right passphrase\n");
    Path wrong = Files.writeString(tmp.resolve("wrong"), "wrong passphrase\n");
    Map<String, String> before = hashes(home);

    CliRun r =
        CliRun.bdx("serve", "--home", home.toString(), "--passphrase-file", wrong.toString());

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo("bdx: wrong passphrase for the node in " + home + System.lineSeparator());
    assertThat(r.out()).isEmpty();
    assertThat(hashes(home)).isEqualTo(before);
  }

  @Test
  void canaryScan_noReportContentInAnyFile_afterAddUpdateAndPurge() throws Exception {
    Path home = init("east", "scan passphrase\n");
    try (RunningNode node = start(home, "scan passphrase\n")) {
      SubmitReportResponse first = add(home, "Qxnarrativeone", "Qxcontactone", "Qxdescriptionone");
      // A second report whose alert stays.
      add(home, "Qxnarrativetwo", "Qxcontacttwo", "Qxdescriptiontwo");

      List<String> hidden =
          List.of(
              "Qxnarrativeone",
              "Qxcontactone",
              "Qxdescriptionone",
              "Qxnarrativetwo",
              "Qxcontacttwo",
              "Qxdescriptiontwo");
      assertThat(filesContaining(home, hidden)).isEmpty();
      // Twin: the same scan finds what is kept in clear on purpose, the incident date (spec
      // SEC-6), in node.db or its log, so the scan is known to see what is in clear.
      assertThat(filesContaining(home, List.of(LocalDate.now().minusDays(1).toString())))
          .isNotEmpty()
          .allMatch(f -> f.startsWith("node.db"));

      ok(
          "alerts",
          "update",
          first.getAlert().getAlertId(),
          "--home",
          home.toString(),
          "--narrative",
          "Qxnarrativenew");
      assertThat(filesContaining(home, hidden)).isEmpty();
      assertThat(filesContaining(home, List.of("Qxnarrativenew"))).isEmpty();

      ok("report", "purge", first.getReportId(), "--home", home.toString());
      List<String> all = new ArrayList<>(hidden);
      all.add("Qxnarrativenew");
      assertThat(filesContaining(home, all)).isEmpty();
    }
  }

  @Test
  void passphraseChange_oldNoLongerOpens_newDoes() throws Exception {
    Path home = init("east", "old passphrase\n");
    Path old = tmp.resolve("east.passphrase");
    Path next = Files.writeString(tmp.resolve("new"), "new passphrase\n");
    try (RunningNode node = start(home, "old passphrase\n")) {
      add(home, "Qxnarrative", "Qxcontact", "Qxdescription");
      // Works while the node serves: the keys inside the vault stay the same.
      CliRun change =
          ok(
              "passphrase",
              "change",
              "--home",
              home.toString(),
              "--passphrase-file",
              old.toString(),
              "--new-passphrase-file",
              next.toString());
      assertThat(change.out()).contains("now opens with the new passphrase only");
    }
    CliRun again =
        CliRun.bdx(
            "passphrase",
            "change",
            "--home",
            home.toString(),
            "--passphrase-file",
            old.toString(),
            "--new-passphrase-file",
            next.toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("wrong passphrase for the node in " + home);
    CliRun serveOld =
        CliRun.bdx("serve", "--home", home.toString(), "--passphrase-file", old.toString());
    assertThat(serveOld.exitCode()).isEqualTo(1);
    assertThat(serveOld.err()).contains("wrong passphrase");

    try (RunningNode node = start(home, "new passphrase\n")) {
      assertThat(ok("report", "list", "--home", home.toString()).out()).contains("Downtown East");
    }
  }

  @Test
  void plaintextNode_isRefusedWithoutAPassphrase_andEncryptedByServeWithOne() throws Exception {
    Path home = init("legacy", "legacy passphrase\n");
    String reportId;
    try (RunningNode node = start(home, "legacy passphrase\n")) {
      reportId = add(home, "Qxlegacynarrative", "Qxlegacycontact", "Qxlegacydesc").getReportId();
    }
    makePlaintext(home, "legacy passphrase\n");
    // Twin: an older node keeps the narrative and the alert's description in clear.
    assertThat(filesContaining(home, List.of("Qxlegacynarrative")))
        .isNotEmpty()
        .allMatch(f -> f.startsWith("node.db"));
    assertThat(filesContaining(home, List.of("Qxlegacydesc")))
        .isNotEmpty()
        .allMatch(f -> f.startsWith("node.db"));

    CliRun refused = CliRun.bdx("serve", "--home", home.toString());
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err())
        .contains("keeps its key and reports unencrypted")
        .contains("bdx serve --home " + home + " --passphrase-file FILE");
    assertThat(Files.exists(home.resolve("keys/node.key"))).isTrue();

    Path passphrase = Files.writeString(tmp.resolve("chosen"), "chosen passphrase\n");
    Process serve =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                Bdx.class.getName(),
                "serve",
                "--home",
                home.toString(),
                "--passphrase-file",
                passphrase.toString())
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader lines =
          new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<String> ready =
          CompletableFuture.supplyAsync(
              () -> {
                StringBuilder seen = new StringBuilder();
                try {
                  for (String l; (l = lines.readLine()) != null; ) {
                    seen.append(l).append('\n');
                    if (l.contains("serving the client API")) {
                      return seen.toString();
                    }
                  }
                } catch (IOException e) {
                  seen.append(e);
                }
                return "exited before serving:\n" + seen;
              });
      String printed = ready.get(60, TimeUnit.SECONDS);
      assertThat(printed)
          .contains("Encrypted the node in " + home)
          .contains("1 report is encrypted")
          .contains("serving the client API");
      assertThat(Files.exists(home.resolve("keys/node.key"))).isFalse();
      assertThat(ok("report", "list", "--home", home.toString()).out()).contains(reportId);
      assertThat(
              filesContaining(
                  home, List.of("Qxlegacynarrative", "Qxlegacycontact", "Qxlegacydesc")))
          .isEmpty();
      // The search index was rebuilt from the sealed alerts: the description is found by a word.
      assertThat(
              ok("alerts", "search", "--home", home.toString(), "--text", "qxlegacyd", "--json")
                  .out())
          .contains("Qxlegacydesc");
    } finally {
      serve.destroy();
      serve.waitFor(30, TimeUnit.SECONDS);
    }
  }

  // --- helpers

  /** A home made through the Java API, its passphrase in {@code tmp/NAME.passphrase}. */
  private Path init(String name, String passphrase) throws Exception {
    Path home = tmp.resolve(name);
    Files.writeString(tmp.resolve(name + ".passphrase"), passphrase);
    NodeConfig.HostPort client = new NodeConfig.HostPort("127.0.0.1", TestOrg.freePort());
    NodeConfig.HostPort federation = new NodeConfig.HostPort("127.0.0.1", TestOrg.freePort());
    try (Passphrase p = Passphrase.fromFile(tmp.resolve(name + ".passphrase"))) {
      Node.init(
          new NodeHome(home),
          new NodeConfig(name, client, federation, "CA", Duration.ofDays(30), 1),
          p,
          KdfParams.FOR_TESTS);
    }
    return home;
  }

  private RunningNode start(Path home, String passphrase) throws Exception {
    Path f = Files.writeString(Files.createTempFile(tmp, "p", ""), passphrase);
    try (Passphrase p = Passphrase.fromFile(f)) {
      return RunningNode.start(new NodeHome(home), p, Clock.systemUTC());
    }
  }

  /** {@code bdx report add} with the contact NOT shared (the default). */
  private static SubmitReportResponse add(
      Path home, String narrative, String contact, String description) throws Exception {
    CliRun r =
        ok(
            "report",
            "add",
            "--home",
            home.toString(),
            "--json",
            "--date",
            LocalDate.now().minusDays(1).toString(),
            "--area",
            "Downtown East",
            "--setting",
            "outcall",
            "--harm",
            "physical_assault",
            "--severity",
            "high",
            "--description",
            description,
            "--phone",
            "604 555 0199",
            "--narrative",
            narrative,
            "--contact",
            contact,
            "--audience",
            "peer");
    return parse(r.out(), SubmitReportResponse.getDefaultInstance());
  }

  /**
   * The files under {@code home} (relative names) in which any canary appears, as written or
   * lower-cased (the full-text index keeps tokens lower-cased), in UTF-8.
   */
  private static List<String> filesContaining(Path home, List<String> canaries) throws IOException {
    List<String> hits = new ArrayList<>();
    try (Stream<Path> files = Files.walk(home)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        for (String c : canaries) {
          if (bytes.contains(c) || bytes.contains(c.toLowerCase(Locale.ROOT))) {
            hits.add(home.relativize(f).toString());
            break;
          }
        }
      }
    }
    return hits;
  }

  private static Map<String, String> hashes(Path home) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(home)) {
      for (Path f : files.toList()) {
        String digest =
            Files.isRegularFile(f)
                ? HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)))
                : "dir";
        out.put(home.relativize(f).toString(), digest);
      }
    }
    return out;
  }

  /**
   * Turns a stopped node back into the layout of a node made before encryption at rest: report
   * bodies and alerts in clear (schema 10), the seed in {@code keys/node.key}, no vault and no
   * report keys. Nothing in bdx writes this layout any more.
   */
  private void makePlaintext(Path dir, String passphrase) throws Exception {
    NodeHome home = new NodeHome(dir);
    Path f = Files.writeString(Files.createTempFile(tmp, "p", ""), passphrase);
    byte[] seed;
    try (Passphrase p = Passphrase.fromFile(f);
        Vault vault = Vault.open(dir, p);
        RowCipher cipher = RowCipher.of(vault, RNG);
        NodeDatabase db = NodeDatabase.open(home.databaseFile(), cipher);
        ReportKeys keys =
            ReportKeys.open(home.reportKeysFile(), vault.subKey(Vault.Purpose.REPORT_KEYS), RNG)) {
      AlertStore alerts = new AlertStore(db, new AlertIndex());
      ReportStore sealed = new ReportStore(db, alerts, new SealedReportCodec(keys, RNG));
      ReportStore plain = new ReportStore(db, alerts);
      for (ReportRecord r : sealed.list(500, null).items()) {
        plain.replace(r);
      }
      LegacyDatabase.downgrade(db);
      seed = vault.seed(SecretAccess.INSECURE);
    }
    Path key = dir.resolve("keys/node.key");
    Files.writeString(
        key,
        "BDX-ED25519-SEED-V1\n" + java.util.Base64.getEncoder().encodeToString(seed) + "\n",
        StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(
        key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    for (String name :
        List.of("vault", "reportkeys.db", "reportkeys.db-wal", "reportkeys.db-shm")) {
      Files.deleteIfExists(dir.resolve(name));
    }
  }
}
