package org.bdx.node.federation;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bdx.node.edge.ErrorMapping;
import org.bdx.node.error.BdxException;
import org.bdx.node.identity.NodeId;
import org.bdx.node.policy.Grant;
import org.bdx.node.policy.SharingGrants;
import org.bdx.node.sync.Outbox;
import org.bdx.proto.v1.FeedAck;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.FeedStatus;
import org.bdx.proto.v1.SubscribeRequest;
import org.bdx.proto.v1.SubscribeResponse;

/**
 * The server side of {@code FederationService.Subscribe}: streams a partner's {@link Outbox} to it,
 * first what it missed after its cursor, then live.
 *
 * <p>Per stream at most {@link Options#window} items are sent and not yet acknowledged, items are
 * sent only while the transport {@linkplain ServerCallStreamObserver#isReady is ready}, and rows
 * are read from the database in batches of {@link Options#batch}; a partner that never reads or
 * acknowledges costs at most a window of items. All sending happens on a per-stream serialized
 * "pump" running on virtual threads, never on gRPC threads. The grant is checked before every
 * batch, on every wake-up and at least every {@link Options#checkInterval}: a suspended or
 * terminated agreement ends the stream with {@code FAILED_PRECONDITION}. Call {@link
 * #agreementsChanged()} when an agreement changes state to make that immediate.
 *
 * <p>Every item with content is checked again just before it is sent ({@link Outbox#beforeSending},
 * spec FEED-5.10): one that the alert's current version and the partner's current grant no longer
 * admit is not sent, and what the partner may have of the current version is queued in its place.
 *
 * <p>One stream per partner: a new {@code start} from a partner ends its older stream ({@code
 * ABORTED}).
 *
 * <p>A partner that starts below the sequence it acknowledged lost what it stored (a restore from a
 * backup): its current alerts are queued for it again before the replay ({@link Outbox#resync},
 * spec FEED-13).
 *
 * <p>Wiring: the federation service's {@code subscribe(responses)} returns {@code
 * feed.subscribe(PeerIdentity.current(), responses)}.
 */
public final class FeedService implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(FeedService.class.getName());

  /**
   * @param window most items sent and not yet acknowledged, per stream
   * @param batch rows read from the database at once (at most the window)
   * @param checkInterval how often every stream re-checks its grant (and sends status)
   * @param statusInterval least time between two status messages while not caught up
   * @param startTimeout how long a stream may stay open without its {@code start} message
   */
  public record Options(
      int window,
      int batch,
      Duration checkInterval,
      Duration statusInterval,
      Duration startTimeout) {
    public Options {
      if (window < 1 || window > 10_000) {
        throw new IllegalArgumentException("window must be 1..10000");
      }
      if (batch < 1 || batch > Outbox.MAX_READ) {
        throw new IllegalArgumentException("batch must be 1.." + Outbox.MAX_READ);
      }
      Objects.requireNonNull(checkInterval, "checkInterval");
      Objects.requireNonNull(statusInterval, "statusInterval");
      Objects.requireNonNull(startTimeout, "startTimeout");
    }

    /**
     * Reads of 256 rows: with a million rows queued, one query per 64 rows cost about 11 us per
     * item against about 3 us per item for 1 000 (docs/benchmarks.md, catch-up); a read returns
     * only what is queued, so a live alert is not held back.
     *
     * <p>A window of 4 096: a receiver acknowledges a batch only once it is on disk, so the window
     * must cover its checks, its store, its sync and the acknowledgement's way back; with 1 024 the
     * sender stopped on a full window about a thousand times in a catch-up of 300 000, with 4 096
     * never (docs/benchmarks.md). What a stream holds is sequence numbers, not items, and the
     * transport sends only while the receiver reads, so a silent receiver still costs little.
     */
    public static Options defaults() {
      return new Options(
          4096, 256, Duration.ofMillis(250), Duration.ofSeconds(2), Duration.ofSeconds(30));
    }

    public Options withWindow(int w) {
      return new Options(w, Math.min(batch, w), checkInterval, statusInterval, startTimeout);
    }
  }

  private final Outbox outbox;
  private final SharingGrants grants;
  private final Options options;
  private final Function<NodeId, String> partnerLabels;
  private final ExecutorService pumps;
  private final ScheduledExecutorService ticker;
  private final ScheduledFuture<?> tick;
  private final Runnable unlisten;
  private final Map<NodeId, Stream> streams = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public FeedService(Outbox outbox, SharingGrants grants) {
    this(outbox, grants, Options.defaults());
  }

  /** A feed service that names partners in the log by fingerprint only. */
  public FeedService(Outbox outbox, SharingGrants grants, Options options) {
    this(outbox, grants, options, NodeId::fingerprint);
  }

  /**
   * @param partnerLabels how the log names a partner (its local name and fingerprint)
   */
  public FeedService(
      Outbox outbox,
      SharingGrants grants,
      Options options,
      Function<NodeId, String> partnerLabels) {
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.grants = Objects.requireNonNull(grants, "grants");
    this.options = Objects.requireNonNull(options, "options");
    this.partnerLabels = Objects.requireNonNull(partnerLabels, "partnerLabels");
    this.pumps =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("bdx-feed-", 0).factory());
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("bdx-feed-ticker").daemon().factory());
    long every = options.checkInterval().toMillis();
    this.tick =
        ticker.scheduleAtFixedRate(this::agreementsChanged, every, every, TimeUnit.MILLISECONDS);
    this.unlisten =
        outbox.addListener(
            partner -> {
              Stream s = streams.get(partner);
              if (s != null) {
                s.wake();
              }
            });
  }

  /**
   * Serves one Subscribe call from the authenticated partner {@code peer}.
   *
   * @param responses must be the call's {@link ServerCallStreamObserver} (what gRPC passes)
   * @return the observer of the partner's requests
   */
  public StreamObserver<SubscribeRequest> subscribe(
      NodeId peer, StreamObserver<SubscribeResponse> responses) {
    Objects.requireNonNull(peer, "peer");
    if (!(responses instanceof ServerCallStreamObserver<SubscribeResponse> out)) {
      throw new IllegalArgumentException("responses must be a ServerCallStreamObserver");
    }
    if (closed) {
      out.onError(ErrorMapping.toStatus(BdxException.unavailable("shutting down")));
      return Ignore.INSTANCE;
    }
    Optional<Grant> grant = grants.outbound(peer);
    if (grant.isEmpty()) {
      out.onError(ErrorMapping.toStatus(BdxException.denied("no active agreement")));
      return Ignore.INSTANCE;
    }
    Stream s = new Stream(peer, out, grant.get().agreementId());
    out.setOnCancelHandler(s::cancelled);
    out.setOnReadyHandler(s::wake);
    s.startTimer =
        ticker.schedule(
            () -> {
              if (!s.started) {
                s.fail(BdxException.invalid("first message must be start"));
              }
            },
            options.startTimeout().toMillis(),
            TimeUnit.MILLISECONDS);
    return s.requests;
  }

  /** Re-checks every stream's grant now (call after an agreement is suspended or terminated). */
  public void agreementsChanged() {
    for (Stream s : streams.values()) {
      s.check();
    }
  }

  /** Items sent to {@code peer} on its current stream and not yet acknowledged (0 if none). */
  public int inFlight(NodeId peer) {
    Stream s = streams.get(peer);
    return s == null ? 0 : s.inFlightCount;
  }

  /** Items read from the database for {@code peer}'s stream and not yet sent (0 if none). */
  public int buffered(NodeId peer) {
    Stream s = streams.get(peer);
    return s == null ? 0 : s.bufferedCount;
  }

  /** Whether {@code peer} has a started stream. */
  public boolean connected(NodeId peer) {
    return streams.containsKey(peer);
  }

  @Override
  public void close() {
    closed = true;
    tick.cancel(false);
    unlisten.run();
    for (Stream s : List.copyOf(streams.values())) {
      s.fail(BdxException.unavailable("shutting down"));
    }
    ticker.shutdownNow();
    pumps.shutdown();
    try {
      if (!pumps.awaitTermination(5, TimeUnit.SECONDS)) {
        pumps.shutdownNow();
      }
    } catch (InterruptedException e) {
      pumps.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** One Subscribe call. */
  private final class Stream {
    final NodeId peer;
    final ServerCallStreamObserver<SubscribeResponse> out;
    final String agreementId;
    final AtomicInteger wip = new AtomicInteger();
    final AtomicLong pendingAck = new AtomicLong();
    final AtomicLong highestSent = new AtomicLong();
    final AtomicReference<End> failure = new AtomicReference<>();

    /** Something may be sendable (new rows, an ack, transport ready); else only re-check. */
    final AtomicBoolean dirty = new AtomicBoolean(true);

    final StreamObserver<SubscribeRequest> requests = new Requests();
    volatile boolean started;
    volatile long startAfter;
    volatile boolean done;
    volatile int inFlightCount;
    volatile int bufferedCount;
    volatile ScheduledFuture<?> startTimer;

    // Pump-thread state.
    final ArrayDeque<Long> inFlight = new ArrayDeque<>();
    final ArrayDeque<FeedItem> buffer = new ArrayDeque<>();
    boolean initialized;
    long position;
    long acked;
    long lastBacklog = -1;
    boolean lastCaughtUp;
    long lastStatusNanos;

    Stream(NodeId peer, ServerCallStreamObserver<SubscribeResponse> out, String agreementId) {
      this.peer = peer;
      this.out = out;
      this.agreementId = agreementId;
    }

    /** Something may be sendable. */
    void wake() {
      dirty.set(true);
      check();
    }

    /** Re-check the grant (and send status if due) without re-reading the outbox. */
    void check() {
      if (done) {
        return;
      }
      if (wip.getAndIncrement() == 0) {
        try {
          pumps.execute(this::drain);
        } catch (RuntimeException e) { // executor shut down
          wip.set(0);
        }
      }
    }

    void fail(BdxException why) {
      end(End.of(why));
    }

    void end(End end) {
      failure.compareAndSet(null, end);
      wake();
    }

    void cancelled() {
      done = true;
      streams.remove(peer, this);
      cancelTimer();
    }

    private void drain() {
      int missed = 1;
      do {
        try {
          pump();
        } catch (RuntimeException e) {
          // Type and place only: an exception message could carry alert content.
          LOG.log(
              Level.WARNING,
              "feed to partner {0} failed: {1} at {2}",
              new Object[] {partnerLabels.apply(peer), e.getClass().getName(), firstFrame(e)});
          finish(End.FAILED);
        }
        missed = wip.addAndGet(-missed);
      } while (missed != 0);
    }

    private void pump() {
      if (done) {
        return;
      }
      End f = failure.get();
      if (f != null) {
        finish(f);
        return;
      }
      if (!started) {
        return;
      }
      if (!grantActive()) {
        finish(End.of(BdxException.failedPrecondition("agreement is not active")));
        return;
      }
      if (!initialized) {
        initialized = true;
        position = startAfter;
        resyncIfBehind();
      }
      long ack = pendingAck.get();
      if (ack > acked) {
        outbox.acked(peer, ack);
        acked = ack;
        while (!inFlight.isEmpty() && inFlight.peekFirst() <= ack) {
          inFlight.pollFirst();
        }
      }
      if (!dirty.getAndSet(false) && lastCaughtUp) {
        return; // periodic check of an idle, caught-up stream: the grant was all to check
      }
      boolean exhausted = false;
      boolean firstBatch = true;
      while (!done && out.isReady() && inFlight.size() < options.window()) {
        if (buffer.isEmpty()) {
          if (!firstBatch && !grantActive()) {
            finish(End.of(BdxException.failedPrecondition("agreement is not active")));
            return;
          }
          firstBatch = false;
          int want = Math.min(options.batch(), options.window() - inFlight.size());
          List<FeedItem> rows = outbox.read(peer, position, want);
          if (rows.isEmpty()) {
            exhausted = true;
            break;
          }
          buffer.addAll(rows);
        }
        FeedItem item = buffer.pollFirst();
        position = item.getSequence();
        if (!item.getAgreementId().equals(agreementId)) {
          continue; // queued under an earlier agreement: its terms no longer apply
        }
        Optional<Grant> grant = grants.outbound(peer);
        if (grant.isEmpty() || !grant.get().agreementId().equals(agreementId)) {
          finish(End.of(BdxException.failedPrecondition("agreement is not active")));
          return;
        }
        if (outbox.beforeSending(grant.get(), item).isEmpty()) {
          continue; // no longer allowed (FEED-5.10): withheld, and its replacement queued
        }
        highestSent.set(item.getSequence());
        inFlight.addLast(item.getSequence());
        out.onNext(SubscribeResponse.newBuilder().setItem(item).build());
      }
      inFlightCount = inFlight.size();
      bufferedCount = buffer.size();
      if (done || !out.isReady()) {
        return;
      }
      long now = System.nanoTime();
      if (exhausted) {
        if (!lastCaughtUp) {
          sendStatus(0, true, now);
        }
      } else if (lastCaughtUp
          || now - lastStatusNanos >= options.statusInterval().toNanos()
          || lastBacklog < 0) {
        long backlog = buffer.size() + outbox.countAfter(peer, position);
        if (backlog == 0) {
          if (!lastCaughtUp) {
            sendStatus(0, true, now);
          }
        } else if (backlog != lastBacklog || lastCaughtUp) {
          sendStatus(backlog, false, now);
        } else {
          lastStatusNanos = now;
        }
      }
    }

    /**
     * A partner that starts below what it acknowledged has lost what it stored (it was restored
     * from a backup, spec FEED-13), and the rows it acknowledged are deleted: queue its current
     * alerts again, before the replay, so it gets back every one.
     */
    private void resyncIfBehind() {
      long acknowledged = outbox.ackedThrough(peer);
      if (startAfter >= acknowledged) {
        return;
      }
      Optional<Grant> g = grants.outbound(peer);
      if (g.isPresent() && g.get().agreementId().equals(agreementId)) {
        int n = outbox.resync(g.get());
        LOG.info(
            () ->
                "partner "
                    + partnerLabels.apply(peer)
                    + " started its feed at "
                    + startAfter
                    + ", below the "
                    + acknowledged
                    + " it had acknowledged (it lost what it stored, or reads this node's feed again"
                    + " after a key revocation, spec KEY-19.5); queued "
                    + n
                    + " current alerts for it again");
      }
    }

    private void sendStatus(long backlog, boolean caughtUp, long now) {
      out.onNext(
          SubscribeResponse.newBuilder()
              .setStatus(FeedStatus.newBuilder().setBacklog(backlog).setCaughtUp(caughtUp))
              .build());
      lastBacklog = backlog;
      lastCaughtUp = caughtUp;
      lastStatusNanos = now;
    }

    private boolean grantActive() {
      Optional<Grant> g = grants.outbound(peer);
      return g.isPresent() && g.get().agreementId().equals(agreementId);
    }

    private void finish(End end) {
      if (done) {
        return;
      }
      done = true;
      streams.remove(peer, this);
      cancelTimer();
      buffer.clear();
      inFlightCount = 0;
      bufferedCount = 0;
      try {
        if (end.error() == null) {
          out.onCompleted();
        } else {
          out.onError(end.error());
        }
      } catch (RuntimeException e) {
        // The call is already closed or cancelled.
      }
    }

    private void cancelTimer() {
      ScheduledFuture<?> t = startTimer;
      if (t != null) {
        t.cancel(false);
      }
    }

    private final class Requests implements StreamObserver<SubscribeRequest> {
      @Override
      public void onNext(SubscribeRequest request) {
        if (done) {
          return;
        }
        switch (request.getKindCase()) {
          case START -> {
            if (started) {
              fail(BdxException.invalid("start sent twice"));
              return;
            }
            long after = request.getStart().getAfterSequence();
            if (after < 0) { // uint64 above 2^63-1
              fail(BdxException.invalid("after_sequence out of range"));
              return;
            }
            startAfter = after;
            started = true;
            cancelTimer();
            Stream older = streams.put(peer, Stream.this);
            if (older != null && older != Stream.this) {
              older.fail(BdxException.aborted("superseded by a newer stream"));
            }
            wake();
          }
          case ACK -> {
            if (!started) {
              fail(BdxException.invalid("first message must be start"));
              return;
            }
            FeedAck ack = request.getAck();
            long through = ack.getThroughSequence();
            if (through < 0 || through > highestSent.get()) {
              fail(BdxException.invalid("ack beyond the last item sent"));
              return;
            }
            pendingAck.accumulateAndGet(through, Math::max);
            wake();
          }
          default ->
              fail(
                  BdxException.invalid(
                      started
                          ? "request has neither start nor ack"
                          : "first message must be start"));
        }
      }

      @Override
      public void onError(Throwable t) {
        cancelled();
      }

      @Override
      public void onCompleted() {
        end(End.COMPLETED);
      }
    }
  }

  /**
   * How a stream ends: completed, or with the status of an outcome ({@link ErrorMapping}), or
   * INTERNAL when the feed itself failed (the log has the type, the partner learns nothing more).
   */
  private record End(StatusRuntimeException error) {
    static final End COMPLETED = new End(null);
    static final End FAILED =
        new End(Status.INTERNAL.withDescription("feed failed").asRuntimeException());

    static End of(BdxException why) {
      return new End(ErrorMapping.toStatus(why));
    }
  }

  private enum Ignore implements StreamObserver<SubscribeRequest> {
    INSTANCE;

    @Override
    public void onNext(SubscribeRequest value) {}

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }

  private static Object firstFrame(Throwable t) {
    StackTraceElement[] st = t.getStackTrace();
    return st.length > 0 ? st[0] : "?";
  }
}
