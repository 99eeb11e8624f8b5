package org.bdx.node.store;

import com.google.protobuf.ByteString;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.SignedKeyEvent;

/**
 * Tables {@code partner_key_logs} and {@code partner_key_log_forks}: each partner's key log as this
 * node last verified it (spec KEY-16), event by event as the exact bytes that were signed, and how
 * often the partner served one that does not extend it (a fork, KEY-8). Logs are public, so they
 * are stored in clear (SEC-6). Rows are only ever added: the held log is never replaced or
 * shortened. The only class that reads or writes these tables.
 */
public final class PartnerKeyLogStore {
  static final String SELECT =
      "SELECT sequence, event, signature FROM partner_key_logs WHERE partner_node_id = ?"
          + " ORDER BY sequence";
  static final String INSERT =
      "INSERT INTO partner_key_logs (partner_node_id, sequence, event, signature)"
          + " VALUES (?, ?, ?, ?)";

  /** How often a partner served a forked log, and when it last did (Unix seconds; 0 if never). */
  public record Forks(long count, long lastSeenAt) {
    public static final Forks NONE = new Forks(0, 0);
  }

  private final NodeDatabase db;

  public PartnerKeyLogStore(NodeDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /** The held events of {@code partner}'s log, event 0 first; empty if none is held. */
  public List<SignedKeyEvent> load(NodeId partner) {
    Objects.requireNonNull(partner, "partner");
    return db.inTransaction(
        c -> {
          List<SignedKeyEvent> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(SELECT)) {
            ps.setString(1, partner.value());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                if (rs.getLong(1) != out.size()) {
                  throw new StoreException("a partner's key log in the database has a gap");
                }
                out.add(
                    SignedKeyEvent.newBuilder()
                        .setEvent(ByteString.copyFrom(rs.getBytes(2)))
                        .setSignature(ByteString.copyFrom(rs.getBytes(3)))
                        .build());
              }
            }
          }
          return out;
        });
  }

  /**
   * Adds {@code events} after the {@code from} events held, in one durable transaction; the caller
   * verified the longer log (KEY-4) and that it extends the held one (KEY-8).
   *
   * @throws StoreException if the held log is not {@code from} events long (it changed meanwhile)
   */
  public void extend(NodeId partner, int from, List<SignedKeyEvent> events) {
    extend(partner, from, events, false);
  }

  /**
   * As {@link #extend(NodeId, int, List)}; with {@code rereadFeed}, in the same transaction, moves
   * this node's cursor into the partner's feed back to its start (spec KEY-20): after a revocation,
   * whoever held the revoked key may have served feed sequences the partner's real node never used,
   * and those must not hide what it serves now.
   */
  public void extend(NodeId partner, int from, List<SignedKeyEvent> events, boolean rereadFeed) {
    Objects.requireNonNull(partner, "partner");
    Objects.requireNonNull(events, "events");
    db.inTransaction(
        c -> {
          long held =
              db.queryLong(
                  "SELECT COUNT(*) FROM partner_key_logs WHERE partner_node_id = ?",
                  partner.value());
          if (held != from) {
            throw new StoreException("a partner's key log changed while events were being added");
          }
          for (int i = 0; i < events.size(); i++) {
            SignedKeyEvent e = events.get(i);
            db.update(
                INSERT,
                partner.value(),
                (long) from + i,
                e.getEvent().toByteArray(),
                e.getSignature().toByteArray());
          }
          if (rereadFeed) {
            db.update(
                "UPDATE sync_state SET inbound_cursor = 0 WHERE partner_node_id = ?",
                partner.value());
          }
          return null;
        });
  }

  /** Counts one more fork served by {@code partner}, seen at {@code at} (Unix seconds). */
  public void recordFork(NodeId partner, long at) {
    Objects.requireNonNull(partner, "partner");
    db.update(
        "INSERT INTO partner_key_log_forks (partner_node_id, forks, last_seen_at) VALUES (?, 1, ?)"
            + " ON CONFLICT (partner_node_id) DO UPDATE SET forks = forks + 1,"
            + " last_seen_at = excluded.last_seen_at",
        partner.value(),
        at);
  }

  /** The forks {@code partner} served; {@link Forks#NONE} if none. */
  public Forks forks(NodeId partner) {
    Objects.requireNonNull(partner, "partner");
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT forks, last_seen_at FROM partner_key_log_forks"
                      + " WHERE partner_node_id = ?")) {
            ps.setString(1, partner.value());
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? new Forks(rs.getLong(1), rs.getLong(2)) : Forks.NONE;
            }
          }
        });
  }
}
