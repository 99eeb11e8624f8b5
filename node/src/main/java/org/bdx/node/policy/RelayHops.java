package org.bdx.node.policy;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Objects;
import java.util.Optional;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.SignedAlert;

/**
 * The hop counts a feed item carries (spec 10.8): the counts a sender puts on an item it queues for
 * one partner (RELAY-3; with content, its hop statement signs them, RELAY-8), and the check a
 * receiver makes of a header-only item's counts (RELAY-2). Pure arithmetic over the grants on the
 * way and the origin's signed {@code max_hops}; the caller looks the grants and the held counts up.
 *
 * @param relayHops relays the item passed through when the partner gets it (0: we are the origin)
 * @param hopsLeft how many more times the partner may relay it
 * @param content whether content may be sent (false: header-only at most)
 */
public record RelayHops(long relayHops, long hopsLeft, boolean content) {
  public RelayHops {
    if (relayHops < 0 || hopsLeft < 0) {
      throw new IllegalArgumentException("hop counts must not be negative");
    }
  }

  /**
   * The counts of this node's own alert for the partner of {@code out} (RELAY-3.1): no relay yet,
   * and {@code min(max_hops, max_relay_hops)} further hops if the outbound terms allow relaying,
   * else none.
   */
  public static RelayHops fromOrigin(Grant out, long maxHops) {
    Objects.requireNonNull(out, "out");
    return new RelayHops(0, Math.min(maxHops, onward(out.terms())), true);
  }

  /**
   * The counts of a received alert relayed to the partner of {@code out} (RELAY-3.2, RELAY-3.3).
   * Content only if the partner it came from allowed relaying (its inbound grant, {@code in}), at
   * least one hop is left (the last statement of the held version's signed path) and the outbound
   * terms set {@code accept_relayed} (the next partner takes relayed alerts, RELAY-4); the next
   * partner then gets one hop fewer, capped by the outbound terms. Otherwise header-only (a
   * retraction or withdrawal at most), with no hops left and a relay count that never passes {@code
   * max_hops}: it only makes the partner delete, so it must pass RELAY-2 wherever the content went.
   *
   * @param in the inbound grant of the partner the held version came from; empty if there is none
   * @param heldRelayHops the relay count the held version arrived with
   * @param heldHopsLeft the hops left the held version's signed path gives this node (0 if it has
   *     no statements)
   * @param maxHops the origin's signed {@code max_hops}
   */
  public static RelayHops relayed(
      Grant out, Optional<Grant> in, long heldRelayHops, long heldHopsLeft, long maxHops) {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(in, "in");
    long relayHops = heldRelayHops + 1;
    long mayLeft = 0;
    if (in.isPresent() && in.get().terms().getMayRelay()) {
      mayLeft = Math.min(heldHopsLeft, Integer.toUnsignedLong(in.get().terms().getMaxRelayHops()));
    }
    if (mayLeft < 1 || relayHops > maxHops || !out.terms().getAcceptRelayed()) {
      return new RelayHops(Math.max(1, Math.min(relayHops, maxHops)), 0, false);
    }
    return new RelayHops(relayHops, Math.min(mayLeft - 1, onward(out.terms())), true);
  }

  /**
   * Whether a receiver accepts an item's counts (RELAY-2): an origin sends with no relay count, and
   * neither the relay count nor the relay count plus the hops left exceeds {@code max_hops}. The
   * counts may be lowered on the way, never raised past the signed limit.
   *
   * @param senderIsOrigin whether the partner that sent the item is the alert's verified origin
   */
  public static boolean acceptable(
      long relayHops, long hopsLeft, long maxHops, boolean senderIsOrigin) {
    return !((relayHops > 0 && senderIsOrigin)
        || relayHops > maxHops
        || relayHops + hopsLeft > maxHops);
  }

  /**
   * Whether a receiver takes an item with content as to its origin (spec RELAY-8.4): an item from
   * its origin always; a relayed one if the receiver has an active agreement with the origin, or if
   * its terms with the relay that sent it set {@code accept_relayed}. Otherwise anyone could make
   * up an accusation under a fresh key and relay it.
   */
  public static boolean originAccepted(
      long relayHops, boolean agreementWithOrigin, boolean acceptRelayed) {
    return relayHops == 0 || agreementWithOrigin || acceptRelayed;
  }

  /**
   * The origin's signed {@code max_hops} of {@code envelope}; 0 (no relay) if its header cannot be
   * read. Envelopes are verified before they are stored, so that fails closed only.
   */
  public static long maxHops(SignedAlert envelope) {
    try {
      return Integer.toUnsignedLong(AlertHeader.parseFrom(envelope.getHeader()).getMaxHops());
    } catch (InvalidProtocolBufferException e) {
      return 0;
    }
  }

  /** How many further hops the terms allow the receiver: {@code max_relay_hops} or none. */
  public static long onward(DirectionTerms t) {
    return t.getMayRelay() ? Integer.toUnsignedLong(t.getMaxRelayHops()) : 0;
  }
}
