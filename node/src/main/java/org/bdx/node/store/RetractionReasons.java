package org.bdx.node.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Objects;
import java.util.Optional;

/**
 * Why staff retracted one of this node's alerts (table {@code retraction_reasons}). Local notes
 * only: a reason is never sent to partners and is deleted when the report is purged. Stored sealed
 * with the alert id as its identity (spec AR-6).
 */
public final class RetractionReasons {
  static final String REASON = "retraction_reasons.reason";

  private final NodeDatabase db;

  public RetractionReasons(NodeDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /** Records {@code reason} for {@code alertId}. Joins the caller's transaction. */
  public void put(String alertId, String reason, long at) {
    Objects.requireNonNull(reason, "reason");
    if (!Ids.isValid(alertId)) {
      throw new IllegalArgumentException("alert id is malformed");
    }
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO retraction_reasons (alert_id, reason, retracted_at) VALUES (?, ?, ?)"
                      + " ON CONFLICT (alert_id) DO UPDATE SET reason = excluded.reason,"
                      + " retracted_at = excluded.retracted_at")) {
            ps.setString(1, alertId);
            ps.setBytes(2, db.cipher().sealText(REASON, reason, alertId));
            ps.setLong(3, at);
            ps.executeUpdate();
          }
          return null;
        });
  }

  public Optional<String> get(String alertId) {
    if (!Ids.isValid(alertId)) {
      return Optional.empty();
    }
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT reason FROM retraction_reasons WHERE alert_id = ?")) {
            ps.setString(1, alertId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(db.cipher().openText(REASON, rs.getBytes(1), alertId))
                  : Optional.<String>empty();
            }
          }
        });
  }

  /** Deletes the reason for {@code alertId}, if any. Joins the caller's transaction. */
  public void delete(String alertId) {
    if (!Ids.isValid(alertId)) {
      return;
    }
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM retraction_reasons WHERE alert_id = ?")) {
            ps.setString(1, alertId);
            if (ps.executeUpdate() > 0) {
              db.removedContent();
            }
          }
          return null;
        });
  }
}
