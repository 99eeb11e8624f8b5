package org.bdx.node.signing;

import com.google.protobuf.ByteString;
import java.util.Objects;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.proto.v1.HopStatement;
import org.bdx.proto.v1.SignedHop;

/**
 * Signs this node's hop statements (spec RELAY-8) with its node key, the key its alerts are signed
 * with: as an origin, the first statement of an alert it sends with hops left; as a relay, the
 * statement it adds to the chain it received. Thread-safe.
 */
public final class HopSigner {
  private final NodeKeys keys;

  public HopSigner(NodeKeys keys) {
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  /** The node whose statements this signs. */
  public NodeId nodeId() {
    return keys.nodeId();
  }

  /**
   * {@code chain} with this node's statement added: it sends the alert version whose exact header
   * bytes are {@code header} to {@code to}, which may relay it {@code hopsLeft} more times.
   *
   * @throws IllegalArgumentException if {@code hopsLeft} is not a uint32, {@code to} is this node,
   *     or the chain does not end with a statement to this node (or, empty, this node is not the
   *     origin: checked by the caller, which knows the header)
   */
  public HopChain extend(HopChain chain, ByteString header, NodeId to, long hopsLeft) {
    Objects.requireNonNull(chain, "chain");
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(to, "to");
    if (hopsLeft < 0 || hopsLeft > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("hops_left must be a uint32");
    }
    if (to.equals(keys.nodeId())) {
      throw new IllegalArgumentException("a statement to this node itself");
    }
    if (!chain.isEmpty() && !chain.lastTo().equals(keys.nodeId())) {
      throw new IllegalArgumentException("the chain does not end with a statement to this node");
    }
    HopStatement s =
        HopStatement.newBuilder()
            .setHeaderDigest(ByteString.copyFrom(HopChain.headerDigest(header)))
            .setFromNodeId(keys.nodeId().value())
            .setFromPublicKey(ByteString.copyFrom(keys.publicKey()))
            .setToNodeId(to.value())
            .setHopsLeft((int) hopsLeft)
            .build();
    byte[] bytes = s.toByteArray();
    SignedHop hop =
        SignedHop.newBuilder()
            .setStatement(ByteString.copyFrom(bytes))
            .setSignature(
                ByteString.copyFrom(keys.sign(SigningInput.of(HopChain.PAYLOAD_TYPE, bytes))))
            .build();
    return chain.with(hop, s);
  }
}
