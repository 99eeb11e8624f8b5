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
 * Turns an open database back into what bdx wrote before schema 13 (no hop statements), before
 * schema 12 (spec AR-8: partner and staff names, endpoints, agreement terms and signatures, the
 * audit log in clear), or before schema 11 (spec AR-6: alerts, queued envelopes and retraction
 * reasons in clear too, the full-text and phone tables filled from the alerts and the clear {@code
 * area_lc} and {@code plate} columns, no keyed-hash index). Nothing in bdx writes these layouts any
 * more; tests of the upgrades start from them.
 */
public final class LegacyDatabase {
  private LegacyDatabase() {}

  /**
   * Rewrites {@code db} in place as schema 20: the search index as one B-tree row per term and
   * alert, {@code alert_terms (term, incident_day, seq)}, filled from each alert's packed terms;
   * the caller closes it afterwards.
   */
  public static void downgradeTo20(NodeDatabase db) {
    db.inTransaction(
        c -> {
          try (Statement s = c.createStatement()) {
            s.execute(
                "CREATE TABLE alert_terms (term INTEGER NOT NULL, incident_day INTEGER NOT NULL,"
                    + " seq INTEGER NOT NULL, PRIMARY KEY (term, incident_day, seq)) WITHOUT ROWID");
          }
          try (PreparedStatement read =
                  c.prepareStatement(
                      "SELECT seq, incident_date, terms FROM alerts WHERE length(terms) > 0");
              PreparedStatement write =
                  c.prepareStatement("INSERT INTO alert_terms VALUES (?, ?, ?)");
              ResultSet rs = read.executeQuery()) {
            while (rs.next()) {
              java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(rs.getBytes(3));
              while (b.remaining() >= Long.BYTES) {
                write.setLong(1, b.getLong());
                write.setInt(2, SearchIndex.day(rs.getString(2)));
                write.setLong(3, rs.getLong(1));
                write.executeUpdate();
              }
            }
          }
          try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE alert_index");
            s.execute("DELETE FROM schema_migrations WHERE version >= 21");
          }
          return null;
        });
  }

  /**
   * Rewrites {@code db} in place as schema 19: the search index keyed by term (or harm) and
   * sequence alone, without the incident date; the caller closes it afterwards.
   */
  public static void downgradeTo19(NodeDatabase db) {
    downgradeTo20(db);
    db.inTransaction(
        c -> {
          try (Statement s = c.createStatement()) {
            for (String sql :
                List.of(
                    "CREATE TABLE old_terms (term INTEGER NOT NULL, seq INTEGER NOT NULL,"
                        + " PRIMARY KEY (term, seq)) WITHOUT ROWID",
                    "INSERT INTO old_terms SELECT term, seq FROM alert_terms",
                    "DROP TABLE alert_terms",
                    "ALTER TABLE old_terms RENAME TO alert_terms",
                    "CREATE TABLE old_harms (harm INTEGER NOT NULL, seq INTEGER NOT NULL"
                        + " REFERENCES alerts (seq) ON DELETE CASCADE, PRIMARY KEY (harm, seq))"
                        + " WITHOUT ROWID",
                    "INSERT INTO old_harms SELECT harm, seq FROM alert_harms",
                    "DROP TABLE alert_harms",
                    "ALTER TABLE old_harms RENAME TO alert_harms",
                    "CREATE INDEX alert_harms_by_seq ON alert_harms (seq)",
                    "DELETE FROM schema_migrations WHERE version >= 20")) {
              s.execute(sql);
            }
          }
          return null;
        });
  }

  /**
   * Rewrites {@code db} in place as schema 12 (no record of copies, no hop statements, no
   * rejections by reason, no bulletin subscribers or deliveries); the caller closes it afterwards.
   */
  public static void downgradeTo12(NodeDatabase db) {
    downgradeTo19(db);
    db.inTransaction(
        c -> {
          try (Statement s = c.createStatement()) {
            for (String sql :
                List.of(
                    "DROP INDEX IF EXISTS reports_by_submission_key",
                    "ALTER TABLE reports DROP COLUMN submission_key",
                    "DROP TABLE IF EXISTS partner_key_logs",
                    "DROP TABLE IF EXISTS partner_key_log_forks",
                    "DROP TABLE IF EXISTS key_log",
                    "DROP TABLE IF EXISTS agreement_amendments",
                    "DROP TABLE IF EXISTS deliveries",
                    "DROP TABLE IF EXISTS subscribers",
                    "DROP TABLE alert_copies",
                    "ALTER TABLE alerts DROP COLUMN hops",
                    "ALTER TABLE outbox DROP COLUMN hops",
                    "DROP TABLE inbound_rejections",
                    "DELETE FROM schema_migrations WHERE version >= 13")) {
              s.execute(sql);
            }
          }
          return null;
        });
  }

  /** Rewrites {@code db} in place as schema 11; the caller closes it afterwards. */
  public static void downgradeTo11(NodeDatabase db) {
    downgradeTo12(db);
    RowCipher cipher = db.cipher();
    db.inTransaction(
        c -> {
          unsealPartners(c, cipher);
          unsealAgreements(c, cipher);
          try (Statement s = c.createStatement()) {
            for (String sql :
                List.of(
                    "ALTER TABLE partners DROP COLUMN name_sealed",
                    "ALTER TABLE partners RENAME COLUMN name_key TO name",
                    """
                    CREATE TABLE staff_clear (
                      name            TEXT PRIMARY KEY COLLATE NOCASE,
                      role            INTEGER NOT NULL CHECK (role BETWEEN 1 AND 3),
                      credential_hash BLOB NOT NULL UNIQUE CHECK (length(credential_hash) = 32),
                      created_at      INTEGER NOT NULL,
                      revoked_at      INTEGER NOT NULL DEFAULT 0
                    )""",
                    "DROP TRIGGER audit_log_append_only_update",
                    "DROP TRIGGER audit_log_append_only_delete",
                    "DROP TRIGGER audit_log_after_head",
                    "DROP TRIGGER audit_head_forward",
                    "DROP TRIGGER audit_head_kept",
                    """
                    CREATE TABLE audit_log_clear (
                      seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
                      at        INTEGER NOT NULL,
                      actor     TEXT    NOT NULL CHECK (length(actor) BETWEEN 1 AND 80),
                      action    TEXT    NOT NULL CHECK (length(action) BETWEEN 1 AND 32),
                      detail    TEXT    NOT NULL CHECK (length(detail) <= 2000),
                      prev_hash BLOB    NOT NULL CHECK (length(prev_hash) = 32),
                      hash      BLOB    NOT NULL CHECK (length(hash) = 32)
                    )""",
                    """
                    CREATE TABLE audit_head_clear (
                      one  INTEGER PRIMARY KEY CHECK (one = 1),
                      seq  INTEGER NOT NULL,
                      hash BLOB    NOT NULL CHECK (length(hash) = 32)
                    )""")) {
              s.execute(sql);
            }
          }
          unsealStaff(c, cipher);
          unsealAudit(c, cipher);
          try (Statement s = c.createStatement()) {
            for (String sql :
                List.of(
                    "DROP TABLE staff",
                    "ALTER TABLE staff_clear RENAME TO staff",
                    "DROP TABLE audit_log",
                    "DROP TABLE audit_head",
                    "ALTER TABLE audit_log_clear RENAME TO audit_log",
                    "ALTER TABLE audit_head_clear RENAME TO audit_head",
                    """
                    CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
                    """
                    CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
                    """
                    CREATE TRIGGER audit_log_after_head BEFORE INSERT ON audit_log
                    WHEN NEW.seq <> COALESCE((SELECT seq FROM audit_head), 0) + 1
                    BEGIN SELECT RAISE(ABORT, 'an audit entry must follow the head'); END""",
                    """
                    CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head
                    WHEN NEW.seq <> OLD.seq + 1
                    BEGIN SELECT RAISE(ABORT, 'the audit head moves one entry forward'); END""",
                    """
                    CREATE TRIGGER audit_head_kept BEFORE DELETE ON audit_head
                    BEGIN SELECT RAISE(ABORT, 'the audit head is kept'); END""",
                    "DELETE FROM schema_migrations WHERE version >= 12")) {
              s.execute(sql);
            }
          }
          return null;
        });
    db.checkpoint();
  }

  private static void unsealPartners(Connection c, RowCipher cipher) throws SQLException {
    List<String[]> rows = new ArrayList<>();
    try (PreparedStatement read =
            c.prepareStatement("SELECT node_id, name_sealed, endpoint FROM partners");
        ResultSet rs = read.executeQuery()) {
      while (rs.next()) {
        String id = rs.getString(1);
        rows.add(
            new String[] {
              id,
              cipher.openText(PartnerStore.NAME, rs.getBytes(2), id),
              cipher.openText(PartnerStore.ENDPOINT, rs.getBytes(3), id)
            });
      }
    }
    try (PreparedStatement write =
        c.prepareStatement("UPDATE partners SET name_key = ?, endpoint = ? WHERE node_id = ?")) {
      for (String[] r : rows) {
        write.setString(1, r[1]);
        write.setString(2, r[2]);
        write.setString(3, r[0]);
        write.executeUpdate();
      }
    }
  }

  private static void unsealAgreements(Connection c, RowCipher cipher) throws SQLException {
    try (PreparedStatement read =
            c.prepareStatement(
                "SELECT agreement_id, terms, proposer_signature, acceptor_signature"
                    + " FROM agreements");
        PreparedStatement write =
            c.prepareStatement(
                "UPDATE agreements SET terms = ?, proposer_signature = ?, acceptor_signature = ?"
                    + " WHERE agreement_id = ?");
        ResultSet rs = read.executeQuery()) {
      while (rs.next()) {
        String id = rs.getString(1);
        byte[] acceptor = rs.getBytes(4);
        write.setBytes(1, cipher.open(AgreementStore.TERMS, rs.getBytes(2), id));
        write.setBytes(2, cipher.open(AgreementStore.PROPOSER_SIGNATURE, rs.getBytes(3), id));
        write.setBytes(
            3,
            acceptor == null ? null : cipher.open(AgreementStore.ACCEPTOR_SIGNATURE, acceptor, id));
        write.setString(4, id);
        write.executeUpdate();
      }
    }
  }

  private static void unsealStaff(Connection c, RowCipher cipher) throws SQLException {
    try (PreparedStatement read =
            c.prepareStatement(
                "SELECT name_key, name_sealed, role, credential_hash, created_at, revoked_at"
                    + " FROM staff");
        PreparedStatement write =
            c.prepareStatement(
                "INSERT INTO staff_clear (name, role, credential_hash, created_at, revoked_at)"
                    + " VALUES (?, ?, ?, ?, ?)");
        ResultSet rs = read.executeQuery()) {
      while (rs.next()) {
        write.setString(1, cipher.openText(StaffStore.NAME, rs.getBytes(2), rs.getString(1)));
        write.setInt(2, rs.getInt(3));
        write.setBytes(3, rs.getBytes(4));
        write.setLong(4, rs.getLong(5));
        write.setLong(5, rs.getLong(6));
        write.executeUpdate();
      }
    }
  }

  private static void unsealAudit(Connection c, RowCipher cipher) throws SQLException {
    try (PreparedStatement read =
            c.prepareStatement(
                "SELECT seq, at, actor, action, detail, prev_hash, hash FROM audit_log");
        PreparedStatement write =
            c.prepareStatement(
                "INSERT INTO audit_log_clear (seq, at, actor, action, detail, prev_hash, hash)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?)");
        ResultSet rs = read.executeQuery()) {
      while (rs.next()) {
        write.setLong(1, rs.getLong(1));
        write.setLong(2, rs.getLong(2));
        write.setString(3, cipher.openText(AuditStore.ACTOR, rs.getBytes(3)));
        write.setString(4, rs.getString(4));
        write.setString(5, cipher.openText(AuditStore.DETAIL, rs.getBytes(5)));
        write.setBytes(6, cipher.open(AuditStore.PREV_HASH, rs.getBytes(6)));
        write.setBytes(7, cipher.open(AuditStore.HASH, rs.getBytes(7)));
        write.executeUpdate();
      }
    }
    try (PreparedStatement read = c.prepareStatement("SELECT one, seq, hash FROM audit_head");
        PreparedStatement write =
            c.prepareStatement("INSERT INTO audit_head_clear (one, seq, hash) VALUES (?, ?, ?)");
        ResultSet rs = read.executeQuery()) {
      while (rs.next()) {
        write.setLong(1, rs.getLong(1));
        write.setLong(2, rs.getLong(2));
        write.setBytes(3, cipher.open(AuditStore.HEAD_HASH, rs.getBytes(3)));
        write.executeUpdate();
      }
    }
  }

  /** Rewrites {@code db} in place as schema 10 in clear; the caller closes it afterwards. */
  public static void downgrade(NodeDatabase db) {
    downgradeTo11(db);
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
