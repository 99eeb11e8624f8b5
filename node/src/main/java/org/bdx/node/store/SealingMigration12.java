package org.bdx.node.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Schema 12 (spec AR-8): seals what schema 11 left in clear about partners, agreements, staff and
 * the audit log. Partner and staff names become keyed hashes ({@link NameKeys}) beside their sealed
 * values; partner endpoints, agreement terms and signatures are sealed in place; the staff, audit
 * log and audit head tables are rebuilt, since their constraints (a clear primary key, text
 * lengths) do not fit sealed values, and the audit log's triggers are made again on the new tables.
 * No audit hash is computed again: the chain still covers each entry as it was written, so a head
 * noted before the upgrade still verifies. Runs inside migration 12's transaction after its SQL;
 * the database is vacuumed after it commits ({@link NodeDatabase}).
 */
final class SealingMigration12 {
  private SealingMigration12() {}

  /** The statements before the step: new columns and the tables the step fills. */
  static final String[] SQL = {
    // Renamed, not rebuilt: agreements refer to partners, and a rebuild inside a transaction
    // cannot set foreign keys aside. The column keeps its UNIQUE constraint, now on the key.
    "ALTER TABLE partners RENAME COLUMN name TO name_key",
    "ALTER TABLE partners ADD COLUMN name_sealed BLOB NOT NULL DEFAULT x''",
    """
    CREATE TABLE staff_sealed (
      name_key        TEXT PRIMARY KEY NOT NULL,
      name_sealed     BLOB NOT NULL,
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
    // A sealed value is at least 29 bytes (format byte, nonce, tag). The clear lengths are
    // bounded by AuditLog; they are not checked here, so that an entry someone changed in an
    // older file is copied as it is and named by verify rather than stop the upgrade.
    """
    CREATE TABLE audit_log_sealed (
      seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
      at        INTEGER NOT NULL,
      actor     BLOB    NOT NULL CHECK (length(actor) >= 29),
      action    TEXT    NOT NULL,
      detail    BLOB    NOT NULL CHECK (length(detail) >= 29),
      prev_hash BLOB    NOT NULL CHECK (length(prev_hash) >= 29),
      hash      BLOB    NOT NULL CHECK (length(hash) >= 29)
    )""",
    """
    CREATE TABLE audit_head_sealed (
      one  INTEGER PRIMARY KEY CHECK (one = 1),
      seq  INTEGER NOT NULL,
      hash BLOB    NOT NULL CHECK (length(hash) >= 29)
    )"""
  };

  /** The triggers of schema 10, made again on the rebuilt tables. */
  private static final List<String> TRIGGERS =
      List.of(
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
          BEGIN SELECT RAISE(ABORT, 'the audit head is kept'); END""");

  static void run(Connection c, RowCipher cipher) throws SQLException {
    sealPartners(c, cipher);
    sealAgreements(c, cipher);
    copyStaff(c, cipher);
    copyAudit(c, cipher);
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE staff");
      s.execute("ALTER TABLE staff_sealed RENAME TO staff");
      s.execute("DROP TABLE audit_log");
      s.execute("DROP TABLE audit_head");
      s.execute("ALTER TABLE audit_log_sealed RENAME TO audit_log");
      s.execute("ALTER TABLE audit_head_sealed RENAME TO audit_head");
      for (String t : TRIGGERS) {
        s.execute(t);
      }
    }
  }

  private static void sealPartners(Connection c, RowCipher cipher) throws SQLException {
    List<String[]> rows = new ArrayList<>();
    try (PreparedStatement read =
            c.prepareStatement("SELECT node_id, name_key, endpoint FROM partners");
        ResultSet rs = read.executeQuery()) {
      while (rs.next()) {
        rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
      }
    }
    try (PreparedStatement write =
        c.prepareStatement(
            "UPDATE partners SET name_key = ?, name_sealed = ?, endpoint = ? WHERE node_id = ?")) {
      for (String[] r : rows) {
        String id = r[0];
        write.setString(1, NameKeys.of(cipher, NameKeys.PARTNER, r[1]));
        write.setBytes(2, cipher.sealText(PartnerStore.NAME, r[1], id));
        write.setBytes(3, cipher.sealText(PartnerStore.ENDPOINT, r[2], id));
        write.setString(4, id);
        write.executeUpdate();
      }
    }
  }

  private static void sealAgreements(Connection c, RowCipher cipher) throws SQLException {
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
        write.setBytes(1, cipher.seal(AgreementStore.TERMS, rs.getBytes(2), id));
        write.setBytes(2, cipher.seal(AgreementStore.PROPOSER_SIGNATURE, rs.getBytes(3), id));
        write.setBytes(
            3,
            acceptor == null ? null : cipher.seal(AgreementStore.ACCEPTOR_SIGNATURE, acceptor, id));
        write.setString(4, id);
        write.executeUpdate();
      }
    }
  }

  private static void copyStaff(Connection c, RowCipher cipher) throws SQLException {
    try (PreparedStatement read =
            c.prepareStatement(
                "SELECT name, role, credential_hash, created_at, revoked_at FROM staff");
        PreparedStatement write =
            c.prepareStatement(
                "INSERT INTO staff_sealed (name_key, name_sealed, role, credential_hash,"
                    + " created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)");
        ResultSet rs = read.executeQuery()) {
      while (rs.next()) {
        String name = rs.getString(1);
        String key = NameKeys.of(cipher, NameKeys.STAFF, name);
        write.setString(1, key);
        write.setBytes(2, cipher.sealText(StaffStore.NAME, name, key));
        write.setInt(3, rs.getInt(2));
        write.setBytes(4, rs.getBytes(3));
        write.setLong(5, rs.getLong(4));
        write.setLong(6, rs.getLong(5));
        write.executeUpdate();
      }
    }
  }

  /** Every entry and the head as they are, hashes included: nothing is hashed again. */
  private static void copyAudit(Connection c, RowCipher cipher) throws SQLException {
    try (PreparedStatement read =
            c.prepareStatement(
                "SELECT seq, at, actor, action, detail, prev_hash, hash FROM audit_log"
                    + " ORDER BY seq");
        PreparedStatement write =
            c.prepareStatement(
                "INSERT INTO audit_log_sealed (seq, at, actor, action, detail, prev_hash, hash)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?)");
        ResultSet rs = read.executeQuery()) {
      while (rs.next()) {
        write.setLong(1, rs.getLong(1));
        write.setLong(2, rs.getLong(2));
        write.setBytes(3, cipher.sealText(AuditStore.ACTOR, text(rs, 3)));
        write.setString(4, text(rs, 4));
        write.setBytes(5, cipher.sealText(AuditStore.DETAIL, text(rs, 5)));
        write.setBytes(6, cipher.seal(AuditStore.PREV_HASH, bytes(rs, 6)));
        write.setBytes(7, cipher.seal(AuditStore.HASH, bytes(rs, 7)));
        write.executeUpdate();
      }
    }
    try (PreparedStatement read = c.prepareStatement("SELECT one, seq, hash FROM audit_head");
        PreparedStatement write =
            c.prepareStatement("INSERT INTO audit_head_sealed (one, seq, hash) VALUES (?, ?, ?)");
        ResultSet rs = read.executeQuery()) {
      while (rs.next()) {
        write.setLong(1, rs.getLong(1));
        write.setLong(2, rs.getLong(2));
        write.setBytes(3, cipher.seal(AuditStore.HEAD_HASH, bytes(rs, 3)));
        write.executeUpdate();
      }
    }
  }

  /** As AuditStore reads a changed file: "" for NULL, so the chain check fails, not the upgrade. */
  private static String text(ResultSet rs, int column) throws SQLException {
    String s = rs.getString(column);
    return s == null ? "" : s;
  }

  private static byte[] bytes(ResultSet rs, int column) throws SQLException {
    byte[] b = rs.getBytes(column);
    return b == null ? new byte[0] : b;
  }
}
