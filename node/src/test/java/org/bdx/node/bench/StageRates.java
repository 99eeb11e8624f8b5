package org.bdx.node.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bdx.node.TestNodes;
import org.bdx.node.agreement.AgreementBook;
import org.bdx.node.audit.AuditLog;
import org.bdx.node.home.NodeHome;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.policy.Grant;
import org.bdx.node.policy.SharingGrants;
import org.bdx.node.search.AlertIndex;
import org.bdx.node.signing.AlertVerifier;
import org.bdx.node.signing.HopSigner;
import org.bdx.node.signing.SigningInput;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.OutboxStore;
import org.bdx.node.store.SyncStateStore;
import org.bdx.node.store.TestCiphers;
import org.bdx.node.sync.FeedChecks;
import org.bdx.node.sync.FeedReceiver;
import org.bdx.node.sync.Outbox;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.SignedAlert;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Raw limits and the pipeline's stages in isolation, each on one thread, measured in the same run
 * as the catch-up: Bouncy Castle Ed25519 verification, a plain SQLite insert through {@link
 * NodeDatabase}, the origin's {@link Outbox#read}, the receiver's {@link AlertVerifier} and its
 * whole {@link FeedReceiver#apply} (checks, store, search index, cursor, commit) on a fresh
 * database.
 */
final class StageRates {
  private StageRates() {}

  /** Per second, from a count and a duration in nanoseconds. */
  static double rate(long count, long nanos) {
    return nanos <= 0 ? 0 : count * 1e9 / nanos;
  }

  /**
   * Ed25519 verifications per second on one core over the exact signing input of a real alert
   * header: a new {@link Ed25519PublicKeyParameters} and {@link Ed25519Signer} per verification,
   * the plain use of the API (the node keeps decoded keys; docs/benchmarks.md says what that
   * changes). {@code warm} verifications first, then {@code n} timed.
   */
  static double rawVerify(SignedAlert envelope, byte[] publicKey, int warm, int n) {
    byte[] message = SigningInput.ofAlertHeader(envelope.getHeader().toByteArray());
    byte[] sig = envelope.getSignature().toByteArray();
    int ok = 0;
    long t0 = 0;
    for (int i = 0; i < warm + n; i++) {
      if (i == warm) {
        t0 = System.nanoTime();
      }
      Ed25519Signer v = new Ed25519Signer();
      v.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
      v.update(message, 0, message.length);
      if (v.verifySignature(sig)) {
        ok++;
      }
    }
    long t = System.nanoTime() - t0;
    if (ok != warm + n) {
      throw new IllegalStateException("a good signature did not verify");
    }
    return rate(n, t);
  }

  /**
   * Rows per second inserted through {@link NodeDatabase} (production pragmas, same disk): {@code
   * bytes}-byte blobs, {@code perTx} per committed transaction, no index but the primary key.
   */
  static double rawInsert(Path dir, int bytes, int perTx, int n) throws Exception {
    Files.createDirectories(dir);
    try (NodeDatabase db = NodeDatabase.open(dir.resolve("raw.db"), TestCiphers.CIPHER)) {
      db.inTransaction(
          c -> {
            try (Statement s = c.createStatement()) {
              s.execute("CREATE TABLE raw (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
            }
            return null;
          });
      byte[] body = new byte[bytes];
      new SecureRandom().nextBytes(body);
      long t0 = 0;
      int warmTx = 20;
      for (int tx = 0; tx < warmTx + n / perTx; tx++) {
        if (tx == warmTx) {
          t0 = System.nanoTime();
        }
        db.inTransaction(
            c -> {
              try (PreparedStatement ps = c.prepareStatement("INSERT INTO raw (body) VALUES (?)")) {
                for (int i = 0; i < perTx; i++) {
                  ps.setBytes(1, body);
                  ps.executeUpdate();
                }
              }
              return null;
            });
      }
      return rate((long) (n / perTx) * perTx, System.nanoTime() - t0);
    }
  }

  record OutboxRead(double perSecond, long rows, List<FeedItem> kept) {}

  /**
   * Reads the first {@code rows} items queued for {@code partner} at the stopped-partner origin in
   * {@code home}, {@code batch} per {@link Outbox#read} as the feed does, through a second
   * connection; keeps the first {@code keep} items.
   */
  static OutboxRead outboxRead(NodeHome home, NodeId partner, int batch, long rows, int keep)
      throws Exception {
    try (NodeDatabase db =
        NodeDatabase.open(home.databaseFile(), TestCiphers.of(home.dir(), TestNodes.PASSPHRASE))) {
      Outbox outbox = outbox(db, grants(db), Clock.systemUTC());
      List<FeedItem> kept = new ArrayList<>();
      long after = 0;
      long read = 0;
      long t0 = System.nanoTime();
      while (read < rows) {
        List<FeedItem> page = outbox.read(partner, after, (int) Math.min(batch, rows - read));
        if (page.isEmpty()) {
          break;
        }
        read += page.size();
        after = page.get(page.size() - 1).getSequence();
        for (FeedItem f : page) {
          if (kept.size() < keep) {
            kept.add(f);
          }
        }
      }
      return new OutboxRead(rate(read, System.nanoTime() - t0), read, kept);
    }
  }

  /** The receiver's inbound grant from {@code origin}, read from its (stopped) home. */
  static Grant inboundGrant(NodeHome receiver, NodeId origin) throws Exception {
    try (NodeDatabase db =
        NodeDatabase.open(
            receiver.databaseFile(), TestCiphers.of(receiver.dir(), TestNodes.PASSPHRASE))) {
      return grants(db)
          .inbound(origin)
          .orElseThrow(() -> new IllegalStateException("receiver has no inbound grant"));
    }
  }

  /** Full receiver checks ({@link AlertVerifier#verify}: signature and digests) per second. */
  static double verifierRate(List<FeedItem> items, NodeId origin) throws Exception {
    AlertVerifier verifier = new AlertVerifier();
    int warm = Math.min(items.size(), 5000);
    for (int i = 0; i < warm; i++) {
      verifier.verify(items.get(i).getAlert(), origin);
    }
    long t0 = System.nanoTime();
    for (FeedItem f : items) {
      verifier.verify(f.getAlert(), origin);
    }
    return rate(items.size(), System.nanoTime() - t0);
  }

  /**
   * {@link FeedReceiver#apply} per second on a fresh receiver database in {@code dir}, {@code
   * batch} items per call (FeedClient stores up to 512 per transaction): checks, store with search
   * index, cursor, one commit per call. The first 20 batches are warm-up.
   */
  static double receiverApply(Path dir, List<FeedItem> items, Grant grant, int batch)
      throws Exception {
    Files.createDirectories(dir);
    SharingGrants grants = inboundOnly(grant);
    try (NodeDatabase db = NodeDatabase.open(dir.resolve("receiver.db"), TestCiphers.CIPHER)) {
      FeedReceiver receiver = receiver(db, grants, Clock.systemUTC());
      int warmItems = Math.min(20, items.size() / batch / 4) * batch;
      long t0 = System.nanoTime();
      int stored = 0;
      for (int i = 0; i < items.size(); i += batch) {
        if (i == warmItems) {
          t0 = System.nanoTime();
        }
        FeedReceiver.Result r =
            receiver.apply(grant.partner(), items.subList(i, Math.min(items.size(), i + batch)));
        if (i >= warmItems) {
          stored += r.stored();
        }
        if (r.rejected() > 0) {
          throw new IllegalStateException("receiver stage rejected items");
        }
      }
      return rate(stored, System.nanoTime() - t0);
    }
  }

  /** What {@link #receiverStore} measured: per second overall and in each tenth. */
  record StoreOnly(double perSecond, double[] tenths) {}

  /**
   * The receiver's writer alone: every item queued for {@code partner} at the origin in {@code
   * home} is read and checked ({@link FeedReceiver#check}, not timed) and then stored ({@link
   * FeedReceiver#store}, timed), {@code batch} per transaction, into a fresh database in {@code
   * dir}. Shows the single writer's limit over the whole backlog as the database grows.
   */
  static StoreOnly receiverStore(
      Path dir, NodeHome home, NodeId partner, Grant grant, long rows, int batch) throws Exception {
    Files.createDirectories(dir);
    Clock clock = Clock.systemUTC();
    SharingGrants grants = inboundOnly(grant);
    try (NodeDatabase origin =
            NodeDatabase.open(
                home.databaseFile(), TestCiphers.of(home.dir(), TestNodes.PASSPHRASE));
        NodeDatabase db = NodeDatabase.open(dir.resolve("receiver.db"), TestCiphers.CIPHER)) {
      Outbox outbox = outbox(origin, grants(origin), clock);
      FeedReceiver receiver = receiver(db, grants, clock);
      double[] tenths = new double[10];
      long tenthNanos = 0;
      long tenthStored = 0;
      int tenth = 0;
      long totalNanos = 0;
      long stored = 0;
      long after = 0;
      while (stored < rows) {
        List<FeedItem> page = outbox.read(partner, after, batch);
        if (page.isEmpty()) {
          break;
        }
        after = page.get(page.size() - 1).getSequence();
        List<FeedChecks.Checked> checked = new ArrayList<>(page.size());
        for (FeedItem f : page) {
          checked.add(receiver.check(grant.partner(), f));
        }
        long t0 = System.nanoTime();
        FeedReceiver.Result r = receiver.store(grant.partner(), checked);
        long took = System.nanoTime() - t0;
        if (r.rejected() > 0) {
          throw new IllegalStateException("receiver stage rejected items");
        }
        stored += r.stored();
        totalNanos += took;
        tenthNanos += took;
        tenthStored += r.stored();
        if (tenth < 10 && stored >= rows * (tenth + 1) / 10) {
          // A batch larger than a tenth (small backlogs) closes several: each gets its rate.
          double closed = rate(tenthStored, tenthNanos);
          while (tenth < 10 && stored >= rows * (tenth + 1) / 10) {
            tenths[tenth++] = closed;
          }
          tenthNanos = 0;
          tenthStored = 0;
        }
      }
      if (tenth < 10) { // fewer rows queued than asked for
        tenths[tenth] = rate(tenthStored, tenthNanos);
      }
      return new StoreOnly(rate(stored, totalNanos), tenths);
    }
  }

  /** The grants of a (stopped) node's agreements, through a second connection {@code db}. */
  private static SharingGrants grants(NodeDatabase db) {
    return new AgreementBook(db, Clock.systemUTC()).grants();
  }

  /** An outbox over {@code db} wired as a node wires it (server.Node). */
  static Outbox outbox(NodeDatabase db, SharingGrants grants, Clock clock) {
    return outbox(db, new AlertStore(db, new AlertIndex()), grants, clock);
  }

  static Outbox outbox(NodeDatabase db, AlertStore alerts, SharingGrants grants, Clock clock) {
    return new Outbox(
        db,
        alerts,
        new OutboxStore(db),
        new SyncStateStore(db),
        grants,
        clock,
        new AuditLog(db, clock),
        id -> "bench-partner",
        // The bench's terms grant no relay hops, so no statement is ever signed with this key.
        new HopSigner(NodeKeys.generate(new SecureRandom())));
  }

  /** A receiver into {@code db} that relays nothing, wired as a node wires it. */
  private static FeedReceiver receiver(NodeDatabase db, SharingGrants grants, Clock clock) {
    AlertStore alerts = new AlertStore(db, new AlertIndex());
    return new FeedReceiver(
        db,
        alerts,
        new SyncStateStore(db),
        new FeedChecks(
            alerts,
            new AlertVerifier(),
            grants,
            clock,
            NodeKeys.generate(new SecureRandom()).nodeId()));
  }

  private static SharingGrants inboundOnly(Grant grant) {
    return new SharingGrants() {
      @Override
      public List<Grant> outbound() {
        return List.of();
      }

      @Override
      public Optional<Grant> outbound(NodeId partner) {
        return Optional.empty();
      }

      @Override
      public Optional<Grant> inbound(NodeId partner) {
        return partner.equals(grant.partner()) ? Optional.of(grant) : Optional.empty();
      }

      @Override
      public List<Grant> suspended() {
        return List.of();
      }
    };
  }
}
