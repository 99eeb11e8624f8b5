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
  /** Rows read per transaction: the database has one connection, and others wait for it. */
  static final int CHUNK = 500;

  private final NodeDatabase db;
  private final int chunkSize;

  public CurrentAlerts(NodeDatabase db) {
    this(db, CHUNK);
  }

  CurrentAlerts(NodeDatabase db, int chunkSize) {
    this.db = Objects.requireNonNull(db, "db");
    this.chunkSize = chunkSize;
  }

  /**
   * Gives {@code each} every current alert whose incident date is within the bounds, in storage
   * order. The rows are read in chunks (of {@value #CHUNK}), each in its own transaction, so a
   * count over a large store does not hold the database from the feeds and searches for its whole
   * time; an alert that changes meanwhile is counted once, as one of its versions (a new version
   * keeps its row's sequence).
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
                + " FROM alerts WHERE seq > ? AND status <> ? AND disclosed_paths <> ''"
                + " AND expires_at > ? AND (purge_at IS NULL OR purge_at > ?)");
    List<Object> args =
        new ArrayList<>(List.of(0L, AlertStatus.ALERT_STATUS_RETRACTED_VALUE, now, now));
    if (since != null) {
      // An alert whose incident date this node does not hold ('') is in no bounded period.
      sql.append(" AND incident_date >= ?");
      args.add(since.toString());
    }
    if (until != null) {
      sql.append(" AND incident_date <> '' AND incident_date <= ?");
      args.add(until.toString());
    }
    sql.append(" ORDER BY seq LIMIT ").append(chunkSize);
    RowCipher cipher = db.cipher();
    long after = 0;
    while (true) {
      args.set(0, after);
      Chunk chunk =
          db.inTransaction(
              c -> {
                List<StoredAlert> rows = new ArrayList<>();
                long last = 0;
                try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                  NodeDatabase.bind(ps, args.toArray());
                  try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                      rows.add(AlertRows.read(rs, cipher));
                      last = rs.getLong("seq");
                    }
                  }
                }
                return new Chunk(rows, last);
              });
      chunk.rows().forEach(each);
      if (chunk.rows().size() < chunkSize) {
        return;
      }
      after = chunk.lastSeq();
    }
  }

  private record Chunk(List<StoredAlert> rows, long lastSeq) {}
}
