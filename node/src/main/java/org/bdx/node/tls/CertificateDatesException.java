package org.bdx.node.tls;

import java.security.cert.CertificateException;
import java.util.Optional;

/**
 * A peer's certificate is outside its validity period, beyond the tolerated clock skew (spec
 * FED-TLS-5.5). Kept apart from other handshake failures so a coordinator is told that a
 * certificate is out of date or a clock is wrong, not that the partner is unreachable.
 */
public final class CertificateDatesException extends CertificateException {
  private static final long serialVersionUID = 1L;

  private final boolean expired;

  CertificateDatesException(String message, boolean expired) {
    super(message);
    this.expired = expired;
  }

  /** True if the certificate's end has passed; false if its start has not come yet. */
  public boolean expired() {
    return expired;
  }

  /** What a coordinator is told about it, without dates or names. */
  public String words() {
    return expired
        ? "the partner's certificate has expired, or its clock or this node's is wrong"
        : "the partner's certificate is not valid yet: its clock or this node's is wrong";
  }

  /** The date refusal somewhere in {@code t}'s causes (gRPC wraps the handshake's). */
  public static Optional<CertificateDatesException> in(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof CertificateDatesException d) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }
}
