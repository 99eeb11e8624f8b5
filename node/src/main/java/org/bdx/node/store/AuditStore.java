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
 */
public final class AuditStore {
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
                ? Optional.of(new AuditRecord.Head(rs.getLong(1), bytes(rs, 2)))
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
          db.update(
              "INSERT INTO audit_log (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
              r.seq(),
              r.at(),
              r.actor(),
              r.action(),
              r.detail(),
              r.prevHash(),
              r.hash());
          if (r.seq() == 1) {
            db.update(
                "INSERT INTO audit_head (one, seq, hash) VALUES (1, ?, ?)", r.seq(), r.hash());
          } else if (db.update(
                  "UPDATE audit_head SET seq = ?, hash = ? WHERE one = 1", r.seq(), r.hash())
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
            return read(ps);
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
            List<AuditRecord> one = read(ps);
            return one.isEmpty() ? Optional.<AuditRecord>empty() : Optional.of(one.get(0));
          }
        });
  }

  /** How many entries there are. */
  public long count() {
    return db.queryLong("SELECT count(*) FROM audit_log");
  }

  private static List<AuditRecord> read(PreparedStatement ps) throws SQLException {
    List<AuditRecord> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(
            new AuditRecord(
                rs.getLong(1),
                rs.getLong(2),
                text(rs, 3),
                text(rs, 4),
                text(rs, 5),
                bytes(rs, 6),
                bytes(rs, 7)));
      }
    }
    return out;
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
