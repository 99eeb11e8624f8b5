package org.bdx.node.store;

import com.google.protobuf.InvalidProtocolBufferException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.SignedAlert;
import org.bdx.proto.v1.SignedHop;

/**
 * Rows of the {@code alerts} table as {@link StoredAlert}s: the one row mapper, and the one place
 * that seals and opens an alert's content (spec AR-6). {@code fields} and {@code envelope} are
 * sealed with the alert's origin, id and version as its identity, so a sealed value moved to
 * another alert or version does not open.
 */
final class AlertRows {
  private AlertRows() {}

  static final String FIELDS = "alerts.fields";
  static final String ENVELOPE = "alerts.envelope";
  static final String HOPS = "alerts.hops";

  /**
   * The stored form of hop statements (spec RELAY-8): the bytes of a {@code FeedItem} holding only
   * them, which is their encoding as the item's {@code hops} field, in order.
   */
  static byte[] hopsBytes(List<SignedHop> statements) {
    return FeedItem.newBuilder().addAllHops(statements).build().toByteArray();
  }

  /** The statements {@link #hopsBytes} stored. */
  static List<SignedHop> readHops(byte[] bytes, String alertId) {
    try {
      return FeedItem.parseFrom(bytes).getHopsList();
    } catch (InvalidProtocolBufferException e) {
      throw new StoreException("hop statements of alert " + alertId + " cannot be read");
    }
  }

  /** The sealed form of {@code plain} for {@code column} of the alert version. */
  static byte[] seal(
      RowCipher cipher,
      String column,
      byte[] plain,
      String originNodeId,
      String alertId,
      long version) {
    return cipher.seal(column, plain, originNodeId, alertId, Long.toString(version));
  }

  /** Opens what {@link #seal} sealed for the same column and alert version. */
  static byte[] open(
      RowCipher cipher,
      String column,
      byte[] sealed,
      String originNodeId,
      String alertId,
      long version) {
    return cipher.open(column, sealed, originNodeId, alertId, Long.toString(version));
  }

  /** The hops recorded for the held version of an alert, its statements opened. */
  static AlertStore.Hops hops(Connection c, RowCipher cipher, NodeId origin, String alertId)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT relay_hops, hops_left, hops, version FROM alerts "
                + "WHERE origin_node_id = ? AND alert_id = ?")) {
      ps.setString(1, origin.value());
      ps.setString(2, alertId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return AlertStore.Hops.NONE;
        }
        byte[] sealed = rs.getBytes(3);
        List<SignedHop> statements =
            sealed == null
                ? List.of()
                : readHops(
                    open(cipher, HOPS, sealed, origin.value(), alertId, rs.getLong(4)), alertId);
        return new AlertStore.Hops(rs.getLong(1), rs.getLong(2), statements);
      }
    }
  }

  /** The columns {@link #read} needs, in a form to put after SELECT. */
  static final String COLUMNS =
      "seq, origin_node_id, alert_id, version, status, issued_at, expires_at, audience, "
          + "fields, disclosed_paths, envelope, local, stored_at, received_from, agreement_id, "
          + "purge_at";

  /** Maps one row selected with {@link #COLUMNS} (or {@code *}), opening its content. */
  static StoredAlert read(ResultSet rs, RowCipher cipher) throws SQLException {
    String alertId = rs.getString("alert_id");
    String originColumn = rs.getString("origin_node_id");
    long version = rs.getLong("version");
    AlertFields fields;
    SignedAlert envelope;
    try {
      fields =
          AlertFields.parseFrom(
              open(cipher, FIELDS, rs.getBytes("fields"), originColumn, alertId, version));
      envelope =
          SignedAlert.parseFrom(
              open(cipher, ENVELOPE, rs.getBytes("envelope"), originColumn, alertId, version));
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
      origin = new NodeId(originColumn);
      receivedFrom = from == null ? null : new NodeId(from);
    } catch (IllegalArgumentException e) {
      throw new StoreException("stored alert " + alertId + " has a malformed node id");
    }
    return new StoredAlert(
        origin,
        alertId,
        version,
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
