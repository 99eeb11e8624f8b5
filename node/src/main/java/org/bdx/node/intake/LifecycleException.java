package org.bdx.node.intake;

import java.util.Objects;

/**
 * A lifecycle call cannot be done on this alert or report: it is unknown here ({@link
 * Kind#NOT_FOUND}), or its state forbids it ({@link Kind#FAILED_PRECONDITION}: received from a
 * partner, retracted, expired). The message names ids and states only, never content.
 */
public final class LifecycleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Maps to the gRPC status of the same name. */
  public enum Kind {
    NOT_FOUND,
    FAILED_PRECONDITION
  }

  private final Kind kind;

  public LifecycleException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public Kind kind() {
    return kind;
  }
}
