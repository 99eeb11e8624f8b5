package org.bdx.node.error;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * An expected outcome that ends an operation: the caller asked for something this node does not
 * hold, or cannot do in the current state, or sent something invalid. One type for every room of
 * the node, with the {@link Kind} deciding what the caller is told; the gRPC edge maps it to a
 * status in one place.
 *
 * <p>The message is written for the person at the other end (a coordinator, staff, a partner's
 * operator): it names fields, ids and states, never report content, key material or signatures, so
 * it is safe to log and to return. No stack trace is kept: these are outcomes, not bugs.
 */
public final class BdxException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, in the terms of the gRPC status it becomes. */
  public enum Kind {
    /** Malformed or invalid input: the caller's fault; retrying the same call fails again. */
    INVALID_ARGUMENT,
    /** No such report, alert, partner or agreement here. */
    NOT_FOUND,
    /** A name, node id or agreement id is already taken. */
    ALREADY_EXISTS,
    /** The operation does not fit the current state; do not retry until the state changes. */
    FAILED_PRECONDITION,
    /** The caller may not do this (e.g. not a partner, or resuming the other side's suspension). */
    PERMISSION_DENIED,
    /** Someone this node needs (a partner) cannot be reached now; the call may be retried. */
    UNAVAILABLE,
    /** A newer call took this one's place (a partner's second feed stream, say). */
    ABORTED
  }

  private final Kind kind;
  private final List<FieldViolation> violations;

  private BdxException(Kind kind, String message, List<FieldViolation> violations) {
    super(Objects.requireNonNull(message, "message"), null, false, false);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.violations = List.copyOf(violations);
  }

  public BdxException(Kind kind, String message) {
    this(kind, message, List.of());
  }

  public Kind kind() {
    return kind;
  }

  /**
   * The invalid fields of a submitted message, each named with its problem; empty unless {@link
   * #invalidFields} made this exception.
   */
  public List<FieldViolation> violations() {
    return violations;
  }

  public static BdxException invalid(String message) {
    return new BdxException(Kind.INVALID_ARGUMENT, message);
  }

  /**
   * A submitted message with invalid fields (a report, an update, a retraction reason): names every
   * one, never a submitted value.
   *
   * @throws IllegalArgumentException if {@code violations} is empty
   */
  public static BdxException invalidFields(List<FieldViolation> violations) {
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("no violations");
    }
    String joined =
        violations.stream().map(FieldViolation::toString).collect(Collectors.joining("; "));
    return new BdxException(Kind.INVALID_ARGUMENT, joined, violations);
  }

  public static BdxException notFound(String message) {
    return new BdxException(Kind.NOT_FOUND, message);
  }

  public static BdxException alreadyExists(String message) {
    return new BdxException(Kind.ALREADY_EXISTS, message);
  }

  public static BdxException failedPrecondition(String message) {
    return new BdxException(Kind.FAILED_PRECONDITION, message);
  }

  public static BdxException denied(String message) {
    return new BdxException(Kind.PERMISSION_DENIED, message);
  }

  public static BdxException unavailable(String message) {
    return new BdxException(Kind.UNAVAILABLE, message);
  }

  public static BdxException aborted(String message) {
    return new BdxException(Kind.ABORTED, message);
  }
}
