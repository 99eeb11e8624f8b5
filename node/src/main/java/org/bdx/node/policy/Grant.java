package org.bdx.node.policy;

import java.util.Objects;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.DirectionTerms;

/**
 * One direction of an active agreement: what may flow to (or from) one partner.
 *
 * @param partner the other node
 * @param agreementId the agreement granting it
 * @param terms the direction's terms
 */
public record Grant(NodeId partner, String agreementId, DirectionTerms terms) {
  public Grant {
    Objects.requireNonNull(partner, "partner");
    Objects.requireNonNull(agreementId, "agreementId");
    Objects.requireNonNull(terms, "terms");
  }
}
