package org.bdx.node.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.bdx.proto.v1.AlertStatus;

/**
 * Every alert a search could show, opened one by one, for counting (spec STAT-2): never a
 * tombstone, an expired alert, or a received alert past its purge time (EXP-2), as {@link
 * SearchIndex#search}. Only the incident date bounds the rows in SQL; whatever else is counted
 * (areas above all) is sealed (AR-6) and is read from the opened fields, never from a clear column.
 */
public final class CurrentAlerts {
  private final NodeDatabase db;

  public CurrentAlerts(NodeDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /**
   * Gives {@code each} every current alert whose incident date is within the bounds, in one read
   * transaction, in storage order.
   *
   * @param since first incident date, inclusive, or null for no bound
   * @param until last incident date, inclusive, or null for no bound
   * @param now Unix seconds: alerts expired or due for purge at this time are left out
   */
  public void forEach(LocalDate since, LocalDate until, long now, Consumer<StoredAlert> each) {
    Objects.requireNonNull(each, "each");
    StringBuilder sql =
        new StringBuilder(
            "SELECT "
                + AlertRows.COLUMNS
                + " FROM alerts WHERE status <> ? AND disclosed_paths <> ''"
                + " AND expires_at > ? AND (purge_at IS NULL OR purge_at > ?)");
    List<Object> args =
        new ArrayList<>(List.of(AlertStatus.ALERT_STATUS_RETRACTED_VALUE, now, now));
    if (since != null) {
      // An alert whose incident date this node does not hold ('') is in no bounded period.
      sql.append(" AND incident_date >= ?");
      args.add(since.toString());
    }
    if (until != null) {
      sql.append(" AND incident_date <> '' AND incident_date <= ?");
      args.add(until.toString());
    }
    sql.append(" ORDER BY seq");
    RowCipher cipher = db.cipher();
    db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            NodeDatabase.bind(ps, args.toArray());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                each.accept(AlertRows.read(rs, cipher));
              }
            }
          }
          return null;
        });
  }
}
