package org.bdx.node.store;

import com.google.protobuf.InvalidProtocolBufferException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.SignedAlert;

/** Rows of the {@code alerts} table as {@link StoredAlert}s: the one row mapper. */
final class AlertRows {
  private AlertRows() {}

  /** The columns {@link #read} needs, in a form to put after SELECT. */
  static final String COLUMNS =
      "seq, origin_node_id, alert_id, version, status, issued_at, expires_at, audience, "
          + "fields, disclosed_paths, envelope, local, stored_at, received_from, agreement_id, "
          + "purge_at";

  /** Maps one row selected with {@link #COLUMNS} (or {@code *}). */
  static StoredAlert read(ResultSet rs) throws SQLException {
    String alertId = rs.getString("alert_id");
    AlertFields fields;
    SignedAlert envelope;
    try {
      fields = AlertFields.parseFrom(rs.getBytes("fields"));
      envelope = SignedAlert.parseFrom(rs.getBytes("envelope"));
    } catch (InvalidProtocolBufferException e) {
      throw new StoreException("stored alert " + alertId + " cannot be read");
    }
    AlertStatus status = AlertStatus.forNumber(rs.getInt("status"));
    Audience audience = Audience.forNumber(rs.getInt("audience"));
    if (status == null || audience == null) {
      throw new StoreException("stored alert " + alertId + " has an unknown status or audience");
    }
    String paths = rs.getString("disclosed_paths");
    String from = rs.getString("received_from");
    NodeId origin;
    NodeId receivedFrom;
    try {
      origin = new NodeId(rs.getString("origin_node_id"));
      receivedFrom = from == null ? null : new NodeId(from);
    } catch (IllegalArgumentException e) {
      throw new StoreException("stored alert " + alertId + " has a malformed node id");
    }
    return new StoredAlert(
        origin,
        alertId,
        rs.getLong("version"),
        status,
        rs.getLong("issued_at"),
        rs.getLong("expires_at"),
        audience,
        fields,
        paths.isEmpty() ? List.of() : Arrays.asList(paths.split(",")),
        envelope,
        rs.getInt("local") != 0,
        rs.getLong("stored_at"),
        receivedFrom,
        rs.getString("agreement_id"),
        rs.getLong("purge_at"));
  }
}
