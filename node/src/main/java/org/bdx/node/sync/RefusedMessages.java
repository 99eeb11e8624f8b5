package org.bdx.node.sync;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.bdx.node.identity.NodeId;

/**
 * Counts, per partner, the messages this node refused whole at the federation boundary (spec
 * HOST-5, {@code inbound_refused} in ADM-10): the partner's calls answered {@code INVALID_ARGUMENT}
 * or {@code RESOURCE_EXHAUSTED} (counted by the federation server's {@code RefusedCallCounter}),
 * and responses on this node's feed call that did not decode or were over the size limit ({@link
 * #countsAsRefused(Throwable)}).
 *
 * <p>Kept in memory since the node started, not in the database: a partner flooding malformed calls
 * must not turn each one into a durable write. Only current partners are counted, so the map never
 * holds more entries than the node has had partners.
 */
public final class RefusedMessages {
  private final Predicate<NodeId> isPartner;
  private final Map<NodeId, LongAdder> counts = new ConcurrentHashMap<>();

  public RefusedMessages(Predicate<NodeId> isPartner) {
    this.isPartner = Objects.requireNonNull(isPartner, "isPartner");
  }

  /** Counts one refused message from {@code from}; ignored unless it is a partner. */
  public void record(NodeId from) {
    Objects.requireNonNull(from, "from");
    if (isPartner.test(from)) {
      counts.computeIfAbsent(from, k -> new LongAdder()).increment();
    }
  }

  /** How many messages from {@code partner} were refused since this node started. */
  public long count(NodeId partner) {
    LongAdder n = counts.get(Objects.requireNonNull(partner, "partner"));
    return n == null ? 0 : n.sum();
  }

  /**
   * Whether a status this node answered a partner's call with means the partner's input was
   * refused: malformed or undecodable ({@code INVALID_ARGUMENT}) or too large ({@code
   * RESOURCE_EXHAUSTED}). Conflicts of state ({@code FAILED_PRECONDITION}, {@code NOT_FOUND},
   * {@code PERMISSION_DENIED} for a call without an active agreement) also come from honest
   * partners, so they are not counted.
   */
  public static boolean isRefusal(Status.Code code) {
    return code == Status.Code.INVALID_ARGUMENT || code == Status.Code.RESOURCE_EXHAUSTED;
  }

  /**
   * Whether this node's own call to a partner ended because of what the partner sent: a message
   * over the size limit (grpc-java fails the call with {@code RESOURCE_EXHAUSTED}) or one that did
   * not decode (the call is cancelled with the parse failure as its cause).
   */
  public static boolean countsAsRefused(Throwable callError) {
    Status s = Status.fromThrowable(callError);
    if (s.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
      return true;
    }
    Throwable t = s.getCause();
    for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
      if (t instanceof InvalidProtocolBufferException) {
        return true;
      }
    }
    return false;
  }
}
