package org.bdx.node.console;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.bdx.node.server.RunningNode;
import org.bdx.proto.v1.AddPartnerRequest;
import org.bdx.proto.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import org.bdx.proto.v1.PartnerClass;

/** Steps of the console tests that run two real nodes on loopback. */
final class TwoNodes {
  private TwoNodes() {}

  /** Registers {@code other} as a peer partner named {@code name} at {@code at}. */
  static void addPartner(AdminServiceBlockingStub at, String name, RunningNode other) {
    at.addPartner(
        AddPartnerRequest.newBuilder()
            .setName(name)
            .setNodeId(other.node().nodeId().value())
            .setEndpoint("127.0.0.1:" + other.federationPort())
            .setPartnerClass(PartnerClass.PARTNER_CLASS_PEER)
            .build());
  }

  /** A channel to {@code n}'s client API on loopback. */
  static ManagedChannel channel(RunningNode n) {
    return NettyChannelBuilder.forAddress("127.0.0.1", n.clientPort()).usePlaintext().build();
  }
}
