package org.bdx.node.edge;

import io.grpc.Context;
import io.grpc.Status;
import org.bdx.node.identity.NodeId;

/**
 * The authenticated node at the other end of a federation call, derived from the key in its TLS
 * certificate and placed in the gRPC {@link Context} by the federation server's interceptor.
 */
public final class PeerIdentity {
  public static final Context.Key<NodeId> KEY = Context.key("bdx-peer-node-id");

  private PeerIdentity() {}

  /** The calling partner; UNAUTHENTICATED if the call did not come through mutual TLS. */
  public static NodeId current() {
    NodeId id = KEY.get();
    if (id == null) {
      throw Status.UNAUTHENTICATED
          .withDescription("no authenticated partner on this call")
          .asRuntimeException();
    }
    return id;
  }
}
