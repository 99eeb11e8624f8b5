package org.bdx.node.policy;

import java.util.List;
import java.util.Optional;
import org.bdx.node.identity.NodeId;

/**
 * The grants of this node's ACTIVE agreements, as the feed and the receiver need them. A partner
 * whose agreement is proposed, suspended or terminated has no grant: nothing flows (fail closed).
 */
public interface SharingGrants {
  /** What this node may send, one grant per partner with an active agreement. */
  List<Grant> outbound();

  /** What this node may send to {@code partner}, if an agreement with it is active. */
  Optional<Grant> outbound(NodeId partner);

  /** What {@code partner} may send to this node, if an agreement with it is active. */
  Optional<Grant> inbound(NodeId partner);
}
