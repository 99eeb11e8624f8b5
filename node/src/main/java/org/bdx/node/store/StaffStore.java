package org.bdx.node.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bdx.proto.v1.StaffRole;

/** The staff accounts (table {@code staff}). */
public final class StaffStore {
  private static final String COLUMNS = "name, role, credential_hash, created_at, revoked_at";

  private final NodeDatabase db;

  public StaffStore(NodeDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /**
   * Adds an account. Joins the caller's transaction.
   *
   * @throws StoreException if the name (ignoring case) or the credential hash is taken
   */
  public void insert(StaffRecord r) {
    db.update(
        "INSERT INTO staff (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)",
        r.name(),
        r.role().getNumber(),
        r.credentialHash(),
        r.createdAt(),
        r.revokedAt());
  }

  /** The account with this name, ignoring case. */
  public Optional<StaffRecord> get(String name) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLUMNS + " FROM staff WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(read(rs)) : Optional.<StaffRecord>empty();
            }
          }
        });
  }

  /** Every account, active and revoked, by name ignoring case. */
  public List<StaffRecord> list() {
    return db.inTransaction(
        c -> {
          List<StaffRecord> out = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT " + COLUMNS + " FROM staff ORDER BY name COLLATE NOCASE");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(read(rs));
            }
          }
          return out;
        });
  }

  /** Marks the account revoked at {@code at}; false if there is no active account by that name. */
  public boolean revoke(String name, long at) {
    return db.update("UPDATE staff SET revoked_at = ? WHERE name = ? AND revoked_at = 0", at, name)
        == 1;
  }

  private static StaffRecord read(ResultSet rs) throws SQLException {
    StaffRole role = StaffRole.forNumber(rs.getInt(2));
    try {
      return new StaffRecord(
          rs.getString(1),
          role == null ? StaffRole.UNRECOGNIZED : role,
          rs.getBytes(3),
          rs.getLong(4),
          rs.getLong(5));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new StoreException("a stored staff account is malformed");
    }
  }
}
