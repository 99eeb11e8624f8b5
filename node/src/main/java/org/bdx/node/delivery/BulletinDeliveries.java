package org.bdx.node.delivery;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.logging.Logger;
import org.bdx.node.audit.AuditAction;
import org.bdx.node.audit.AuditDetail;
import org.bdx.node.audit.AuditLog;
import org.bdx.node.store.DeliveryRecord;
import org.bdx.node.store.DeliveryStore;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.SubscriberRecord;
import org.bdx.node.store.SubscriberStore;

/**
 * Sends bulletins to subscribers through a durable queue ({@link DeliveryStore}): {@link #queue}
 * writes one delivery per subscriber before anything is sent, {@link #deliverDue} sends those that
 * are due through the {@link Channel} and deletes each once the channel accepted it. A failing
 * server costs nothing: the deliveries stay queued and are tried again with a growing wait (1, 2, 4
 * ... minutes, at most an hour), by the next pass of the running node. A bulletin is delivered at
 * least once: only a crash between the server's acceptance and the deletion can send one twice.
 *
 * <p>What was queued for how many subscribers, and how many were delivered or given up, is recorded
 * in the audit log with a run id; never an address.
 */
public final class BulletinDeliveries {
  private static final Logger LOG = Logger.getLogger(BulletinDeliveries.class.getName());

  static final Duration FIRST_WAIT = Duration.ofMinutes(1);
  static final Duration LONGEST_WAIT = Duration.ofHours(1);

  /** A bulletin not delivered within this long is given up: the next one has replaced it. */
  public static final Duration GIVE_UP = Duration.ofDays(3);

  private static final int BATCH = 100;

  private final NodeDatabase db;
  private final DeliveryStore store;
  private final SubscriberStore subscribers;
  private final BulletinMessages messages;
  private final Channel channel;
  private final Clock clock;
  private final AuditLog audit;
  private final SecureRandom rng = new SecureRandom();

  public BulletinDeliveries(
      NodeDatabase db,
      DeliveryStore store,
      SubscriberStore subscribers,
      BulletinMessages messages,
      Channel channel,
      Clock clock,
      AuditLog audit) {
    this.db = Objects.requireNonNull(db, "db");
    this.store = Objects.requireNonNull(store, "store");
    this.subscribers = Objects.requireNonNull(subscribers, "subscribers");
    this.messages = Objects.requireNonNull(messages, "messages");
    this.channel = Objects.requireNonNull(channel, "channel");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.audit = Objects.requireNonNull(audit, "audit");
  }

  /** A sending queued: its run id and how many subscribers it is for. */
  public record Queued(String run, int subscribers) {}

  /**
   * Queues a bulletin of the warnings since {@code since} for every subscriber, recorded in the
   * audit log in the same transaction.
   *
   * @param trigger why: {@code manual}, {@code schedule} or {@code alert}
   */
  public Queued queue(LocalDate since, String trigger) {
    return queue(since, trigger, s -> true);
  }

  /** As {@link #queue(LocalDate, String)}, for the subscribers {@code who} accepts. */
  public Queued queue(LocalDate since, String trigger, Predicate<SubscriberRecord> who) {
    Objects.requireNonNull(since, "since");
    String run = HexFormat.of().formatHex(bytes());
    long now = clock.instant().getEpochSecond();
    return db.atomically(
        () -> {
          List<String> keys = new ArrayList<>();
          for (SubscriberRecord s : subscribers.list()) {
            if (who.test(s)) {
              keys.add(subscribers.key(s.address()));
            }
          }
          int n = store.queue(run, keys, since, now);
          audit.record(
              AuditAction.BULLETIN_QUEUE,
              AuditDetail.of()
                  .add("run", run)
                  .add("trigger", trigger)
                  .add("since", since.toString())
                  .add("subscribers", n));
          return new Queued(run, n);
        });
  }

  private byte[] bytes() {
    byte[] b = new byte[8];
    rng.nextBytes(b);
    return b;
  }

  /** A sending queued and the pass that followed it. */
  public record Sent(Queued queued, Pass pass) {}

  /**
   * {@link #queue(LocalDate, String)} and at once {@link #deliverDue}, holding the lock passes
   * take: no other pass (the running node's) comes between, so the pass's failure, if any, is the
   * one this sending met.
   */
  public synchronized Sent queueAndDeliver(LocalDate since, String trigger, Duration budget) {
    Queued q = queue(since, trigger);
    return new Sent(q, deliverDue(budget));
  }

  /**
   * What one pass did.
   *
   * @param delivered accepted by the channel
   * @param givenUp dropped: the address was refused, or the bulletin was {@link #GIVE_UP} old
   * @param stillQueued queued after the pass, due or not
   * @param failure why the last attempt failed, or "" if none did
   */
  public record Pass(int delivered, int givenUp, int stillQueued, String failure) {}

  /**
   * Sends the deliveries due now, until none is due, one fails for a reason that is not the
   * recipient's (the server is down: every delivery due waits for the next attempt), or about
   * {@code budget} has passed. One pass at a time.
   */
  public synchronized Pass deliverDue(Duration budget) {
    long deadline = System.nanoTime() + budget.toNanos();
    Map<String, int[]> byRun = new LinkedHashMap<>(); // run -> delivered, given up, most warnings
    int delivered = 0;
    int givenUp = 0;
    String failure = "";
    passes:
    while (System.nanoTime() - deadline < 0) {
      long now = clock.instant().getEpochSecond();
      List<DeliveryRecord> due = store.due(now, BATCH);
      if (due.isEmpty()) {
        break;
      }
      for (DeliveryRecord d : due) {
        int[] counts = byRun.computeIfAbsent(d.run(), r -> new int[3]);
        var subscriber = subscribers.byKey(d.addressKey());
        if (subscriber.isEmpty()) {
          store.remove(d.id()); // unsubscribed meanwhile
          continue;
        }
        if (now - d.queuedAt() > GIVE_UP.toSeconds()) {
          store.remove(d.id());
          counts[1]++;
          givenUp++;
          continue;
        }
        BulletinMessages.Made made;
        try {
          made = messages.make(d.since(), subscriber.get());
        } catch (IllegalArgumentException e) {
          // Too many warnings in the period: trying again makes the same bulletin.
          store.remove(d.id());
          counts[1]++;
          givenUp++;
          failure = "the bulletin could not be made: " + e.getMessage();
          continue;
        }
        try {
          channel.send(subscriber.get().address(), made.message());
          store.remove(d.id());
          counts[0]++;
          counts[2] = Math.max(counts[2], made.warnings());
          delivered++;
        } catch (DeliveryException e) {
          failure = e.getMessage();
          if (e.permanent()) {
            store.remove(d.id());
            counts[1]++;
            givenUp++;
            continue;
          }
          long next = now + wait(d.attempts() + 1).toSeconds();
          store.postponeDue(now, next, e.getMessage());
          LOG.warning(
              () ->
                  channel.name()
                      + " delivery failed, "
                      + store.pending()
                      + " bulletins stay queued until "
                      + java.time.Instant.ofEpochSecond(next)
                      + ": "
                      + e.getMessage());
          break passes;
        }
        if (System.nanoTime() - deadline >= 0) {
          break passes;
        }
      }
    }
    record(byRun);
    return new Pass(delivered, givenUp, store.pending(), failure);
  }

  /** The wait before attempt {@code attempt} + 1: 1, 2, 4 ... minutes, at most an hour. */
  static Duration wait(int attempt) {
    int doublings = Math.min(Math.max(attempt - 1, 0), 6);
    Duration d = FIRST_WAIT.multipliedBy(1L << doublings);
    return d.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : d;
  }

  private void record(Map<String, int[]> byRun) {
    for (Map.Entry<String, int[]> e : byRun.entrySet()) {
      int[] c = e.getValue();
      if (c[0] == 0 && c[1] == 0) {
        continue;
      }
      audit.record(
          AuditAction.BULLETIN_DELIVERY,
          AuditDetail.of()
              .add("run", e.getKey())
              .add("channel", channel.name())
              .add("delivered", c[0])
              .add("given_up", c[1])
              .add("still_queued", store.pending(e.getKey()))
              .add("warnings", c[2]));
    }
  }

  /** How many deliveries are queued. */
  public int pending() {
    return store.pending();
  }

  /** The channel deliveries go through. */
  public Channel channel() {
    return channel;
  }
}
