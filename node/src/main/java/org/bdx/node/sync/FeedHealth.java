package org.bdx.node.sync;

import io.grpc.Status;
import java.util.Objects;
import org.bdx.node.tls.CertificateDatesException;
import org.bdx.node.tls.WrongNodeException;

/**
 * How a partner's feed stands, as {@code bdx status} shows it (spec ADM-10).
 *
 * @param connected whether the feed is connected now
 * @param offlineSince unix seconds when the feed was last lost since this node started; 0 if it was
 *     never connected since then or is connected now
 * @param lastError why the last attempt failed, in words; empty if none failed since it last
 *     connected
 */
public record FeedHealth(boolean connected, long offlineSince, String lastError) {
  public static final FeedHealth NONE = new FeedHealth(false, 0, "");

  public FeedHealth {
    Objects.requireNonNull(lastError, "lastError");
  }

  /**
   * Why a feed call failed, in words for a coordinator (no gRPC codes, no Java names, and none of
   * the partner's own text, which could say anything).
   */
  public static String words(Throwable t) {
    var wrong = WrongNodeException.in(t);
    if (wrong.isPresent()) {
      return wrong.get().getMessage();
    }
    var dates = CertificateDatesException.in(t);
    if (dates.isPresent()) {
      return dates.get().words();
    }
    return switch (Status.fromThrowable(t).getCode()) {
      case UNAVAILABLE -> "the partner's node is not running or not reachable";
      case DEADLINE_EXCEEDED -> "the partner's node did not answer in time";
      case UNAUTHENTICATED, PERMISSION_DENIED ->
          "the partner's node refused this node (has it added this node as a partner?)";
      case FAILED_PRECONDITION, NOT_FOUND ->
          "the partner's node has no active agreement with this node";
      case INVALID_ARGUMENT, RESOURCE_EXHAUSTED ->
          "a message between the nodes was refused as malformed or too large";
      case CANCELLED -> "the feed was cancelled";
      default -> "the partner's node failed to serve the feed";
    };
  }
}
