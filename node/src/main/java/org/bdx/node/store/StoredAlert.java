package org.bdx.node.store;

import java.util.List;
import java.util.Objects;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.SignedAlert;

/**
 * An alert version as this node holds it: its own ({@code local}) or received and verified. Times
 * are Unix seconds. {@code fields} holds only the disclosed fields, named (sorted) in {@code
 * disclosedPaths}.
 *
 * <p>Provenance of a received alert: {@code receivedFrom} (the partner's node id), {@code
 * agreementId} (the agreement it came under) and {@code purgeAt} (when it must be deleted: the
 * earlier of its expiry and the agreement's retention). For a local alert these are null, null and
 * 0.
 */
public record StoredAlert(
    NodeId originNodeId,
    String alertId,
    long version,
    AlertStatus status,
    long issuedAt,
    long expiresAt,
    Audience audience,
    AlertFields fields,
    List<String> disclosedPaths,
    SignedAlert envelope,
    boolean local,
    long storedAt,
    NodeId receivedFrom,
    String agreementId,
    long purgeAt) {

  public StoredAlert {
    Objects.requireNonNull(originNodeId, "originNodeId");
    Objects.requireNonNull(alertId, "alertId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(fields, "fields");
    disclosedPaths = List.copyOf(disclosedPaths);
    Objects.requireNonNull(envelope, "envelope");
    if (purgeAt < 0) {
      throw new IllegalArgumentException("purgeAt must not be negative");
    }
  }

  /** An alert without provenance: a local alert, or one whose provenance is added later. */
  public StoredAlert(
      NodeId originNodeId,
      String alertId,
      long version,
      AlertStatus status,
      long issuedAt,
      long expiresAt,
      Audience audience,
      AlertFields fields,
      List<String> disclosedPaths,
      SignedAlert envelope,
      boolean local,
      long storedAt) {
    this(
        originNodeId,
        alertId,
        version,
        status,
        issuedAt,
        expiresAt,
        audience,
        fields,
        disclosedPaths,
        envelope,
        local,
        storedAt,
        null,
        null,
        0);
  }

  /** This alert as received from {@code from} under {@code agreement}, to purge at {@code at}. */
  public StoredAlert withProvenance(NodeId from, String agreement, long at) {
    return new StoredAlert(
        originNodeId,
        alertId,
        version,
        status,
        issuedAt,
        expiresAt,
        audience,
        fields,
        disclosedPaths,
        envelope,
        local,
        storedAt,
        from,
        agreement,
        at);
  }

  /**
   * Whether this version is a tombstone, holding no content: a retraction, or a version with no
   * disclosed field (the origin withdrew the alert from this node, spec VER-6). Search never
   * returns a tombstone.
   */
  public boolean tombstone() {
    return status == AlertStatus.ALERT_STATUS_RETRACTED || disclosedPaths.isEmpty();
  }

  /** No alert content in the string form: records end up in logs. */
  @Override
  public String toString() {
    return "StoredAlert[origin="
        + originNodeId
        + ", alertId="
        + alertId
        + ", version="
        + version
        + ", status="
        + status
        + ", local="
        + local
        + (receivedFrom == null ? "" : ", receivedFrom=" + receivedFrom)
        + (agreementId == null ? "" : ", agreementId=" + agreementId)
        + "]";
  }
}
