package org.bdx.node.store;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The bulletin subscribers (table {@code subscribers}). An address is stored sealed, with its key
 * as identity, and found and kept unique ignoring case by its key ({@code address_key}, {@link
 * NameKeys}), as staff names are (spec AR-8); the language and areas are sealed with it, since they
 * say something about the person.
 */
public final class SubscriberStore {
  static final String ADDRESS = "subscribers.address_sealed";
  static final String PREFS = "subscribers.prefs";

  private static final String COLUMNS = "address_key, address_sealed, prefs, created_at";

  private final NodeDatabase db;

  public SubscriberStore(NodeDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /** The key under which {@code address} is stored, whatever its case. */
  public String key(String address) {
    return NameKeys.of(db.cipher(), NameKeys.SUBSCRIBER, address);
  }

  /**
   * Adds a subscriber, unless one with this address (ignoring case) exists. Joins the caller's
   * transaction.
   *
   * @return false if the address was already subscribed; nothing changes then
   */
  public boolean insert(SubscriberRecord r) {
    RowCipher cipher = db.cipher();
    String key = key(r.address());
    byte[] prefs = prefs(r).getBytes(StandardCharsets.UTF_8);
    try {
      return db.update(
              "INSERT OR IGNORE INTO subscribers (" + COLUMNS + ") VALUES (?, ?, ?, ?)",
              key,
              cipher.sealText(ADDRESS, r.address(), key),
              cipher.seal(PREFS, prefs, key),
              r.createdAt())
          == 1;
    } finally {
      Arrays.fill(prefs, (byte) 0);
    }
  }

  /** The subscriber with this address, ignoring case. */
  public Optional<SubscriberRecord> get(String address) {
    return byKey(key(Objects.requireNonNull(address, "address")));
  }

  /** The subscriber stored under {@code key}. */
  public Optional<SubscriberRecord> byKey(String key) {
    Objects.requireNonNull(key, "key");
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLUMNS + " FROM subscribers WHERE address_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(read(rs, db.cipher())) : Optional.empty();
            }
          }
        });
  }

  /** The keys of every subscriber. */
  public List<String> keys() {
    return db.inTransaction(
        c -> {
          List<String> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement("SELECT address_key FROM subscribers");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(rs.getString(1));
            }
          }
          return out;
        });
  }

  /** Every subscriber, by address ignoring case. */
  public List<SubscriberRecord> list() {
    return db.inTransaction(
        c -> {
          List<SubscriberRecord> out = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT " + COLUMNS + " FROM subscribers");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(read(rs, db.cipher()));
            }
          }
          // Sorted here: the addresses are sealed.
          out.sort(Comparator.comparing(SubscriberRecord::address, String.CASE_INSENSITIVE_ORDER));
          return out;
        });
  }

  /** How many subscribers there are. */
  public int count() {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM subscribers");
              ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getInt(1) : 0;
          }
        });
  }

  /**
   * Removes the subscriber with this address (ignoring case) and the bulletins still queued for it,
   * in one transaction.
   *
   * @return false if there was none
   */
  public boolean remove(String address) {
    String key = key(Objects.requireNonNull(address, "address"));
    return db.atomically(
        () -> {
          db.update("DELETE FROM deliveries WHERE address_key = ?", key);
          return db.update("DELETE FROM subscribers WHERE address_key = ?", key) == 1;
        });
  }

  private static String prefs(SubscriberRecord r) {
    // Language and areas, one a line: areas are checked to hold no line break.
    StringBuilder sb = new StringBuilder(r.lang());
    for (String a : r.areas()) {
      sb.append('\n').append(a);
    }
    return sb.toString();
  }

  /**
   * @throws StoreException if a sealed value does not open or the row is malformed
   */
  private static SubscriberRecord read(ResultSet rs, RowCipher cipher) throws SQLException {
    String key = rs.getString(1);
    if (key == null) {
      throw new StoreException("a stored subscriber is malformed");
    }
    String address = cipher.openText(ADDRESS, rs.getBytes(2), key);
    List<String> prefs = List.of(cipher.openText(PREFS, rs.getBytes(3), key).split("\n", -1));
    return new SubscriberRecord(
        address, prefs.get(0), prefs.subList(1, prefs.size()), rs.getLong(4));
  }
}
