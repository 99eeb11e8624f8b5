package org.bdx.node.signing;

import java.security.SecureRandom;
import java.util.Objects;
import org.bdx.node.identity.Base32;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;

/**
 * What the origin wants to sign as one alert version (spec ALR-3..ALR-6). The origin node id and
 * key come from the signer.
 *
 * @param alertId 26 lower-case base32 characters of 16 random bytes (ALR-3)
 * @param version 1 or more (ALR-4)
 * @param status ACTIVE, UPDATED or RETRACTED
 * @param issuedAt Unix seconds, positive
 * @param expiresAt Unix seconds, later than issuedAt
 * @param audience the reporter's consent: the widest partner class the alert may reach
 * @param maxHops how many times receivers may relay it onward (0 = never)
 * @param fields the claims; empty for a retraction (ALR-6)
 */
public record AlertDraft(
    String alertId,
    long version,
    AlertStatus status,
    long issuedAt,
    long expiresAt,
    Audience audience,
    int maxHops,
    AlertFields fields) {

  /** Random bytes in an alert id. */
  public static final int ALERT_ID_BYTES = 16;

  /** Characters in an alert id. */
  public static final int ALERT_ID_LENGTH = Base32.encodedLength(ALERT_ID_BYTES);

  public AlertDraft {
    if (!isValidAlertId(alertId)) {
      throw new IllegalArgumentException(
          "alert id must be " + ALERT_ID_LENGTH + " lower-case base32 characters of 16 bytes");
    }
    if (version < 1) {
      throw new IllegalArgumentException("version must be 1 or more");
    }
    Objects.requireNonNull(status, "status");
    if (status == AlertStatus.ALERT_STATUS_UNSPECIFIED || status == AlertStatus.UNRECOGNIZED) {
      throw new IllegalArgumentException("status must be ACTIVE, UPDATED or RETRACTED");
    }
    if (issuedAt <= 0 || expiresAt <= issuedAt) { // ALR-7
      throw new IllegalArgumentException("issuedAt must be positive and expiresAt later");
    }
    Objects.requireNonNull(audience, "audience");
    if (audience == Audience.AUDIENCE_UNSPECIFIED || audience == Audience.UNRECOGNIZED) {
      throw new IllegalArgumentException("audience must be PEER, SUPPORT or POLICE");
    }
    if (maxHops < 0) {
      throw new IllegalArgumentException("maxHops must not be negative");
    }
    Objects.requireNonNull(fields, "fields");
    if (!fields.getUnknownFields().asMap().isEmpty()) {
      throw new IllegalArgumentException("fields carry unknown protobuf fields");
    }
    if (status == AlertStatus.ALERT_STATUS_RETRACTED && !fields.getAllFields().isEmpty()) {
      throw new IllegalArgumentException("a retraction carries no fields");
    }
  }

  /** A fresh alert id: 16 bytes from {@code rng} as 26 lower-case base32 characters. */
  public static String newAlertId(SecureRandom rng) {
    byte[] b = new byte[ALERT_ID_BYTES];
    rng.nextBytes(b);
    return Base32.encode(b);
  }

  /** True if {@code s} is the canonical form of an alert id (ALR-3). */
  public static boolean isValidAlertId(String s) {
    return s != null && Base32.isCanonical(s, ALERT_ID_BYTES);
  }

  /** True if this draft is a retraction. */
  public boolean retracted() {
    return status == AlertStatus.ALERT_STATUS_RETRACTED;
  }
}
