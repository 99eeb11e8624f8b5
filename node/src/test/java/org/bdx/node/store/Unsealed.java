package org.bdx.node.store;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Locale;

/**
 * What a holder of the row keys reads from a node database: every sealed value of alerts, queued
 * envelopes and retraction reasons opened, as one lower-cased string (ISO-8859-1, so UTF-8 text
 * inside protobuf bytes shows as typed). Tests compare it with a scan of the raw files: a value
 * here and not in the files is sealed; a value in neither is gone.
 */
public final class Unsealed {
  private Unsealed() {}

  public static String text(NodeDatabase db) {
    RowCipher cipher = db.cipher();
    StringBuilder sb = new StringBuilder();
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT origin_node_id, alert_id, version, fields, envelope FROM alerts");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              String origin = rs.getString(1);
              String alertId = rs.getString(2);
              long version = rs.getLong(3);
              append(
                  sb,
                  AlertRows.open(
                      cipher, AlertRows.FIELDS, rs.getBytes(4), origin, alertId, version));
              append(
                  sb,
                  AlertRows.open(
                      cipher, AlertRows.ENVELOPE, rs.getBytes(5), origin, alertId, version));
            }
          }
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT partner_node_id, origin_node_id, alert_id, version, envelope"
                          + " FROM outbox");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              append(
                  sb,
                  cipher.open(
                      OutboxStore.ENVELOPE,
                      rs.getBytes(5),
                      rs.getString(1),
                      rs.getString(2),
                      rs.getString(3),
                      Long.toString(rs.getLong(4))));
            }
          }
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT alert_id, reason FROM retraction_reasons");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              sb.append(cipher.openText(RetractionReasons.REASON, rs.getBytes(2), rs.getString(1)))
                  .append('\n');
            }
          }
          return null;
        });
    return sb.toString().toLowerCase(Locale.ROOT);
  }

  private static void append(StringBuilder sb, byte[] bytes) {
    if (bytes != null) {
      sb.append(new String(bytes, StandardCharsets.ISO_8859_1)).append('\n');
    }
  }
}
