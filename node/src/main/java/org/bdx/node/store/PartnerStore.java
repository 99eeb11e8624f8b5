package org.bdx.node.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bdx.node.error.BdxException;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.PartnerClass;

/**
 * Table {@code partners}: the registered partner nodes, by node id, with a name unique ignoring
 * case. The name and the endpoint are stored sealed with the node id as identity (spec AR-8); the
 * name is found, and kept unique, by its key ({@code name_key}, {@link NameKeys}).
 *
 * <p>Every method runs in {@link NodeDatabase#inTransaction}, so called inside {@link
 * NodeDatabase#atomically} it joins the caller's transaction. Who may be registered, and when a
 * partner may be removed, is decided in {@code org.bdx.node.agreement.Partners}; a stored row that
 * does not make a valid {@link PartnerRecord} is a {@link StoreException}, never a record.
 */
public final class PartnerStore {
  static final String NAME = "partners.name_sealed";
  static final String ENDPOINT = "partners.endpoint";

  private static final String COLUMNS = "node_id, name_sealed, endpoint, class, added_at";

  private final NodeDatabase db;

  public PartnerStore(NodeDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /** Stores a new partner; a taken node id or name is a {@link StoreException}. */
  public void insert(PartnerRecord p) {
    Objects.requireNonNull(p, "partner");
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO partners (name_key, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")) {
            RowCipher cipher = db.cipher();
            String id = p.nodeId().value();
            ps.setString(1, NameKeys.of(cipher, NameKeys.PARTNER, p.name()));
            ps.setString(2, id);
            ps.setBytes(3, cipher.sealText(NAME, p.name(), id));
            ps.setBytes(4, cipher.sealText(ENDPOINT, p.endpoint(), id));
            ps.setInt(5, p.partnerClass().getNumber());
            ps.setLong(6, p.addedAt());
            ps.executeUpdate();
          }
          return null;
        });
  }

  /**
   * Replaces the name and endpoint of the partner with {@code p}'s node id, sealed and keyed as
   * {@link #insert} does; its class and {@code added_at} stay as stored. A name taken by another
   * partner is a {@link StoreException}.
   *
   * @return whether a partner was updated
   */
  public boolean update(PartnerRecord p) {
    Objects.requireNonNull(p, "partner");
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE partners SET name_key = ?, name_sealed = ?, endpoint = ?"
                      + " WHERE node_id = ?")) {
            RowCipher cipher = db.cipher();
            String id = p.nodeId().value();
            ps.setString(1, NameKeys.of(cipher, NameKeys.PARTNER, p.name()));
            ps.setBytes(2, cipher.sealText(NAME, p.name(), id));
            ps.setBytes(3, cipher.sealText(ENDPOINT, p.endpoint(), id));
            ps.setString(4, id);
            return ps.executeUpdate() > 0;
          }
        });
  }

  /** The partner with this node id. */
  public Optional<PartnerRecord> get(NodeId nodeId) {
    Objects.requireNonNull(nodeId, "nodeId");
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLUMNS + " FROM partners WHERE node_id = ?")) {
            ps.setString(1, nodeId.value());
            return one(ps, db.cipher());
          }
        });
  }

  /** The partner with this name, ignoring case. */
  public Optional<PartnerRecord> byName(String name) {
    Objects.requireNonNull(name, "name");
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLUMNS + " FROM partners WHERE name_key = ?")) {
            ps.setString(1, NameKeys.of(db.cipher(), NameKeys.PARTNER, name));
            return one(ps, db.cipher());
          }
        });
  }

  /** Every partner, by name ignoring case. */
  public List<PartnerRecord> list() {
    return db.inTransaction(
        c -> {
          List<PartnerRecord> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM partners");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(read(rs, db.cipher()));
            }
          }
          // Sorted here: the names are sealed. Unique ignoring case, so the order is total.
          out.sort(Comparator.comparing(PartnerRecord::name, String.CASE_INSENSITIVE_ORDER));
          return out;
        });
  }

  /** The node ids of every partner. */
  public Set<NodeId> ids() {
    return db.inTransaction(
        c -> {
          Set<NodeId> out = new HashSet<>();
          try (PreparedStatement ps = c.prepareStatement("SELECT node_id FROM partners");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(new NodeId(rs.getString(1)));
            }
          }
          return Set.copyOf(out);
        });
  }

  /**
   * Deletes the partner. Its agreements must be gone first (the {@code agreements} table refers to
   * this one).
   *
   * @return whether a partner was deleted
   */
  public boolean delete(NodeId nodeId) {
    Objects.requireNonNull(nodeId, "nodeId");
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM partners WHERE node_id = ?")) {
            ps.setString(1, nodeId.value());
            return ps.executeUpdate() > 0;
          }
        });
  }

  private static Optional<PartnerRecord> one(PreparedStatement ps, RowCipher cipher)
      throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(read(rs, cipher)) : Optional.empty();
    }
  }

  /**
   * @throws StoreException if a sealed value does not open (naming its column) or the row does not
   *     make a valid record
   */
  private static PartnerRecord read(ResultSet rs, RowCipher cipher) throws SQLException {
    String id = rs.getString(1);
    String name = cipher.openText(NAME, rs.getBytes(2), id);
    String endpoint = cipher.openText(ENDPOINT, rs.getBytes(3), id);
    try {
      return new PartnerRecord(
          new NodeId(id), name, endpoint, PartnerClass.forNumber(rs.getInt(4)), rs.getLong(5));
    } catch (IllegalArgumentException | BdxException e) {
      throw new StoreException("a stored partner row is malformed");
    }
  }
}
