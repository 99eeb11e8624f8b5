package org.bdx.node.sync;

import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.bdx.node.identity.NodeId;
import org.bdx.node.logging.RepeatedFailures;
import org.bdx.node.tls.PartnerChannels;
import org.bdx.proto.v1.FederationServiceGrpc;
import org.bdx.proto.v1.FeedAck;
import org.bdx.proto.v1.SubscribeRequest;
import org.bdx.proto.v1.SubscribeResponse;
import org.bdx.proto.v1.SubscribeStart;

/**
 * Reads one partner's feed into this node: opens {@code Subscribe} from the stored cursor, stores
 * items in batches through the {@link FeedReceiver}, acknowledges what is stored once it is on
 * disk, and reconnects with exponential backoff and jitter on any failure.
 *
 * <p>Durability: a batch is committed without waiting for the disk ({@link
 * FeedReceiver#storeUnsynced}) and a second thread forces the commits to disk ({@link
 * FeedReceiver#sync}); the acknowledgement follows the sync, never the commit alone. So the writer
 * does not stand idle during each sync, and a power cut can only undo batches the partner was never
 * told about: it sends them again from the cursor, which was undone with them.
 *
 * <p>Two stages overlap: each item is checked ({@link FeedReceiver#check}: signature, digests,
 * policy; the costly part) as gRPC delivers it, on gRPC's callback thread, while this client's own
 * thread stores the items checked before ({@link FeedReceiver#storeUnsynced}), so verification and
 * storage use two cores during a catch-up.
 *
 * <p>Flow control: the client asks gRPC for {@link Options#credits} messages up front and for one
 * more per message it has stored, so a slow disk never lets responses pile up in memory: at most
 * {@code credits} items are between the transport and the database.
 *
 * <p>One thread (virtual) per client connects, stores, acknowledges and backs off; one more per
 * session syncs.
 */
public final class FeedClient implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(FeedClient.class.getName());

  /**
   * @param batch most items stored in one transaction
   * @param credits messages requested from the transport ahead of processing
   * @param initialBackoff first reconnect delay (before jitter)
   * @param maxBackoff cap of the reconnect delay
   * @param healthyAfter a stream that stayed up this long (or caught up) resets the backoff
   */
  public record Options(
      int batch, int credits, Duration initialBackoff, Duration maxBackoff, Duration healthyAfter) {
    public Options {
      if (batch < 1 || batch > FeedReceiver.MAX_BATCH) {
        throw new IllegalArgumentException("batch must be 1.." + FeedReceiver.MAX_BATCH);
      }
      if (credits < 1 || credits > 4096) {
        throw new IllegalArgumentException("credits must be 1..4096");
      }
      Objects.requireNonNull(initialBackoff, "initialBackoff");
      Objects.requireNonNull(maxBackoff, "maxBackoff");
      Objects.requireNonNull(healthyAfter, "healthyAfter");
    }

    /**
     * Batches of at most 512 so that, within the reference sender's window (spec FEED-5.5), the
     * next batch is being checked while one is stored; larger transactions also write each touched
     * index page once for more items (catch-up of 100 000: 3 900/s with 128 per batch and a window
     * of 256, 4 550/s with 512 and 1024; docs/benchmarks.md).
     */
    public static Options defaults() {
      return new Options(
          512, 1024, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(10));
    }
  }

  /**
   * Longest wait for a fuller batch while catching up ({@link #fill}): batches in a catch-up of 300
   * 000 grew from 44 to 167 items on average and the store's time per item fell from 150 to 118 us
   * (docs/benchmarks.md).
   */
  static final Duration FILL_WAIT = Duration.ofMillis(20);

  private final NodeId partner;
  private final String endpoint;
  private final PartnerChannels channels;
  private final FeedReceiver receiver;
  private final Options options;
  private final Runnable sync;
  private final RefusedMessages refused;
  private final Thread worker;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile boolean connected;
  private volatile long offlineSince;
  private volatile String lastError = "";
  private volatile ManagedChannel channel;
  private final Supplier<String> label;
  private final RepeatedFailures failures;
  private final PartnerKeyLogs keyLogs;
  private volatile Thread keyLogFetch;

  public FeedClient(
      NodeId partner, String endpoint, PartnerChannels channels, FeedReceiver receiver) {
    this(partner, endpoint, channels, receiver, Options.defaults());
  }

  /** Starts reading at once. */
  public FeedClient(
      NodeId partner,
      String endpoint,
      PartnerChannels channels,
      FeedReceiver receiver,
      Options options) {
    this(partner, endpoint, channels, receiver, options, new RefusedMessages(partner::equals));
  }

  /**
   * Starts reading at once, counting in {@code refused} the partner's messages that end the feed
   * call because they do not decode or are over the size limit (spec HOST-5).
   */
  public FeedClient(
      NodeId partner,
      String endpoint,
      PartnerChannels channels,
      FeedReceiver receiver,
      Options options,
      RefusedMessages refused) {
    this(partner, endpoint, channels, receiver, options, refused, partner::fingerprint);
  }

  /**
   * As above, naming the partner in the node's log by {@code label} (its local name and
   * fingerprint, asked for each line), where failures are logged once and then summarised (a
   * partner that is down is retried about once a second).
   */
  public FeedClient(
      NodeId partner,
      String endpoint,
      PartnerChannels channels,
      FeedReceiver receiver,
      Options options,
      RefusedMessages refused,
      Supplier<String> label) {
    this(partner, endpoint, channels, receiver, options, refused, receiver::sync, label, null);
  }

  /**
   * As above, fetching the partner's key log into {@code keyLogs} at each new connection (spec
   * KEY-16), retrying a failed fetch a few times with the feed's backoff.
   */
  public FeedClient(
      NodeId partner,
      String endpoint,
      PartnerChannels channels,
      FeedReceiver receiver,
      Options options,
      RefusedMessages refused,
      Supplier<String> label,
      PartnerKeyLogs keyLogs) {
    this(
        partner,
        endpoint,
        channels,
        receiver,
        options,
        refused,
        receiver::sync,
        label,
        Objects.requireNonNull(keyLogs, "keyLogs"));
  }

  /** As above, with the step that forces stored batches to disk replaced (tests). */
  FeedClient(
      NodeId partner,
      String endpoint,
      PartnerChannels channels,
      FeedReceiver receiver,
      Options options,
      RefusedMessages refused,
      Runnable sync) {
    this(partner, endpoint, channels, receiver, options, refused, sync, partner::fingerprint, null);
  }

  private FeedClient(
      NodeId partner,
      String endpoint,
      PartnerChannels channels,
      FeedReceiver receiver,
      Options options,
      RefusedMessages refused,
      Runnable sync,
      Supplier<String> label,
      PartnerKeyLogs keyLogs) {
    this.keyLogs = keyLogs;
    this.label = Objects.requireNonNull(label, "label");
    this.failures = new RepeatedFailures(LOG, () -> "feed from partner " + label.get());
    this.sync = Objects.requireNonNull(sync, "sync");
    this.refused = Objects.requireNonNull(refused, "refused");
    this.partner = Objects.requireNonNull(partner, "partner");
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.channels = Objects.requireNonNull(channels, "channels");
    this.receiver = Objects.requireNonNull(receiver, "receiver");
    this.options = Objects.requireNonNull(options, "options");
    this.worker =
        Thread.ofVirtual().name("bdx-feed-client-" + partner.fingerprint()).start(this::run);
  }

  public NodeId partner() {
    return partner;
  }

  public String endpoint() {
    return endpoint;
  }

  /** Whether a stream to the partner is open and has delivered at least one message. */
  public boolean connected() {
    return connected;
  }

  /** Whether the feed is connected, since when it is not, and why it last failed. */
  public FeedHealth health() {
    boolean c = connected;
    return new FeedHealth(c, c ? 0 : offlineSince, c ? "" : lastError);
  }

  /** Remembers why for {@code bdx status} and logs it (once, then summarised). */
  private void failed(String why) {
    if (closed) {
      return; // stopped here, not a failure
    }
    failures.failed(why);
    lastError = why;
  }

  /** The session ended: remember when, if it had been connected. */
  private void disconnected() {
    if (connected) {
      connected = false;
      offlineSince = System.currentTimeMillis() / 1000;
    }
  }

  /** Stops reading: cancels the stream, waits briefly for the worker, closes the channel. */
  @Override
  public void close() {
    closed = true;
    worker.interrupt();
    Thread fetch = keyLogFetch;
    if (fetch != null) {
      fetch.interrupt();
    }
    try {
      if (!stopped.await(5, TimeUnit.SECONDS)) {
        LOG.warning("feed from partner " + label.get() + ": the client did not stop in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ManagedChannel ch = channel;
    if (ch != null) {
      ch.shutdownNow();
    }
  }

  private void run() {
    int attempt = 0;
    try {
      while (!closed) {
        boolean healthy = false;
        try {
          if (channel == null) {
            channel = channels.open(partner, endpoint);
          }
          healthy = session(channel);
        } catch (InterruptedException e) {
          break;
        } catch (RuntimeException e) {
          failed(FeedHealth.words(e));
        } finally {
          disconnected();
        }
        if (closed) {
          break;
        }
        attempt = healthy ? 0 : attempt + 1;
        try {
          Thread.sleep(backoff(attempt).toMillis());
        } catch (InterruptedException e) {
          break;
        }
      }
    } finally {
      disconnected();
      stopped.countDown();
    }
  }

  /** Most attempts to fetch the partner's key log per connection (spec KEY-16). */
  static final int KEY_LOG_ATTEMPTS = 4;

  /**
   * Fetches the partner's key log on a thread of its own, so the feed is not held up; a failure is
   * retried with the feed's backoff, at most {@link #KEY_LOG_ATTEMPTS} times, and again at the next
   * connection. One fetch at a time.
   */
  private void fetchKeyLog(ManagedChannel ch) {
    Thread running = keyLogFetch;
    if (keyLogs == null || closed || (running != null && running.isAlive())) {
      return;
    }
    keyLogFetch =
        Thread.ofVirtual()
            .name("bdx-key-log-fetch-" + partner.fingerprint())
            .start(
                () -> {
                  for (int attempt = 1; attempt <= KEY_LOG_ATTEMPTS && !closed; attempt++) {
                    try {
                      keyLogs.fetch(partner, ch);
                      return;
                    } catch (RuntimeException e) {
                      if (closed) {
                        return;
                      }
                      String why = FeedHealth.words(e);
                      int n = attempt;
                      LOG.info(
                          () ->
                              "could not fetch the key log of partner "
                                  + label.get()
                                  + " (attempt "
                                  + n
                                  + " of "
                                  + KEY_LOG_ATTEMPTS
                                  + "): "
                                  + why);
                    }
                    try {
                      Thread.sleep(backoff(attempt).toMillis());
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
  }

  /** Delay before the next attempt: base * 2^(attempt-1), capped, with "equal jitter". */
  Duration backoff(int attempt) {
    long base = options.initialBackoff().toMillis();
    long cap = options.maxBackoff().toMillis();
    long d = base;
    for (int i = 1; i < attempt && d < cap; i++) {
      d *= 2;
    }
    d = Math.min(d, cap);
    long half = d / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
  }

  private static final Object COMPLETED = new Object();

  private record Failed(Throwable error) {}

  /** {@link FeedReceiver#check} failed on gRPC's thread; rethrown on the client's. */
  private record CheckFailed(RuntimeException error) {}

  /** Everything stored through {@code through} is on disk and may be acknowledged. */
  private record Durable(long through) {}

  /**
   * Forces stored batches to disk off the client's thread ({@link FeedReceiver#sync}) and reports
   * each sync as a {@link Durable} event; batches committed while one sync runs share the next. A
   * sync that fails ends the session (as {@link Failed}), with nothing acknowledged for it.
   */
  private final class Syncer implements AutoCloseable {
    private final BlockingQueue<Long> committed = new LinkedBlockingQueue<>();
    private final Thread thread;

    Syncer(BlockingQueue<Object> events) {
      thread =
          Thread.ofVirtual()
              .name("bdx-feed-sync-" + partner.fingerprint())
              .start(
                  () -> {
                    try {
                      while (true) {
                        long through = committed.take();
                        for (Long more; (more = committed.poll()) != null; ) {
                          through = Math.max(through, more);
                        }
                        sync.run();
                        events.add(new Durable(through));
                      }
                    } catch (InterruptedException e) {
                      // session over
                    } catch (RuntimeException e) {
                      events.add(new Failed(e));
                    }
                  });
    }

    void committed(long through) {
      committed.add(through);
    }

    @Override
    public void close() {
      thread.interrupt();
    }
  }

  /**
   * One Subscribe call, until it ends. Returns whether it was healthy.
   *
   * @throws InterruptedException when closed
   */
  private boolean session(ManagedChannel ch) throws InterruptedException {
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    @SuppressWarnings("unchecked")
    ClientCallStreamObserver<SubscribeRequest>[] call = new ClientCallStreamObserver[1];
    ClientResponseObserver<SubscribeRequest, SubscribeResponse> observer =
        new ClientResponseObserver<>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<SubscribeRequest> requests) {
            call[0] = requests;
            requests.disableAutoRequestWithInitial(options.credits());
          }

          @Override
          public void onNext(SubscribeResponse value) {
            if (!value.hasItem()) {
              events.add(value);
              return;
            }
            // Runs on gRPC's callback thread, one message at a time per call: the check of this
            // item overlaps the store of earlier ones on the client's thread.
            try {
              events.add(receiver.check(partner, value.getItem()));
            } catch (RuntimeException e) {
              events.add(new CheckFailed(e));
            }
          }

          @Override
          public void onError(Throwable t) {
            events.add(new Failed(t));
          }

          @Override
          public void onCompleted() {
            events.add(COMPLETED);
          }
        };
    FederationServiceGrpc.newStub(ch).subscribe(observer);
    ClientCallStreamObserver<SubscribeRequest> requests = call[0];
    long openedAt = System.nanoTime();
    boolean delivered = false;
    boolean caughtUp = false;
    boolean behind = false; // the sender's latest status said items are waiting
    long acked = 0;
    try (Syncer syncer = new Syncer(events)) {
      requests.onNext(
          SubscribeRequest.newBuilder()
              .setStart(SubscribeStart.newBuilder().setAfterSequence(receiver.cursor(partner)))
              .build());
      List<Object> drained = new ArrayList<>();
      List<FeedChecks.Checked> items = new ArrayList<>();
      while (true) {
        drained.clear();
        drained.add(events.take());
        events.drainTo(drained, options.batch() - 1);
        if (behind) {
          fill(events, drained);
        }
        items.clear();
        Object end = null;
        long backlog = -1;
        int messages = 0;
        long durable = acked;
        for (Object e : drained) {
          if (e instanceof FeedChecks.Checked c) {
            messages++;
            items.add(c);
          } else if (e instanceof Durable d) {
            durable = Math.max(durable, d.through());
          } else if (e instanceof SubscribeResponse r) {
            messages++;
            if (r.hasStatus()) {
              backlog = r.getStatus().getBacklog();
              caughtUp |= r.getStatus().getCaughtUp();
              behind = !r.getStatus().getCaughtUp() && backlog > 0;
            }
          } else if (e instanceof CheckFailed f) {
            throw f.error();
          } else {
            end = e;
          }
        }
        if (messages > 0 && !delivered) {
          delivered = true;
          connected = true;
          lastError = "";
          failures.recovered("connected again");
          fetchKeyLog(ch);
        }
        if (!items.isEmpty()) {
          // Committed without waiting for the disk; acknowledged once the syncer has forced it
          // there (a Durable event), so the disk's work overlaps the next batch's.
          FeedReceiver.Result stored = receiver.storeUnsynced(partner, items);
          syncer.committed(stored.cursor());
          if (stored.waiting()) {
            // The partner sends under amended terms not yet in force here (spec AGR-12.8): read
            // the rest again later, after the amendment is accepted here; reject nothing.
            requests.cancel("waiting for an amendment to be accepted here", null);
            failed(
                "the partner already sends under amended terms that this node has not accepted"
                    + " yet; accept the pending amendment here (bdx agreement list)");
            return false;
          }
        }
        if (durable > acked) {
          acked = durable;
          requests.onNext(
              SubscribeRequest.newBuilder()
                  .setAck(FeedAck.newBuilder().setThroughSequence(durable))
                  .build());
        }
        if (backlog >= 0) {
          receiver.recordWaiting(partner, backlog);
        }
        if (end != null) {
          if (end instanceof Failed f) {
            if (RefusedMessages.countsAsRefused(f.error())) {
              refused.record(partner);
            }
            failed(FeedHealth.words(f.error()));
          }
          return healthy(delivered, caughtUp, openedAt);
        }
        if (messages > 0) {
          requests.request(messages);
        }
      }
    } catch (InterruptedException | RuntimeException e) {
      requests.cancel("feed client stopped or failed", null);
      if (e instanceof InterruptedException ie) {
        throw ie;
      }
      if (FeedReceiver.isNoAgreement((RuntimeException) e)) {
        failed("the partner's node has no active agreement with this node");
        return false;
      }
      throw (RuntimeException) e;
    }
  }

  /**
   * While the partner is sending a backlog, waits up to {@link #FILL_WAIT} for a full batch: the
   * checks on gRPC's thread fill the queue meanwhile, and each transaction pays its fixed costs (a
   * full-text segment, the cursor, log pages of index pages the items share) for more items. Stops
   * early at a full batch or at an event that is not an item (an acknowledgement to send, the end).
   * A live feed (caught up) is never held back.
   */
  private void fill(BlockingQueue<Object> events, List<Object> drained)
      throws InterruptedException {
    long deadline = System.nanoTime() + FILL_WAIT.toNanos();
    while (drained.size() < options.batch()
        && drained.get(drained.size() - 1) instanceof FeedChecks.Checked) {
      long left = deadline - System.nanoTime();
      Object e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
      if (e == null) {
        return;
      }
      drained.add(e);
      events.drainTo(drained, options.batch() - drained.size());
    }
  }

  private boolean healthy(boolean delivered, boolean caughtUp, long openedAt) {
    return delivered
        && (caughtUp || System.nanoTime() - openedAt >= options.healthyAfter().toNanos());
  }
}
