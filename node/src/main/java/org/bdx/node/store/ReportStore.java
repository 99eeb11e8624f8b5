package org.bdx.node.store;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * This node's own reports. A report is stored together with the alert derived from it, in one
 * transaction. Report bytes go through a {@link ReportCodec} (the seam for encryption at rest).
 */
public final class ReportStore {

  public static final int DEFAULT_PAGE_SIZE = 50;
  public static final int MAX_PAGE_SIZE = 500;

  private final NodeDatabase db;
  private final AlertStore alerts;
  private final ReportCodec codec;

  public ReportStore(NodeDatabase db, AlertStore alerts) {
    this(db, alerts, ReportCodec.PLAIN);
  }

  public ReportStore(NodeDatabase db, AlertStore alerts, ReportCodec codec) {
    this.db = Objects.requireNonNull(db, "db");
    this.alerts = Objects.requireNonNull(alerts, "alerts");
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  /**
   * Stores the report and its alert atomically: both or neither.
   *
   * @throws IllegalArgumentException if the ids are malformed or do not belong together
   * @throws IllegalStateException if the alert was already held (same or newer version); nothing is
   *     stored then
   * @throws StoreException on a storage failure (e.g. a duplicate report id); nothing is stored
   */
  public void insertWithAlert(ReportRecord report, StoredAlert alert) {
    insertWithAlert(report, alert, null);
  }

  /**
   * {@link #insertWithAlert(ReportRecord, StoredAlert)}, the report found again later by {@code
   * submissionKey} ({@link #reportIdBySubmission}).
   *
   * @param submissionKey the keyed hash of the caller's submission key (never the key itself), or
   *     null
   * @throws StoreException also when a report with the same submission key is stored
   */
  public void insertWithAlert(ReportRecord report, StoredAlert alert, String submissionKey) {
    Objects.requireNonNull(report, "report");
    Objects.requireNonNull(alert, "alert");
    if (!Ids.isValid(report.reportId())) {
      throw new IllegalArgumentException("report id is malformed");
    }
    if (!report.alertId().equals(alert.alertId())) {
      throw new IllegalArgumentException("report and alert ids do not match");
    }
    if (!alert.local()) {
      throw new IllegalArgumentException("the alert of an own report must be local");
    }
    byte[] body = codec.encode(report.reportId(), report.report());
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO reports (report_id, alert_id, received_at, body, submission_key)"
                      + " VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, report.reportId());
            ps.setString(2, report.alertId());
            ps.setLong(3, report.receivedAt());
            ps.setBytes(4, body);
            ps.setString(5, submissionKey);
            ps.executeUpdate();
          }
          if (!alerts.put(alert)) {
            throw new IllegalStateException("alert " + alert.alertId() + " is already stored");
          }
          return null;
        });
  }

  /**
   * Up to {@code limit} reports, newest first, after {@code afterCursor}, with the cursor of the
   * next page ({@link Page#nextPageToken()}, "" when there are no more).
   *
   * @param limit 1..500; 0 means 50
   * @param afterCursor a previous page's token; null or "" for the newest
   * @throws IllegalArgumentException "bad page token" for a malformed cursor
   */
  public Page<ReportRecord> list(int limit, String afterCursor) {
    int pageSize = limit;
    String pageToken = afterCursor;
    if (pageSize < 0 || pageSize > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException("page size must be 1.." + MAX_PAGE_SIZE);
    }
    int size = pageSize == 0 ? DEFAULT_PAGE_SIZE : pageSize;
    long after = decodeToken(pageToken);
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq, report_id, alert_id, received_at, body FROM reports WHERE seq < ? "
                      + "ORDER BY seq DESC LIMIT ?")) {
            ps.setLong(1, after);
            ps.setInt(2, size + 1);
            List<ReportRecord> items = new ArrayList<>();
            long lastSeq = 0;
            boolean more = false;
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                if (items.size() == size) {
                  more = true;
                  break;
                }
                lastSeq = rs.getLong(1);
                items.add(read(rs));
              }
            }
            return new Page<>(items, more ? encodeToken(lastSeq) : "");
          }
        });
  }

  public Optional<ReportRecord> get(String reportId) {
    if (!Ids.isValid(reportId)) {
      return Optional.empty();
    }
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq, report_id, alert_id, received_at, body FROM reports WHERE report_id = ?")) {
            ps.setString(1, reportId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(read(rs)) : Optional.<ReportRecord>empty();
            }
          }
        });
  }

  /**
   * The id of the report stored under {@code submissionKey} (the keyed hash {@link
   * #insertWithAlert(ReportRecord, StoredAlert, String)} was given), if it is still held.
   */
  public Optional<String> reportIdBySubmission(String submissionKey) {
    Objects.requireNonNull(submissionKey, "submissionKey");
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT report_id FROM reports WHERE submission_key = ?")) {
            ps.setString(1, submissionKey);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
            }
          }
        });
  }

  /**
   * The alert id of report {@code reportId}, read without opening the report (a report whose key
   * was destroyed by an unfinished purge still has one).
   */
  public Optional<String> alertIdOf(String reportId) {
    if (!Ids.isValid(reportId)) {
      return Optional.empty();
    }
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT alert_id FROM reports WHERE report_id = ?")) {
            ps.setString(1, reportId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
            }
          }
        });
  }

  /**
   * Re-encodes every report whose stored bytes are not yet in this store's codec's form (the
   * plaintext reports of a node made before encryption at rest), reading them with {@code from}.
   * Works in batches, each its own transaction, so it can be stopped at any point and run again.
   *
   * @return how many reports were re-encoded
   */
  public int encodeAll(ReportCodec from) {
    Objects.requireNonNull(from, "from");
    int done = 0;
    long after = 0;
    while (true) {
      long start = after;
      List<Object[]> batch =
          db.inTransaction(
              c -> {
                List<Object[]> rows = new ArrayList<>();
                try (PreparedStatement ps =
                    c.prepareStatement(
                        "SELECT seq, report_id, body FROM reports WHERE seq > ? ORDER BY seq"
                            + " LIMIT 100")) {
                  ps.setLong(1, start);
                  try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                      rows.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getBytes(3)});
                    }
                  }
                }
                return rows;
              });
      if (batch.isEmpty()) {
        return done;
      }
      List<Object[]> changed = new ArrayList<>();
      for (Object[] row : batch) {
        after = (Long) row[0];
        String id = (String) row[1];
        byte[] body = (byte[]) row[2];
        if (!codec.encoded(id, body)) {
          // The codec stores the report's key (durably) before the body is written below.
          changed.add(new Object[] {codec.encode(id, from.decode(id, body)), id});
        }
      }
      db.inTransaction(
          c -> {
            for (Object[] u : changed) {
              db.update("UPDATE reports SET body = ? WHERE report_id = ?", u);
            }
            return null;
          });
      done += changed.size();
    }
  }

  /** The ids of every stored report. */
  public List<String> ids() {
    return db.inTransaction(
        c -> {
          List<String> ids = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement("SELECT report_id FROM reports");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              ids.add(rs.getString(1));
            }
          }
          return ids;
        });
  }

  /** The report whose alert is {@code alertId}, if this node took it. */
  public Optional<ReportRecord> findByAlertId(String alertId) {
    if (!Ids.isValid(alertId)) {
      return Optional.empty();
    }
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq, report_id, alert_id, received_at, body FROM reports WHERE alert_id = ?")) {
            ps.setString(1, alertId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(read(rs)) : Optional.<ReportRecord>empty();
            }
          }
        });
  }

  /**
   * Replaces the stored body of {@code report} (same report id, alert id and received time) in
   * place; the old bytes are overwritten ({@code secure_delete}). Joins the caller's transaction.
   *
   * @throws IllegalArgumentException if no such report is stored
   */
  public void replace(ReportRecord report) {
    Objects.requireNonNull(report, "report");
    byte[] body = codec.encode(report.reportId(), report.report());
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE reports SET body = ? WHERE report_id = ? AND alert_id = ?")) {
            ps.setBytes(1, body);
            ps.setString(2, report.reportId());
            ps.setString(3, report.alertId());
            if (ps.executeUpdate() != 1) {
              throw new IllegalArgumentException("no such report");
            }
          }
          db.removedContent(); // the earlier body, under a key that lives until the purge
          return null;
        });
  }

  /**
   * Deletes the report: first destroys its key ({@link ReportCodec#destroy}, durable at once), then
   * deletes the row, whose bytes {@code secure_delete} overwrites. Joins the caller's transaction;
   * if that transaction rolls back, the row stays but its key is gone, and purging again finishes
   * the work.
   *
   * @return whether a report was deleted
   */
  public boolean delete(String reportId) {
    if (!Ids.isValid(reportId)) {
      return false;
    }
    codec.destroy(reportId);
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM reports WHERE report_id = ?")) {
            ps.setString(1, reportId);
            boolean deleted = ps.executeUpdate() > 0;
            if (deleted) {
              db.removedContent();
            }
            return deleted;
          }
        });
  }

  private ReportRecord read(ResultSet rs) throws java.sql.SQLException {
    String id = rs.getString("report_id");
    return new ReportRecord(
        id,
        rs.getString("alert_id"),
        rs.getLong("received_at"),
        codec.decode(id, rs.getBytes("body")));
  }

  private static String encodeToken(long seq) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("r1:" + seq).getBytes(StandardCharsets.US_ASCII));
  }

  private static long decodeToken(String token) {
    if (token == null || token.isEmpty()) {
      return Long.MAX_VALUE;
    }
    try {
      if (token.length() > 64) {
        throw new IllegalArgumentException();
      }
      String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
      if (!s.matches("r1:[1-9][0-9]{0,18}")) {
        throw new IllegalArgumentException();
      }
      return Long.parseLong(s.substring(3));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad page token");
    }
  }
}
