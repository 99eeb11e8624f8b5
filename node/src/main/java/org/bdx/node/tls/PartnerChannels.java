package org.bdx.node.tls;

import io.grpc.ManagedChannel;
import org.bdx.node.identity.NodeId;

/** Opens channels to partner nodes' federation endpoints, authenticating both ends. */
public interface PartnerChannels {
  /**
   * A channel to {@code endpoint} (HOST:PORT) that only completes its handshake if the server's
   * certificate key belongs to {@code partner}. The caller shuts it down.
   */
  ManagedChannel open(NodeId partner, String endpoint);
}
