package org.bdx.node.keys;

import java.util.Objects;

/**
 * A key log failed a check of spec KEY-4. {@link #outcome()} names the first check that failed and
 * {@link #index()} the event it failed on; messages never contain key material.
 */
public final class KeyLogException extends Exception {
  private static final long serialVersionUID = 1L;

  /** One value per check of KEY-4, in its order, named in the spec and in key-event.json. */
  public enum Outcome {
    /** KEY-4.1: more than {@link KeyLog#MAX_EVENTS} events. */
    TOO_LONG,
    /** KEY-4.2: no event, or an event that does not parse strictly or is out of bounds. */
    MALFORMED,
    /** KEY-4.3: node_id is not the log's, or event 0's key does not have that node id. */
    NODE_ID_MISMATCH,
    /** KEY-4.4: sequence, kind or previous_event_digest do not link the event to the one before. */
    BROKEN_CHAIN,
    /** KEY-4.5: the event's key is not the one the previous event committed to. */
    NOT_PRE_COMMITTED,
    /** KEY-4.6: the signature does not verify under the event's key. */
    BAD_SIGNATURE,
    /** KEY-4.7: valid_from is not positive, or earlier than the previous event's. */
    TIME_GOES_BACK,
    /** KEY-4.8: compromised_since is set outside a REVOCATION, or out of range in one. */
    INVALID_REVOCATION,
    /** KEY-4.9: the event commits to a key the log has already used. */
    KEY_REUSED
  }

  private final Outcome outcome;
  private final int index;

  public KeyLogException(Outcome outcome, int index, String message) {
    super(outcome + " at event " + index + ": " + message);
    this.outcome = Objects.requireNonNull(outcome, "outcome");
    this.index = index;
  }

  public Outcome outcome() {
    return outcome;
  }

  /**
   * The position of the event that failed; for {@link Outcome#TOO_LONG}, the first one too many.
   */
  public int index() {
    return index;
  }
}
