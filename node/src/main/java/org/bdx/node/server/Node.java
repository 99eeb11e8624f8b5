package org.bdx.node.server;

import com.google.protobuf.ByteString;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bdx.node.access.StaffAccounts;
import org.bdx.node.admin.AdminApi;
import org.bdx.node.admin.DistributionApi;
import org.bdx.node.admin.KeyStatus;
import org.bdx.node.admin.SyncStatus;
import org.bdx.node.agreement.AgreementBook;
import org.bdx.node.agreement.CoordinatorActions;
import org.bdx.node.agreement.PartnerActions;
import org.bdx.node.agreement.Partners;
import org.bdx.node.audit.AuditAction;
import org.bdx.node.audit.AuditDetail;
import org.bdx.node.audit.AuditLog;
import org.bdx.node.backup.BackupMaker;
import org.bdx.node.backup.PurgeList;
import org.bdx.node.bulletin.BulletinMaker;
import org.bdx.node.bulletin.BulletinSettings;
import org.bdx.node.bulletin.HtmlBulletin;
import org.bdx.node.bulletin.TextBulletin;
import org.bdx.node.delivery.BulletinDeliveries;
import org.bdx.node.delivery.BulletinMessages;
import org.bdx.node.delivery.BulletinTimer;
import org.bdx.node.delivery.DistributionSettings;
import org.bdx.node.delivery.Subscribers;
import org.bdx.node.edge.AuditActor;
import org.bdx.node.edge.CredentialCheck;
import org.bdx.node.edge.ErrorMapping;
import org.bdx.node.edge.FederationServerFactory;
import org.bdx.node.edge.RequestDecoding;
import org.bdx.node.edge.ScreeningLimit;
import org.bdx.node.error.BdxException;
import org.bdx.node.federation.FederationApi;
import org.bdx.node.federation.FeedService;
import org.bdx.node.federation.PartnerCalls;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.home.ScreeningSettings;
import org.bdx.node.identity.KeyFiles;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.intake.AlertIssuer;
import org.bdx.node.intake.AlertLifecycle;
import org.bdx.node.intake.ReportIntake;
import org.bdx.node.intake.ReportValidator;
import org.bdx.node.keys.KeyLog;
import org.bdx.node.mail.EmailChannel;
import org.bdx.node.mail.MailSettings;
import org.bdx.node.policy.Grant;
import org.bdx.node.policy.SharingGrants;
import org.bdx.node.search.AlertIndex;
import org.bdx.node.search.AlertSearch;
import org.bdx.node.search.PhoneNumbers;
import org.bdx.node.signing.AlertSigner;
import org.bdx.node.signing.AlertVerifier;
import org.bdx.node.signing.HopSigner;
import org.bdx.node.staff.ClientApi;
import org.bdx.node.stats.AlertCounter;
import org.bdx.node.stats.StatsApi;
import org.bdx.node.store.AgreementRecord;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.CurrentAlerts;
import org.bdx.node.store.DeliveryStore;
import org.bdx.node.store.KeyLogStore;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.OutboxStore;
import org.bdx.node.store.PartnerKeyLogStore;
import org.bdx.node.store.PartnerRecord;
import org.bdx.node.store.ReportKeys;
import org.bdx.node.store.ReportStore;
import org.bdx.node.store.RowCipher;
import org.bdx.node.store.SealedReportCodec;
import org.bdx.node.store.SearchIndex;
import org.bdx.node.store.StaffStore;
import org.bdx.node.store.SubscriberStore;
import org.bdx.node.store.SyncStateStore;
import org.bdx.node.sync.FeedChecks;
import org.bdx.node.sync.FeedClients;
import org.bdx.node.sync.FeedReceiver;
import org.bdx.node.sync.Outbox;
import org.bdx.node.sync.PartnerKeyLogs;
import org.bdx.node.sync.RefusedMessages;
import org.bdx.node.tls.CertificateTimes;
import org.bdx.node.tls.FederationTls;
import org.bdx.node.tls.Keepalive;
import org.bdx.node.tls.PartnerChannels;
import org.bdx.node.tls.RenewingKeyManager;
import org.bdx.node.tls.TlsPartnerChannels;
import org.bdx.node.vault.KdfParams;
import org.bdx.node.vault.Passphrase;
import org.bdx.node.vault.Vault;
import org.bdx.node.vault.VaultException;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.GetNodeInfoResponse;
import org.bdx.proto.v1.SignedKeyEvent;
import org.bdx.proto.v1.StaffRole;

/**
 * One member organization's node, assembled from its home directory, unlocked with its passphrase:
 * keys, settings, databases and the services built on them. {@link #clientServices()} are served to
 * local staff and tools, {@link #federationServices()} to partner nodes over mutual TLS. Closing it
 * stops the feeds and closes the database.
 *
 * <p>Long because it is the composition root: every room is wired here, in one place, so a reader
 * follows a node's assembly top to bottom; the ways to make, encrypt and open a home sit beside it
 * so callers have one entry point. Its own logic is small (feeds following agreements, hourly
 * purges); anything larger belongs in a room of its own.
 */
public final class Node implements AutoCloseable {
  public static final String PROTOCOL_VERSION = "bdx.v1";
  private static final Logger LOG = Logger.getLogger(Node.class.getName());

  private final NodeHome home;
  private final NodeConfig config;
  private final NodeKeys keys;
  private final NodeId nodeId;
  private final NodeDatabase db;
  private final AuditLog audit;
  private final StaffAccounts staff;
  private final ScreeningLimit screening;
  private final Vault vault;
  private final RowCipher cipher;
  private final ReportKeys reportKeys;
  private final Partners partners;
  private final AgreementBook book;
  private final Outbox outbox;
  private final FeedService feedService;
  private final FeedReceiver receiver;
  private final FeedClients feedClients;
  private final PartnerKeyLogs partnerKeyLogs;
  private final ClientApi clientApi;
  private final AdminApi adminApi;

  /**
   * The printable bulletin attached to every e-mail, in the subscriber's language: the PDF, when
   * this machine has its fonts; otherwise the HTML page, which prints from a browser, and the log
   * says what to install. Decided once, when the node starts.
   */
  static BulletinMessages.Attachment emailAttachment(java.nio.file.Path fontDir) {
    try {
      org.bdx.node.bulletin.BulletinFonts.in(fontDir);
      return new BulletinMessages.Attachment(
          new org.bdx.node.bulletin.PdfBulletin(fontDir), "bulletin");
    } catch (BdxException e) {
      LOG.warning(() -> "e-mailed bulletins attach the HTML page, not a PDF: " + e.getMessage());
      return new BulletinMessages.Attachment(new HtmlBulletin(), "bulletin");
    }
  }

  private final DistributionApi distributionApi;
  private final StatsApi statsApi;
  private final Optional<BulletinTimer> bulletinTimer;
  private final FederationApi federationApi;
  private final Keepalive keepalive;
  private final RenewingKeyManager tlsKey;
  private final Clock clock;
  private final RefusedMessages refused;
  private final AlertLifecycle lifecycle;
  private boolean feedsStopped;
  private final ScheduledExecutorService maintenance =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "bdx-maintenance");
            t.setDaemon(true);
            return t;
          });

  private Node(
      NodeHome home,
      NodeConfig config,
      NodeKeys keys,
      NodeDatabase db,
      ScreeningSettings screeningSettings,
      BulletinSettings bulletinSettings,
      DistributionSettings distributionSettings,
      Optional<MailSettings> mailSettings,
      Vault vault,
      RowCipher cipher,
      ReportKeys reportKeys,
      Clock clock,
      PartnerChannels channels,
      Keepalive keepalive,
      RenewingKeyManager tlsKey) {
    this.home = home;
    this.tlsKey = tlsKey;
    this.keepalive = keepalive;
    this.clock = clock;
    this.config = config;
    this.keys = keys;
    this.nodeId = keys.nodeId();
    this.db = db;
    this.vault = vault;
    this.cipher = cipher;
    this.reportKeys = reportKeys;
    SecureRandom rng = new SecureRandom();
    this.audit = new AuditLog(db, clock);
    this.staff = new StaffAccounts(db, new StaffStore(db), clock, rng, audit);
    this.screening = new ScreeningLimit(screeningSettings, clock, this::screeningRefused);
    PhoneNumbers phones = new PhoneNumbers(config.phoneRegion());
    AlertStore alerts = new AlertStore(db, new AlertIndex());
    ReportStore reports = new ReportStore(db, alerts, new SealedReportCodec(reportKeys, rng));
    OutboxStore outboxRows = new OutboxStore(db);
    SyncStateStore syncState = new SyncStateStore(db);
    this.partners = new Partners(db, clock, audit);
    // The key logs this node holds, its own and its partners': items, agreements and connections
    // are checked against them (spec KEY-18, KEY-19).
    this.partnerKeyLogs =
        new PartnerKeyLogs(new PartnerKeyLogStore(db), clock, partners.labels()::of);
    List<SignedKeyEvent> ownEvents = new KeyLogStore(db).load();
    if (!ownEvents.isEmpty()) {
      partnerKeyLogs.own(OwnKeyLog.verified(keys, ownEvents));
    }
    tlsKey.usePeerKeys(partnerKeyLogs);
    AlertVerifier verifier = new AlertVerifier(partnerKeyLogs);

    this.refused = new RefusedMessages(partners::isPartner);
    this.book = new AgreementBook(db, clock, audit);
    SharingGrants grants = book.grants();
    this.outbox =
        new Outbox(
            db,
            alerts,
            outboxRows,
            syncState,
            grants,
            clock,
            audit,
            id -> partners.get(id).map(PartnerRecord::name).orElse("(removed)"),
            new HopSigner(keys),
            partners.labels()::of);
    this.feedService =
        new FeedService(outbox, grants, FeedService.Options.defaults(), partners.labels()::of);
    this.receiver =
        new FeedReceiver(
            db,
            alerts,
            syncState,
            new FeedChecks(alerts, verifier, grants, clock, config.maxClockSkew(), nodeId),
            outbox,
            partners.labels()::of);
    this.feedClients =
        new FeedClients(
            grants,
            id -> partners.get(id).map(PartnerRecord::endpoint),
            channels,
            receiver,
            refused,
            partners.labels()::of,
            partnerKeyLogs);
    // In the transaction that makes an agreement ACTIVE: queue the current alerts the partner may
    // see and what it missed while suspended (already queued versions are skipped).
    book.onActivation(r -> outbox.backfill(new Grant(r.partner(), r.agreementId(), r.weSend())));
    // In the transaction that puts amended terms in force (spec AGR-12.7): what the partner gave
    // is cut to what the new terms grant, and its feed is queued again under them.
    book.onAmendment(
        r -> {
          receiver.applyAmendment(
              r.agreementId(),
              r.partner(),
              r.weReceive(),
              n -> grants.inbound(n).isPresent() || grants.outbound(n).isPresent());
          outbox.reissue(new Grant(r.partner(), r.agreementId(), r.weSend()));
        });
    book.addListener(this::agreementChanged);
    // A new endpoint is used from the next connection on: a feed client to the old one is replaced.
    partners.addListener(p -> feedClients.refresh());

    AlertIssuer issuer =
        new AlertIssuer(
            new AlertSigner(keys, rng),
            verifier,
            nodeId,
            config,
            db,
            alerts,
            reports,
            outbox,
            audit);
    ReportIntake intake =
        new ReportIntake(
            new ReportValidator(phones, clock),
            issuer,
            new ReportIntake.Held(
                nodeId, reports, alerts, submission -> cipher.nameKey("submission", submission)),
            clock,
            rng);
    GetNodeInfoResponse info =
        GetNodeInfoResponse.newBuilder()
            .setNodeId(nodeId.value())
            .setFingerprint(nodeId.fingerprint())
            .setOrganizationName(config.organizationName())
            .setPublicKey(ByteString.copyFrom(keys.publicKey()))
            .addProtocolVersions(PROTOCOL_VERSION)
            .setSoftwareVersion(softwareVersion())
            .setFederationEndpoint(config.federationListen().toString())
            .build();
    AlertLifecycle lifecycle =
        new AlertLifecycle(
            new ReportValidator(phones, clock),
            issuer,
            db,
            reports,
            alerts,
            outbox,
            nodeId,
            audit,
            clock,
            new PurgeList(home.dir()));
    this.lifecycle = lifecycle;
    BulletinMaker bulletinMaker =
        new BulletinMaker(
            new AlertSearch(new SearchIndex(db), clock),
            bulletinSettings,
            config.organizationName(),
            this::organizationName,
            clock);
    this.clientApi =
        new ClientApi(
            info,
            intake,
            reports,
            alerts,
            new AlertSearch(new SearchIndex(db), clock),
            phones,
            this::organizationName,
            lifecycle,
            audit,
            clock,
            bulletinMaker,
            partnerKeyLogs);
    this.adminApi =
        new AdminApi(
            nodeId,
            config.organizationName(),
            partners,
            book,
            new CoordinatorActions(book, keys, partners, rng, partnerKeyLogs),
            new PartnerCalls(channels),
            new SyncStatus(db, syncState, outboxRows, refused),
            feedClients::health,
            staff,
            audit,
            new BackupMaker(home, vault, nodeId, softwareVersion(), clock, rng),
            new KeyStatus(nodeId, new KeyLogStore(db), partnerKeyLogs, alerts));
    SubscriberStore subscriberRows = new SubscriberStore(db);
    DeliveryStore deliveryRows = new DeliveryStore(db);
    Optional<BulletinDeliveries> deliveries =
        mailSettings.map(
            m ->
                new BulletinDeliveries(
                    db,
                    deliveryRows,
                    subscriberRows,
                    new BulletinMessages(
                        bulletinMaker,
                        config.organizationName(),
                        // Simplest first: a mail program shows the last it can.
                        List.of(new TextBulletin(), new HtmlBulletin()),
                        List.of(emailAttachment(bulletinSettings.fonts()))),
                    new EmailChannel(m),
                    clock,
                    audit));
    this.distributionApi =
        new DistributionApi(
            new Subscribers(db, subscriberRows, clock, audit),
            deliveries,
            distributionSettings,
            clock);
    this.statsApi = new StatsApi(new AlertCounter(new CurrentAlerts(db), clock), audit);
    this.bulletinTimer =
        deliveries.map(
            d -> new BulletinTimer(d, distributionSettings, deliveryRows, alerts, clock));
    KeyLogStore ownKeyLog = new KeyLogStore(db);
    this.federationApi =
        new FederationApi(
            new PartnerActions(book, keys, partners, partnerKeyLogs), feedService, ownKeyLog::load);
  }

  /** What {@code bdx init} reports back. */
  public record Created(NodeId nodeId, NodeHome home) {}

  /**
   * Creates a new node: home directory, vault (node key and root key sealed under {@code
   * passphrase}, with the default key derivation), public key, settings, client and admin
   * credentials, databases.
   */
  public static Created init(NodeHome home, NodeConfig config, Passphrase passphrase)
      throws IOException {
    return init(home, config, passphrase, KdfParams.DEFAULT);
  }

  /** As above with other key derivation parameters (tests use {@link KdfParams#FOR_TESTS}). */
  public static Created init(NodeHome home, NodeConfig config, Passphrase passphrase, KdfParams kdf)
      throws IOException {
    home.createDirectory();
    SecureRandom rng = new SecureRandom();
    try (Vault vault = Vault.create(home.dir(), passphrase, kdf, rng)) {
      NodeKeys keys = KeyFiles.create(home.dir(), vault);
      config.store(home.configFile());
      home.createClientToken(rng);
      home.createAdminToken(rng);
      try (RowCipher cipher = RowCipher.of(vault, rng);
          NodeDatabase db = NodeDatabase.open(home.databaseFile(), cipher);
          ReportKeys reportKeys =
              ReportKeys.open(
                  home.reportKeysFile(), vault.subKey(Vault.Purpose.REPORT_KEYS), rng)) {
        // Opening applies the schemas, so a fresh node starts with ready databases; the key log
        // and its recovery file are made with the node (spec KEY-12).
        OwnKeyLog.ensure(
            new KeyLogStore(db), keys, home, passphrase, kdf, Clock.systemUTC(), rng, false);
      }
      return new Created(keys.nodeId(), home);
    }
  }

  /**
   * Whether the node in {@code home} was made before encryption at rest and still keeps its key and
   * reports in clear: {@link #encrypt} it before it can be opened.
   */
  public static boolean needsEncryption(NodeHome home) {
    return KeyFiles.hasPlaintextKey(home.dir());
  }

  /** What {@link #encrypt} did. */
  public record Encrypted(int reports) {}

  /**
   * Encrypts a node made before encryption at rest, in place (spec AR-5): seals its key in a new
   * vault under {@code passphrase}, encrypts every report under a new key of its own, then
   * overwrites and deletes {@code keys/node.key}. Holds the home's serve lock meanwhile. Every step
   * can be repeated, so an interrupted run is finished by running it again with the same
   * passphrase.
   *
   * @throws VaultException.WrongPassphrase if an interrupted run left a vault that {@code
   *     passphrase} does not open
   */
  public static Encrypted encrypt(NodeHome home, Passphrase passphrase, KdfParams kdf)
      throws IOException {
    return AtRestMigration.run(home, passphrase, kdf);
  }

  /**
   * Re-seals the vault of {@code home} under {@code newPassphrase}; the keys it holds stay, so no
   * data is re-encrypted, and a running node is not affected.
   *
   * @throws VaultException.WrongPassphrase if {@code oldPassphrase} does not open the vault;
   *     nothing changes then
   */
  public static void changePassphrase(
      NodeHome home, Passphrase oldPassphrase, Passphrase newPassphrase, KdfParams kdf)
      throws IOException {
    home.loadConfig();
    refuseUnencrypted(home);
    Vault.changePassphrase(home.dir(), oldPassphrase, newPassphrase, kdf, new SecureRandom());
  }

  /**
   * For {@link #replaceKey}: the key was compromised since it came into use (its event's
   * valid_from), so everything it signed is in doubt. What {@code bdx key revoke} assumes without
   * {@code --since}.
   */
  public static final long SINCE_KEY_IN_USE = 0;

  /** What {@link #replaceKey} did; no secret in it. */
  public record KeyReplaced(
      NodeId nodeId,
      String formerKeyFingerprint,
      String newKeyFingerprint,
      int sequence,
      OptionalLong compromisedSince,
      boolean finishedInterrupted,
      int reissued,
      java.nio.file.Path recoveryFile) {}

  /**
   * Replaces the node's key with the next key that {@code recoveryFile} holds (spec KEY-20): a
   * rotation, or with {@code compromisedSince} a revocation, after which the node's own alerts the
   * old key signed since then are issued again under the new key. The node must be stopped; its id
   * stays. Writes the recovery file of the key after that into the node's home. An interrupted run
   * is finished by running it again with the same recovery file.
   *
   * @throws IOException if the recovery file is not this node's next key, does not open with {@code
   *     passphrase}, or the node is running; nothing changes then
   */
  public static KeyReplaced replaceKey(
      NodeHome home,
      Passphrase passphrase,
      java.nio.file.Path recoveryFile,
      OptionalLong compromisedSince,
      Clock clock)
      throws IOException {
    KeyReplacement.Replaced r =
        KeyReplacement.run(home, passphrase, recoveryFile, compromisedSince, clock);
    return new KeyReplaced(
        r.nodeId(),
        NodeId.fromPublicKey(r.formerKey()).fingerprint(),
        NodeId.fromPublicKey(r.newKey().publicKey()).fingerprint(),
        r.sequence(),
        r.compromisedSince(),
        r.finishedInterrupted(),
        r.reissued(),
        r.recoveryFile());
  }

  /** What {@link #restore} did. */
  public record Restored(
      NodeId nodeId,
      long takenAt,
      long reports,
      long alerts,
      List<String> purgedAgain,
      int purgesListed,
      String coordinator,
      long sequenceFloor) {
    public Restored {
      purgedAgain = List.copyOf(purgedAgain);
    }
  }

  /**
   * Restores the backup {@code file} into {@code home}, which must not exist or be empty (spec
   * AR-9.3): checks every chunk with the key the passphrase opens, moves the feed sequences past
   * what the lost node could have used, purges again each report of {@code purgedSince} the backup
   * holds (the home's purge list kept beside the backups, spec AR-9.5) and every report whose key
   * the backup lacks, and makes a coordinator account whose credential it writes to {@code
   * admin.token}. Nothing is written to {@code home} unless all of it succeeds.
   *
   * @throws VaultException.WrongPassphrase if the passphrase does not open the backup
   * @throws org.bdx.node.backup.BackupException if the file is not a backup, is truncated or
   *     altered
   */
  public static Restored restore(
      java.nio.file.Path file,
      NodeHome home,
      Passphrase passphrase,
      Collection<String> purgedSince,
      Clock clock)
      throws IOException {
    return Restore.run(file, home, passphrase, purgedSince, clock);
  }

  /**
   * Opens the node in {@code home}, unlocked with {@code passphrase}. Every time decision the node
   * makes (expiry, retention, clock skew, agreement and sync times) reads {@code clock}, so tests
   * can move time. The caller keeps (and closes) the passphrase.
   *
   * @throws VaultException.WrongPassphrase if the passphrase does not open the vault; nothing on
   *     disk changes then
   */
  public static Node open(NodeHome home, Passphrase passphrase, Clock clock) throws IOException {
    return open(home, passphrase, clock, Keepalive.DEFAULTS);
  }

  /** Opens with other federation keepalive timings (tests shorten them). */
  public static Node open(NodeHome home, Passphrase passphrase, Clock clock, Keepalive keepalive)
      throws IOException {
    return withKeyLog(open(home, unlock(home, passphrase), clock, keepalive), passphrase);
  }

  /** Opens with another way to reach partners; tests use it to observe traffic. */
  public static Node open(
      NodeHome home, Passphrase passphrase, Clock clock, PartnerChannels channels)
      throws IOException {
    return withKeyLog(
        open(home, unlock(home, passphrase), clock, own -> channels, Keepalive.DEFAULTS),
        passphrase);
  }

  /**
   * Makes the node's key log and recovery file if it has none (spec KEY-12: an existing node, at
   * its first start with key logs), closing the node if that fails.
   */
  static Node withKeyLog(Node node, Passphrase passphrase) throws IOException {
    try {
      node.ownKeyLog(passphrase);
      return node;
    } catch (IOException | RuntimeException e) {
      node.close();
      throw e;
    }
  }

  /** The node's verified key log, made first if it has none (spec KEY-10, KEY-12). */
  public KeyLog ownKeyLog(Passphrase passphrase) throws IOException {
    KeyLog log =
        OwnKeyLog.ensure(
            new KeyLogStore(db),
            keys,
            home,
            passphrase,
            vault.kdf(),
            clock,
            new SecureRandom(),
            true);
    partnerKeyLogs.own(log);
    return log;
  }

  /**
   * Opens the vault of {@code home}: reads only, so a wrong passphrase changes nothing on disk.
   *
   * @throws IOException if there is no node in {@code home}, or it is not encrypted yet
   */
  static Vault unlock(NodeHome home, Passphrase passphrase) throws IOException {
    home.loadConfig();
    refuseUnencrypted(home);
    return Vault.open(home.dir(), passphrase);
  }

  private static void refuseUnencrypted(NodeHome home) throws IOException {
    if (needsEncryption(home)) {
      throw new IOException(
          "the node in "
              + home.dir()
              + " keeps its key and reports unencrypted (it was made by an older bdx); encrypt it"
              + " once with: bdx serve --home "
              + home.dir()
              + " --passphrase-file FILE");
    }
  }

  /** Opens with an unlocked vault, which the node then owns (and closes, also on failure). */
  static Node open(NodeHome home, Vault vault, Clock clock, Keepalive keepalive)
      throws IOException {
    return open(
        home, vault, clock, own -> new TlsPartnerChannels(own, own.times(), keepalive), keepalive);
  }

  private static Node open(
      NodeHome home,
      Vault vault,
      Clock clock,
      Function<RenewingKeyManager, PartnerChannels> channels,
      Keepalive keepalive)
      throws IOException {
    NodeDatabase db = null;
    RowCipher cipher = null;
    ReportKeys reportKeys = null;
    try {
      NodeConfig config = home.loadConfig();
      removeBackupLeftovers(home);
      NodeKeys keys = KeyFiles.load(home.dir(), vault);
      ScreeningSettings screening = ScreeningSettings.load(home.configFile());
      // A bulletin setting naming the narrative or the contact stops the node at start (BUL-3).
      BulletinSettings bulletins = BulletinSettings.load(home.configFile());
      DistributionSettings distribution = DistributionSettings.load(home.configFile());
      Optional<MailSettings> mail = MailSettings.load(home.configFile(), home.dir());
      SecureRandom rng = new SecureRandom();
      reportKeys =
          ReportKeys.open(home.reportKeysFile(), vault.subKey(Vault.Purpose.REPORT_KEYS), rng);
      cipher = RowCipher.of(vault, rng);
      db = NodeDatabase.open(home.databaseFile(), cipher);
      keys = OwnKeyLog.bind(new KeyLogStore(db), keys, home);
      List<SignedKeyEvent> ownLog = new KeyLogStore(db).load();
      forgetOrphanKeys(db, reportKeys);
      reindexIfNeeded(db);
      // One key manager for the federation server, the partner channels and the client API, so
      // that one renewal serves all of them (FED-TLS-2).
      RenewingKeyManager tlsKey =
          new RenewingKeyManager(
              keys,
              new CertificateTimes(clock, config.certificateLifetime(), config.maxClockSkew()),
              // A node whose key is not its first proves it with its log (spec KEY-19).
              ownLog.size() > 1 ? ownLog : List.of());
      Node node =
          new Node(
              home,
              config,
              keys,
              db,
              screening,
              bulletins,
              distribution,
              mail,
              vault,
              cipher,
              reportKeys,
              clock,
              channels.apply(tlsKey),
              keepalive,
              tlsKey);
      try {
        node.adoptCredentialFiles();
      } catch (IOException | RuntimeException e) {
        node.close();
        throw e;
      }
      return node;
    } catch (IOException | RuntimeException e) {
      if (db != null) {
        db.close();
      }
      if (cipher != null) {
        cipher.close();
      }
      if (reportKeys != null) {
        reportKeys.close();
      }
      vault.close();
      throw e;
    }
  }

  /** Snapshots a backup left when the node stopped in the middle of it: as readable as node.db. */
  private static void removeBackupLeftovers(NodeHome home) {
    try {
      BackupMaker.removeLeftovers(home.dir());
    } catch (IOException e) {
      LOG.warning("could not remove what an interrupted backup left in " + home.dir());
    }
  }

  /**
   * Builds the search index if it was built under older rules, or never (after the migration that
   * sealed the alerts, spec AR-7): before serving, with a log line every few seconds.
   */
  private static void reindexIfNeeded(NodeDatabase db) {
    long[] lastLog = {0};
    long read =
        new AlertStore(db, new AlertIndex())
            .reindexIfNeeded(
                (done, total) -> {
                  long now = System.nanoTime();
                  if (total > 0
                      && (done == 0 || done == total || now - lastLog[0] > 5_000_000_000L)) {
                    lastLog[0] = now;
                    LOG.info(
                        () -> "building the search index: " + done + " of " + total + " alerts");
                  }
                });
    if (read > 0) {
      LOG.info(() -> "search index built from " + read + " alerts");
    }
  }

  /**
   * Nodes made before staff accounts existed have a client and an admin credential file and no
   * accounts: the two become the accounts "client" (intake) and "admin" (coordinator), so the files
   * go on working. {@code bdx init} writes the same two files, so a new node starts the same way.
   */
  private void adoptCredentialFiles() throws IOException {
    if (staff.any()) {
      return;
    }
    if (!Files.exists(home.adminTokenFile()) && Files.exists(home.clientTokenFile())) {
      // A home made before the admin API (schema 1) has only the client credential: its
      // coordinator gets one now, written as bdx init writes it, or the node could not be run.
      home.createAdminToken(new SecureRandom());
      LOG.info(() -> "made the coordinator credential " + home.adminTokenFile());
    }
    staff.adopt("admin", StaffRole.STAFF_ROLE_COORDINATOR, home.readAdminToken());
    staff.adopt("client", StaffRole.STAFF_ROLE_INTAKE, home.readClientToken());
  }

  /**
   * The reports whose key is gone: a purge destroyed the key and stopped before it deleted the
   * report, or a backup's database snapshot was taken before such a purge and its key snapshot
   * after it (spec AR-9.3). Nothing can read them; purging them again completes the work.
   */
  List<String> keylessReports() {
    Set<String> keyed = new HashSet<>(reportKeys.reportIds());
    return new ReportStore(db, new AlertStore(db, new AlertIndex()))
        .ids().stream().filter(id -> !keyed.contains(id)).sorted().toList();
  }

  /**
   * Purges each report of {@code reportIds} this node holds, as staff would ({@code PurgeReport}),
   * in the node's name; ids it does not hold are passed over.
   *
   * @return the ids purged
   */
  List<String> purgeAgain(Collection<String> reportIds) {
    List<String> done = new ArrayList<>();
    for (String id : reportIds) {
      try {
        AuditLog.as(AuditLog.NODE, () -> lifecycle.purge(id));
        done.add(id);
      } catch (BdxException e) {
        if (e.kind() != BdxException.Kind.NOT_FOUND) {
          throw e;
        }
      }
    }
    return done;
  }

  /** Re-issues own alerts signed by a revoked key (spec KEY-20), in the node's name. */
  int reissueSignedBy(byte[] formerKey, long since) {
    return AuditLog.as(AuditLog.NODE, () -> lifecycle.reissueSignedBy(formerKey, since));
  }

  /**
   * A new coordinator account named {@code name} (or {@code name-2}, ... if taken), made by the
   * node, and its credential.
   */
  StaffAccounts.Created addCoordinator(String name) {
    for (int i = 1; ; i++) {
      String candidate = i == 1 ? name : name + "-" + i;
      try {
        return AuditLog.as(
            AuditLog.NODE, () -> staff.add(candidate, StaffRole.STAFF_ROLE_COORDINATOR));
      } catch (BdxException e) {
        if (e.kind() != BdxException.Kind.ALREADY_EXISTS || i >= 100) {
          throw e;
        }
      }
    }
  }

  /** Records in the audit log, in the node's name, that it was restored. */
  void recordRestore(AuditDetail detail) {
    audit.recordAs(AuditLog.NODE, AuditAction.NODE_RESTORE, detail);
  }

  /**
   * Destroys the keys of reports that were never stored (a crash between writing a report's key and
   * its row, or a failed intake): harmless, but they are no one's.
   */
  private static void forgetOrphanKeys(NodeDatabase db, ReportKeys reportKeys) {
    Set<String> stored =
        new HashSet<>(new ReportStore(db, new AlertStore(db, new AlertIndex())).ids());
    for (String id : reportKeys.reportIds()) {
      if (!stored.contains(id)) {
        reportKeys.destroy(id);
      }
    }
  }

  /**
   * The services for local staff and coordinators: the client API takes the client or the admin
   * credential (spec ADM-1; the conformance suite drives a node with the admin credential alone,
   * CONF-2), the admin API only the admin credential.
   */
  public List<ServerServiceDefinition> clientServices() {
    // The credential check runs first (outermost), so an unauthenticated caller's bytes are never
    // decoded; then the account it named becomes the actor of what the call records in the audit
    // log; undecodable requests are INVALID_ARGUMENT, not grpc-java's UNKNOWN.
    return List.of(
        ServerInterceptors.intercept(
            RequestDecoding.strict(clientApi.bindService()),
            new ErrorMapping(),
            screening,
            new AuditActor(),
            new CredentialCheck(staff::authenticate)),
        ServerInterceptors.intercept(
            RequestDecoding.strict(adminApi.bindService()),
            new ErrorMapping(),
            new AuditActor(),
            new CredentialCheck(staff::authenticate)),
        ServerInterceptors.intercept(
            RequestDecoding.strict(distributionApi.bindService()),
            new ErrorMapping(),
            new AuditActor(),
            new CredentialCheck(staff::authenticate)),
        ServerInterceptors.intercept(
            RequestDecoding.strict(statsApi.bindService()),
            new ErrorMapping(),
            new AuditActor(),
            new CredentialCheck(staff::authenticate)));
  }

  /** The active staff account whose credential this is, if any (the console's login). */
  public java.util.Optional<org.bdx.node.access.Principal> authenticate(String credential) {
    return staff.authenticate(credential);
  }

  /**
   * What guards the health and reflection services when the client API is reachable from other
   * machines (spec API-4): any staff account's credential.
   */
  public ServerInterceptor standardServicesGuard() {
    return new CredentialCheck(staff::authenticate);
  }

  /** Serves the client API over TLS 1.3 with this node's certificate (spec API-2). */
  public io.grpc.netty.shaded.io.netty.handler.ssl.SslContext clientApiTls() {
    return FederationTls.clientApiServerContext(tlsKey);
  }

  /**
   * The services partner nodes call. Serve them only on {@link #federationServerBuilder}, which
   * requires mutual TLS and identifies the caller.
   */
  public List<ServerServiceDefinition> federationServices() {
    // Undecodable requests: INVALID_ARGUMENT, not grpc-java's UNKNOWN (spec HOST-2).
    return List.of(
        ServerInterceptors.intercept(
            RequestDecoding.strict(federationApi.bindService()), new ErrorMapping()));
  }

  /** A server builder for the federation endpoint: mutual TLS, registered partners only. */
  public NettyServerBuilder federationServerBuilder(InetSocketAddress address) {
    return FederationServerFactory.builder(
        address, tlsKey, tlsKey.times(), partners::isPartner, keepalive, refused);
  }

  /** Starts reading partners' feeds and the hourly purge of expired received alerts. */
  public void startFederation() {
    feedClients.refresh();
    // At start too: a node that was off past some purge times deletes those alerts at once.
    maintenance.scheduleWithFixedDelay(this::purgeDue, 0, 60, TimeUnit.MINUTES);
    // Handshakes renew the certificate too; this keeps it fresh on a node nobody connects to.
    maintenance.scheduleWithFixedDelay(this::renewCertificate, 10, 10, TimeUnit.MINUTES);
  }

  /**
   * Starts sending bulletins to subscribers: on the schedule, after new high-severity alerts, and
   * the queued retries (every 30 seconds). Does nothing when no SMTP server is configured.
   */
  public void startDistribution() {
    bulletinTimer.ifPresent(
        t -> maintenance.scheduleWithFixedDelay(t::tick, 5, 30, TimeUnit.SECONDS));
  }

  /**
   * One round of bulletin sending now, as {@link #startDistribution} does every 30 seconds: for
   * tests, with the node's clock.
   */
  public void bulletinRound() {
    bulletinTimer.ifPresent(BulletinTimer::tick);
  }

  /**
   * Renews this node's TLS certificate if less than half its life is left (FED-TLS-2); the node
   * also does this every 10 minutes and at every handshake.
   *
   * @return whether it made a new one
   */
  public boolean renewCertificateIfDue() {
    return tlsKey.renewIfDue();
  }

  /** The certificate this node presents in new federation handshakes now. */
  public java.security.cert.X509Certificate currentCertificate() {
    return tlsKey.certificate();
  }

  private void renewCertificate() {
    try {
      renewCertificateIfDue();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not renew the TLS certificate: {0}", e.getClass().getName());
    }
  }

  /**
   * Deletes the received alerts whose purge time (expiry or retention, FEED-10) has come by the
   * node's clock; the node also does this hourly.
   *
   * @return how many were deleted
   */
  public int purgeExpired() {
    int n = receiver.purgeDue();
    if (n > 0) {
      LOG.info(() -> "purged " + n + " received alerts past expiry or retention");
    }
    return n;
  }

  private void purgeDue() {
    try {
      purgeExpired();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "purge failed: {0}", e.getClass().getName());
    }
  }

  /** Whether {@code partner} has a feed stream open from this node (it reads our alerts). */
  public boolean partnerSubscribed(NodeId partner) {
    return feedService.connected(partner);
  }

  /**
   * A search or alert view refused over the screening limit: recorded in the audit log (spec
   * ADM-12.2). A refusal that cannot be recorded is still a refusal; it is logged instead.
   */
  private void screeningRefused(ScreeningLimit.Refusal r) {
    try {
      audit.recordAs(
          r.account(),
          AuditAction.SCREENING_REFUSED,
          AuditDetail.of()
              .add("account", r.account())
              .add("call", r.method().substring(r.method().lastIndexOf('/') + 1))
              .add("retry_after_seconds", r.retryAfterSeconds()));
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "could not record a screening refusal in the audit log: {0}",
          e.getClass().getName());
    }
    LOG.info(
        () -> "refused a search by staff account " + r.account() + ": over the screening limit");
  }

  /** After every committed agreement change: feeds follow the agreements at once. */
  private void agreementChanged(AgreementRecord r) {
    feedService.agreementsChanged();
    if (r.state() == AgreementState.AGREEMENT_STATE_TERMINATED) {
      outbox.purgePartner(r.partner());
      receiver.purgeAgreement(r.agreementId());
    }
    feedClients.refresh();
  }

  private String organizationName(NodeId origin) {
    if (origin.equals(nodeId)) {
      return config.organizationName();
    }
    return partners.get(origin).map(PartnerRecord::name).orElse("unknown organization");
  }

  public NodeConfig config() {
    return config;
  }

  public NodeId nodeId() {
    return nodeId;
  }

  public NodeHome home() {
    return home;
  }

  /**
   * The newest database schema this build knows: older homes are migrated to it when opened, newer
   * ones are refused.
   */
  public static int schemaVersion() {
    return org.bdx.node.store.Migrations.latestVersion();
  }

  public static String softwareVersion() {
    String v = Node.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /**
   * Ends the feeds: partners' streams from us and ours from them. Call it before stopping the
   * federation server, whose graceful stop would otherwise wait for these long-lived streams.
   * Idempotent.
   */
  public synchronized void stopFeeds() {
    if (feedsStopped) {
      return;
    }
    feedsStopped = true;
    maintenance.shutdownNow();
    feedClients.close();
    feedService.close();
  }

  @Override
  public void close() {
    stopFeeds();
    try {
      db.close();
    } finally {
      try {
        cipher.close();
        reportKeys.close();
      } finally {
        vault.close();
      }
    }
  }
}
