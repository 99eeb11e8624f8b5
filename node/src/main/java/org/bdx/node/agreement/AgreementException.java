package org.bdx.node.agreement;

import java.util.Objects;

/**
 * A partner or agreement operation that cannot be done. The message is written for a coordinator:
 * it never contains key material, signatures or alert content, and it is safe to return in a status
 * description. The admin and federation layers map {@link Kind} to a gRPC status in one place.
 */
public final class AgreementException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, in gRPC status terms. */
  public enum Kind {
    /** No such partner or agreement. */
    NOT_FOUND,
    /** A partner name or node id, or an agreement id, is already taken. */
    ALREADY_EXISTS,
    /** The operation does not fit the current state (e.g. accepting an active agreement). */
    FAILED_PRECONDITION,
    /** Malformed or invalid input, including a bad signature or invalid terms. */
    INVALID_ARGUMENT,
    /**
     * The caller may not do this (e.g. a node that is not a partner, or resuming a suspension the
     * other side made).
     */
    PERMISSION_DENIED
  }

  private final Kind kind;

  public AgreementException(Kind kind, String message) {
    super(Objects.requireNonNull(message, "message"));
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public Kind kind() {
    return kind;
  }

  static AgreementException notFound(String message) {
    return new AgreementException(Kind.NOT_FOUND, message);
  }

  static AgreementException alreadyExists(String message) {
    return new AgreementException(Kind.ALREADY_EXISTS, message);
  }

  static AgreementException failedPrecondition(String message) {
    return new AgreementException(Kind.FAILED_PRECONDITION, message);
  }

  static AgreementException invalid(String message) {
    return new AgreementException(Kind.INVALID_ARGUMENT, message);
  }

  static AgreementException denied(String message) {
    return new AgreementException(Kind.PERMISSION_DENIED, message);
  }
}
