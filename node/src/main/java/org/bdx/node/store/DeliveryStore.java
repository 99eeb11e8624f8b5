package org.bdx.node.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The durable queue of bulletins to deliver (table {@code deliveries}): a row is written before any
 * attempt and deleted only when the bulletin was delivered or given up, so a crash or a failing
 * server loses none. It names the subscriber by key only, and holds no bulletin: each attempt makes
 * the bulletin afresh, so a warning retracted meanwhile is not sent.
 */
public final class DeliveryStore {
  /** Longest failure reason kept. */
  public static final int MAX_REASON = 300;

  private final NodeDatabase db;

  public DeliveryStore(NodeDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /**
   * Queues run {@code run} for each subscriber key, due at {@code now}; a key already queued in
   * this run is skipped. Joins the caller's transaction.
   *
   * @return how many were queued
   */
  public int queue(String run, Collection<String> addressKeys, LocalDate since, long now) {
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(since, "since");
    return db.atomically(
        () -> {
          int n = 0;
          for (String key : addressKeys) {
            n +=
                db.update(
                    "INSERT OR IGNORE INTO deliveries (run, address_key, since, queued_at,"
                        + " next_attempt_at) VALUES (?, ?, ?, ?, ?)",
                    run,
                    key,
                    since.toString(),
                    now,
                    now);
          }
          return n;
        });
  }

  /** Up to {@code max} deliveries due at {@code now}, oldest first. */
  public List<DeliveryRecord> due(long now, int max) {
    return db.inTransaction(
        c -> {
          List<DeliveryRecord> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, run, address_key, since, queued_at, attempts FROM deliveries"
                      + " WHERE next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?")) {
            ps.setLong(1, now);
            ps.setInt(2, max);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                try {
                  out.add(
                      new DeliveryRecord(
                          rs.getLong(1),
                          rs.getString(2),
                          rs.getString(3),
                          LocalDate.parse(rs.getString(4)),
                          rs.getLong(5),
                          rs.getInt(6)));
                } catch (DateTimeParseException | NullPointerException e) {
                  throw new StoreException("a stored delivery is malformed");
                }
              }
            }
          }
          return out;
        });
  }

  /** Deletes a delivery: delivered, given up, or no longer wanted. */
  public void remove(long id) {
    db.update("DELETE FROM deliveries WHERE id = ?", id);
  }

  /**
   * Records a failed attempt of every delivery due at {@code now} (the server did not answer: the
   * others would fail alike) and when to try them again.
   */
  public void postponeDue(long now, long nextAttemptAt, String reason) {
    String r = reason == null ? "" : reason;
    db.update(
        "UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?"
            + " WHERE next_attempt_at <= ?",
        nextAttemptAt,
        r.length() > MAX_REASON ? r.substring(0, MAX_REASON) : r,
        now);
  }

  /** How many deliveries of run {@code run} are queued. */
  public int pending(String run) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT COUNT(*) FROM deliveries WHERE run = ?")) {
            ps.setString(1, run);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? rs.getInt(1) : 0;
            }
          }
        });
  }

  /** How many deliveries are queued, due or not. */
  public int pending() {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM deliveries");
              ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getInt(1) : 0;
          }
        });
  }

  /** When the next queued delivery is due, if any is queued. */
  public OptionalLong nextDue() {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT MIN(next_attempt_at) FROM deliveries");
              ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              long v = rs.getLong(1);
              return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
            }
            return OptionalLong.empty();
          }
        });
  }

  /**
   * The sequence of the newest alert row, and the origin and id of up to {@code max} alert rows
   * stored after {@code seq} (new alerts; an alert's row keeps its sequence when a newer version
   * replaces it). For sending a bulletin after a new high-severity alert.
   */
  public List<NewAlert> alertsAfter(long seq, int max) {
    return db.inTransaction(
        c -> {
          List<NewAlert> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq, origin_node_id, alert_id FROM alerts WHERE seq > ?"
                      + " ORDER BY seq LIMIT ?")) {
            ps.setLong(1, seq);
            ps.setInt(2, max);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(new NewAlert(rs.getLong(1), rs.getString(2), rs.getString(3)));
              }
            }
          }
          return out;
        });
  }

  /** The highest alert sequence held, 0 when none. */
  public long lastAlertSeq() {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT MAX(seq) FROM alerts");
              ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0L;
          }
        });
  }

  /** An alert row by sequence, origin and id. */
  public record NewAlert(long seq, String originNodeId, String alertId) {}
}
