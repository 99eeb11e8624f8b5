package org.bdx.node.access;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bdx.node.audit.AuditAction;
import org.bdx.node.audit.AuditDetail;
import org.bdx.node.audit.AuditLog;
import org.bdx.node.error.BdxException;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.StaffRecord;
import org.bdx.node.store.StaffStore;
import org.bdx.proto.v1.StaffRole;

/**
 * The people who may use this node's local APIs, one account each, so a person who leaves can be
 * cut off alone and every call has a name (spec API-1, ADM-1, ADM-11). A credential is 256 random
 * bits, shown once when the account is made; the node keeps only its SHA-256 (a hash is enough: the
 * credential is random, so there is nothing to guess from it).
 *
 * <p>Authentication is answered from memory; every change made through this object clears it inside
 * its transaction, so a revoked credential fails from the next call on. The node MUST use one
 * {@code StaffAccounts} per database.
 *
 * <p>Every account made or revoked is recorded in the audit log in the same transaction (spec
 * ADM-12.2): its name and role, never its credential or hash.
 */
public final class StaffAccounts {
  /** Longest account name. */
  public static final int MAX_NAME_LENGTH = 64;

  /** Prefix of credentials made here, so a leaked one is recognisable in a scan. */
  public static final String CREDENTIAL_PREFIX = "bdxs-";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_NAME_LENGTH + "}");
  private static final int MAX_CREDENTIAL_LENGTH = 256;

  private final NodeDatabase db;
  private final StaffStore store;
  private final Clock clock;
  private final SecureRandom rng;
  private final AuditLog audit;

  /** Active accounts by credential hash; null when it must be read again. */
  private volatile Map<ByteBuffer, Principal> active;

  public StaffAccounts(
      NodeDatabase db, StaffStore store, Clock clock, SecureRandom rng, AuditLog audit) {
    this.db = Objects.requireNonNull(db, "db");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.rng = Objects.requireNonNull(rng, "rng");
  }

  /**
   * A new account and its credential.
   *
   * @param credential shown to the person once; never stored
   */
  public record Created(StaffRecord account, String credential) {
    @Override
    public String toString() {
      return "Created[account=" + account + "]";
    }
  }

  /**
   * Makes an account with a fresh credential.
   *
   * @throws BdxException INVALID_ARGUMENT (name, role), ALREADY_EXISTS (name taken, ignoring case)
   */
  public Created add(String name, StaffRole role) {
    byte[] raw = new byte[32];
    rng.nextBytes(raw);
    String credential =
        CREDENTIAL_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    return new Created(insert(name, role, credential), credential);
  }

  /**
   * Makes an account for a credential that already exists (the {@code client.token} and {@code
   * admin.token} of nodes made before accounts existed). Does nothing if the name is taken.
   */
  public void adopt(String name, StaffRole role, String credential) {
    Objects.requireNonNull(credential, "credential");
    db.atomically(
        () -> {
          if (store.get(name).isEmpty()) {
            insert(name, role, credential);
          }
          return null;
        });
  }

  /** Whether any account exists. */
  public boolean any() {
    return !store.list().isEmpty();
  }

  /** Every account, active and revoked, by name. */
  public List<StaffRecord> list() {
    return store.list();
  }

  /**
   * Revokes an account: its credential fails from the next call on.
   *
   * @throws BdxException NOT_FOUND (no such account), FAILED_PRECONDITION (already revoked, or the
   *     last active coordinator: nobody could manage the node any more)
   */
  public StaffRecord revoke(String name) {
    String n = name == null ? "" : name.strip();
    return db.atomically(
        () -> {
          StaffRecord r =
              store.get(n).orElseThrow(() -> BdxException.notFound("no staff account " + safe(n)));
          if (!r.active()) {
            throw BdxException.failedPrecondition(
                "the staff account " + r.name() + " is already revoked");
          }
          if (r.role() == StaffRole.STAFF_ROLE_COORDINATOR && activeCoordinators() == 1) {
            throw BdxException.failedPrecondition(
                "the staff account "
                    + r.name()
                    + " is the last active coordinator; add another coordinator first");
          }
          store.revoke(r.name(), now());
          active = null;
          audit.record(AuditAction.STAFF_REVOKE, AuditDetail.of().add("account", r.name()));
          return store.get(r.name()).orElseThrow();
        });
  }

  /** The active account whose credential this is, if any. */
  public Optional<Principal> authenticate(String credential) {
    if (credential == null || credential.isEmpty() || credential.length() > MAX_CREDENTIAL_LENGTH) {
      return Optional.empty();
    }
    return Optional.ofNullable(activeByHash().get(ByteBuffer.wrap(hash(credential))));
  }

  private StaffRecord insert(String rawName, StaffRole role, String credential) {
    String name = rawName == null ? "" : rawName.strip();
    if (!NAME.matcher(name).matches()) {
      throw BdxException.invalid(
          "name: 1 to " + MAX_NAME_LENGTH + " characters of letters, digits, '.', '_' and '-'");
    }
    if (role == null
        || role == StaffRole.STAFF_ROLE_UNSPECIFIED
        || role == StaffRole.UNRECOGNIZED) {
      throw BdxException.invalid("role: must be viewer, intake or coordinator");
    }
    StaffRecord r = new StaffRecord(name, role, hash(credential), now(), 0);
    return db.atomically(
        () -> {
          if (store.get(name).isPresent()) {
            throw BdxException.alreadyExists("a staff account named " + name + " already exists");
          }
          store.insert(r);
          active = null;
          audit.record(
              AuditAction.STAFF_ADD,
              AuditDetail.of().add("account", r.name()).add("role", word(r.role())));
          return r;
        });
  }

  private long activeCoordinators() {
    return store.list().stream()
        .filter(a -> a.active() && a.role() == StaffRole.STAFF_ROLE_COORDINATOR)
        .count();
  }

  private Map<ByteBuffer, Principal> activeByHash() {
    Map<ByteBuffer, Principal> snapshot = active;
    if (snapshot != null) {
      return snapshot;
    }
    // Loaded under the database lock, and every change clears it under the same lock before it
    // commits, so a load never keeps a revoked account.
    return db.atomically(
        () -> {
          Map<ByteBuffer, Principal> current = active;
          if (current == null) {
            Map<ByteBuffer, Principal> m = new HashMap<>();
            for (StaffRecord r : store.list()) {
              if (r.active()) {
                m.put(ByteBuffer.wrap(r.credentialHash()), new Principal(r.name(), r.role()));
              }
            }
            current = Map.copyOf(m);
            active = current;
          }
          return current;
        });
  }

  static byte[] hash(String credential) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(credential.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  private long now() {
    return clock.instant().getEpochSecond();
  }

  /** Echo only what could be a name. */
  private static String safe(String s) {
    return NAME.matcher(s).matches() ? s : "(given)";
  }

  /** The role's word, as the CLI and messages use it. */
  public static String word(StaffRole role) {
    return role.name().replace("STAFF_ROLE_", "").toLowerCase(Locale.ROOT);
  }
}
