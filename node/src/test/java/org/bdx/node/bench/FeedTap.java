package org.bdx.node.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.bdx.node.edge.PeerIdentity;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.SignedAlert;
import org.bdx.proto.v1.SubscribeRequest;
import org.bdx.proto.v1.SubscribeResponse;

/**
 * A federation tap on the origin (installed through {@code RunningNode.start}'s interceptors) that
 * timestamps, per partner and alert, when the origin's feed hands the item to gRPC ({@code sent})
 * and when the partner's {@code FeedAck} covering it arrives back ({@code acked}).
 *
 * <p>A receiver sends an ack only after the batch was committed and then forced to disk ({@code
 * FeedClient}), so {@code acked} is an upper bound of "stored at the receiver", later by one
 * loopback hop plus the origin's inbound dispatch. Event driven: no polling.
 */
final class FeedTap implements ServerInterceptor {
  record Key(NodeId peer, String alertId) {}

  private final Map<Key, Long> sentAt = new ConcurrentHashMap<>();
  private final Map<Key, Long> ackedAt = new ConcurrentHashMap<>();
  private final Map<NodeId, ConcurrentNavigableMap<Long, String>> unacked =
      new ConcurrentHashMap<>();
  private final Map<NodeId, Long> bytesSent = new ConcurrentHashMap<>();
  private final Map<NodeId, Long> itemsSent = new ConcurrentHashMap<>();
  private volatile SignedAlert lastEnvelope;

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    NodeId peer = PeerIdentity.KEY.get();
    if (peer == null || !call.getMethodDescriptor().getBareMethodName().equals("Subscribe")) {
      return next.startCall(call, headers);
    }
    ConcurrentNavigableMap<Long, String> pending =
        unacked.computeIfAbsent(peer, p -> new ConcurrentSkipListMap<>());
    ServerCall<Q, R> tapped =
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void sendMessage(R message) {
            if (message instanceof SubscribeResponse r && r.hasItem()) {
              long now = System.nanoTime();
              SignedAlert envelope = r.getItem().getAlert();
              String alertId = alertId(envelope);
              pending.put(r.getItem().getSequence(), alertId);
              sentAt.putIfAbsent(new Key(peer, alertId), now);
              bytesSent.merge(peer, (long) r.getSerializedSize(), Long::sum);
              itemsSent.merge(peer, 1L, Long::sum);
              lastEnvelope = envelope;
            }
            super.sendMessage(message);
          }
        };
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
        next.startCall(tapped, headers)) {
      @SuppressWarnings("unchecked")
      @Override
      public void onMessage(Q message) {
        // The federation service decodes requests itself (RequestDecoding.strict), so what passes
        // here is the raw stream: read it, look at it, hand on a copy.
        if (message instanceof InputStream raw) {
          byte[] bytes;
          try {
            bytes = raw.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          try {
            observe(SubscribeRequest.parseFrom(bytes));
          } catch (InvalidProtocolBufferException e) {
            // not ours to judge: the service rejects it
          }
          super.onMessage((Q) new ByteArrayInputStream(bytes));
          return;
        }
        if (message instanceof SubscribeRequest q) {
          observe(q);
        }
        super.onMessage(message);
      }

      private void observe(SubscribeRequest q) {
        if (q.hasAck()) {
          long now = System.nanoTime();
          var covered = pending.headMap(q.getAck().getThroughSequence(), true);
          for (String alertId : covered.values()) {
            ackedAt.putIfAbsent(new Key(peer, alertId), now);
          }
          covered.clear();
        }
      }
    };
  }

  private static String alertId(SignedAlert envelope) {
    try {
      return AlertHeader.parseFrom(envelope.getHeader()).getAlertId();
    } catch (InvalidProtocolBufferException e) {
      return "unparseable";
    }
  }

  Long sentAt(NodeId peer, String alertId) {
    return sentAt.get(new Key(peer, alertId));
  }

  Long ackedAt(NodeId peer, String alertId) {
    return ackedAt.get(new Key(peer, alertId));
  }

  /** Mean serialized size of a feed item message sent so far, in bytes. */
  long meanItemBytes() {
    long bytes = bytesSent.values().stream().mapToLong(Long::longValue).sum();
    long items = itemsSent.values().stream().mapToLong(Long::longValue).sum();
    return items == 0 ? 0 : bytes / items;
  }

  /** The last alert envelope sent to any partner (redacted as that partner receives it). */
  SignedAlert lastEnvelope() {
    return lastEnvelope;
  }
}
