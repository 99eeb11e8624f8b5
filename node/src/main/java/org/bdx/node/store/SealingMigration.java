package org.bdx.node.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Seals, in place, the values a database kept in clear before schema 11 (spec AR-6): each alert's
 * fields and envelope, each queued envelope, each retraction reason. Runs inside migration 11's
 * transaction; {@code secure_delete} overwrites the old bytes, and the database is vacuumed after
 * the migration commits ({@link NodeDatabase}).
 */
final class SealingMigration {
  private SealingMigration() {}

  static void run(Connection c, RowCipher cipher) throws SQLException {
    sealAlerts(c, cipher);
    sealOutbox(c, cipher);
    sealReasons(c, cipher);
  }

  private static void sealAlerts(Connection c, RowCipher cipher) throws SQLException {
    try (PreparedStatement read =
            c.prepareStatement(
                "SELECT seq, origin_node_id, alert_id, version, fields, envelope FROM alerts");
        PreparedStatement write =
            c.prepareStatement("UPDATE alerts SET fields = ?, envelope = ? WHERE seq = ?");
        ResultSet rs = read.executeQuery()) {
      while (rs.next()) {
        String origin = rs.getString(2);
        String alertId = rs.getString(3);
        long version = rs.getLong(4);
        write.setBytes(
            1, AlertRows.seal(cipher, AlertRows.FIELDS, rs.getBytes(5), origin, alertId, version));
        write.setBytes(
            2,
            AlertRows.seal(cipher, AlertRows.ENVELOPE, rs.getBytes(6), origin, alertId, version));
        write.setLong(3, rs.getLong(1));
        write.executeUpdate();
      }
    }
  }

  private static void sealOutbox(Connection c, RowCipher cipher) throws SQLException {
    try (PreparedStatement read =
            c.prepareStatement(
                "SELECT seq, partner_node_id, origin_node_id, alert_id, version, envelope"
                    + " FROM outbox");
        PreparedStatement write =
            c.prepareStatement("UPDATE outbox SET envelope = ? WHERE seq = ?");
        ResultSet rs = read.executeQuery()) {
      while (rs.next()) {
        write.setBytes(
            1,
            OutboxStore.sealEnvelope(
                cipher,
                rs.getBytes(6),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getLong(5)));
        write.setLong(2, rs.getLong(1));
        write.executeUpdate();
      }
    }
  }

  private static void sealReasons(Connection c, RowCipher cipher) throws SQLException {
    try (PreparedStatement read =
            c.prepareStatement("SELECT alert_id, reason FROM retraction_reasons");
        PreparedStatement write =
            c.prepareStatement("UPDATE retraction_reasons SET reason = ? WHERE alert_id = ?");
        ResultSet rs = read.executeQuery()) {
      while (rs.next()) {
        String alertId = rs.getString(1);
        write.setBytes(1, cipher.sealText(RetractionReasons.REASON, rs.getString(2), alertId));
        write.setString(2, alertId);
        write.executeUpdate();
      }
    }
  }
}
