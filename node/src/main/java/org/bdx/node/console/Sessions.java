package org.bdx.node.console;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bdx.node.access.Principal;

/**
 * The console's sessions, held only in memory: a restart logs everyone out, and nothing about a
 * session is ever written to disk. A session is made before login (so the login form has a CSRF
 * token too) and replaced by a new one at login, so an id seen before login is worthless after it.
 * A session unused for {@link #idle} is gone: a console left open in the van logs itself out.
 */
final class Sessions {
  private final Map<String, Session> byId = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration idle;
  private final SecureRandom rng = new SecureRandom();

  Sessions(Clock clock, Duration idle) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.idle = Objects.requireNonNull(idle, "idle");
  }

  /**
   * One browser's session. The staff credential stays here, on the node, so the console can call
   * the client API as that person; the browser holds only the random session id.
   */
  static final class Session {
    final String id;
    final String csrf;
    final Principal who;
    final String credential;
    volatile long lastSeenMillis;

    private Session(String id, String csrf, Principal who, String credential, long now) {
      this.id = id;
      this.csrf = csrf;
      this.who = who;
      this.credential = credential;
      this.lastSeenMillis = now;
    }

    boolean loggedIn() {
      return who != null;
    }

    /** Whether {@code presented} is this session's CSRF token, compared in constant time. */
    boolean csrfMatches(String presented) {
      return presented != null
          && MessageDigest.isEqual(
              csrf.getBytes(java.nio.charset.StandardCharsets.UTF_8),
              presented.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /** A new session for a browser that has not logged in. */
  Session anonymous() {
    return put(null, null);
  }

  /** A new session for {@code who}; the old one (if any) ends. */
  Session login(Session old, Principal who, String credential) {
    if (old != null) {
      byId.remove(old.id);
    }
    return put(Objects.requireNonNull(who, "who"), Objects.requireNonNull(credential, "cred"));
  }

  void end(Session s) {
    byId.remove(s.id);
  }

  /** The live session with this id, now marked as used; empty if unknown or idle too long. */
  Optional<Session> find(String id) {
    if (id == null) {
      return Optional.empty();
    }
    long now = clock.millis();
    byId.values().removeIf(s -> now - s.lastSeenMillis >= idle.toMillis());
    Session s = byId.get(id);
    if (s == null) {
      return Optional.empty();
    }
    s.lastSeenMillis = now;
    return Optional.of(s);
  }

  private Session put(Principal who, String credential) {
    Session s = new Session(token(), token(), who, credential, clock.millis());
    byId.put(s.id, s);
    return s;
  }

  private String token() {
    byte[] raw = new byte[32];
    rng.nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }
}
