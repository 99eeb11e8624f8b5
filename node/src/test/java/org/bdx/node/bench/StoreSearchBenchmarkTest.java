package org.bdx.node.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.bdx.node.search.AlertIndex;
import org.bdx.node.search.AlertQuery;
import org.bdx.node.search.AlertSearch;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.SearchIndex;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.store.TestAlerts;
import org.bdx.proto.v1.HarmCategory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Intake and search of the alert store at scale (issue 13): fills a fresh {@code node.db} with
 * {@code bench.alerts} (100 000) realistic alerts ({@link AlertCorpus}, deterministic seed) through
 * {@link AlertStore} (which indexes), then times a fixed mix of searches through {@link
 * AlertSearch}, and measures in the same run the raw limits the store is built on (AES-GCM open,
 * HMAC-SHA256, SQLite point select).
 *
 * <p>It uses only what the store offered both before and after its rows were sealed ({@code
 * TestAlerts.open}, {@code AlertStore.row/put}, {@code AlertSearch.search}), so the same file runs
 * on both commits; docs/benchmarks.md says how. Results are printed and written to {@code
 * node/target/benchmarks/store-search-<kind>.md}.
 *
 * <p>For issue 19 (search at 1 000 000 alerts, p99 ≤ 5 ms per query shape) it also takes the number
 * of origins ({@code bench.origins}), searches by the last digits of a number, an area with a date
 * range and combined criteria, reports p50 / p95 / p99 / max per kind, and times raw primary-key
 * lookups one by one between the rounds of searches ({@code bench.kinds} keeps only the kinds whose
 * names contain one of its comma-separated parts, to profile one kind alone).
 *
 * <p>Long because the fill, the raw limits, the searches and their profile share one database and
 * one report, and are read together.
 */
@Tag("benchmark")
class StoreSearchBenchmarkTest {
  final int alerts = Integer.getInteger("bench.alerts", 100_000);
  final long seed = Long.getLong("bench.seed", 13);
  final int origins = Integer.getInteger("bench.origins", AlertCorpus.ORIGINS);
  // Pools of 30 % of the alerts (30 000 at 100 000, as in the issue 13 runs), so a number or a
  // plate recurs about as often at any size.
  final int phonePool = Integer.getInteger("bench.phones", Math.max(1, alerts * 3 / 10));
  final int platePool = Integer.getInteger("bench.plates", Math.max(1, alerts * 3 / 10));
  final int batch = Integer.getInteger("bench.batch", 1_000);
  final int variants = Integer.getInteger("bench.variants", 20);
  final int rounds = Integer.getInteger("bench.rounds", 15);
  final int warmup = Integer.getInteger("bench.warmup", 3);
  final int rawSelects = Integer.getInteger("bench.rawSelects", 100_000);
  final String only = System.getProperty("bench.kinds", "");
  // Keeps the filled database (to read its query plans afterwards); delete it by hand.
  final boolean keep = Boolean.getBoolean("bench.keep");
  final int singles = Integer.getInteger("bench.singles", 500);
  final boolean jfr = Boolean.parseBoolean(System.getProperty("bench.jfr", "false"));
  final int jfrSeconds = Integer.getInteger("bench.jfrSeconds", 4);

  private final StringBuilder out = new StringBuilder();

  private void line(String s) {
    System.out.println(s);
    out.append(s).append('\n');
  }

  /** A kind of query and its variants (different values of the same shape). */
  record Kind(String name, List<AlertQuery> queries) {}

  @Test
  void storeAtScale() throws Exception {
    Path outDir = Paths.get("target", "benchmarks");
    Files.createDirectories(outDir);
    Path dir = Files.createTempDirectory(Paths.get("target"), "store-bench-");
    AlertCorpus corpus = new AlertCorpus(seed, phonePool, platePool, origins);

    NodeDatabase db = TestAlerts.open(dir);
    String store = storeKind(db);
    line("# Store search benchmark: " + store);
    line("");
    line(
        String.format(
            Locale.ROOT,
            "Started %s; alerts %d from %d origins, seed %d, batch %d; pools of %d phones and"
                + " %d plates; nproc %d; Java %s; load average %.2f",
            Instant.now(),
            alerts,
            origins,
            seed,
            batch,
            phonePool,
            platePool,
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.runtime.version"),
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    line("");
    AlertStore alertStore = new AlertStore(db, new AlertIndex());
    AlertSearch search = new AlertSearch(new SearchIndex(db));
    try {
      fill(db, alertStore, corpus);
      db.checkpoint();
      long size = size(dir);
      line(
          String.format(
              Locale.ROOT,
              "Database after checkpoint: %.1f MiB (%d bytes; node.db + -wal + -shm)",
              size / 1048576.0,
              size));
      line("");

      rawLimits(db, corpus);

      List<Kind> kinds = kinds(corpus);
      searches(db, search, kinds);
      if (jfr) {
        profile(search, kinds, outDir, store);
      }
      singles(alertStore, corpus);
      line("");
      line(
          String.format(
              Locale.ROOT,
              "Finished %s; load average %.2f",
              Instant.now(),
              ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    } finally {
      db.close();
      if (keep) {
        line("Database kept in " + dir.toAbsolutePath());
      } else {
        try (Stream<Path> files = Files.walk(dir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
    Files.writeString(outDir.resolve("store-search-" + store.split(" ")[0] + ".md"), out);
  }

  /** "plaintext" for a store with the clear full-text index, "sealed" for one without. */
  private static String storeKind(NodeDatabase db) {
    boolean fts =
        db.inTransaction(
            c -> {
              try (Statement s = c.createStatement();
                  ResultSet rs =
                      s.executeQuery(
                          "SELECT count(*) FROM sqlite_master WHERE name = 'alert_text'")) {
                return rs.next() && rs.getInt(1) > 0;
              }
            });
    return (fts ? "plaintext" : "sealed") + " (schema " + db.schemaVersion() + ")";
  }

  // Intake.

  private void fill(NodeDatabase db, AlertStore store, AlertCorpus corpus) {
    long rowNanos = 0;
    long putNanos = 0;
    long[] perBatch = new long[(alerts + batch - 1) / batch];
    int lastBatches = Math.max(1, perBatch.length / 10);
    long lastNanos = 0;
    int lastAlerts = 0;
    long genNanos = 0;
    Map<String, Integer> byOrigin = new HashMap<>();
    for (int from = 0, b = 0; from < alerts; from += batch, b++) {
      long g0 = System.nanoTime();
      List<StoredAlert> list = new ArrayList<>(batch);
      for (int i = from; i < Math.min(alerts, from + batch); i++) {
        StoredAlert a = corpus.alert(i);
        byOrigin.merge(a.originNodeId().value(), 1, Integer::sum);
        list.add(a);
      }
      long t0 = System.nanoTime();
      genNanos += t0 - g0;
      List<AlertStore.Row> rows = new ArrayList<>(list.size());
      for (StoredAlert a : list) {
        rows.add(store.row(a, AlertStore.Hops.NONE));
      }
      long t1 = System.nanoTime();
      db.atomically(
          () -> {
            for (AlertStore.Row row : rows) {
              if (!store.put(row)) {
                throw new IllegalStateException("a corpus alert was not stored");
              }
            }
            return null;
          });
      long t2 = System.nanoTime();
      rowNanos += t1 - t0;
      putNanos += t2 - t1;
      perBatch[b] = t2 - t0;
      if (b >= perBatch.length - lastBatches) {
        lastNanos += t2 - t0;
        lastAlerts += rows.size();
      }
    }
    long total = rowNanos + putNanos;
    line("## Intake");
    line("");
    line(
        String.format(
            Locale.ROOT,
            "Filled %d alerts from %d origins (the node's own: %d), %d per transaction"
                + " (corpus generation, untimed: %.1f s); fill took %.0f s",
            alerts,
            byOrigin.size(),
            byOrigin.getOrDefault(AlertCorpus.OWN.value(), 0),
            batch,
            genNanos / 1e9,
            total / 1e9));
    line("");
    line("| measure | value |");
    line("|---|---|");
    line(rate("alerts/s, whole fill (row + put)", alerts, total));
    line(rate("alerts/s, last " + lastBatches + " batches of the fill", lastAlerts, lastNanos));
    line(
        String.format(
            Locale.ROOT,
            "| µs per alert: row (validate, index entry, seal, terms) / put (SQL) | %.1f / %.1f |",
            rowNanos / 1e3 / alerts,
            putNanos / 1e3 / alerts));
    Samples s = new Samples(perBatch);
    line(
        String.format(
            Locale.ROOT,
            "| batch of %d: p50 / p95 / max ms | %s / %s / %s |",
            batch,
            Samples.ms(s.percentile(50)),
            Samples.ms(s.percentile(95)),
            s.maxMs()));
    line("");
  }

  /** Alerts stored one per durable transaction (as a submitted report is), after the fill. */
  private void singles(AlertStore store, AlertCorpus corpus) {
    long[] nanos = new long[singles];
    for (int i = 0; i < singles; i++) {
      StoredAlert a = corpus.alert(alerts + i);
      long t0 = System.nanoTime();
      store.put(a);
      nanos[i] = System.nanoTime() - t0;
    }
    Samples s = new Samples(nanos);
    long sum = 0;
    for (long n : nanos) {
      sum += n;
    }
    line("## Intake, one alert per durable transaction");
    line("");
    line(
        String.format(
            Locale.ROOT,
            "%d alerts after the fill, `AlertStore.put` each in its own transaction"
                + " (synchronous=FULL): p50 %s ms, p95 %s ms; %.0f alerts/s",
            singles,
            Samples.ms(s.percentile(50)),
            Samples.ms(s.percentile(95)),
            StageRates.rate(singles, sum)));
  }

  private static String rate(String what, long count, long nanos) {
    return String.format(Locale.ROOT, "| %s | %.0f |", what, StageRates.rate(count, nanos));
  }

  private static long size(Path dir) throws IOException {
    long n = 0;
    for (String f : List.of("node.db", "node.db-wal", "node.db-shm")) {
      Path p = dir.resolve(f);
      if (Files.exists(p)) {
        n += Files.size(p);
      }
    }
    return n;
  }

  // Raw limits.

  private void rawLimits(NodeDatabase db, AlertCorpus corpus) throws Exception {
    // A typical alert: the median sizes over a sample of the corpus.
    int sample = 2_001;
    int[] fieldSizes = new int[sample];
    int[] envSizes = new int[sample];
    SplittableRandom r = new SplittableRandom(seed + 1);
    for (int i = 0; i < sample; i++) {
      StoredAlert a = corpus.alert(r.nextInt(alerts));
      fieldSizes[i] = a.fields().getSerializedSize();
      envSizes[i] = a.envelope().getSerializedSize();
    }
    java.util.Arrays.sort(fieldSizes);
    java.util.Arrays.sort(envSizes);
    int fieldsSize = fieldSizes[sample / 2];
    int envSize = envSizes[sample / 2];

    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    double openFields = gcmOpenRate(key, fieldsSize, 20_000, 200_000);
    double openEnvelope = gcmOpenRate(key, envSize, 20_000, 100_000);
    double hmac = hmacRate(key, "word:tattoo", 50_000, 500_000);
    double select = selectRate(db, 20_000, rawSelects, "fields, envelope");
    double selectNarrow = selectRate(db, 20_000, rawSelects, "version");

    line("## Raw limits (one thread, same run)");
    line("");
    line("| operation | per second | µs each |");
    line("|---|---|---|");
    line(
        rawRow(
            "AES-256-GCM open, "
                + fieldsSize
                + " B (median `fields`), one `Cipher` re-initialised per open",
            openFields));
    line(rawRow("AES-256-GCM open, " + envSize + " B (median envelope), same", openEnvelope));
    line(rawRow("HMAC-SHA256 of an 11-byte token, one `Mac` reused", hmac));
    line(
        rawRow(
            "SQLite point select by `seq` of `fields, envelope` (random rows, one transaction)",
            select));
    line(rawRow("SQLite point select by `seq` of `version`", selectNarrow));
    line("");
  }

  private static String rawRow(String what, double perSecond) {
    return String.format(Locale.ROOT, "| %s | %.0f | %.2f |", what, perSecond, 1e6 / perSecond);
  }

  private static double gcmOpenRate(byte[] key, int size, int warm, int n) throws Exception {
    SecretKeySpec k = new SecretKeySpec(key, "AES");
    byte[] nonce = new byte[12];
    new SecureRandom().nextBytes(nonce);
    byte[] aad =
        "bdx/v1/at-rest/alerts.fields\0bdx0000000000000000000000000000000000000000000000000000\0aaaaaaaaaaaaaaaaaaaaaaaaaa\0001"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] plain = new byte[size];
    new SecureRandom().nextBytes(plain);
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(128, nonce));
    c.updateAAD(aad);
    byte[] sealed = c.doFinal(plain);
    long t0 = 0;
    long check = 0;
    for (int i = 0; i < warm + n; i++) {
      if (i == warm) {
        t0 = System.nanoTime();
      }
      c.init(Cipher.DECRYPT_MODE, k, new GCMParameterSpec(128, nonce));
      c.updateAAD(aad);
      check += c.doFinal(sealed)[0];
    }
    long t = System.nanoTime() - t0;
    if (check == Long.MIN_VALUE) {
      throw new IllegalStateException();
    }
    return StageRates.rate(n, t);
  }

  private static double hmacRate(byte[] key, String token, int warm, int n) throws Exception {
    Mac m = Mac.getInstance("HmacSHA256");
    m.init(new SecretKeySpec(key, "HmacSHA256"));
    byte[] data = token.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    long t0 = 0;
    long check = 0;
    for (int i = 0; i < warm + n; i++) {
      if (i == warm) {
        t0 = System.nanoTime();
      }
      check += m.doFinal(data)[0];
    }
    long t = System.nanoTime() - t0;
    if (check == Long.MIN_VALUE) {
      throw new IllegalStateException();
    }
    return StageRates.rate(n, t);
  }

  private double selectRate(NodeDatabase db, int warm, int n, String columns) {
    SplittableRandom r = new SplittableRandom(seed + 2);
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + columns + " FROM alerts WHERE seq = ?")) {
            long t0 = 0;
            long bytes = 0;
            for (int i = 0; i < warm + n; i++) {
              if (i == warm) {
                t0 = System.nanoTime();
              }
              ps.setLong(1, 1 + r.nextInt(alerts));
              try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                  throw new IllegalStateException("no row");
                }
                for (int col = 1; col <= rs.getMetaData().getColumnCount(); col++) {
                  Object v = rs.getObject(col);
                  bytes += v instanceof byte[] b ? b.length : 1;
                }
              }
            }
            long t = System.nanoTime() - t0;
            if (bytes == 0) {
              throw new IllegalStateException();
            }
            return StageRates.rate(n, t);
          }
        });
  }

  // Searches.

  private List<Kind> kinds(AlertCorpus corpus) {
    SplittableRandom r = new SplittableRandom(seed + 3);
    Map<String, List<AlertQuery>> m = new LinkedHashMap<>();
    for (int v = 0; v < variants; v++) {
      add(m, "full phone", q(corpus.heldPhone(r), null, null, null, null, null, null));
      String plate = corpus.heldPlate(r);
      int at = r.nextInt(plate.length() - 2);
      add(
          m,
          "plate, 3 characters",
          q(null, plate.substring(at, at + 3), null, null, null, null, null));
      plate = corpus.heldPlate(r);
      at = r.nextInt(plate.length() - 4);
      add(
          m,
          "plate, 5 characters",
          q(null, plate.substring(at, at + 5), null, null, null, null, null));
      add(m, "one word", q(null, null, AlertCorpus.word(r), null, null, null, null));
      add(
          m,
          "two words",
          q(null, null, AlertCorpus.word(r) + " " + AlertCorpus.word(r), null, null, null, null));
      String area = AlertCorpus.AREAS[r.nextInt(AlertCorpus.AREAS.length)];
      add(
          m,
          "area prefix (4 letters)",
          q(null, null, null, area.substring(0, 4).toLowerCase(Locale.ROOT), null, null, null));
      LocalDate since = AlertCorpus.FIRST_DAY.plusDays(r.nextInt(AlertCorpus.DAYS - 30));
      HarmCategory harm = HarmCategory.forNumber(1 + r.nextInt(14));
      add(
          m,
          "date range (30 days) + harm",
          q(null, null, null, null, Set.of(harm), since, since.plusDays(29)));
      add(
          m,
          "matches nothing (absent word)",
          q(null, null, "zorblax" + (char) ('a' + v % 26), null, null, null, null));
      add(
          m,
          "matches many (a top-5 word)",
          q(null, null, AlertCorpus.VOCABULARY[v % 5], null, null, null, null));
      add(m, "no criteria (newest 50)", AlertQuery.all(50, null));
    }
    // The kinds added for issue 19 draw from their own random source, so the kinds above keep the
    // values they had in the issue 13 runs.
    SplittableRandom s = new SplittableRandom(seed + 4);
    for (int v = 0; v < variants; v++) {
      String digits = corpus.heldPhone(s).substring(1);
      add(m, "phone, last 4 digits", end(digits, 4, null, null, null, null));
      digits = corpus.heldPhone(s).substring(1);
      add(m, "phone, last 6 digits", end(digits, 6, null, null, null, null));
      digits = corpus.heldPhone(s).substring(1);
      add(m, "phone, last 8 digits", end(digits, 8, null, null, null, null));
      String area = AlertCorpus.AREAS[s.nextInt(AlertCorpus.AREAS.length)];
      LocalDate since = AlertCorpus.FIRST_DAY.plusDays(s.nextInt(AlertCorpus.DAYS - 30));
      add(
          m,
          "area (whole name) + date range (30 days)",
          q(null, null, null, area, null, since, since.plusDays(29)));
      area = AlertCorpus.AREAS[s.nextInt(AlertCorpus.AREAS.length)];
      since = AlertCorpus.FIRST_DAY.plusDays(s.nextInt(AlertCorpus.DAYS - 30));
      HarmCategory harm = HarmCategory.forNumber(1 + s.nextInt(14));
      add(
          m,
          "area + harm + date range (30 days) + word",
          q(null, null, AlertCorpus.word(s), area, Set.of(harm), since, since.plusDays(29)));
      digits = corpus.heldPhone(s).substring(1);
      area = AlertCorpus.AREAS[s.nextInt(AlertCorpus.AREAS.length)];
      add(m, "phone, last 4 digits + area", end(digits, 4, area, null, null, null));
      digits = corpus.heldPhone(s).substring(1);
      since = AlertCorpus.FIRST_DAY.plusDays(s.nextInt(AlertCorpus.DAYS - 365));
      add(
          m,
          "phone, last 4 digits + word + date range (1 year)",
          end(digits, 4, null, AlertCorpus.word(s), since, since.plusDays(364)));
    }
    List<Kind> kinds = new ArrayList<>();
    m.forEach(
        (k, qs) -> {
          if (only.isEmpty()
              || java.util.Arrays.stream(only.split(","))
                  .anyMatch(o -> !o.isBlank() && k.contains(o.strip()))) {
            kinds.add(new Kind(k, qs));
          }
        });
    return kinds;
  }

  /** A search by the last {@code n} digits of {@code digits}, as the console sends it. */
  private static AlertQuery end(
      String digits, int n, String area, String text, LocalDate since, LocalDate until) {
    return new AlertQuery(
        null,
        null,
        text,
        area,
        null,
        since,
        until,
        50,
        null,
        digits.substring(digits.length() - n),
        null);
  }

  private static void add(Map<String, List<AlertQuery>> m, String kind, AlertQuery q) {
    m.computeIfAbsent(kind, k -> new ArrayList<>()).add(q);
  }

  private static AlertQuery q(
      String phone,
      String plate,
      String text,
      String area,
      Set<HarmCategory> harms,
      LocalDate since,
      LocalDate until) {
    return new AlertQuery(phone, plate, text, area, harms, since, until, 50, null);
  }

  private void searches(NodeDatabase db, AlertSearch search, List<Kind> kinds) {
    // Warm-up: rounds of the whole mix, untimed; also the results, to compare stores.
    Map<String, long[]> found = new HashMap<>();
    SplittableRandom pk = new SplittableRandom(seed + 5);
    pkLookups(db, pk, new long[PK_PER_ROUND]);
    for (int w = 0; w < Math.max(1, warmup); w++) {
      for (Kind k : kinds) {
        long items = 0;
        long full = 0;
        for (AlertQuery q : k.queries()) {
          int n = search.search(q).items().size();
          items += n;
          full += n == 50 ? 1 : 0;
        }
        found.put(k.name(), new long[] {items, full});
      }
    }
    // Timed: rounds of the whole mix, kinds interleaved so all see the same machine.
    Map<String, long[]> nanos = new LinkedHashMap<>();
    for (Kind k : kinds) {
      nanos.put(k.name(), new long[rounds * k.queries().size()]);
    }
    long[] pkNanos = new long[rounds * PK_PER_ROUND];
    for (int round = 0; round < rounds; round++) {
      // The raw limit, interleaved with the searches so both see the same machine.
      long[] these = new long[PK_PER_ROUND];
      pkLookups(db, pk, these);
      System.arraycopy(these, 0, pkNanos, round * PK_PER_ROUND, PK_PER_ROUND);
      for (Kind k : kinds) {
        long[] into = nanos.get(k.name());
        for (int v = 0; v < k.queries().size(); v++) {
          long t0 = System.nanoTime();
          int n = search.search(k.queries().get(v)).items().size();
          into[round * k.queries().size() + v] = System.nanoTime() - t0;
          assertThat(n).isLessThanOrEqualTo(50);
        }
      }
    }
    line("## Search (page size 50)");
    line("");
    line(
        String.format(
            Locale.ROOT,
            "%d variants per kind, %d untimed rounds, then %d timed rounds of the whole mix;"
                + " %d timings per kind; %d raw primary-key lookups per round beside them",
            variants,
            Math.max(1, warmup),
            rounds,
            rounds * variants,
            PK_PER_ROUND));
    line("");
    line(
        "| query kind | p50 ms | p95 ms | p99 ms | max ms | p99 ≤ 5 ms |"
            + " results over the variants (full pages) |");
    line("|---|---|---|---|---|---|---|");
    for (Kind k : kinds) {
      Samples s = new Samples(nanos.get(k.name()));
      long[] f = found.get(k.name());
      line(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %d (%d) |",
              k.name(),
              ms3(s.percentile(50)),
              ms3(s.percentile(95)),
              ms3(s.percentile(99)),
              ms3(s.max()),
              s.percentile(99) <= 5_000_000 ? "yes" : "no",
              f[0],
              f[1]));
    }
    Samples s = new Samples(pkNanos);
    line(
        String.format(
            Locale.ROOT,
            "| raw SQLite primary-key lookup (`fields, envelope` by `seq`, %d timings) |"
                + " %s | %s | %s | %s | – | one row each |",
            pkNanos.length,
            ms3(s.percentile(50)),
            ms3(s.percentile(95)),
            ms3(s.percentile(99)),
            ms3(s.max())));
    line("");
  }

  /** Raw primary-key lookups timed one by one in each round of the searches. */
  static final int PK_PER_ROUND = 1_000;

  /**
   * Point selects by {@code seq} of random rows, each timed, in one read transaction: what the
   * search does per candidate, without opening or deciding it.
   */
  private void pkLookups(NodeDatabase db, SplittableRandom r, long[] into) {
    long bytes =
        db.inTransaction(
            c -> {
              long n = 0;
              try (PreparedStatement ps =
                  c.prepareStatement("SELECT fields, envelope FROM alerts WHERE seq = ?")) {
                for (int i = 0; i < into.length; i++) {
                  long t0 = System.nanoTime();
                  ps.setLong(1, 1 + r.nextInt(alerts));
                  try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                      throw new IllegalStateException("no row");
                    }
                    n += rs.getBytes(1).length + rs.getBytes(2).length;
                  }
                  into[i] = System.nanoTime() - t0;
                }
              }
              return n;
            });
    if (bytes == 0) {
      throw new IllegalStateException();
    }
  }

  /** Milliseconds, to the microsecond (a tenth of one below 0.1 ms). */
  private static String ms3(long nanos) {
    double v = nanos / 1e6;
    return String.format(Locale.ROOT, v < 0.1 ? "%.4f" : "%.3f", v);
  }

  // Profile (bench.jfr=true): each kind run alone for a few seconds under JFR.

  private void profile(AlertSearch search, List<Kind> kinds, Path outDir, String store)
      throws Exception {
    line("## Profile (JFR execution samples every 10 ms, harness thread, per query kind)");
    line("");
    for (Kind k : kinds) {
      Path file =
          outDir.resolve("store-search-" + store.split(" ")[0] + "-" + slug(k.name()) + ".jfr");
      int queries = 0;
      long elapsed;
      try (Recording rec = new Recording()) {
        rec.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
        rec.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(10));
        rec.start();
        long start = System.nanoTime();
        long end = start + jfrSeconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
          for (AlertQuery q : k.queries()) {
            search.search(q);
            queries++;
          }
        }
        elapsed = System.nanoTime() - start;
        rec.stop();
        rec.dump(file);
      }
      line(
          "### "
              + k.name()
              + String.format(
                  Locale.ROOT, " (%.2f ms per query over %d)", elapsed / 1e6 / queries, queries));
      line("");
      line(summarize(file, Thread.currentThread().getName()));
    }
  }

  private static String slug(String s) {
    return s.replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
  }

  /** Samples bucketed by the first frame that names a cost, plus the top self frames. */
  static String summarize(Path jfrFile, String thread) throws IOException {
    Map<String, Integer> buckets = new LinkedHashMap<>();
    Map<String, Integer> self = new HashMap<>();
    int total = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(jfrFile)) {
      String type = e.getEventType().getName();
      if (!type.equals("jdk.ExecutionSample") && !type.equals("jdk.NativeMethodSample")) {
        continue;
      }
      var t = e.getThread("sampledThread");
      if (t == null || !thread.equals(t.getJavaName()) || e.getStackTrace() == null) {
        continue;
      }
      List<RecordedFrame> frames = e.getStackTrace().getFrames();
      if (frames.isEmpty()) {
        continue;
      }
      total++;
      RecordedFrame top = frames.get(0);
      self.merge(
          top.getMethod().getType().getName() + "." + top.getMethod().getName(), 1, Integer::sum);
      buckets.merge(bucket(frames), 1, Integer::sum);
    }
    StringBuilder s = new StringBuilder();
    s.append("| where (first matching frame from the top) | samples | share |\n|---|---|---|\n");
    int all = total;
    buckets.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(12)
        .forEach(
            en ->
                s.append(
                    String.format(
                        Locale.ROOT,
                        "| %s | %d | %.0f %% |\n",
                        en.getKey(),
                        en.getValue(),
                        100.0 * en.getValue() / Math.max(1, all))));
    s.append("\nTop self frames: ");
    List<String> tops = new ArrayList<>();
    self.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(8)
        .forEach(en -> tops.add("`" + en.getKey() + "` " + en.getValue()));
    s.append(String.join(", ", tops)).append('\n');
    return s.toString();
  }

  private static String bucket(List<RecordedFrame> frames) {
    for (RecordedFrame f : frames) {
      String type = f.getMethod().getType().getName();
      String method = f.getMethod().getName();
      if (type.startsWith("com.sun.crypto.provider.GaloisCounterMode")
          || type.startsWith("com.sun.crypto.provider.GHASH")
          || type.startsWith("com.sun.crypto.provider.AES")) {
        return "AES-GCM (JDK provider)";
      }
      if (type.startsWith("javax.crypto.Cipher") && method.equals("getInstance")) {
        return "Cipher.getInstance";
      }
      if (type.startsWith("javax.crypto.Cipher") && method.equals("init")) {
        return "Cipher.init";
      }
      if (type.startsWith("sun.security.provider.SHA")
          || type.startsWith("com.sun.crypto.provider.HmacCore")) {
        return "HMAC-SHA256";
      }
      if (type.startsWith("org.sqlite.core.NativeDB") || type.startsWith("org.sqlite.core.DB")) {
        return "SQLite (native: step, column reads)";
      }
      if (type.startsWith("com.google.protobuf")) {
        return "protobuf parse";
      }
      if (type.startsWith("java.text.Normalizer") || type.startsWith("jdk.internal.icu")) {
        return "Unicode normalisation (post-filter words)";
      }
      if (type.equals("org.bdx.node.search.AlertIndex")
          || type.startsWith("org.bdx.node.search.AlertIndex$")
          || type.startsWith("org.bdx.node.search.Words")) {
        return "post-filter (AlertIndex matcher)";
      }
    }
    RecordedFrame top = frames.get(0);
    return "other: " + top.getMethod().getType().getName() + "." + top.getMethod().getName();
  }
}
