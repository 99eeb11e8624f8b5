package org.bdx.node.audit;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.bdx.node.store.AuditRecord;
import org.bdx.node.store.AuditStore;
import org.bdx.node.store.NodeDatabase;

/**
 * The node's tamper-evident audit log (spec ADM-12): who searched, viewed, entered, corrected,
 * retracted or purged what, which alert versions went to which partner with which field paths, and
 * every change to partners, agreements and staff; never a searched or stored value. Entries are
 * appended in the caller's transaction ({@link #record} joins it), so an entry exists exactly when
 * what it records was committed. Each entry's hash covers the one before ({@link AuditHash}), and
 * the head (last sequence and hash) moves in the same transaction, so an edited, removed or
 * reordered entry, and removed last entries, show in {@link #verify}.
 *
 * <p><b>Who.</b> An entry's actor is the one set for the current thread with {@link #as} (the
 * edge's {@code AuditActor} sets the staff account's name for each local API call; {@code
 * PartnerActions} sets "partner NAME" for what a partner did), else {@value #NODE}: what the node
 * does by itself (backfill, relaying, maintenance) runs outside any such scope, or inside {@code
 * as(NODE, ...)}.
 *
 * <p><b>What it cannot do.</b> Whoever can rewrite the whole database can rebuild a consistent
 * chain. A coordinator notes the head {@link #verify} returns somewhere else; a later head whose
 * chain does not contain that entry with that hash shows the rewrite.
 */
public final class AuditLog {
  /** The actor of what the node does by itself. */
  public static final String NODE = "node";

  /** Longest actor, action and detail, in characters. */
  public static final int MAX_ACTOR = 80;

  public static final int MAX_ACTION = 32;
  public static final int MAX_DETAIL = 2000;

  /** Most entries one {@link #list} returns. */
  public static final int MAX_PAGE = 500;

  private static final int VERIFY_PAGE = 1000;

  /** The actor for the current thread; thread-confined, so it never leaks into other threads. */
  private static final ThreadLocal<String> ACTOR = new ThreadLocal<>();

  private final NodeDatabase db;
  private final AuditStore store;
  private final Clock clock;

  public AuditLog(NodeDatabase db, Clock clock) {
    this.db = Objects.requireNonNull(db, "db");
    this.store = new AuditStore(db);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Runs {@code work} with {@code actor} as the actor of every entry recorded on this thread
   * meanwhile; the previous actor comes back afterwards.
   */
  public static <T> T as(String actor, Supplier<T> work) {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(work, "work");
    String before = ACTOR.get();
    ACTOR.set(actor);
    try {
      return work.get();
    } finally {
      if (before == null) {
        ACTOR.remove();
      } else {
        ACTOR.set(before);
      }
    }
  }

  /** {@link #as(String, Supplier)} for work without a result. */
  public static void as(String actor, Runnable work) {
    as(
        actor,
        () -> {
          work.run();
          return null;
        });
  }

  /** The actor entries recorded on this thread now get: the one set with {@link #as}, else node. */
  public static String currentActor() {
    String a = ACTOR.get();
    return a == null ? NODE : a;
  }

  /** The actor for what partner {@code name} did. */
  public static String partner(String name) {
    return "partner " + name;
  }

  /**
   * Appends an entry by the {@linkplain #currentActor() current actor}, in the caller's transaction
   * or one of its own.
   */
  public AuditRecord record(AuditAction action, AuditDetail detail) {
    return recordAs(currentActor(), action, detail);
  }

  /** Appends an entry by {@code actor}, in the caller's transaction or one of its own. */
  public AuditRecord recordAs(String actor, AuditAction action, AuditDetail detail) {
    String who = bounded(actor, MAX_ACTOR);
    String what = bounded(action.word(), MAX_ACTION);
    String which = bounded(detail.toString(), MAX_DETAIL);
    long at = clock.instant().getEpochSecond();
    return db.atomically(
        () -> {
          Optional<AuditRecord.Head> head = store.head();
          long seq = head.map(AuditRecord.Head::seq).orElse(0L) + 1;
          byte[] prev = head.map(AuditRecord.Head::hash).orElseGet(AuditHash::zero);
          AuditRecord r =
              new AuditRecord(
                  seq, at, who, what, which, prev, AuditHash.of(seq, at, who, what, which, prev));
          store.append(r);
          return r;
        });
  }

  /**
   * Up to {@code max} (1..{@value #MAX_PAGE}) entries recorded at or after {@code since} (Unix
   * seconds) with a sequence greater than {@code afterSeq}, in sequence order.
   */
  public List<AuditRecord> list(long since, long afterSeq, int max) {
    if (max < 1 || max > MAX_PAGE) {
      throw new IllegalArgumentException("max: between 1 and " + MAX_PAGE);
    }
    return store.page(Math.max(0, afterSeq), since, max);
  }

  /** The head as recorded: the last entry's sequence and hash (0 and zeros when empty). */
  public AuditRecord.Head head() {
    return store.head().orElseGet(() -> new AuditRecord.Head(0, AuditHash.zero()));
  }

  /**
   * Walks the chain from the first entry and names the first that is wrong: edited (its hash does
   * not match its content), removed (a gap in the sequence, entries renumbered after a gap, or a
   * previous hash that is not the hash before it), reordered (written at another sequence), or a
   * head that is not the last entry (the last entries removed). Reads in pages, each its own
   * transaction, so the node goes on working; entries appended meanwhile are walked too.
   */
  public AuditVerification verify() {
    long expected = 1;
    byte[] prev = AuditHash.zero();
    AuditRecord last = null;
    while (true) {
      List<AuditRecord> page = store.page(expected - 1, Long.MIN_VALUE, VERIFY_PAGE);
      for (AuditRecord r : page) {
        Optional<AuditVerification> bad = check(r, expected, prev);
        if (bad.isPresent()) {
          return bad.get();
        }
        prev = r.hash();
        last = r;
        expected++;
      }
      if (page.size() == VERIFY_PAGE) {
        continue;
      }
      // The end as of now: the head and the last entry, read together.
      Ends ends = db.atomically(() -> new Ends(store.head(), store.last()));
      if (ends.last().isPresent() && ends.last().get().seq() >= expected) {
        continue; // appended while we walked: walk those too
      }
      return compareHead(ends.head(), last, expected - 1);
    }
  }

  private record Ends(Optional<AuditRecord.Head> head, Optional<AuditRecord> last) {}

  private Optional<AuditVerification> check(AuditRecord r, long expected, byte[] prev) {
    long n = expected;
    if (r.seq() != n) {
      return Optional.of(
          bad(
              n,
              AuditVerification.Problem.REMOVED,
              n == 1
                  ? "entry 1 is missing: the log starts at entry " + r.seq()
                  : "entry "
                      + n
                      + " is missing: the log goes from entry "
                      + (n - 1)
                      + " to entry "
                      + r.seq()));
    }
    if (!Arrays.equals(r.hash(), hashOf(r, n))) {
      OptionalLong writtenAs = writtenAs(r);
      if (writtenAs.isPresent()) {
        long m = writtenAs.getAsLong();
        if (heldElsewhere(n)) {
          return Optional.of(
              bad(
                  n,
                  AuditVerification.Problem.REORDERED,
                  "entry " + n + " was written as entry " + m + ": entries were reordered"));
        }
        return Optional.of(
            bad(
                n,
                AuditVerification.Problem.REMOVED,
                "entry "
                    + n
                    + " is missing: the entries after it were renumbered (entry "
                    + n
                    + " now holds what was written as entry "
                    + m
                    + ")"));
      }
      return Optional.of(
          bad(
              n,
              AuditVerification.Problem.EDITED,
              "entry " + n + " was edited: its hash does not match its content"));
    }
    if (!Arrays.equals(r.prevHash(), prev)) {
      return Optional.of(
          bad(
              n,
              AuditVerification.Problem.REMOVED,
              n == 1
                  ? "entry 1 does not start the log (its previous hash is not zero):"
                      + " entries before it were removed"
                  : "entry "
                      + n
                      + " does not follow entry "
                      + (n - 1)
                      + " (its previous hash is not that entry's hash): an entry between them"
                      + " was removed, or entry "
                      + (n - 1)
                      + " was rewritten with a new hash"));
    }
    return Optional.empty();
  }

  private AuditVerification compareHead(
      Optional<AuditRecord.Head> recorded, AuditRecord last, long entries) {
    AuditRecord.Head head = recorded.orElseGet(() -> new AuditRecord.Head(0, AuditHash.zero()));
    long lastSeq = last == null ? 0 : last.seq();
    if (recorded.isEmpty() && last != null) {
      return bad(
          1, AuditVerification.Problem.TRUNCATED, "the log has entries but its head is missing");
    }
    if (head.seq() > lastSeq) {
      return bad(
          lastSeq + 1,
          AuditVerification.Problem.TRUNCATED,
          "the log ends at entry "
              + lastSeq
              + " but its head is entry "
              + head.seq()
              + ": "
              + (head.seq() == lastSeq + 1
                  ? "entry " + head.seq() + " was removed"
                  : "entries " + (lastSeq + 1) + " to " + head.seq() + " were removed"));
    }
    if (head.seq() < lastSeq) {
      return bad(
          head.seq() + 1,
          AuditVerification.Problem.TRUNCATED,
          "the head is entry "
              + head.seq()
              + " but the log goes on to entry "
              + lastSeq
              + ": entries were added after the head without it");
    }
    if (last != null && !Arrays.equals(head.hash(), last.hash())) {
      return bad(
          lastSeq,
          AuditVerification.Problem.EDITED,
          "the head's hash is not entry " + lastSeq + "'s: that entry or the head was rewritten");
    }
    return new AuditVerification(
        entries, head.seq(), head.hash(), 0, AuditVerification.Problem.NONE, "");
  }

  private AuditVerification bad(long seq, AuditVerification.Problem problem, String description) {
    AuditRecord.Head head = head();
    return new AuditVerification(store.count(), head.seq(), head.hash(), seq, problem, description);
  }

  /**
   * The other sequence {@code r}'s content was written at, if its hash matches it there: nearest
   * first, over the whole log (only after a mismatch, so an intact log never pays for it).
   */
  private OptionalLong writtenAs(AuditRecord r) {
    long max = Math.max(head().seq(), store.last().map(AuditRecord::seq).orElse(0L));
    byte[] hash = r.hash();
    for (long d = 1; r.seq() - d >= 1 || r.seq() + d <= max; d++) {
      for (long m : new long[] {r.seq() - d, r.seq() + d}) {
        if (m >= 1 && m <= max && Arrays.equals(hash, hashOf(r, m))) {
          return OptionalLong.of(m);
        }
      }
    }
    return OptionalLong.empty();
  }

  /** Whether the entry written as {@code seq} is held at another sequence. */
  private boolean heldElsewhere(long seq) {
    long after = 0;
    while (true) {
      List<AuditRecord> page = store.page(after, Long.MIN_VALUE, VERIFY_PAGE);
      for (AuditRecord r : page) {
        if (r.seq() != seq && Arrays.equals(r.hash(), hashOf(r, seq))) {
          return true;
        }
        after = r.seq();
      }
      if (page.size() < VERIFY_PAGE) {
        return false;
      }
    }
  }

  private static byte[] hashOf(AuditRecord r, long seq) {
    return AuditHash.of(seq, r.at(), r.actor(), r.action(), r.detail(), r.prevHash());
  }

  /** Printable ASCII only (anything else becomes '?'), at most {@code max} characters. */
  static String bounded(String s, int max) {
    StringBuilder out = new StringBuilder(Math.min(s.length(), max));
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      out.append(c >= 0x20 && c <= 0x7e ? c : '?');
    }
    if (out.isEmpty()) {
      out.append('?');
    }
    if (out.length() > max) {
      out.setLength(max - 3);
      out.append("...");
    }
    return out.toString();
  }
}
