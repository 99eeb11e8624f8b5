package org.bdx.node.sync;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;
import org.bdx.node.identity.NodeId;
import org.bdx.node.keys.KeyLog;
import org.bdx.node.keys.KeyLogException;
import org.bdx.node.store.PartnerKeyLogStore;
import org.bdx.proto.v1.FederationServiceGrpc;
import org.bdx.proto.v1.GetKeyLogRequest;
import org.bdx.proto.v1.GetKeyLogResponse;
import org.bdx.proto.v1.SignedKeyEvent;

/**
 * Partners' key logs as this node holds them (spec KEY-16): fetched from each partner over its
 * pinned connection, verified against its pinned node id, and kept only if they extend the log held
 * (KEY-8). The node keeps trusting only the pinned key: a log naming a newer key is shown as a
 * pending rotation, nothing more.
 */
public final class PartnerKeyLogs {
  private static final Logger LOG = Logger.getLogger(PartnerKeyLogs.class.getName());

  /** Deadline of one {@code GetKeyLog} call (FAPI-3). */
  static final long CALL_SECONDS = 10;

  /** What became of a log a partner served. */
  public enum Outcome {
    /** The first log held for the partner, or the held one with events added: stored. */
    EXTENDED,
    /** The held log, or a part of it from event 0: nothing to store. */
    UNCHANGED,
    /** Failed KEY-4 for the partner's node id (or was empty): not stored. */
    REFUSED,
    /**
     * Verified but does not extend the held log (KEY-8): the held one is kept, the fork counted.
     */
    FORK,
    /**
     * The partner does not serve key logs (UNIMPLEMENTED: an older version): nothing to retry until
     * it is upgraded; its key is checked as pinned, as before.
     */
    NOT_SERVED
  }

  /** What {@code bdx status} shows of a partner's log; no key bytes. */
  public record View(
      int length,
      ByteString latestKey,
      long keyValidFrom,
      boolean rotationPending,
      long forks,
      long forkLastSeenAt) {
    public static final View NONE = new View(0, ByteString.EMPTY, 0, false, 0, 0);
  }

  private final PartnerKeyLogStore store;
  private final Clock clock;
  private final Function<NodeId, String> labels;

  public PartnerKeyLogs(PartnerKeyLogStore store, Clock clock, Function<NodeId, String> labels) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.labels = Objects.requireNonNull(labels, "labels");
  }

  /**
   * Verifies {@code served}, the whole log {@code partner} served, and keeps it if it extends the
   * held one. Synchronized so that two fetches for one partner do not race on the held log.
   */
  public synchronized Outcome receive(NodeId partner, List<SignedKeyEvent> served) {
    Objects.requireNonNull(partner, "partner");
    Objects.requireNonNull(served, "served");
    KeyLog log;
    try {
      log = KeyLog.verify(partner, served);
    } catch (KeyLogException e) {
      LOG.warning(
          () ->
              "partner "
                  + labels.apply(partner)
                  + " served a key log that does not verify ("
                  + e.outcome()
                  + " at event "
                  + e.index()
                  + "); it was not stored");
      return Outcome.REFUSED;
    }
    List<SignedKeyEvent> heldEvents = store.load(partner);
    if (heldEvents.isEmpty()) {
      store.extend(partner, 0, log.events());
      return Outcome.EXTENDED;
    }
    KeyLog held;
    try {
      held = KeyLog.verify(partner, heldEvents);
    } catch (KeyLogException e) {
      // Only verified logs are stored: one that fails now was altered in the database.
      throw new IllegalStateException("the key log held for a partner no longer verifies", e);
    }
    if (held.isPrefixOf(log)) {
      if (log.size() == held.size()) {
        return Outcome.UNCHANGED;
      }
      store.extend(partner, held.size(), log.events().subList(held.size(), log.size()));
      return Outcome.EXTENDED;
    }
    if (log.isPrefixOf(held)) {
      return Outcome.UNCHANGED; // an older state of the same log
    }
    store.recordFork(partner, clock.instant().getEpochSecond());
    LOG.warning(
        () ->
            "FORK: partner "
                + labels.apply(partner)
                + " served a key log that verifies but does not extend the one held here (spec"
                + " KEY-8); the held log is kept. Compare fingerprints with the partner by phone.");
    return Outcome.FORK;
  }

  /**
   * Asks {@code partner} for its whole key log over {@code channel} (its pinned connection) and
   * {@link #receive}s it.
   *
   * @throws io.grpc.StatusRuntimeException if the call fails
   */
  public Outcome fetch(NodeId partner, Channel channel) {
    GetKeyLogResponse response;
    try {
      response =
          FederationServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS)
              .getKeyLog(GetKeyLogRequest.newBuilder().setFromSequence(0).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw e;
      }
      // Said once per partner, not at every connection: nothing changes until it is upgraded.
      if (notServed.add(partner)) {
        LOG.info(
            () ->
                "partner "
                    + labels.apply(partner)
                    + " does not serve key logs (an older version of bdx); its key is checked"
                    + " as pinned, as before");
      }
      return Outcome.NOT_SERVED;
    }
    notServed.remove(partner);
    return receive(partner, response.getEventsList());
  }

  /** Partners found not to serve key logs, so that it is logged once. */
  private final Set<NodeId> notServed = ConcurrentHashMap.newKeySet();

  /** The held log of {@code partner}, as {@code bdx status} shows it. */
  public View view(NodeId partner) {
    PartnerKeyLogStore.Forks forks = store.forks(partner);
    List<SignedKeyEvent> held = store.load(partner);
    if (held.isEmpty()) {
      return new View(0, ByteString.EMPTY, 0, false, forks.count(), forks.lastSeenAt());
    }
    KeyLog log;
    try {
      log = KeyLog.verify(partner, held);
    } catch (KeyLogException e) {
      return new View(0, ByteString.EMPTY, 0, false, forks.count(), forks.lastSeenAt());
    }
    // The pinned key is the one whose node id is the partner's (event 0's); a later key in the
    // log is a rotation this node has not acted on (KEY-16: not trusted here yet).
    boolean pending = !NodeId.fromPublicKey(log.latestKey()).equals(partner);
    return new View(
        log.size(),
        ByteString.copyFrom(log.latestKey()),
        log.lastValidFrom(),
        pending,
        forks.count(),
        forks.lastSeenAt());
  }
}
