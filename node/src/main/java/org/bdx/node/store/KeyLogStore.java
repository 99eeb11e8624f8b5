package org.bdx.node.store;

import com.google.protobuf.ByteString;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bdx.proto.v1.SignedKeyEvent;

/**
 * Table {@code key_log}: the node's own key log (spec KEY-10), event by event, as the exact bytes
 * that were signed. The log is public, so it is stored in clear (SEC-6); it is in every backup
 * because it is in {@code node.db}. The only class that reads or writes the table.
 */
public final class KeyLogStore {
  static final String SELECT = "SELECT sequence, event, signature FROM key_log ORDER BY sequence";
  static final String INSERT = "INSERT INTO key_log (sequence, event, signature) VALUES (?, ?, ?)";

  private final NodeDatabase db;

  public KeyLogStore(NodeDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /** The stored events, event 0 first; empty if the node has made no inception yet. */
  public List<SignedKeyEvent> load() {
    return db.inTransaction(
        c -> {
          List<SignedKeyEvent> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(SELECT);
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              if (rs.getLong(1) != out.size()) {
                throw new StoreException("the key log in the database has a gap");
              }
              out.add(
                  SignedKeyEvent.newBuilder()
                      .setEvent(ByteString.copyFrom(rs.getBytes(2)))
                      .setSignature(ByteString.copyFrom(rs.getBytes(3)))
                      .build());
            }
          }
          return out;
        });
  }

  /**
   * Stores {@code events} after the ones already stored, in one durable transaction: the caller
   * verified the longer log (KEY-9).
   *
   * @param from the sequence of the first of {@code events}: the number already stored
   * @throws StoreException if the stored log is not {@code from} events long
   */
  public void append(int from, List<SignedKeyEvent> events) {
    Objects.requireNonNull(events, "events");
    db.inTransaction(
        c -> {
          long held = db.queryLong("SELECT COUNT(*) FROM key_log");
          if (held != from) {
            throw new StoreException("the key log changed while an event was being added");
          }
          for (int i = 0; i < events.size(); i++) {
            SignedKeyEvent e = events.get(i);
            db.update(
                INSERT,
                (long) from + i,
                e.getEvent().toByteArray(),
                e.getSignature().toByteArray());
          }
          return null;
        });
  }
}
