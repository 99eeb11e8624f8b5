package org.bdx.node.store;

import java.util.List;
import java.util.Objects;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.SignedAlert;

/**
 * An alert version as this node holds it: its own ({@code local}) or received and verified. Times
 * are Unix seconds. {@code fields} holds only the disclosed fields, named (sorted) in {@code
 * disclosedPaths}.
 */
public record StoredAlert(
    String originNodeId,
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

  public StoredAlert {
    Objects.requireNonNull(originNodeId, "originNodeId");
    Objects.requireNonNull(alertId, "alertId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(fields, "fields");
    disclosedPaths = List.copyOf(disclosedPaths);
    Objects.requireNonNull(envelope, "envelope");
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
        + "]";
  }
}
