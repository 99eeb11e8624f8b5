package org.bdx.node.sync;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;
import org.bdx.node.identity.NodeId;
import org.bdx.node.keys.HeldLogKeys;
import org.bdx.node.keys.KeyLog;
import org.bdx.node.keys.KeyLogException;
import org.bdx.node.signing.SigningKeys;
import org.bdx.node.store.PartnerKeyLogStore;
import org.bdx.node.tls.PeerKeys;
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
public final class PartnerKeyLogs implements SigningKeys, PeerKeys {
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
      long forkLastSeenAt,
      long compromisedSince) {
    public static final View NONE = new View(0, ByteString.EMPTY, 0, false, 0, 0, 0);
  }

  private final PartnerKeyLogStore store;
  private final Clock clock;
  private final Function<NodeId, String> labels;

  /**
   * Verified logs by node id, read from the store once: items, agreements and connections are
   * checked against them (KEY-18) and must not cost a database read and a log verification each. An
   * empty Optional means none is held. Changed only under this object's lock.
   */
  private final Map<NodeId, Optional<KeyLog>> held = new ConcurrentHashMap<>();

  /** This node's own log: its own items and agreements are checked with it too. */
  private volatile KeyLog own;

  /** KEY-18 over the logs held here. */
  private final HeldLogKeys rules = new HeldLogKeys(this::held);

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
    return receive(partner, log);
  }

  /** As {@link #receive(NodeId, List)} with a log already verified for {@code partner}. */
  private synchronized Outcome receive(NodeId partner, KeyLog log) {
    List<SignedKeyEvent> heldEvents = store.load(partner);
    if (heldEvents.isEmpty()) {
      store.extend(partner, 0, log.events());
      held.put(partner, Optional.of(log));
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
      store.extend(
          partner,
          held.size(),
          log.events().subList(held.size(), log.size()),
          log.lastCompromisedSince(held.size()).isPresent());
      this.held.put(partner, Optional.of(log));
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

  /** Sets this node's own verified log (at start, and after its own rotation). */
  public void own(KeyLog log) {
    this.own = Objects.requireNonNull(log, "log");
  }

  /** The verified log held for {@code node} (this node's own included), or null. */
  public KeyLog held(NodeId node) {
    KeyLog mine = own;
    if (mine != null && mine.nodeId().equals(node)) {
      return mine;
    }
    Optional<KeyLog> cached = held.get(node);
    if (cached == null) {
      synchronized (this) {
        cached = held.computeIfAbsent(node, this::load);
      }
    }
    return cached.orElse(null);
  }

  private Optional<KeyLog> load(NodeId node) {
    List<SignedKeyEvent> events = store.load(node);
    if (events.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(KeyLog.verify(node, events));
    } catch (KeyLogException e) {
      // Only verified logs are stored: one that fails now was altered in the database.
      throw new IllegalStateException("the key log held for a partner no longer verifies", e);
    }
  }

  /** Forgets what is cached of {@code node}'s log (after the store dropped it: partner removed). */
  public synchronized void forget(NodeId node) {
    held.remove(node);
  }

  @Override
  public boolean isKeyOf(NodeId node, byte[] key) {
    return rules.isKeyOf(node, key);
  }

  @Override
  public boolean signsNew(NodeId node, byte[] key, long issuedAt) {
    return rules.signsNew(node, key, issuedAt);
  }

  @Override
  public boolean isRevoked(NodeId node, byte[] key) {
    return rules.isRevoked(node, key);
  }

  @Override
  public OptionalLong compromisedSince(NodeId node, byte[] key) {
    return rules.compromisedSince(node, key);
  }

  @Override
  public byte[] currentKey(NodeId node) {
    return rules.currentKey(node);
  }

  /** Presented logs verified lately, by their events: a rotated partner presents one per call. */
  private final Map<List<SignedKeyEvent>, Identified> presentedSeen = new ConcurrentHashMap<>();

  private static final int PRESENTED_SEEN_MAX = 64;

  @Override
  public Identified identify(byte[] key, List<SignedKeyEvent> presented)
      throws CertificateException {
    Identified peer = presented.isEmpty() ? null : presentedSeen.get(presented);
    if (peer == null || !MessageDigest.isEqual(peer.presented().latestKey(), key)) {
      peer = PeerKeys.presented(key, presented);
      if (peer.presented() != null) {
        if (presentedSeen.size() >= PRESENTED_SEEN_MAX) {
          presentedSeen.clear();
        }
        presentedSeen.put(List.copyOf(presented), peer);
      }
    }
    KeyLog log = held(peer.node());
    if (log == null) {
      return peer;
    }
    KeyLog shown = peer.presented();
    if (shown != null) {
      if (log.isPrefixOf(shown)) {
        log = shown;
      } else if (!shown.isPrefixOf(log)) {
        NodeId node = peer.node();
        LOG.warning(
            () ->
                "FORK: node "
                    + labels.apply(node)
                    + " presented a key log that verifies but does not extend the one held here"
                    + " (spec KEY-8); its connection was refused. Compare fingerprints by phone.");
        throw new CertificateException(
            "node "
                + node.fingerprint()
                + " presented a key log that forks from the one held here");
      }
    }
    // The key in force now, or the newest one if the peer already uses it (KEY-19.4).
    boolean current =
        MessageDigest.isEqual(log.latestKey(), key)
            || (MessageDigest.isEqual(log.keyAt(clock.instant().getEpochSecond()), key)
                && log.revokedSince(key).isEmpty());
    if (!current) {
      boolean revoked = log.revokedSince(key).isPresent();
      NodeId node = peer.node();
      if (revoked && refusedRevoked.add(node)) {
        // Someone holds a key the node reported stolen: say so once, not at every retry.
        LOG.warning(
            () ->
                "node "
                    + labels.apply(node)
                    + " was reached with a key it revoked as compromised (spec KEY-20): the"
                    + " connection was refused. Whoever took its key may be posing as it.");
      }
      throw new CertificateException(
          "node "
              + peer.node().fingerprint()
              + " presented a key it "
              + (revoked ? "revoked as compromised" : "has replaced")
              + " (spec KEY-19)");
    }
    return peer;
  }

  @Override
  public void accepted(Identified peer) {
    KeyLog shown = peer.presented();
    KeyLog log = held(peer.node());
    if (shown != null && (log == null || shown.size() > log.size())) {
      if (receive(peer.node(), shown) == Outcome.EXTENDED) {
        LOG.info(
            () ->
                "node "
                    + labels.apply(peer.node())
                    + " now signs with a new key, proven by its key log (spec KEY-19); it is"
                    + " trusted from now on, and its former key no longer");
      }
    }
  }

  /** Nodes whose revoked key was refused, so that it is logged once per node. */
  private final Set<NodeId> refusedRevoked = ConcurrentHashMap.newKeySet();

  /** Partners found not to serve key logs, so that it is logged once. */
  private final Set<NodeId> notServed = ConcurrentHashMap.newKeySet();

  /** The held log of {@code partner}, as {@code bdx status} shows it. */
  public View view(NodeId partner) {
    PartnerKeyLogStore.Forks forks = store.forks(partner);
    List<SignedKeyEvent> held = store.load(partner);
    if (held.isEmpty()) {
      return new View(0, ByteString.EMPTY, 0, false, forks.count(), forks.lastSeenAt(), 0);
    }
    KeyLog log;
    try {
      log = KeyLog.verify(partner, held);
    } catch (KeyLogException e) {
      return new View(0, ByteString.EMPTY, 0, false, forks.count(), forks.lastSeenAt(), 0);
    }
    // The partner's newest key is trusted from its valid_from (KEY-6); announced for later, it
    // is a rotation still to come.
    boolean pending = log.lastValidFrom() > clock.instant().getEpochSecond();
    return new View(
        log.size(),
        ByteString.copyFrom(log.latestKey()),
        log.lastValidFrom(),
        pending,
        forks.count(),
        forks.lastSeenAt(),
        log.lastCompromisedSince(0).orElse(0));
  }
}
