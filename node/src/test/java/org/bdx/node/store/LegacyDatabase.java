package org.bdx.node.store;

import com.google.protobuf.InvalidProtocolBufferException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bdx.proto.v1.AlertFields;

/**
 * Turns an open database back into what bdx wrote before schema 11 (spec AR-6): alerts, queued
 * envelopes and retraction reasons in clear, the full-text and phone tables filled from the alerts
 * and the clear {@code area_lc} and {@code plate} columns, no keyed-hash index. Nothing in bdx
 * writes this layout any more; tests of the upgrade start from it.
 */
public final class LegacyDatabase {
  private LegacyDatabase() {}

  /** Rewrites {@code db} in place as schema 10 in clear; the caller closes it afterwards. */
  public static void downgrade(NodeDatabase db) {
    RowCipher cipher = db.cipher();
    db.inTransaction(
        c -> {
          unsealAlerts(c, cipher);
          unsealOutbox(c, cipher);
          unsealReasons(c, cipher);
          try (Statement s = c.createStatement()) {
            for (String sql :
                List.of(
                    "DROP TABLE alert_terms",
                    "DROP TABLE search_index_rules",
                    "ALTER TABLE alerts DROP COLUMN terms",
                    "ALTER TABLE alerts ADD COLUMN area_lc TEXT NOT NULL DEFAULT ''",
                    "ALTER TABLE alerts ADD COLUMN plate TEXT NOT NULL DEFAULT ''",
                    "CREATE TABLE alert_phones (phone TEXT NOT NULL, seq INTEGER NOT NULL"
                        + " REFERENCES alerts (seq) ON DELETE CASCADE, PRIMARY KEY (phone, seq))"
                        + " WITHOUT ROWID",
                    "CREATE INDEX alert_phones_by_seq ON alert_phones (seq)",
                    "CREATE VIRTUAL TABLE alert_text USING fts5(body, content='',"
                        + " contentless_delete=1, tokenize='unicode61 remove_diacritics 2')",
                    "CREATE VIRTUAL TABLE alert_plates USING fts5(plate, content='',"
                        + " contentless_delete=1, tokenize='trigram')",
                    "INSERT INTO alert_text (alert_text, rank) VALUES ('secure-delete', 1)",
                    "INSERT INTO alert_plates (alert_plates, rank) VALUES ('secure-delete', 1)",
                    "DELETE FROM schema_migrations WHERE version >= 11")) {
              s.execute(sql);
            }
          }
          indexInClear(c);
          return null;
        });
    db.checkpoint();
  }

  private static void unsealAlerts(Connection c, RowCipher cipher) throws SQLException {
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
            1, AlertRows.open(cipher, AlertRows.FIELDS, rs.getBytes(5), origin, alertId, version));
        write.setBytes(
            2,
            AlertRows.open(cipher, AlertRows.ENVELOPE, rs.getBytes(6), origin, alertId, version));
        write.setLong(3, rs.getLong(1));
        write.executeUpdate();
      }
    }
  }

  private static void unsealOutbox(Connection c, RowCipher cipher) throws SQLException {
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
            cipher.open(
                OutboxStore.ENVELOPE,
                rs.getBytes(6),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                Long.toString(rs.getLong(5))));
        write.setLong(2, rs.getLong(1));
        write.executeUpdate();
      }
    }
  }

  private static void unsealReasons(Connection c, RowCipher cipher) throws SQLException {
    try (PreparedStatement read =
            c.prepareStatement("SELECT alert_id, reason FROM retraction_reasons");
        PreparedStatement write =
            c.prepareStatement("UPDATE retraction_reasons SET reason = ? WHERE alert_id = ?");
        ResultSet rs = read.executeQuery()) {
      while (rs.next()) {
        String alertId = rs.getString(1);
        write.setString(1, cipher.openText(RetractionReasons.REASON, rs.getBytes(2), alertId));
        write.setString(2, alertId);
        write.executeUpdate();
      }
    }
  }

  /** The index as schema 10 kept it: words, plate and phones in clear. */
  private static void indexInClear(Connection c) throws SQLException {
    List<long[]> seqs = new ArrayList<>();
    List<AlertFields> fields = new ArrayList<>();
    try (PreparedStatement read =
            c.prepareStatement("SELECT seq, fields FROM alerts WHERE disclosed_paths <> ''");
        ResultSet rs = read.executeQuery()) {
      while (rs.next()) {
        seqs.add(new long[] {rs.getLong(1)});
        try {
          fields.add(AlertFields.parseFrom(rs.getBytes(2)));
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    try (PreparedStatement area =
            c.prepareStatement("UPDATE alerts SET area_lc = ?, plate = ? WHERE seq = ?");
        PreparedStatement text =
            c.prepareStatement("INSERT INTO alert_text (rowid, body) VALUES (?, ?)");
        PreparedStatement plate =
            c.prepareStatement("INSERT INTO alert_plates (rowid, plate) VALUES (?, ?)");
        PreparedStatement phone =
            c.prepareStatement("INSERT OR IGNORE INTO alert_phones (phone, seq) VALUES (?, ?)")) {
      for (int i = 0; i < seqs.size(); i++) {
        long seq = seqs.get(i)[0];
        AlertFields f = fields.get(i);
        area.setString(1, f.getArea().strip().toLowerCase(Locale.ROOT));
        area.setString(2, f.getVehiclePlate());
        area.setLong(3, seq);
        area.executeUpdate();
        text.setLong(1, seq);
        text.setString(
            2,
            String.join(
                "\n",
                f.getAggressorDescription(),
                String.join("\n", f.getNamesUsedList()),
                String.join("\n", f.getOnlineHandlesList()),
                f.getVehicleDescription(),
                f.getArea(),
                f.getModusOperandi()));
        text.executeUpdate();
        if (!f.getVehiclePlate().isEmpty()) {
          plate.setLong(1, seq);
          plate.setString(2, f.getVehiclePlate());
          plate.executeUpdate();
        }
        for (String p : f.getPhoneNumbersList()) {
          phone.setString(1, p);
          phone.setLong(2, seq);
          phone.executeUpdate();
        }
      }
    }
  }
}
