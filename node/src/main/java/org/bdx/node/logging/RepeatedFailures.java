package org.bdx.node.logging;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
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
  private final String subject;
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
    this.log = Objects.requireNonNull(log, "log");
    this.subject = Objects.requireNonNull(subject, "subject");
    this.nanos = Objects.requireNonNull(nanos, "nanos");
  }

  /** Another attempt failed, for {@code why} (words). */
  public synchronized void failed(String why) {
    Objects.requireNonNull(why, "why");
    long now = nanos.getAsLong();
    if (!why.equals(last)) {
      summarise();
      say(Level.WARNING, subject + ": " + why);
      last = why;
      windowStart = now;
      repeats = 0;
      return;
    }
    repeats++;
    if (now - windowStart >= WINDOW.toNanos()) {
      summarise();
      windowStart = now;
    }
  }

  /** It works again: says so once if it had been failing. */
  public synchronized void recovered(String how) {
    if (last == null) {
      return;
    }
    summarise();
    say(Level.INFO, subject + ": " + how);
    last = null;
  }

  /** Logged as coming from the logger's owner (the feed client), not from this helper. */
  private void say(Level level, String message) {
    log.logp(level, log.getName(), "", message);
  }

  /** The repeats of the current failure not yet told. */
  private void summarise() {
    if (last == null || repeats == 0) {
      return;
    }
    say(
        Level.WARNING,
        subject
            + ": still failing ("
            + last
            + "), "
            + repeats
            + (repeats == 1 ? " time" : " times")
            + " in the last minute");
    repeats = 0;
  }
}
