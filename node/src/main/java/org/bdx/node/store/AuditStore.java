package org.bdx.node.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The audit log's rows (tables {@code audit_log} and {@code audit_head}, schema 10). Only appends:
 * there is no way here to change or delete an entry. {@link #append} writes the entry and moves the
 * head in the caller's transaction (or one of its own), so the two never disagree unless someone
 * changed the file.
 *
 * <p>Since schema 12 (spec AR-8) an entry's actor, detail, previous hash and hash, and the head's
 * hash, are stored sealed, with no row identity: the chain itself ties an entry to its place, and
 * an entry moved to another sequence must still open so that the audit room can name it as moved.
 * The hashes are sealed too because they cover the clear entry: in clear, each would let whoever
 * holds the file test a guess of an entry's actor and detail. An entry with a value that does not
 * open is read with {@link #UNREADABLE} as actor and detail and empty hashes, so its check fails.
 */
public final class AuditStore {
  static final String ACTOR = "audit_log.actor";
  static final String DETAIL = "audit_log.detail";
  static final String PREV_HASH = "audit_log.prev_hash";
  static final String HASH = "audit_log.hash";
  static final String HEAD_HASH = "audit_head.hash";

  /**
   * The actor and detail of an entry read with a value that does not open with this node's keys.
   */
  public static final String UNREADABLE = "(does not open with this node's keys)";

  private static final String COLUMNS = "seq, at, actor, action, detail, prev_hash, hash";

  private final NodeDatabase db;

  public AuditStore(NodeDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /** The head: the last entry's sequence and hash, as recorded; empty before the first entry. */
  public Optional<AuditRecord.Head> head() {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT seq, hash FROM audit_head WHERE one = 1");
              ResultSet rs = ps.executeQuery()) {
            return rs.next()
                ? Optional.of(
                    new AuditRecord.Head(rs.getLong(1), openHash(db.cipher(), HEAD_HASH, rs, 2)))
                : Optional.<AuditRecord.Head>empty();
          }
        });
  }

  /**
   * Appends {@code r}, which must follow the head ({@code r.seq()} = head + 1), and makes it the
   * head, in one transaction (joins the caller's).
   *
   * @throws StoreException if {@code r} does not follow the head
   */
  public void append(AuditRecord r) {
    db.inTransaction(
        c -> {
          RowCipher cipher = db.cipher();
          db.update(
              "INSERT INTO audit_log (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
              r.seq(),
              r.at(),
              cipher.sealText(ACTOR, r.actor()),
              r.action(),
              cipher.sealText(DETAIL, r.detail()),
              cipher.seal(PREV_HASH, r.prevHash()),
              cipher.seal(HASH, r.hash()));
          byte[] head = cipher.seal(HEAD_HASH, r.hash());
          if (r.seq() == 1) {
            db.update("INSERT INTO audit_head (one, seq, hash) VALUES (1, ?, ?)", r.seq(), head);
          } else if (db.update(
                  "UPDATE audit_head SET seq = ?, hash = ? WHERE one = 1", r.seq(), head)
              != 1) {
            throw new StoreException("the audit log has no head");
          }
          return null;
        });
  }

  /**
   * Up to {@code max} entries with a sequence greater than {@code afterSeq} recorded at or after
   * {@code since}, ascending by sequence.
   */
  public List<AuditRecord> page(long afterSeq, long since, int max) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM audit_log WHERE seq > ? AND at >= ? ORDER BY seq LIMIT ?")) {
            ps.setLong(1, afterSeq);
            ps.setLong(2, since);
            ps.setInt(3, max);
            return read(ps, db.cipher());
          }
        });
  }

  /** The entry with the greatest sequence. */
  public Optional<AuditRecord> last() {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT " + COLUMNS + " FROM audit_log ORDER BY seq DESC LIMIT 1")) {
            List<AuditRecord> one = read(ps, db.cipher());
            return one.isEmpty() ? Optional.<AuditRecord>empty() : Optional.of(one.get(0));
          }
        });
  }

  /** How many entries there are. */
  public long count() {
    return db.queryLong("SELECT count(*) FROM audit_log");
  }

  private static List<AuditRecord> read(PreparedStatement ps, RowCipher cipher)
      throws SQLException {
    List<AuditRecord> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long seq = rs.getLong(1);
        long at = rs.getLong(2);
        String action = text(rs, 4);
        AuditRecord r;
        try {
          r =
              new AuditRecord(
                  seq,
                  at,
                  cipher.openText(ACTOR, bytes(rs, 3)),
                  action,
                  cipher.openText(DETAIL, bytes(rs, 5)),
                  cipher.open(PREV_HASH, bytes(rs, 6)),
                  cipher.open(HASH, bytes(rs, 7)));
        } catch (StoreException e) {
          r = new AuditRecord(seq, at, UNREADABLE, action, UNREADABLE, new byte[0], new byte[0]);
        }
        out.add(r);
      }
    }
    return out;
  }

  /** A sealed hash; empty if it does not open (the chain check then fails). */
  private static byte[] openHash(RowCipher cipher, String column, ResultSet rs, int index)
      throws SQLException {
    try {
      return cipher.open(column, bytes(rs, index));
    } catch (StoreException e) {
      return new byte[0];
    }
  }

  /** A TEXT column; "" for NULL (only a changed file has one: the chain check then fails). */
  private static String text(ResultSet rs, int column) throws SQLException {
    String s = rs.getString(column);
    return s == null ? "" : s;
  }

  /** A BLOB column; an empty array for NULL or a value of another type (the chain check fails). */
  private static byte[] bytes(ResultSet rs, int column) throws SQLException {
    byte[] b = rs.getBytes(column);
    return b == null ? new byte[0] : b;
  }
}
