package org.bdx.node.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bdx.proto.v1.StaffRole;

/**
 * The staff accounts (table {@code staff}). An account's name is stored sealed, with its key as
 * identity, and found and kept unique ignoring case by its key ({@code name_key}, {@link NameKeys};
 * spec AR-8).
 */
public final class StaffStore {
  static final String NAME = "staff.name_sealed";

  private static final String COLUMNS =
      "name_key, name_sealed, role, credential_hash, created_at, revoked_at";

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
    RowCipher cipher = db.cipher();
    String key = NameKeys.of(cipher, NameKeys.STAFF, r.name());
    db.update(
        "INSERT INTO staff (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)",
        key,
        cipher.sealText(NAME, r.name(), key),
        r.role().getNumber(),
        r.credentialHash(),
        r.createdAt(),
        r.revokedAt());
  }

  /** The account with this name, ignoring case. */
  public Optional<StaffRecord> get(String name) {
    Objects.requireNonNull(name, "name");
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLUMNS + " FROM staff WHERE name_key = ?")) {
            ps.setString(1, NameKeys.of(db.cipher(), NameKeys.STAFF, name));
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(read(rs, db.cipher())) : Optional.<StaffRecord>empty();
            }
          }
        });
  }

  /** Every account, active and revoked, by name ignoring case. */
  public List<StaffRecord> list() {
    return db.inTransaction(
        c -> {
          List<StaffRecord> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM staff");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(read(rs, db.cipher()));
            }
          }
          // Sorted here: the names are sealed. Unique ignoring case, so the order is total.
          out.sort(Comparator.comparing(StaffRecord::name, String.CASE_INSENSITIVE_ORDER));
          return out;
        });
  }

  /** Marks the account revoked at {@code at}; false if there is no active account by that name. */
  public boolean revoke(String name, long at) {
    Objects.requireNonNull(name, "name");
    return db.update(
            "UPDATE staff SET revoked_at = ? WHERE name_key = ? AND revoked_at = 0",
            at,
            NameKeys.of(db.cipher(), NameKeys.STAFF, name))
        == 1;
  }

  /**
   * @throws StoreException if the name does not open or the row does not make a valid record
   */
  private static StaffRecord read(ResultSet rs, RowCipher cipher) throws SQLException {
    String key = rs.getString(1);
    if (key == null) {
      throw new StoreException("a stored staff account is malformed");
    }
    String name = cipher.openText(NAME, rs.getBytes(2), key);
    StaffRole role = StaffRole.forNumber(rs.getInt(3));
    try {
      return new StaffRecord(
          name,
          role == null ? StaffRole.UNRECOGNIZED : role,
          rs.getBytes(4),
          rs.getLong(5),
          rs.getLong(6));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new StoreException("a stored staff account is malformed");
    }
  }
}
