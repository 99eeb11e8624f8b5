package org.bdx.node.signing;

import java.util.Collections;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.SignedAlert;

/**
 * An envelope that passed every check of SIG-7.
 *
 * @param header the parsed signed header
 * @param fields the merge of every disclosed claim value
 * @param disclosedPaths the paths disclosed (unmodifiable)
 * @param envelope the envelope as verified (exact bytes to store or relay)
 */
public record VerifiedAlert(
    AlertHeader header,
    AlertFields fields,
    SortedSet<String> disclosedPaths,
    SignedAlert envelope) {

  public VerifiedAlert {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(fields, "fields");
    Objects.requireNonNull(envelope, "envelope");
    disclosedPaths = Collections.unmodifiableSortedSet(new TreeSet<>(disclosedPaths));
  }

  public NodeId originNodeId() {
    return new NodeId(header.getOriginNodeId());
  }

  public String alertId() {
    return header.getAlertId();
  }

  public long version() {
    return header.getVersion();
  }

  public AlertStatus status() {
    return header.getStatus();
  }
}
