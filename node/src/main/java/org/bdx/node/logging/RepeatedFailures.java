package org.bdx.node.logging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs one subject's failures for an operator: a failure the first time it happens, then, while the
 * same failure repeats, one summary a minute ("still failing, 58 times in the last minute") instead
 * of a line per attempt; a different failure is logged at once, and recovery once. A feed retrying
 * a partner that is down would otherwise write a line about every second.
 *
 * <p>Messages must be words about what happened (never report content, secrets or a partner's own
 * text): they go to the node's log file.
 */
public final class RepeatedFailures {
  /** How often a repeating failure is summarised. */
  public static final Duration WINDOW = Duration.ofMinutes(1);

  private final Logger log;
  private final Supplier<String> subject;
  private final LongSupplier nanos;
  private String last;
  private long windowStart;
  private long repeats;

  /** {@code subject} starts each line, e.g. {@code "feed from partner north"}. */
  public RepeatedFailures(Logger log, String subject) {
    this(log, subject, System::nanoTime);
  }

  /** As above, on another time source (tests). */
  public RepeatedFailures(Logger log, String subject, LongSupplier nanos) {
    this(log, constant(subject), nanos);
  }

  /**
   * {@code subject} is asked for each line it starts, so a subject that names a partner follows a
   * change of the partner's name.
   */
  public RepeatedFailures(Logger log, Supplier<String> subject) {
    this(log, subject, System::nanoTime);
  }

  /** As above, on another time source (tests). */
  public RepeatedFailures(Logger log, Supplier<String> subject, LongSupplier nanos) {
    this.log = Objects.requireNonNull(log, "log");
    this.subject = Objects.requireNonNull(subject, "subject");
    this.nanos = Objects.requireNonNull(nanos, "nanos");
  }

  private static Supplier<String> constant(String subject) {
    Objects.requireNonNull(subject, "subject");
    return () -> subject;
  }

  /** Another attempt failed, for {@code why} (words). */
  public void failed(String why) {
    failed(why, null);
  }

  /**
   * Another attempt failed, for {@code why}; {@code instance} (words, or null) says which attempt,
   * e.g. {@code "seq=17"}. Only the line logged at once names it: repeats are told apart by {@code
   * why} alone, so one failure of many items is summarised, not logged item by item.
   */
  public void failed(String why, String instance) {
    Objects.requireNonNull(why, "why");
    List<Line> lines = new ArrayList<>(2);
    synchronized (this) {
      long now = nanos.getAsLong();
      if (!why.equals(last)) {
        summarise(lines);
        lines.add(new Line(Level.WARNING, why + (instance == null ? "" : ", " + instance)));
        last = why;
        windowStart = now;
        repeats = 0;
      } else {
        repeats++;
        if (now - windowStart >= WINDOW.toNanos()) {
          summarise(lines);
          windowStart = now;
        }
      }
    }
    say(lines);
  }

  /** It works again: says so once if it had been failing. */
  public void recovered(String how) {
    List<Line> lines = new ArrayList<>(2);
    synchronized (this) {
      if (last == null) {
        return;
      }
      summarise(lines);
      lines.add(new Line(Level.INFO, how));
      last = null;
    }
    say(lines);
  }

  private record Line(Level level, String text) {}

  /**
   * Logged outside the lock, since the subject may read a partner's name from the database, and as
   * coming from the logger's owner (the feed client), not from this helper.
   */
  private void say(List<Line> lines) {
    if (lines.isEmpty()) {
      return;
    }
    String s = subject.get();
    for (Line l : lines) {
      log.logp(l.level(), log.getName(), "", s + ": " + l.text());
    }
  }

  /** The repeats of the current failure not yet told. */
  private void summarise(List<Line> lines) {
    if (last == null || repeats == 0) {
      return;
    }
    lines.add(
        new Line(
            Level.WARNING,
            "still failing ("
                + last
                + "), "
                + repeats
                + (repeats == 1 ? " time" : " times")
                + " in the last minute"));
    repeats = 0;
  }
}
