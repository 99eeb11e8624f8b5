package org.bdx.cli;

import com.google.protobuf.MessageLite;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;
import org.bdx.node.edge.PeerIdentity;
import org.bdx.node.identity.NodeId;

/**
 * Records the serialized bytes of every message a node's federation server sends, per partner,
 * before TLS encrypts them: scanning ciphertext for a canary would prove nothing.
 */
final class OutboundRecorder implements ServerInterceptor {
  private final Map<NodeId, ByteArrayOutputStream> sent = new HashMap<>();
  private int messages;

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    NodeId peer = PeerIdentity.KEY.get();
    return next.startCall(
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void sendMessage(R message) {
            if (message instanceof MessageLite m) {
              record(peer, m.toByteArray());
            }
            super.sendMessage(message);
          }
        },
        headers);
  }

  private synchronized void record(NodeId peer, byte[] bytes) {
    sent.computeIfAbsent(peer, p -> new ByteArrayOutputStream()).writeBytes(bytes);
    messages++;
  }

  /** Everything sent to {@code peer} so far, as one byte string. */
  synchronized byte[] sentTo(NodeId peer) {
    ByteArrayOutputStream b = sent.get(peer);
    return b == null ? new byte[0] : b.toByteArray();
  }

  synchronized int messages() {
    return messages;
  }
}
