package org.bdx.node.signing;

import java.util.Objects;

/**
 * A feed item's hop statements failed a check of spec RELAY-8. {@link #reason()} names the first
 * check that failed; messages never contain key material or alert content.
 */
public final class HopChainException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What a failure means for the item (spec FEED-8, check 4). */
  public enum Outcome {
    /** Rejected as {@code HOP_STATEMENT_INVALID}: the statements are not a valid signed path. */
    HOP_STATEMENT_INVALID,
    /** Rejected as {@code RELAY_NOT_ALLOWED}: a valid path whose counts no grant allows. */
    RELAY_NOT_ALLOWED,
    /** Ignored, not counted: the path passed through the receiver (a loop, RELAY-5). */
    IGNORED
  }

  /** One value per check of RELAY-8, named in the spec and in {@code hop-statement.json}. */
  public enum Reason {
    /** RELAY-8.1: the number of statements does not fit relay_hops and hops_left. */
    STATEMENT_COUNT(Outcome.HOP_STATEMENT_INVALID),
    /** RELAY-8.1: a SignedHop or its statement does not parse strictly, or is out of bounds. */
    STATEMENT_MALFORMED(Outcome.HOP_STATEMENT_INVALID),
    /** RELAY-8.1: from_public_key is not 32 bytes. */
    STATEMENT_KEY_MALFORMED(Outcome.HOP_STATEMENT_INVALID),
    /**
     * RELAY-8.1: from_node_id is not the node id of from_public_key, nor a node whose held key log
     * names it (KEY-18).
     */
    STATEMENT_ID_MISMATCH(Outcome.HOP_STATEMENT_INVALID),
    /** RELAY-8.1: from_node_id's held key log says a revocation replaced from_public_key. */
    STATEMENT_KEY_REVOKED(Outcome.HOP_STATEMENT_INVALID),
    /** RELAY-8.1: the signature does not verify. */
    STATEMENT_BAD_SIGNATURE(Outcome.HOP_STATEMENT_INVALID),
    /** RELAY-8.1: header_digest is not the digest of this item's header. */
    STATEMENT_OTHER_ALERT(Outcome.HOP_STATEMENT_INVALID),
    /** RELAY-8.2: the first statement is not the origin's. */
    NOT_FROM_ORIGIN(Outcome.HOP_STATEMENT_INVALID),
    /** RELAY-8.2: a statement is not from the node the one before it was sent to. */
    BROKEN_LINK(Outcome.HOP_STATEMENT_INVALID),
    /** RELAY-8.2: the last statement is not from the sender of the item. */
    NOT_FROM_SENDER(Outcome.HOP_STATEMENT_INVALID),
    /** RELAY-8.2: the last statement is not to the receiver. */
    NOT_TO_RECEIVER(Outcome.HOP_STATEMENT_INVALID),
    /** RELAY-8.2: a node signs two statements. */
    SIGNED_TWICE(Outcome.HOP_STATEMENT_INVALID),
    /** RELAY-8.2: the receiver signed a statement: the alert came round a loop (ignored). */
    THROUGH_RECEIVER(Outcome.IGNORED),
    /** RELAY-8.3: the origin's statement grants more hops than the signed max_hops. */
    ABOVE_MAX_HOPS(Outcome.RELAY_NOT_ALLOWED),
    /** RELAY-8.3: a statement grants at least as many hops as the one before it. */
    HOPS_RAISED(Outcome.RELAY_NOT_ALLOWED),
    /** RELAY-8.3: the item's hops_left is not the last statement's. */
    ITEM_HOPS_LEFT(Outcome.RELAY_NOT_ALLOWED),
    /** RELAY-8.3: the last statement grants more hops than the receiver's terms allow. */
    ABOVE_GRANT(Outcome.RELAY_NOT_ALLOWED);

    private final Outcome outcome;

    Reason(Outcome outcome) {
      this.outcome = outcome;
    }

    public Outcome outcome() {
      return outcome;
    }
  }

  private final Reason reason;

  public HopChainException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
