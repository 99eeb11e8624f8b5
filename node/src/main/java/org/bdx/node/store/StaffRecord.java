package org.bdx.node.store;

import java.util.Arrays;
import java.util.Objects;
import org.bdx.proto.v1.StaffRole;

/**
 * A staff account as the node holds it: never the credential, only its SHA-256.
 *
 * @param name unique ignoring case
 * @param role what the account may do
 * @param credentialHash SHA-256 of the credential, 32 bytes
 * @param createdAt Unix seconds
 * @param revokedAt Unix seconds, 0 while active
 */
public record StaffRecord(
    String name, StaffRole role, byte[] credentialHash, long createdAt, long revokedAt) {
  public StaffRecord {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    if (role == StaffRole.STAFF_ROLE_UNSPECIFIED || role == StaffRole.UNRECOGNIZED) {
      throw new IllegalArgumentException("a staff account needs a known role");
    }
    if (credentialHash == null || credentialHash.length != 32) {
      throw new IllegalArgumentException("a credential hash is 32 bytes");
    }
    credentialHash = credentialHash.clone();
  }

  @Override
  public byte[] credentialHash() {
    return credentialHash.clone();
  }

  public boolean active() {
    return revokedAt == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StaffRecord r
        && name.equals(r.name)
        && role == r.role
        && Arrays.equals(credentialHash, r.credentialHash)
        && createdAt == r.createdAt
        && revokedAt == r.revokedAt;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, role, Arrays.hashCode(credentialHash), createdAt, revokedAt);
  }

  /** Without the hash: records end up in logs. */
  @Override
  public String toString() {
    return "StaffRecord[name=" + name + ", role=" + role + ", revokedAt=" + revokedAt + "]";
  }
}
