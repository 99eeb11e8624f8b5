package org.bdx.node.store;

import com.google.protobuf.InvalidProtocolBufferException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bdx.node.search.PhoneNumbers;
import org.bdx.node.search.Plates;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.SignedAlert;

/**
 * Alerts this node holds, its own and received ones, one row per (origin, alert id) holding the
 * newest version, with the search index maintained in the same transaction.
 *
 * <p>A retraction keeps only the tombstone: whatever fields the caller passes with a RETRACTED
 * status are dropped, and the alert leaves the search index. The same holds for a version with no
 * disclosed paths (a withdrawal: the origin no longer shares the alert with this node, spec VER-6);
 * see {@link StoredAlert#tombstone()}.
 */
public final class AlertStore {

  // Shapes checked by hand rather than with regular expressions: every received alert is checked
  // here, and the regex engine showed in the catch-up profile (docs/benchmarks.md).

  /** {@code [A-Za-z0-9._:-]{1,128}}. */
  static boolean isNodeIdShape(String s) {
    if (s.isEmpty() || s.length() > 128) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == ':'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** {@code [a-z_]{1,64}}. */
  static boolean isPathShape(String s) {
    if (s.isEmpty() || s.length() > 64) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /** {@code [0-9]{4}-[0-9]{2}-[0-9]{2}}: the shape only, not a calendar check. */
  static boolean isDateShape(String s) {
    if (s.length() != 10) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      char c = s.charAt(i);
      boolean ok = (i == 4 || i == 7) ? c == '-' : (c >= '0' && c <= '9');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  static final String COLUMNS =
      "seq, origin_node_id, alert_id, version, status, issued_at, expires_at, audience, "
          + "fields, disclosed_paths, envelope, local, stored_at, received_from, agreement_id, "
          + "purge_at";

  private final NodeDatabase db;

  public AlertStore(NodeDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /**
   * Stores {@code a} unless a version at least as new is already held.
   *
   * @return true if inserted or replaced an older version; false if ignored (same or older)
   * @throws IllegalArgumentException if {@code a} is malformed (message names the part, not values)
   */
  public boolean put(StoredAlert a) {
    return put(a, Hops.NONE);
  }

  /**
   * Stores {@code a} with the hop counts it arrived with ({@link #hops}) unless a version at least
   * as new is already held.
   *
   * @return true if inserted or replaced an older version; false if ignored (same or older)
   * @throws IllegalArgumentException if {@code a} is malformed (message names the part, not values)
   */
  public boolean put(StoredAlert a, Hops hops) {
    return put(row(a, hops));
  }

  /**
   * An alert ready to be written: validated, and every column and search index value computed, so
   * that {@link #put(Row)} only runs SQL. Building one needs no database; a receiver builds them
   * while earlier items are being written.
   */
  public static final class Row {
    private final StoredAlert alert;
    private final Hops hops;
    private final byte[] fields;
    private final String paths;
    private final byte[] envelope;
    private final String incidentDate;
    private final String area;
    private final String plate;
    private final Set<String> phones;
    private final Set<Integer> harms;
    private final String text;

    private Row(StoredAlert alert, Hops hops) {
      this.alert = alert;
      this.hops = hops;
      AlertFields f = alert.fields();
      this.fields = f.toByteArray();
      this.paths = String.join(",", alert.disclosedPaths());
      this.envelope = alert.envelope().toByteArray();
      this.incidentDate = isDateShape(f.getIncidentDate()) ? f.getIncidentDate() : "";
      this.area = areaKey(f.getArea());
      this.plate = plateKey(f.getVehiclePlate());
      // A tombstone carries no fields (row() strips them), so it gets no search index values.
      Set<String> ph = new LinkedHashSet<>();
      for (String p : f.getPhoneNumbersList()) {
        if (PhoneNumbers.isE164(p)) {
          ph.add(p);
        }
      }
      this.phones = Collections.unmodifiableSet(ph);
      Set<Integer> hs = new LinkedHashSet<>();
      for (int h : f.getHarmsValueList()) {
        HarmCategory known = HarmCategory.forNumber(h);
        if (known != null && known != HarmCategory.HARM_CATEGORY_UNSPECIFIED) {
          hs.add(h);
        }
      }
      this.harms = Collections.unmodifiableSet(hs);
      this.text = textBody(f);
    }

    /** The alert as it will be stored (a tombstone keeps no fields). */
    public StoredAlert alert() {
      return alert;
    }
  }

  /**
   * Validates {@code a} and computes its row.
   *
   * @throws IllegalArgumentException if {@code a} is malformed (message names the part, not values)
   */
  public Row row(StoredAlert a, Hops hops) {
    Objects.requireNonNull(hops, "hops");
    validate(a);
    return new Row(a.tombstone() ? tombstone(a) : a, hops);
  }

  /**
   * Stores {@code row} unless a version at least as new is already held.
   *
   * @return true if inserted or replaced an older version; false if ignored (same or older)
   */
  public boolean put(Row row) {
    Objects.requireNonNull(row, "row");
    return db.inTransaction(c -> put(row, held(row.alert.originNodeId(), row.alert.alertId())));
  }

  /**
   * As {@link #put(Row)}, for a caller that already looked up what is held ({@link #held}) in the
   * same transaction, so the alert is not looked up twice. Joins the caller's transaction.
   */
  public boolean put(Row row, Optional<Held> held) {
    Objects.requireNonNull(row, "row");
    Objects.requireNonNull(held, "held");
    return db.inTransaction(
        c -> {
          long seq;
          if (held.isEmpty()) {
            seq = insert(c, row);
          } else if (row.alert.version() > held.get().version()) {
            seq = held.get().seq();
            update(c, seq, row);
            deleteIndex(c, seq);
          } else {
            return false;
          }
          insertIndex(c, seq, row);
          return true;
        });
  }

  /**
   * The unsigned hop counts a received alert's held version arrived with (spec RELAY-2): how many
   * relays it passed through and how many more times this node may relay it. 0 and 0 for a local
   * alert.
   */
  public record Hops(long relayHops, long hopsLeft) {
    public static final Hops NONE = new Hops(0, 0);

    public Hops {
      if (relayHops < 0 || hopsLeft < 0) {
        throw new IllegalArgumentException("hop counts must not be negative");
      }
    }
  }

  /** The hop counts recorded for the held version ({@link Hops#NONE} if none or not held). */
  public Hops hops(String originNodeId, String alertId) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT relay_hops, hops_left FROM alerts "
                      + "WHERE origin_node_id = ? AND alert_id = ?")) {
            ps.setString(1, originNodeId);
            ps.setString(2, alertId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? new Hops(rs.getLong(1), rs.getLong(2)) : Hops.NONE;
            }
          }
        });
  }

  /**
   * What is held of {@code (originNodeId, alertId)}, without reading its content.
   *
   * @param seq the row's insertion sequence
   * @param version the version held
   * @param local whether it is this node's own alert
   */
  public record Held(long seq, long version, boolean local) {}

  /** The held version of {@code (originNodeId, alertId)}, if any; cheaper than {@link #get}. */
  public Optional<Held> held(String originNodeId, String alertId) {
    if (originNodeId == null || alertId == null) {
      return Optional.empty();
    }
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq, version, local FROM alerts WHERE origin_node_id = ? AND alert_id = ?")) {
            ps.setString(1, originNodeId);
            ps.setString(2, alertId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(new Held(rs.getLong(1), rs.getLong(2), rs.getInt(3) != 0))
                  : Optional.<Held>empty();
            }
          }
        });
  }

  public Optional<StoredAlert> get(String originNodeId, String alertId) {
    if (originNodeId == null || alertId == null) {
      return Optional.empty();
    }
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT " + COLUMNS + " FROM alerts WHERE origin_node_id = ? AND alert_id = ?")) {
            ps.setString(1, originNodeId);
            ps.setString(2, alertId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(read(rs)) : Optional.<StoredAlert>empty();
            }
          }
        });
  }

  /** Every held alert with this id, whatever its origin (normally one), ordered by origin. */
  public List<StoredAlert> findById(String alertId) {
    if (alertId == null) {
      return List.of();
    }
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  // One probe of the (origin, alert_id) key per origin ever held (schema 7):
                  // no index by alert id alone, which cost a random page write per alert.
                  "SELECT "
                      + COLUMNS
                      + " FROM alerts WHERE origin_node_id IN"
                      + " (SELECT origin_node_id FROM alert_origins) AND alert_id = ?"
                      + " ORDER BY origin_node_id")) {
            ps.setString(1, alertId);
            List<StoredAlert> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(read(rs));
              }
            }
            return out;
          }
        });
  }

  /**
   * Deletes the alert {@code (originNodeId, alertId)} and its search index rows (including the
   * full-text rows, which no foreign key cascades to).
   *
   * @return whether an alert was deleted
   */
  public boolean delete(String originNodeId, String alertId) {
    if (originNodeId == null || alertId == null) {
      return false;
    }
    return deleteWhere("origin_node_id = ? AND alert_id = ?", originNodeId, alertId) > 0;
  }

  /**
   * Deletes every alert received under {@code agreementId} (agreement terminated: purge what came
   * under it), with their search index rows. Local alerts have no agreement and are never touched.
   *
   * @return how many alerts were deleted
   */
  public int deleteByAgreement(String agreementId) {
    if (agreementId == null) {
      return 0;
    }
    return deleteWhere("agreement_id = ? AND local = 0", agreementId);
  }

  /**
   * Deletes every received alert whose purge time (earlier of expiry and retention) is at or before
   * {@code nowEpochSecond}, with their search index rows.
   *
   * @return how many alerts were deleted
   */
  public int purgeDue(long nowEpochSecond) {
    return deleteWhere("local = 0 AND purge_at IS NOT NULL AND purge_at <= ?", nowEpochSecond);
  }

  /**
   * Replaces the held version of {@code (originNodeId, alertId)} by its tombstone in place, same
   * version: no fields, no disclosed paths, the envelope reduced to header and signature, no search
   * index rows. For purging an alert whose content must go without issuing a new version (e.g. one
   * that has expired). Joins the caller's transaction.
   *
   * @return whether an alert was held
   */
  public boolean stripToTombstone(String originNodeId, String alertId) {
    Optional<StoredAlert> held = get(originNodeId, alertId);
    if (held.isEmpty()) {
      return false;
    }
    StoredAlert a = held.get();
    SignedAlert headerOnly = a.envelope().toBuilder().clearDisclosures().build();
    return db.inTransaction(
        c -> {
          long seq;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq FROM alerts WHERE origin_node_id = ? AND alert_id = ?")) {
            ps.setString(1, originNodeId);
            ps.setString(2, alertId);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return false;
              }
              seq = rs.getLong(1);
            }
          }
          deleteIndex(c, seq);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE alerts SET fields = ?, disclosed_paths = '', envelope = ?, "
                      + "area_lc = '', plate = '' WHERE seq = ?")) {
            ps.setBytes(1, AlertFields.getDefaultInstance().toByteArray());
            ps.setBytes(2, headerOnly.toByteArray());
            ps.setLong(3, seq);
            ps.executeUpdate();
          }
          return true;
        });
  }

  /**
   * Merges the full-text indexes into one segment each, dropping whatever deleted entries remain in
   * older segments, so deleted text does not linger in the database file. Costs time proportional
   * to the index; for rare operations such as purging a report.
   */
  public void compactSearchIndex() {
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement("INSERT INTO alert_text (alert_text) VALUES ('optimize')");
              PreparedStatement pp =
                  c.prepareStatement(
                      "INSERT INTO alert_plates (alert_plates) VALUES ('optimize')")) {
            ps.executeUpdate();
            pp.executeUpdate();
          }
          return null;
        });
  }

  private int deleteWhere(String where, Object... args) {
    return db.inTransaction(
        c -> {
          List<Long> seqs = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM alerts WHERE " + where)) {
            for (int i = 0; i < args.length; i++) {
              ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                seqs.add(rs.getLong(1));
              }
            }
          }
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM alerts WHERE seq = ?")) {
            for (long seq : seqs) {
              deleteIndex(c, seq);
              ps.setLong(1, seq);
              ps.executeUpdate();
            }
          }
          return seqs.size();
        });
  }

  /** Maps one row selected with {@link #COLUMNS}. Shared with search. */
  public static StoredAlert read(ResultSet rs) throws SQLException {
    String alertId = rs.getString("alert_id");
    AlertFields fields;
    SignedAlert envelope;
    try {
      fields = AlertFields.parseFrom(rs.getBytes("fields"));
      envelope = SignedAlert.parseFrom(rs.getBytes("envelope"));
    } catch (InvalidProtocolBufferException e) {
      throw new StoreException("stored alert " + alertId + " cannot be read");
    }
    AlertStatus status = AlertStatus.forNumber(rs.getInt("status"));
    Audience audience = Audience.forNumber(rs.getInt("audience"));
    if (status == null || audience == null) {
      throw new StoreException("stored alert " + alertId + " has an unknown status or audience");
    }
    String paths = rs.getString("disclosed_paths");
    return new StoredAlert(
        rs.getString("origin_node_id"),
        alertId,
        rs.getLong("version"),
        status,
        rs.getLong("issued_at"),
        rs.getLong("expires_at"),
        audience,
        fields,
        paths.isEmpty() ? List.of() : Arrays.asList(paths.split(",")),
        envelope,
        rs.getInt("local") != 0,
        rs.getLong("stored_at"),
        rs.getString("received_from"),
        rs.getString("agreement_id"),
        rs.getLong("purge_at"));
  }

  private static void validate(StoredAlert a) {
    Objects.requireNonNull(a, "alert");
    if (!isNodeIdShape(a.originNodeId())) {
      throw new IllegalArgumentException("origin node id is malformed");
    }
    if (!Ids.isValid(a.alertId())) {
      throw new IllegalArgumentException("alert id is malformed");
    }
    if (a.version() < 1) {
      throw new IllegalArgumentException("alert version must be >= 1");
    }
    if (a.status() == AlertStatus.UNRECOGNIZED
        || a.status() == AlertStatus.ALERT_STATUS_UNSPECIFIED) {
      throw new IllegalArgumentException("alert status must be a known, specified value");
    }
    if (a.audience() == Audience.UNRECOGNIZED) {
      throw new IllegalArgumentException("alert audience is unknown");
    }
    for (String p : a.disclosedPaths()) {
      if (p == null || !isPathShape(p)) {
        throw new IllegalArgumentException("disclosed path is malformed");
      }
    }
    if (a.receivedFrom() != null && !isNodeIdShape(a.receivedFrom())) {
      throw new IllegalArgumentException("received-from node id is malformed");
    }
    if (a.agreementId() != null && !Ids.isValid(a.agreementId())) {
      throw new IllegalArgumentException("agreement id is malformed");
    }
    if (a.local() && (a.receivedFrom() != null || a.agreementId() != null || a.purgeAt() != 0)) {
      throw new IllegalArgumentException("a local alert has no provenance");
    }
  }

  private static StoredAlert tombstone(StoredAlert a) {
    return new StoredAlert(
        a.originNodeId(),
        a.alertId(),
        a.version(),
        a.status(),
        a.issuedAt(),
        a.expiresAt(),
        a.audience(),
        AlertFields.getDefaultInstance(),
        List.of(),
        a.envelope(),
        a.local(),
        a.storedAt(),
        a.receivedFrom(),
        a.agreementId(),
        a.purgeAt());
  }

  private static long insert(Connection c, Row row) throws SQLException {
    // No RETURNING: SQLite runs an INSERT ... RETURNING of a row this size about five times
    // slower than the plain INSERT followed by last_insert_rowid() (docs/benchmarks.md, catch-up).
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO alerts (origin_node_id, alert_id, version, status, issued_at, expires_at, audience, "
                + "fields, disclosed_paths, envelope, local, stored_at, incident_date, area_lc, plate, "
                + "received_from, agreement_id, purge_at, relay_hops, hops_left) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, row.alert.originNodeId());
      ps.setString(2, row.alert.alertId());
      bindContent(ps, 3, row);
      if (ps.executeUpdate() != 1) {
        throw new StoreException("alert insert changed no row");
      }
    }
    long seq;
    // The write connection is held by this transaction alone, so this is the row just inserted.
    try (PreparedStatement ps = c.prepareStatement("SELECT last_insert_rowid()");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new StoreException("alert insert returned no row id");
      }
      seq = rs.getLong(1);
    }
    try (PreparedStatement po =
        c.prepareStatement("INSERT OR IGNORE INTO alert_origins (origin_node_id) VALUES (?)")) {
      po.setString(1, row.alert.originNodeId());
      po.executeUpdate();
    }
    return seq;
  }

  private static void update(Connection c, long seq, Row row) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE alerts SET version = ?, status = ?, issued_at = ?, expires_at = ?, audience = ?, fields = ?, "
                + "disclosed_paths = ?, envelope = ?, local = ?, stored_at = ?, incident_date = ?, "
                + "area_lc = ?, plate = ?, received_from = ?, agreement_id = ?, purge_at = ?, "
                + "relay_hops = ?, hops_left = ? WHERE seq = ?")) {
      int next = bindContent(ps, 1, row);
      ps.setLong(next, seq);
      if (ps.executeUpdate() != 1) {
        throw new StoreException("alert update matched no row");
      }
    }
  }

  /** Binds version .. hops_left starting at index {@code i}; returns the next index. */
  private static int bindContent(PreparedStatement ps, int i, Row row) throws SQLException {
    StoredAlert a = row.alert;
    ps.setLong(i++, a.version());
    ps.setInt(i++, a.status().getNumber());
    ps.setLong(i++, a.issuedAt());
    ps.setLong(i++, a.expiresAt());
    ps.setInt(i++, a.audience().getNumber());
    ps.setBytes(i++, row.fields);
    ps.setString(i++, row.paths);
    ps.setBytes(i++, row.envelope);
    ps.setInt(i++, a.local() ? 1 : 0);
    ps.setLong(i++, a.storedAt());
    ps.setString(i++, row.incidentDate);
    ps.setString(i++, row.area);
    ps.setString(i++, row.plate);
    ps.setString(i++, a.receivedFrom());
    ps.setString(i++, a.agreementId());
    if (a.purgeAt() == 0) {
      ps.setNull(i++, Types.INTEGER);
    } else {
      ps.setLong(i++, a.purgeAt());
    }
    ps.setLong(i++, row.hops.relayHops());
    ps.setLong(i++, row.hops.hopsLeft());
    return i;
  }

  /** The area as matched by search: stripped and lower-cased. */
  public static String areaKey(String area) {
    return area == null ? "" : area.strip().toLowerCase(Locale.ROOT);
  }

  private static String plateKey(String plate) {
    try {
      return Plates.canonical(plate);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private static void deleteIndex(Connection c, long seq) throws SQLException {
    for (String sql :
        List.of(
            "DELETE FROM alert_phones WHERE seq = ?",
            "DELETE FROM alert_harms WHERE seq = ?",
            "DELETE FROM alert_text WHERE rowid = ?",
            "DELETE FROM alert_plates WHERE rowid = ?")) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setLong(1, seq);
        ps.executeUpdate();
      }
    }
  }

  private static void insertIndex(Connection c, long seq, Row row) throws SQLException {
    if (!row.phones.isEmpty()) {
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO alert_phones (phone, seq) VALUES (?, ?)")) {
        for (String p : row.phones) {
          ps.setString(1, p);
          ps.setLong(2, seq);
          ps.executeUpdate();
        }
      }
    }
    if (!row.harms.isEmpty()) {
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO alert_harms (harm, seq) VALUES (?, ?)")) {
        for (int h : row.harms) {
          ps.setInt(1, h);
          ps.setLong(2, seq);
          ps.executeUpdate();
        }
      }
    }
    if (!row.text.isBlank()) {
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO alert_text (rowid, body) VALUES (?, ?)")) {
        ps.setLong(1, seq);
        ps.setString(2, row.text);
        ps.executeUpdate();
      }
    }
    if (!row.plate.isEmpty()) {
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO alert_plates (rowid, plate) VALUES (?, ?)")) {
        ps.setLong(1, seq);
        ps.setString(2, row.plate);
        ps.executeUpdate();
      }
    }
  }

  private static String textBody(AlertFields f) {
    List<String> parts = new ArrayList<>();
    parts.add(f.getAggressorDescription());
    parts.addAll(f.getNamesUsedList());
    parts.addAll(f.getOnlineHandlesList());
    parts.add(f.getVehicleDescription());
    parts.add(f.getArea());
    parts.add(f.getModusOperandi());
    return String.join("\n", parts);
  }
}
