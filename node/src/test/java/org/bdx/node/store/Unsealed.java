package org.bdx.node.store;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Locale;

/**
 * What a holder of the row keys reads from a node database: every sealed value of alerts, queued
 * envelopes, retraction reasons, partners (names, endpoints), agreement terms, staff names and the
 * audit log (actors, details) opened, as one lower-cased string (ISO-8859-1, so UTF-8 text inside
 * protobuf bytes shows as typed). Tests compare it with a scan of the raw files: a value here and
 * not in the files is sealed; a value in neither is gone.
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
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT node_id, name_sealed, endpoint FROM partners");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              String id = rs.getString(1);
              sb.append(cipher.openText(PartnerStore.NAME, rs.getBytes(2), id)).append('\n');
              sb.append(cipher.openText(PartnerStore.ENDPOINT, rs.getBytes(3), id)).append('\n');
            }
          }
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT agreement_id, terms FROM agreements");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              append(sb, cipher.open(AgreementStore.TERMS, rs.getBytes(2), rs.getString(1)));
            }
          }
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT name_key, name_sealed FROM staff");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              sb.append(cipher.openText(StaffStore.NAME, rs.getBytes(2), rs.getString(1)))
                  .append('\n');
            }
          }
          try (PreparedStatement ps = c.prepareStatement("SELECT actor, detail FROM audit_log");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              sb.append(cipher.openText(AuditStore.ACTOR, rs.getBytes(1)))
                  .append(' ')
                  .append(cipher.openText(AuditStore.DETAIL, rs.getBytes(2)))
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
