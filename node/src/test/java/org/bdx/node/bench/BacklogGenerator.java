package org.bdx.node.bench;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.bdx.node.TestNodes;
import org.bdx.node.agreement.AgreementBook;
import org.bdx.node.audit.AuditLog;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.identity.KeyFiles;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.intake.AlertIssuer;
import org.bdx.node.intake.ReportValidator;
import org.bdx.node.search.AlertIndex;
import org.bdx.node.search.PhoneNumbers;
import org.bdx.node.signing.AlertSigner;
import org.bdx.node.signing.AlertVerifier;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.Ids;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.ReportKeys;
import org.bdx.node.store.ReportRecord;
import org.bdx.node.store.ReportStore;
import org.bdx.node.store.SealedReportCodec;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.store.TestCiphers;
import org.bdx.node.sync.Outbox;
import org.bdx.node.vault.Vault;
import org.bdx.proto.v1.Report;

/**
 * Fills a running origin's database with a backlog of {@code n} reports, faster than {@code
 * SubmitReport} could, through a second connection to its database file (SQLite WAL; the origin's
 * own connection stays idle while the partner is away).
 *
 * <p>Each item is what {@code ReportIntake.submit} produces, with the same classes: validate and
 * normalize, then the {@link AlertIssuer} derives the alert, signs it (fresh salts and alert id),
 * checks our own output, stores report and alert and queues the per-partner redacted copy ({@link
 * AlertIssuer#storeWithReport}, agreement ∩ consent as in production). The differences: validation,
 * signing and the self-check run on two threads, and the writes are grouped {@link #TX} per
 * transaction instead of one per report. The feed items a partner receives are therefore exactly
 * production's.
 */
final class BacklogGenerator {
  /** Reports per transaction. */
  static final int TX = 1000;

  /**
   * @param nanos generation time
   * @param lastSeq the last outbox sequence queued for the partner
   * @param queued rows queued for the partner
   * @param enqueueNanos the production schema's cost of storing and queuing one more report (one
   *     transaction, as SubmitReport does; median, rolled back) with this backlog waiting
   * @param enqueueIndexedNanos the same with the temporary (partner, origin, alert id) index
   */
  record Result(
      long nanos, long lastSeq, long queued, long enqueueNanos, long enqueueIndexedNanos) {}

  static final String TEMP_INDEX = "bench_outbox_by_alert";

  static final int ENQUEUE_SAMPLES = 5;

  private static final class Rollback extends RuntimeException {
    Rollback() {
      super(null, null, false, false);
    }
  }

  /** One report stored and queued in its own transaction, then rolled back; the time inside. */
  private static long enqueueRolledBack(NodeDatabase db, AlertIssuer issuer, Made m) {
    long[] t = new long[1];
    try {
      db.inTransaction(
          c -> {
            long t0 = System.nanoTime();
            issuer.storeWithReport(m.report(), m.alert());
            t[0] = System.nanoTime() - t0;
            throw new Rollback();
          });
    } catch (Rollback expected) {
      // nothing stays
    }
    return t[0];
  }

  private static long median(long[] v) {
    long[] s = v.clone();
    java.util.Arrays.sort(s);
    return s[s.length / 2];
  }

  private static void execute(NodeDatabase db, String sql) {
    db.inTransaction(
        c -> {
          try (java.sql.Statement s = c.createStatement()) {
            s.execute(sql);
          }
          return null;
        });
  }

  private record Made(ReportRecord report, StoredAlert alert) {}

  private static final Made END = new Made(null, null);

  static Result generate(NodeHome home, NodeId partner, int n) throws Exception {
    Clock clock = Clock.systemUTC();
    NodeConfig config = home.loadConfig();
    long t0 = System.nanoTime();
    SecureRandom rng = new SecureRandom();
    try (Vault vault = Vault.open(home.dir(), TestNodes.PASSPHRASE);
        NodeDatabase db =
            NodeDatabase.open(
                home.databaseFile(), TestCiphers.of(home.dir(), TestNodes.PASSPHRASE));
        ReportKeys reportKeys =
            ReportKeys.open(home.reportKeysFile(), vault.subKey(Vault.Purpose.REPORT_KEYS), rng)) {
      NodeKeys keys = KeyFiles.load(home.dir(), vault);
      AlertStore alerts = new AlertStore(db, new AlertIndex());
      Outbox outbox = StageRates.outbox(db, alerts, new AgreementBook(db, clock).grants(), clock);
      // Encrypted as the node stores them, so intake is measured with its encryption.
      ReportStore reports = new ReportStore(db, alerts, new SealedReportCodec(reportKeys, rng));
      AlertIssuer issuer = issuer(keys, config, db, alerts, reports, outbox, rng);
      long queuedBefore = outbox.countAfter(partner, 0);
      // Outbox.enqueue looks up the partner's queued versions of the alert by (partner, origin,
      // alert id), which only the (partner, seq) index serves: a scan of the partner's whole queue
      // per report, quadratic in the backlog. A temporary index makes generation linear; it is
      // dropped before the catch-up, so the origin is measured with the production schema.
      execute(
          db,
          "CREATE INDEX "
              + TEMP_INDEX
              + " ON outbox (partner_node_id, origin_node_id,"
              + " alert_id, version)");

      int producers = 2;
      BlockingQueue<Made> queue = new ArrayBlockingQueue<>(4 * TX);
      AtomicReference<Throwable> failed = new AtomicReference<>();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < producers; t++) {
        int first = t;
        threads.add(
            Thread.ofPlatform()
                .name("bench-backlog-" + t)
                .start(
                    () -> {
                      try {
                        ReportValidator validator =
                            new ReportValidator(new PhoneNumbers(config.phoneRegion()), clock);
                        SecureRandom ids = new SecureRandom();
                        AlertIssuer signing =
                            issuer(keys, config, db, alerts, reports, outbox, ids);
                        for (int i = first; i < n; i += producers) {
                          queue.put(make(i, validator, signing, clock, ids));
                        }
                      } catch (Throwable e) {
                        failed.compareAndSet(null, e);
                      } finally {
                        try {
                          queue.put(END);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                      }
                    }));
      }
      int ended = 0;
      List<Made> chunk = new ArrayList<>(TX);
      while (ended < producers) {
        Made m = queue.take();
        if (m == END) {
          ended++;
        } else {
          chunk.add(m);
        }
        if (chunk.size() == TX || (ended == producers && !chunk.isEmpty())) {
          db.inTransaction(
              c -> {
                for (Made x : chunk) {
                  issuer.storeWithReport(x.report(), x.alert());
                }
                return null;
              });
          chunk.clear();
        }
        if (failed.get() != null) {
          break;
        }
      }
      for (Thread t : threads) {
        t.interrupt();
        t.join();
      }
      if (failed.get() != null) {
        throw new IllegalStateException("backlog generation failed", failed.get());
      }
      long queued = outbox.countAfter(partner, 0) - queuedBefore;
      long lastSeq = outbox.latestSeq(partner);
      long genNanos = System.nanoTime() - t0;
      ReportValidator validator =
          new ReportValidator(new PhoneNumbers(config.phoneRegion()), clock);
      long[] indexed = new long[ENQUEUE_SAMPLES];
      long[] plain = new long[ENQUEUE_SAMPLES];
      for (long[] into : List.of(indexed, plain)) {
        if (into == plain) {
          execute(db, "DROP INDEX " + TEMP_INDEX);
        }
        for (int i = 0; i < into.length; i++) {
          Made m = make(n + i, validator, issuer, clock, rng);
          into[i] = enqueueRolledBack(db, issuer, m);
        }
      }
      return new Result(genNanos, lastSeq, queued, median(plain), median(indexed));
    }
  }

  /** ReportIntake.submit up to the write, for the i-th benchmark report. */
  private static Made make(
      int i, ReportValidator validator, AlertIssuer issuer, Clock clock, SecureRandom rng) {
    Report report = validator.validateAndNormalize(PropagationBenchmarkTest.report(i));
    long now = clock.instant().getEpochSecond();
    StoredAlert first = issuer.sign(issuer.firstVersion(report, now, rng), now);
    return new Made(new ReportRecord(Ids.newId(rng), first.alertId(), now, report), first);
  }

  private static AlertIssuer issuer(
      NodeKeys keys,
      NodeConfig config,
      NodeDatabase db,
      AlertStore alerts,
      ReportStore reports,
      Outbox outbox,
      SecureRandom rng) {
    return new AlertIssuer(
        new AlertSigner(keys, rng),
        new AlertVerifier(),
        keys.nodeId(),
        config,
        db,
        alerts,
        reports,
        outbox,
        new AuditLog(db, Clock.systemUTC()));
  }
}
