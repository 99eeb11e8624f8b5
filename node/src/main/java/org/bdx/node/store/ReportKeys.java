package org.bdx.node.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bdx.node.vault.SecretAccess;
import org.bdx.node.vault.SymmetricKey;
import org.bdx.node.vault.VaultException;

/**
 * Each report's own data key (spec AR-3), in a database file of its own ({@code reportkeys.db}),
 * apart from {@code node.db}: destroying a key makes every copy of the report's body unreadable,
 * wherever the database file was copied to. Keys are stored wrapped (AES-256-GCM) under the vault's
 * report-keys subkey, with the report id as associated data:
 *
 * <pre>
 * wrapped = 0x01 || nonce (12) || AES-256-GCM(wrapping key, aad, data key (32)) with tag (16)
 * aad     = ASCII "bdx/v1/at-rest/report-key" || 0x00 || ASCII report id
 * </pre>
 *
 * <p>The file is WAL-mode SQLite with {@code secure_delete} on, owner-only, like {@code node.db};
 * after a key is deleted the log is checkpointed and truncated, so no page holding it survives in
 * either file.
 */
public final class ReportKeys implements AutoCloseable {
  /** The file's name in the home directory. */
  public static final String FILE = "reportkeys.db";

  private static final byte WRAP_VERSION = 1;
  private static final String AAD_LABEL = "bdx/v1/at-rest/report-key";

  static final List<Migration> MIGRATIONS =
      List.of(
          new Migration(
              1,
              "report data keys",
              """
              CREATE TABLE report_keys (
                report_id TEXT PRIMARY KEY,
                wrapped   BLOB NOT NULL
              ) WITHOUT ROWID
              """));

  private final NodeDatabase db;
  private final SymmetricKey wrapping;
  private final SecureRandom rng;

  private ReportKeys(NodeDatabase db, SymmetricKey wrapping, SecureRandom rng) {
    this.db = db;
    this.wrapping = wrapping;
    this.rng = rng;
  }

  /**
   * Opens (creating if absent) the key file {@code file}; keys are wrapped under {@code wrapping},
   * which this object closes when it is closed.
   */
  public static ReportKeys open(Path file, SymmetricKey wrapping, SecureRandom rng) {
    Objects.requireNonNull(wrapping, "wrapping");
    Objects.requireNonNull(rng, "rng");
    return new ReportKeys(NodeDatabase.open(file, MIGRATIONS), wrapping, rng);
  }

  /**
   * The data key of {@code reportId}, made and stored (durably, before this returns) if it has none
   * yet. The caller closes the key.
   */
  public SymmetricKey keyFor(String reportId) {
    return db.inTransaction(
        c -> {
          Optional<SymmetricKey> held = find(reportId);
          if (held.isPresent()) {
            return held.get();
          }
          SymmetricKey k = SymmetricKey.random(rng);
          byte[] raw = k.export(SecretAccess.INSECURE);
          try {
            byte[] sealed = wrapping.seal(aad(reportId), raw, rng);
            byte[] wrapped = new byte[1 + sealed.length];
            wrapped[0] = WRAP_VERSION;
            System.arraycopy(sealed, 0, wrapped, 1, sealed.length);
            db.update(
                "INSERT INTO report_keys (report_id, wrapped) VALUES (?, ?)", reportId, wrapped);
          } finally {
            Arrays.fill(raw, (byte) 0);
          }
          return k;
        });
  }

  /**
   * The data key of {@code reportId}, if it has one. The caller closes it.
   *
   * @throws StoreException if the stored key does not unwrap (damaged, or another vault's)
   */
  public Optional<SymmetricKey> find(String reportId) {
    Objects.requireNonNull(reportId, "reportId");
    byte[] wrapped =
        db.inTransaction(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement("SELECT wrapped FROM report_keys WHERE report_id = ?")) {
                ps.setString(1, reportId);
                try (ResultSet rs = ps.executeQuery()) {
                  return rs.next() ? rs.getBytes(1) : null;
                }
              }
            });
    if (wrapped == null) {
      return Optional.empty();
    }
    if (wrapped.length < 1 || wrapped[0] != WRAP_VERSION) {
      throw new StoreException("the key of report " + reportId + " is damaged");
    }
    byte[] raw;
    try {
      raw = wrapping.open(aad(reportId), Arrays.copyOfRange(wrapped, 1, wrapped.length));
    } catch (VaultException e) {
      throw new StoreException(
          "the key of report " + reportId + " does not open with this node's vault");
    }
    try {
      return Optional.of(SymmetricKey.of(raw));
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /**
   * Destroys the data key of {@code reportId}: deletes it ({@code secure_delete} overwrites it in
   * the file), then checkpoints and truncates the log so no older page image holds it. Safe to call
   * inside a transaction on {@code node.db}: this is another database.
   *
   * @return whether a key was deleted
   */
  public boolean destroy(String reportId) {
    boolean deleted = db.update("DELETE FROM report_keys WHERE report_id = ?", reportId) > 0;
    db.checkpoint();
    return deleted;
  }

  /** The report ids that have a key, for finding keys whose report was never stored. */
  public List<String> reportIds() {
    return db.inTransaction(
        c -> {
          List<String> ids = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT report_id FROM report_keys ORDER BY report_id");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              ids.add(rs.getString(1));
            }
          }
          return ids;
        });
  }

  private static byte[] aad(String reportId) {
    return (AAD_LABEL + "\0" + reportId).getBytes(StandardCharsets.US_ASCII);
  }

  /** Closes the key file and zeroes the wrapping key. */
  @Override
  public void close() {
    try {
      db.close();
    } finally {
      wrapping.close();
    }
  }
}
