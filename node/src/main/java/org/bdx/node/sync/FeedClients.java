package org.bdx.node.sync;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.bdx.node.identity.NodeId;
import org.bdx.node.policy.Grant;
import org.bdx.node.policy.SharingGrants;
import org.bdx.node.tls.PartnerChannels;

/**
 * Runs one {@link FeedClient} per partner with an active inbound grant and a known endpoint. Call
 * {@link #refresh()} at start and whenever an agreement or a partner's endpoint changes.
 */
public final class FeedClients implements AutoCloseable {
  private final SharingGrants grants;
  private final Function<NodeId, Optional<String>> endpointOf;
  private final Supplier<? extends Collection<NodeId>> candidates;
  private final PartnerChannels channels;
  private final FeedReceiver receiver;
  private final FeedClient.Options options;
  private final RefusedMessages refused;
  private final Function<NodeId, String> labels;
  private final PartnerKeyLogs keyLogs;
  private final Map<NodeId, FeedClient> clients = new HashMap<>();
  private boolean closed;

  /**
   * Candidates are the partners of the active outbound grants (every active agreement has both
   * directions); those with an inbound grant get a client.
   */
  public FeedClients(
      SharingGrants grants,
      Function<NodeId, Optional<String>> endpointOf,
      PartnerChannels channels,
      FeedReceiver receiver,
      RefusedMessages refused) {
    this(
        grants,
        endpointOf,
        outboundPartners(grants),
        channels,
        receiver,
        FeedClient.Options.defaults(),
        refused,
        NodeId::fingerprint,
        null);
  }

  /**
   * As above, each client fetching its partner's key log into {@code keyLogs} at each new
   * connection (spec KEY-16).
   */
  public FeedClients(
      SharingGrants grants,
      Function<NodeId, Optional<String>> endpointOf,
      PartnerChannels channels,
      FeedReceiver receiver,
      RefusedMessages refused,
      Function<NodeId, String> labels,
      PartnerKeyLogs keyLogs) {
    this(
        grants,
        endpointOf,
        outboundPartners(grants),
        channels,
        receiver,
        FeedClient.Options.defaults(),
        refused,
        labels,
        Objects.requireNonNull(keyLogs, "keyLogs"));
  }

  private static Supplier<List<NodeId>> outboundPartners(SharingGrants grants) {
    return () -> grants.outbound().stream().map(Grant::partner).toList();
  }

  /**
   * @param candidates partners that may have an active inbound grant; each is checked with {@link
   *     SharingGrants#inbound}
   * @param refused where the clients count partners' messages refused whole (spec HOST-5)
   * @param labels names each partner in the log (its local name and fingerprint)
   * @param keyLogs where each client fetches its partner's key log, or null for none
   */
  private FeedClients(
      SharingGrants grants,
      Function<NodeId, Optional<String>> endpointOf,
      Supplier<? extends Collection<NodeId>> candidates,
      PartnerChannels channels,
      FeedReceiver receiver,
      FeedClient.Options options,
      RefusedMessages refused,
      Function<NodeId, String> labels,
      PartnerKeyLogs keyLogs) {
    this.keyLogs = keyLogs;
    this.labels = Objects.requireNonNull(labels, "labels");
    this.grants = Objects.requireNonNull(grants, "grants");
    this.endpointOf = Objects.requireNonNull(endpointOf, "endpointOf");
    this.candidates = Objects.requireNonNull(candidates, "candidates");
    this.channels = Objects.requireNonNull(channels, "channels");
    this.receiver = Objects.requireNonNull(receiver, "receiver");
    this.options = Objects.requireNonNull(options, "options");
    this.refused = Objects.requireNonNull(refused, "refused");
  }

  /** Starts clients for partners that should have one, stops the others. */
  public synchronized void refresh() {
    if (closed) {
      return;
    }
    Map<NodeId, String> wanted = new HashMap<>();
    for (NodeId p : new LinkedHashSet<>(candidates.get())) {
      if (grants.inbound(p).isEmpty()) {
        continue;
      }
      endpointOf.apply(p).ifPresent(e -> wanted.put(p, e));
    }
    List<FeedClient> stop = new ArrayList<>();
    for (var it = clients.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      String endpoint = wanted.get(e.getKey());
      if (endpoint == null || !endpoint.equals(e.getValue().endpoint())) {
        stop.add(e.getValue());
        it.remove();
      }
    }
    stop.forEach(FeedClient::close);
    for (var e : wanted.entrySet()) {
      clients.computeIfAbsent(
          e.getKey(),
          p ->
              keyLogs == null
                  ? new FeedClient(
                      p, e.getValue(), channels, receiver, options, refused, () -> labels.apply(p))
                  : new FeedClient(
                      p,
                      e.getValue(),
                      channels,
                      receiver,
                      options,
                      refused,
                      () -> labels.apply(p),
                      keyLogs));
    }
  }

  /** Partner → whether its feed is connected, for every partner with a running client. */
  public synchronized Map<NodeId, Boolean> connected() {
    Map<NodeId, Boolean> out = new TreeMap<>((a, b) -> a.value().compareTo(b.value()));
    clients.forEach((p, c) -> out.put(p, c.connected()));
    return out;
  }

  /** Partner → how its feed stands, for every partner with a running client. */
  public synchronized Map<NodeId, FeedHealth> health() {
    Map<NodeId, FeedHealth> out = new TreeMap<>((a, b) -> a.value().compareTo(b.value()));
    clients.forEach((p, c) -> out.put(p, c.health()));
    return out;
  }

  /** The partners that currently have a client. */
  public synchronized Set<NodeId> partners() {
    return Set.copyOf(clients.keySet());
  }

  @Override
  public synchronized void close() {
    closed = true;
    clients.values().forEach(FeedClient::close);
    clients.clear();
  }
}
