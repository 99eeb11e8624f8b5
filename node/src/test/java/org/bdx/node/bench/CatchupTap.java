package org.bdx.node.bench;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.concurrent.atomic.AtomicLong;
import org.bdx.node.edge.PeerIdentity;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.SubscribeResponse;

/**
 * A federation tap on the origin for one watched partner, cheap enough for a million items (no
 * per-item map, unlike {@link FeedTap}): when the partner's first {@code Subscribe} arrives, and
 * how many feed items (and bytes) the origin hands to gRPC, first and last when. Timestamps are
 * taken in the gRPC callbacks. (Completion is taken from the receiver's cursor, see {@link
 * CatchupBenchmarkTest}.)
 */
final class CatchupTap implements ServerInterceptor {
  private volatile NodeId watched;
  private volatile long subscribeAt;
  private volatile long firstItemAt;
  private volatile long lastItemAt;
  private final AtomicLong items = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();

  /** Starts watching {@code partner}; earlier observations are forgotten. */
  void watch(NodeId partner) {
    watched = partner;
    subscribeAt = 0;
    firstItemAt = 0;
    lastItemAt = 0;
    items.set(0);
    bytes.set(0);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    NodeId peer = PeerIdentity.KEY.get();
    if (peer == null
        || !peer.equals(watched)
        || !call.getMethodDescriptor().getBareMethodName().equals("Subscribe")) {
      return next.startCall(call, headers);
    }
    if (subscribeAt == 0) {
      subscribeAt = System.nanoTime();
    }
    ServerCall<Q, R> tapped =
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void sendMessage(R message) {
            if (message instanceof SubscribeResponse r && r.hasItem()) {
              long now = System.nanoTime();
              if (firstItemAt == 0) {
                firstItemAt = now;
              }
              lastItemAt = now;
              items.incrementAndGet();
              bytes.addAndGet(r.getSerializedSize());
            }
            super.sendMessage(message);
          }
        };
    return next.startCall(tapped, headers);
  }

  long subscribeAt() {
    return subscribeAt;
  }

  long firstItemAt() {
    return firstItemAt;
  }

  long lastItemAt() {
    return lastItemAt;
  }

  long items() {
    return items.get();
  }

  long bytes() {
    return bytes.get();
  }
}
