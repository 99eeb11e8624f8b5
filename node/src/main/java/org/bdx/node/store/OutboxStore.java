package org.bdx.node.store;

import com.google.protobuf.InvalidProtocolBufferException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.SignedAlert;
import org.bdx.proto.v1.SignedHop;

/**
 * The rows of tables {@code outbox} (per partner, the ordered queue of redacted alert versions its
 * feed reads; {@code seq} is the feed sequence) and {@code shared_with} (per partner and alert, the
 * newest version queued and whether it carried content). Rows only: which partner gets what, and
 * redacted how, is decided by the caller ({@code sync.Outbox}). Every method joins the caller's
 * transaction ({@link NodeDatabase#inTransaction}), so an alert and its rows commit together.
 *
 * <p>The lookups and deletes by alert use an index, never a scan of a partner's queue, which may be
 * large ({@code OutboxQueryPlanTest}).
 */
public final class OutboxStore {
  // Constant SQL: the statement cache keys prepared statements by their text.

  static final String SELECT_SHARED =
      "SELECT version, with_content FROM shared_with WHERE partner_node_id = ? "
          + "AND origin_node_id = ? AND alert_id = ?";

  static final String SELECT_QUEUED =
      "SELECT 1 FROM outbox WHERE partner_node_id = ? AND origin_node_id = ? "
          + "AND alert_id = ? AND version >= ? AND agreement_id = ?";

  static final String DELETE_OLDER =
      "DELETE FROM outbox WHERE partner_node_id = ? AND origin_node_id = ? "
          + "AND alert_id = ? AND version < ?";

  static final String INSERT =
      "INSERT INTO outbox (partner_node_id, agreement_id, origin_node_id, alert_id, version, "
          + "envelope, created_at, relay_hops, hops_left, hops) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  static final String UPSERT_SHARED =
      "INSERT INTO shared_with (partner_node_id, origin_node_id, alert_id, version, "
          + "with_content) VALUES (?, ?, ?, ?, ?) "
          + "ON CONFLICT (partner_node_id, origin_node_id, alert_id) DO UPDATE SET "
          + "version = excluded.version, with_content = excluded.with_content";

  static final String DELETE_ALERT_ROWS =
      "DELETE FROM outbox WHERE origin_node_id = ? AND alert_id = ? AND version < ?";

  static final String DELETE_ALERT_SHARED =
      "DELETE FROM shared_with WHERE origin_node_id = ? AND alert_id = ?";

  static final String READ_AFTER =
      "SELECT seq, agreement_id, envelope, relay_hops, hops_left, origin_node_id, alert_id, "
          + "version, hops FROM outbox "
          + "WHERE partner_node_id = ? AND seq > ? ORDER BY seq LIMIT ?";

  static final String DELETE_QUEUED = "DELETE FROM outbox WHERE partner_node_id = ? AND seq = ?";

  /** The held state of one alert, without its sealed columns (the send-time check). */
  static final String SELECT_HELD =
      "SELECT version, status, audience, expires_at, local, disclosed_paths, received_from, "
          + "relay_hops, hops_left FROM alerts WHERE origin_node_id = ? AND alert_id = ?";

  static final String LATEST_SEQ =
      "SELECT COALESCE(MAX(seq), 0) FROM outbox WHERE partner_node_id = ?";

  static final String COUNT_AFTER =
      "SELECT COUNT(*) FROM outbox WHERE partner_node_id = ? AND seq > ?";

  static final String DELETE_THROUGH = "DELETE FROM outbox WHERE partner_node_id = ? AND seq <= ?";

  static final String PURGE_PARTNER_ROWS = "DELETE FROM outbox WHERE partner_node_id = ?";

  static final String PURGE_PARTNER_SHARED = "DELETE FROM shared_with WHERE partner_node_id = ?";

  /**
   * Current alerts for a partner's backfill: not expired, and not retracted unless the partner was
   * queued content of them (it must get the retraction).
   */
  static final String BACKFILL =
      "SELECT * FROM alerts a WHERE seq > ? AND expires_at > ? "
          + "AND (status <> ? OR EXISTS (SELECT 1 FROM shared_with s "
          + "WHERE s.partner_node_id = ? AND s.origin_node_id = a.origin_node_id "
          + "AND s.alert_id = a.alert_id AND s.with_content = 1)) "
          + "ORDER BY seq LIMIT ?";

  /** The sealed column: each queued envelope, sealed for its partner and alert version (AR-6). */
  static final String ENVELOPE = "outbox.envelope";

  /** The sealed column of the hop statements queued with an item (RELAY-8), NULL if none. */
  static final String HOPS = "outbox.hops";

  /** The sealed form of a queued envelope; the identity is the row's partner and alert version. */
  static byte[] sealEnvelope(
      RowCipher cipher,
      byte[] envelope,
      String partner,
      String originNodeId,
      String alertId,
      long version) {
    return cipher.seal(ENVELOPE, envelope, partner, originNodeId, alertId, Long.toString(version));
  }

  /**
   * Current alerts for a partner that lost what it stored (spec FEED-13): not expired, and not
   * retracted unless the partner was ever queued something of them (it may hold content again).
   */
  static final String RESYNC =
      "SELECT * FROM alerts a WHERE seq > ? AND expires_at > ? "
          + "AND (status <> ? OR EXISTS (SELECT 1 FROM shared_with s "
          + "WHERE s.partner_node_id = ? AND s.origin_node_id = a.origin_node_id "
          + "AND s.alert_id = a.alert_id)) "
          + "ORDER BY seq LIMIT ?";

  /**
   * What a partner was last queued of one alert (table {@code shared_with}).
   *
   * @param version the newest version queued
   * @param withContent whether that version carried content (false: header-only)
   */
  public record Shared(long version, boolean withContent) {}

  /**
   * What this node holds of one alert, read without opening its sealed fields: what the send-time
   * check needs for every item (spec FEED-5.10).
   *
   * @param version the held version
   * @param disclosedPaths the paths of the held copy (every set path of a local alert; none of a
   *     tombstone)
   * @param receivedFrom the partner a received alert came from; null for a local alert
   * @param relayHops the relay count the held version of a received alert arrived with
   * @param hopsLeft the hops left it arrived with
   */
  public record HeldAlert(
      long version,
      AlertStatus status,
      Audience audience,
      long expiresAt,
      boolean local,
      Set<String> disclosedPaths,
      NodeId receivedFrom,
      long relayHops,
      long hopsLeft) {
    public HeldAlert {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(audience, "audience");
      disclosedPaths = Set.copyOf(disclosedPaths);
    }
  }

  /**
   * One row to queue.
   *
   * @param partner whom it is queued for
   * @param agreementId the agreement it is sent under
   * @param envelope the alert version, already redacted for {@code partner}
   * @param createdAt when it was queued (Unix seconds)
   * @param relayHops the relay count sent with it
   * @param hopsLeft the hops left sent with it
   * @param hops the hop statements sent with it (RELAY-8), signed when it was queued
   * @param withContent whether it carries content (recorded in {@code shared_with})
   */
  public record Entry(
      NodeId partner,
      String agreementId,
      NodeId originNodeId,
      String alertId,
      long version,
      SignedAlert envelope,
      long createdAt,
      long relayHops,
      long hopsLeft,
      List<SignedHop> hops,
      boolean withContent) {
    /** A row without hop statements (a header-only item, or one from an origin granting none). */
    public Entry(
        NodeId partner,
        String agreementId,
        NodeId originNodeId,
        String alertId,
        long version,
        SignedAlert envelope,
        long createdAt,
        long relayHops,
        long hopsLeft,
        boolean withContent) {
      this(
          partner,
          agreementId,
          originNodeId,
          alertId,
          version,
          envelope,
          createdAt,
          relayHops,
          hopsLeft,
          List.of(),
          withContent);
    }

    public Entry {
      hops = List.copyOf(hops);
      Objects.requireNonNull(partner, "partner");
      Objects.requireNonNull(agreementId, "agreementId");
      Objects.requireNonNull(originNodeId, "originNodeId");
      Objects.requireNonNull(alertId, "alertId");
      Objects.requireNonNull(envelope, "envelope");
    }
  }

  /**
   * One page of backfill candidates.
   *
   * @param alerts the alerts, in {@code alerts.seq} order
   * @param lastSeq the {@code alerts.seq} of the last one (the next page starts after it), or the
   *     sequence the page started after if it is empty
   */
  public record Candidates(List<StoredAlert> alerts, long lastSeq) {
    public Candidates {
      alerts = List.copyOf(alerts);
    }
  }

  private final NodeDatabase db;

  public OutboxStore(NodeDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /** What {@code partner} was last queued of the alert, if anything. */
  public Optional<Shared> shared(NodeId partner, NodeId originNodeId, String alertId) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(SELECT_SHARED)) {
            ps.setString(1, partner.value());
            ps.setString(2, originNodeId.value());
            ps.setString(3, alertId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(new Shared(rs.getLong(1), rs.getInt(2) == 1))
                  : Optional.<Shared>empty();
            }
          }
        });
  }

  /**
   * Whether a row of the alert at {@code version} or newer is queued for {@code partner} under
   * {@code agreementId}.
   */
  public boolean isQueued(
      NodeId partner, String agreementId, NodeId originNodeId, String alertId, long version) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(SELECT_QUEUED)) {
            ps.setString(1, partner.value());
            ps.setString(2, originNodeId.value());
            ps.setString(3, alertId);
            ps.setLong(4, version);
            ps.setString(5, agreementId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next();
            }
          }
        });
  }

  /** Deletes the rows of the alert older than {@code version} queued for {@code partner}. */
  public void deleteOlderVersions(
      NodeId partner, NodeId originNodeId, String alertId, long version) {
    db.inTransaction(
        c -> {
          if (db.update(DELETE_OLDER, partner.value(), originNodeId.value(), alertId, version)
              > 0) {
            db.removedContent();
          }
          return null;
        });
  }

  /** Queues {@code e} and records it as what its partner was last queued of the alert. */
  public void queue(Entry e) {
    Objects.requireNonNull(e, "entry");
    byte[] envelope =
        sealEnvelope(
            db.cipher(),
            e.envelope().toByteArray(),
            e.partner().value(),
            e.originNodeId().value(),
            e.alertId(),
            e.version());
    byte[] hops =
        e.hops().isEmpty()
            ? null
            : db.cipher()
                .seal(
                    HOPS,
                    AlertRows.hopsBytes(e.hops()),
                    e.partner().value(),
                    e.originNodeId().value(),
                    e.alertId(),
                    Long.toString(e.version()));
    db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, e.partner().value());
            ps.setString(2, e.agreementId());
            ps.setString(3, e.originNodeId().value());
            ps.setString(4, e.alertId());
            ps.setLong(5, e.version());
            ps.setBytes(6, envelope);
            ps.setLong(7, e.createdAt());
            ps.setLong(8, e.relayHops());
            ps.setLong(9, e.hopsLeft());
            ps.setBytes(10, hops);
            ps.executeUpdate();
          }
          try (PreparedStatement ps = c.prepareStatement(UPSERT_SHARED)) {
            ps.setString(1, e.partner().value());
            ps.setString(2, e.originNodeId().value());
            ps.setString(3, e.alertId());
            ps.setLong(4, e.version());
            ps.setInt(5, e.withContent() ? 1 : 0);
            ps.executeUpdate();
          }
          return null;
        });
  }

  /**
   * Deletes every queued row of the alert older than {@code keepFromVersion}, for every partner,
   * and the record of whom it was shared with.
   *
   * @return how many queued rows were deleted
   */
  public int forgetAlert(NodeId originNodeId, String alertId, long keepFromVersion) {
    Objects.requireNonNull(originNodeId, "originNodeId");
    Objects.requireNonNull(alertId, "alertId");
    return db.inTransaction(
        c -> {
          int n;
          try (PreparedStatement ps = c.prepareStatement(DELETE_ALERT_ROWS)) {
            ps.setString(1, originNodeId.value());
            ps.setString(2, alertId);
            ps.setLong(3, keepFromVersion);
            n = ps.executeUpdate();
          }
          try (PreparedStatement ps = c.prepareStatement(DELETE_ALERT_SHARED)) {
            ps.setString(1, originNodeId.value());
            ps.setString(2, alertId);
            ps.executeUpdate();
          }
          if (n > 0) {
            db.removedContent();
          }
          return n;
        });
  }

  /**
   * Up to {@code limit} rows queued for {@code partner} with a sequence greater than {@code
   * afterSeq}, ascending, as feed items.
   */
  public List<FeedItem> readAfter(NodeId partner, long afterSeq, int limit) {
    Objects.requireNonNull(partner, "partner");
    RowCipher cipher = db.cipher();
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(READ_AFTER)) {
            ps.setString(1, partner.value());
            ps.setLong(2, afterSeq);
            ps.setInt(3, limit);
            List<FeedItem> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                long seq = rs.getLong(1);
                SignedAlert envelope;
                try {
                  envelope =
                      SignedAlert.parseFrom(
                          cipher.open(
                              ENVELOPE,
                              rs.getBytes(3),
                              partner.value(),
                              rs.getString(6),
                              rs.getString(7),
                              Long.toString(rs.getLong(8))));
                } catch (InvalidProtocolBufferException e) {
                  throw new StoreException("outbox row " + seq + " cannot be read");
                }
                byte[] sealedHops = rs.getBytes(9);
                List<SignedHop> hops =
                    sealedHops == null
                        ? List.of()
                        : AlertRows.readHops(
                            cipher.open(
                                HOPS,
                                sealedHops,
                                partner.value(),
                                rs.getString(6),
                                rs.getString(7),
                                Long.toString(rs.getLong(8))),
                            rs.getString(7));
                out.add(
                    FeedItem.newBuilder()
                        .setSequence(seq)
                        .setAgreementId(rs.getString(2))
                        .setAlert(envelope)
                        .setRelayHops((int) rs.getLong(4))
                        .setHopsLeft((int) rs.getLong(5))
                        .addAllHops(hops)
                        .build());
              }
            }
            return out;
          }
        });
  }

  /**
   * What is held of the alert {@code (originNodeId, alertId)}, if anything: one lookup by its key,
   * nothing opened. An unknown status or audience reads as UNSPECIFIED (which admits nothing).
   */
  public Optional<HeldAlert> heldAlert(NodeId originNodeId, String alertId) {
    Objects.requireNonNull(originNodeId, "originNodeId");
    Objects.requireNonNull(alertId, "alertId");
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(SELECT_HELD)) {
            ps.setString(1, originNodeId.value());
            ps.setString(2, alertId);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.<HeldAlert>empty();
              }
              AlertStatus status = AlertStatus.forNumber(rs.getInt(2));
              Audience audience = Audience.forNumber(rs.getInt(3));
              String paths = rs.getString(6);
              String from = rs.getString(7);
              return Optional.of(
                  new HeldAlert(
                      rs.getLong(1),
                      status == null ? AlertStatus.ALERT_STATUS_UNSPECIFIED : status,
                      audience == null ? Audience.AUDIENCE_UNSPECIFIED : audience,
                      rs.getLong(4),
                      rs.getInt(5) != 0,
                      paths.isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(paths.split(","))),
                      from == null ? null : nodeId(from, alertId),
                      rs.getLong(8),
                      rs.getLong(9)));
            }
          }
        });
  }

  private static NodeId nodeId(String value, String alertId) {
    try {
      return new NodeId(value);
    } catch (IllegalArgumentException e) {
      throw new StoreException("stored alert " + alertId + " has a malformed node id");
    }
  }

  /** Deletes the row queued for {@code partner} at {@code seq}, if there is one. */
  public void deleteQueued(NodeId partner, long seq) {
    Objects.requireNonNull(partner, "partner");
    db.inTransaction(
        c -> {
          if (db.update(DELETE_QUEUED, partner.value(), seq) > 0) {
            db.removedContent();
          }
          return null;
        });
  }

  /** The highest sequence queued for {@code partner}, 0 if none is queued. */
  public long latestSeq(NodeId partner) {
    return db.queryLong(LATEST_SEQ, partner.value());
  }

  /** How many rows queued for {@code partner} have a sequence greater than {@code afterSeq}. */
  public long countAfter(NodeId partner, long afterSeq) {
    return db.queryLong(COUNT_AFTER, partner.value(), afterSeq);
  }

  /** Deletes the rows queued for {@code partner} through {@code throughSeq} (acknowledged). */
  public void deleteThrough(NodeId partner, long throughSeq) {
    db.update(DELETE_THROUGH, partner.value(), throughSeq);
  }

  /** Deletes everything queued for {@code partner} and the record of what it was queued. */
  public void purgePartner(NodeId partner) {
    Objects.requireNonNull(partner, "partner");
    db.inTransaction(
        c -> {
          for (String sql : List.of(PURGE_PARTNER_ROWS, PURGE_PARTNER_SHARED)) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
              ps.setString(1, partner.value());
              ps.executeUpdate();
            }
          }
          db.removedContent();
          return null;
        });
  }

  /**
   * Deletes everything queued for {@code partner}, keeping the record of what it was queued (what
   * it may hold): for queuing its feed again under amended terms (spec AGR-12.7).
   */
  public void dropQueue(NodeId partner) {
    Objects.requireNonNull(partner, "partner");
    db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(PURGE_PARTNER_ROWS)) {
            ps.setString(1, partner.value());
            ps.executeUpdate();
          }
          db.removedContent();
          return null;
        });
  }

  /**
   * Up to {@code limit} alerts held after {@code afterSeq} (by {@code alerts.seq}) that may be
   * backfilled to {@code partner}: not expired at {@code now}, and not retracted unless {@code
   * partner} was queued content of them. The caller decides what of each is queued.
   */
  public Candidates backfillPage(NodeId partner, long afterSeq, long now, int limit) {
    return candidates(BACKFILL, partner, afterSeq, now, limit);
  }

  /**
   * As {@link #backfillPage}, for a partner that lost what it stored: retracted alerts too when
   * {@code partner} was ever queued anything of them, with content or not.
   */
  public Candidates resyncPage(NodeId partner, long afterSeq, long now, int limit) {
    return candidates(RESYNC, partner, afterSeq, now, limit);
  }

  private Candidates candidates(String sql, NodeId partner, long afterSeq, long now, int limit) {
    Objects.requireNonNull(partner, "partner");
    return db.inTransaction(
        c -> {
          List<StoredAlert> alerts = new ArrayList<>();
          long last = afterSeq;
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, afterSeq);
            ps.setLong(2, now);
            ps.setInt(3, AlertStatus.ALERT_STATUS_RETRACTED_VALUE);
            ps.setString(4, partner.value());
            ps.setInt(5, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                last = rs.getLong("seq");
                alerts.add(AlertRows.read(rs, db.cipher()));
              }
            }
          }
          return new Candidates(alerts, last);
        });
  }
}
