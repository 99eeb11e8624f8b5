package org.bdx.node.signing;

import java.util.Objects;

/**
 * An envelope failed verification (spec SIG-7). {@link #reason()} names the first check that
 * failed; messages never contain field values or key material.
 */
public final class VerificationException extends Exception {
  private static final long serialVersionUID = 1L;

  /** One value per verification check of SIG-7, named in the spec and in negative vectors. */
  public enum Reason {
    /** SIG-7.1: unknown fields in the SignedAlert or a Disclosure (unsigned data). */
    ENVELOPE_MALFORMED,
    /** SIG-7.1: the signature is not exactly 64 bytes. */
    SIGNATURE_LENGTH,
    /** SIG-7.1: the header is larger than 4096 bytes. */
    HEADER_TOO_LARGE,
    /** SIG-7.1: more than 32 disclosures. */
    TOO_MANY_DISCLOSURES,
    /** SIG-7.1: a claim is larger than 16384 bytes. */
    CLAIM_TOO_LARGE,
    /** SIG-7.2: the header bytes do not parse as an AlertHeader. */
    HEADER_MALFORMED,
    /** SIG-7.2: the header has fields this version does not know. */
    HEADER_UNKNOWN_FIELDS,
    /** SIG-7.3: digest_algorithm is not "sha-256". */
    UNSUPPORTED_DIGEST_ALGORITHM,
    /** SIG-7.4: origin_public_key is not 32 bytes. */
    ORIGIN_KEY_MALFORMED,
    /** SIG-7.4: origin_node_id is malformed or is not the id of origin_public_key. */
    ORIGIN_ID_MISMATCH,
    /** SIG-7.5: the origin is not the one the caller expected. */
    UNEXPECTED_ORIGIN,
    /** SIG-7.6: the signature does not verify (incl. malformed keys, S ≥ L). */
    BAD_SIGNATURE,
    /** SIG-7.7: alert_id is not 26 lower-case base32 characters of 16 bytes. */
    INVALID_ALERT_ID,
    /** SIG-7.7: version is 0 or above 2^63-1. */
    INVALID_VERSION,
    /** SIG-7.7: status is unspecified or unknown. */
    INVALID_STATUS,
    /** SIG-7.7: audience is unspecified or unknown. */
    INVALID_AUDIENCE,
    /** SIG-7.7: expires_at is not later than issued_at. */
    INVALID_VALIDITY,
    /** SIG-7.8: a claim digest is not 32 bytes. */
    DIGEST_MALFORMED,
    /** SIG-7.8: the same digest appears twice. */
    DUPLICATE_DIGEST,
    /** SIG-7.8: digests are not in ascending unsigned byte order. */
    DIGESTS_NOT_SORTED,
    /** SIG-7.8: not 16 digests (or not 0 for a retraction). */
    DIGEST_COUNT,
    /** SIG-7.9: a retraction carries disclosures. */
    RETRACTION_WITH_DISCLOSURES,
    /** SIG-7.10: a salt is shorter than 16 or longer than 64 bytes. */
    SALT_LENGTH,
    /** SIG-7.10: a disclosure's digest is not committed in the header. */
    DIGEST_NOT_IN_HEADER,
    /** SIG-7.10: the claim bytes do not parse as a Claim. */
    CLAIM_MALFORMED,
    /** SIG-7.10: the claim or its value has unknown fields. */
    CLAIM_UNKNOWN_FIELDS,
    /** SIG-7.10: the path is not an AlertFields field name. */
    UNKNOWN_PATH,
    /** SIG-7.10: the value does not set exactly the field named by path. */
    CLAIM_VALUE_MISMATCH,
    /** SIG-7.10: the value holds an enum number that is unknown or UNSPECIFIED. */
    CLAIM_INVALID_VALUE,
    /** SIG-7.10: two disclosures carry the same path. */
    DUPLICATE_PATH,
    /**
     * SIG-7.11: by the origin's key log held here, the key does not sign for the origin at
     * issued_at (KEY-6), or a revocation replaced it (KEY-18).
     */
    KEY_NOT_TRUSTED
  }

  private final Reason reason;

  public VerificationException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
