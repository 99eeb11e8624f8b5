package org.bdx.node.policy;

import java.util.List;
import java.util.Optional;
import org.bdx.node.identity.NodeId;

/**
 * The grants of this node's ACTIVE agreements, as the feed and the receiver need them. A partner
 * whose agreement is proposed, suspended or terminated has no grant: nothing flows (fail closed).
 *
 * <p>The one exception is {@link #suspended()}: the outbound terms of SUSPENDED agreements, which
 * send nothing, but under which the origin still withdraws what the partner holds or has queued
 * when the reporter narrows consent or the alert is retracted (spec VER-5.2).
 */
public interface SharingGrants {
  /** What this node may send, one grant per partner with an active agreement. */
  List<Grant> outbound();

  /** What this node may send to {@code partner}, if an agreement with it is active. */
  Optional<Grant> outbound(NodeId partner);

  /** What {@code partner} may send to this node, if an agreement with it is active. */
  Optional<Grant> inbound(NodeId partner);

  /**
   * The outbound terms of every SUSPENDED agreement, one per partner: nothing with content may be
   * queued under them, only the header-only versions that withdraw content (spec VER-5). No
   * default: an implementation that forgot it would keep withdrawn content queued for a suspended
   * partner.
   */
  List<Grant> suspended();

  /**
   * What {@code partner} would send to this node under new terms proposed for its active agreement
   * and not yet accepted here (spec AGR-12). Only to tell an item the partner already sends under
   * them, which this node must not reject but wait for (FEED-8, AGR-12.8); it grants nothing. The
   * default, none, fails closed: such items are rejected.
   */
  default Optional<Grant> pendingInbound(NodeId partner) {
    return Optional.empty();
  }
}
