package org.bdx.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.bdx.node.TestNodes;
import org.bdx.node.edge.CredentialCheck;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.identity.KeyFiles;
import org.bdx.node.identity.LegacyKeyFiles;
import org.bdx.node.search.AlertIndex;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.LegacyDatabase;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.ReportKeys;
import org.bdx.node.store.ReportRecord;
import org.bdx.node.store.ReportStore;
import org.bdx.node.store.RowCipher;
import org.bdx.node.store.SealedReportCodec;
import org.bdx.node.store.StoreException;
import org.bdx.node.vault.KdfParams;
import org.bdx.node.vault.Passphrase;
import org.bdx.node.vault.SecretAccess;
import org.bdx.node.vault.Vault;
import org.bdx.node.vault.VaultException;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.Consent;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.PurgeReportRequest;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.SubmitReportRequest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports at rest (spec AR-3 to AR-5) on real nodes on loopback: crypto-shredding, and encrypting a
 * node made before encryption at rest without losing a report.
 */
@DisplayName("AR reports at rest")
class AtRestTest {
  private static final SecureRandom RNG = new SecureRandom();

  @TempDir Path tmp;

  // --- crypto-shredding (AR-4)

  @Test
  void purge_destroysTheKey_soAnOlderCopyOfTheDatabaseCannotYieldTheReport() throws Exception {
    NodeHome home = init("n");
    String purged;
    String kept;
    Path twinCopy = tmp.resolve("copy-twin");
    Path copy = tmp.resolve("copy");
    byte[] wrappedKey;
    try (RunningNode node = start(home)) {
      var client = client(node);
      purged = submit(client, "Qxshred narrative", "Qxshred contact");
      kept = submit(client, "Qxkept narrative", "Qxkept contact");
      // A backup, a filesystem snapshot, a stolen disk image: node.db and its log, before the
      // purge. Twice, as opening a copy changes it.
      copyDatabase(home, twinCopy);
      copyDatabase(home, copy);
      wrappedKey = wrappedKey(home, purged);
      assertThat(bytesOf(home.reportKeysFile())).contains(hex(wrappedKey));

      // Twin: the same copy, with the live node's key file and passphrase before the purge,
      // yields the report, so the check below can tell.
      assertThat(readFromCopy(home, twinCopy, purged).getNarrative())
          .isEqualTo("Qxshred narrative");

      client.purgeReport(PurgeReportRequest.newBuilder().setReportId(purged).build());
    }
    // The live key file and its log no longer hold the purged report's wrapped key.
    assertThat(bytesOf(home.reportKeysFile())).doesNotContain(hex(wrappedKey));
    // The copy taken before the purge, with the live key file and the passphrase after it: the
    // report is gone for good; the report that was kept still opens the same way.
    assertThatThrownBy(() -> readFromCopy(home, copy, purged))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("its key was destroyed");
    assertThat(readFromCopy(home, copy, kept).getNarrative()).isEqualTo("Qxkept narrative");
  }

  // --- encrypting a node made before encryption at rest (AR-5)

  @Test
  void encrypt_plaintextNode_losesNothing_andLeavesNoPlaintext() throws Exception {
    NodeHome home = init("legacy");
    Map<String, Report> before = submitSome(home, 3);
    makePlaintext(home);
    assertThat(Files.exists(KeyFiles.keyFile(home.dir()))).isTrue();
    // Twin: the scan below finds the narratives while the node is in clear.
    assertThat(bytesOf(home.databaseFile())).contains(hex("Qxlegacy narrative 0"));

    assertThat(Node.needsEncryption(home)).isTrue();
    assertThatThrownBy(() -> Node.open(home, TestNodes.PASSPHRASE, Clock.systemUTC()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("unencrypted")
        .hasMessageContaining("--passphrase-file");

    Node.Encrypted done = Node.encrypt(home, TestNodes.PASSPHRASE, KdfParams.FOR_TESTS);

    assertThat(done.reports()).isEqualTo(3);
    assertThat(Node.needsEncryption(home)).isFalse();
    assertThat(Files.exists(KeyFiles.keyFile(home.dir()))).isFalse();
    assertThat(readAll(home)).isEqualTo(before);
    for (int i = 0; i < 3; i++) {
      assertThat(bytesOf(home.databaseFile())).doesNotContain(hex("Qxlegacy narrative " + i));
    }
    try (RunningNode node = start(home)) {
      assertThat(node.node().nodeId()).isEqualTo(KeyFiles.loadPublic(home.dir()));
    }
  }

  @Test
  void encrypt_interruptedHalfway_isFinishedByRunningItAgain() throws Exception {
    NodeHome home = init("legacy");
    Map<String, Report> before = submitSome(home, 3);
    makePlaintext(home);
    // As if a first run stopped after making the vault and encrypting one report.
    byte[] seed = KeyFiles.loadPlaintext(home.dir()).exportSeed(SecretAccess.INSECURE);
    try (Vault vault =
            Vault.create(home.dir(), TestNodes.PASSPHRASE, KdfParams.FOR_TESTS, seed, RNG);
        RowCipher cipher = RowCipher.of(vault, RNG);
        NodeDatabase db = NodeDatabase.open(home.databaseFile(), cipher);
        ReportKeys keys = reportKeys(home, vault)) {
      ReportStore plain = new ReportStore(db, new AlertStore(db, new AlertIndex()));
      ReportStore sealed = store(db, keys);
      ReportRecord first = plain.get(before.keySet().iterator().next()).orElseThrow();
      sealed.replace(first);
    }

    // A wrong passphrase for the vault the first run made: refused, nothing changes.
    Map<String, String> files = hashes(home.dir());
    try (Passphrase wrong = Passphrase.random(RNG)) {
      assertThatThrownBy(() -> Node.encrypt(home, wrong, KdfParams.FOR_TESTS))
          .isInstanceOf(VaultException.WrongPassphrase.class);
    }
    files.remove("serve.lock"); // taken and released, as by any serve
    Map<String, String> after = hashes(home.dir());
    after.remove("serve.lock");
    assertThat(after).isEqualTo(files);

    Node.Encrypted done = Node.encrypt(home, TestNodes.PASSPHRASE, KdfParams.FOR_TESTS);
    assertThat(done.reports()).isEqualTo(2); // the one already encrypted is left as it is
    assertThat(readAll(home)).isEqualTo(before);
    assertThat(Files.exists(KeyFiles.keyFile(home.dir()))).isFalse();
  }

  @Test
  void encrypt_aVaultHoldingAnotherKey_isRefused() throws Exception {
    NodeHome home = init("legacy");
    makePlaintext(home);
    byte[] other = new byte[32];
    RNG.nextBytes(other);
    Vault.create(home.dir(), TestNodes.PASSPHRASE, KdfParams.FOR_TESTS, other, RNG).close();
    assertThatThrownBy(() -> Node.encrypt(home, TestNodes.PASSPHRASE, KdfParams.FOR_TESTS))
        .hasMessageContaining("holds another node key");
    assertThat(Files.exists(KeyFiles.keyFile(home.dir()))).isTrue();
  }

  // --- helpers

  private NodeHome init(String name) throws IOException {
    NodeHome home = new NodeHome(tmp.resolve(name));
    NodeConfig.HostPort any = new NodeConfig.HostPort("127.0.0.1", 0);
    TestNodes.init(home, new NodeConfig("Org", any, any, "CA", Duration.ofDays(30), 0));
    return home;
  }

  private static RunningNode start(NodeHome home) throws IOException {
    NodeConfig.HostPort any = new NodeConfig.HostPort("127.0.0.1", 0);
    return RunningNode.start(home, TestNodes.PASSPHRASE, Clock.systemUTC(), any, any, List.of());
  }

  /** Submits {@code n} reports with canaries and returns them as stored (normalised). */
  private Map<String, Report> submitSome(NodeHome home, int n) throws Exception {
    List<String> ids = new ArrayList<>();
    try (RunningNode node = start(home)) {
      var client = client(node);
      for (int i = 0; i < n; i++) {
        ids.add(submit(client, "Qxlegacy narrative " + i, "Qxlegacy contact " + i));
      }
    }
    Map<String, Report> all = readAll(home);
    assertThat(all.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    return all;
  }

  private static ClientServiceGrpc.ClientServiceBlockingStub client(RunningNode node)
      throws IOException {
    ManagedChannel ch =
        NettyChannelBuilder.forAddress("127.0.0.1", node.clientPort()).usePlaintext().build();
    // The coordinator's credential: purging a report needs that role (API-1).
    String token = node.node().home().readAdminToken();
    return ClientServiceGrpc.newBlockingStub(ch)
        .withCallCredentials(
            new CallCredentials() {
              @Override
              public void applyRequestMetadata(
                  RequestInfo info, Executor ex, MetadataApplier applier) {
                Metadata m = new Metadata();
                m.put(CredentialCheck.AUTHORIZATION, "Bearer " + token);
                applier.apply(m);
              }
            });
  }

  private static String submit(
      ClientServiceGrpc.ClientServiceBlockingStub client, String narrative, String contact) {
    Report r =
        Report.newBuilder()
            .setIncidentDate(LocalDate.now().minusDays(1).toString())
            .setArea("Downtown East")
            .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
            .addPhoneNumbers("604 555 0123")
            .setAggressorDescription("tall, grey beard")
            .setNarrative(narrative)
            .setReporterContact(contact)
            .setConsent(Consent.newBuilder().setAudience(Audience.AUDIENCE_PEER))
            .build();
    return client.submitReport(SubmitReportRequest.newBuilder().setReport(r).build()).getReportId();
  }

  /** Every report of a stopped, encrypted node, read with its vault. */
  private static Map<String, Report> readAll(NodeHome home) {
    try (Vault vault = Vault.open(home.dir(), TestNodes.PASSPHRASE);
        RowCipher cipher = RowCipher.of(vault, RNG);
        NodeDatabase db = NodeDatabase.open(home.databaseFile(), cipher);
        ReportKeys keys = reportKeys(home, vault)) {
      Map<String, Report> out = new LinkedHashMap<>();
      for (ReportRecord r : store(db, keys).list(500, null).items()) {
        out.put(r.reportId(), r.report());
      }
      return out;
    }
  }

  /**
   * Turns a stopped node back into the layout of a node made before encryption at rest: report
   * bodies and alerts in clear (schema 10), the seed in {@code keys/node.key}, no vault and no
   * report keys.
   */
  private static void makePlaintext(NodeHome home) throws IOException {
    try (Vault vault = Vault.open(home.dir(), TestNodes.PASSPHRASE);
        RowCipher cipher = RowCipher.of(vault, RNG);
        NodeDatabase db = NodeDatabase.open(home.databaseFile(), cipher);
        ReportKeys keys = reportKeys(home, vault)) {
      ReportStore sealed = store(db, keys);
      ReportStore plain = new ReportStore(db, new AlertStore(db, new AlertIndex()));
      for (ReportRecord r : sealed.list(500, null).items()) {
        plain.replace(r);
      }
      LegacyDatabase.downgrade(db);
      LegacyKeyFiles.write(home.dir(), vault.seed(SecretAccess.INSECURE));
    }
    for (String f : List.of("vault", "reportkeys.db", "reportkeys.db-wal", "reportkeys.db-shm")) {
      Files.deleteIfExists(home.dir().resolve(f));
    }
  }

  private static ReportKeys reportKeys(NodeHome home, Vault vault) {
    return ReportKeys.open(home.reportKeysFile(), vault.subKey(Vault.Purpose.REPORT_KEYS), RNG);
  }

  private static ReportStore store(NodeDatabase db, ReportKeys keys) {
    return new ReportStore(
        db, new AlertStore(db, new AlertIndex()), new SealedReportCodec(keys, RNG));
  }

  private static void copyDatabase(NodeHome home, Path to) throws IOException {
    Files.createDirectories(to);
    for (String suffix : List.of("", "-wal", "-shm")) {
      Path f = Path.of(home.databaseFile() + suffix);
      if (Files.exists(f)) {
        Files.copy(f, to.resolve("node.db" + suffix), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /**
   * Report {@code reportId} from the copied database {@code copy}, opened with a copy of the live
   * node's key file and its passphrase, as whoever holds them would.
   */
  private Report readFromCopy(NodeHome home, Path copy, String reportId) throws IOException {
    Path keysCopy = Files.createTempDirectory(tmp, "keys");
    for (String suffix : List.of("", "-wal", "-shm")) {
      Path f = Path.of(home.reportKeysFile() + suffix);
      if (Files.exists(f)) {
        Files.copy(f, keysCopy.resolve(ReportKeys.FILE + suffix));
      }
    }
    try (Vault vault = Vault.open(home.dir(), TestNodes.PASSPHRASE);
        RowCipher cipher = RowCipher.of(vault, RNG);
        NodeDatabase db = NodeDatabase.open(copy.resolve("node.db"), cipher);
        ReportKeys keys =
            ReportKeys.open(
                keysCopy.resolve(ReportKeys.FILE), vault.subKey(Vault.Purpose.REPORT_KEYS), RNG)) {
      return store(db, keys).get(reportId).orElseThrow().report();
    }
  }

  /** The wrapped key of {@code reportId} as stored in the key file (read-only, by SQL). */
  private static byte[] wrappedKey(NodeHome home, String reportId) throws Exception {
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:file:" + home.reportKeysFile() + "?mode=ro");
        PreparedStatement ps =
            c.prepareStatement("SELECT wrapped FROM report_keys WHERE report_id = ?")) {
      ps.setString(1, reportId);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getBytes(1);
      }
    }
  }

  /** A file and its -wal, as hex, to search for byte strings. */
  private static String bytesOf(Path file) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (Path f : List.of(file, Path.of(file + "-wal"))) {
      if (Files.exists(f)) {
        sb.append(HexFormat.of().formatHex(Files.readAllBytes(f))).append('|');
      }
    }
    return sb.toString();
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static String hex(String s) {
    return hex(s.getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, String> hashes(Path dir) throws Exception {
    Map<String, String> out = new java.util.TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.put(
            dir.relativize(f).toString(),
            hex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
      }
    }
    return out;
  }
}
