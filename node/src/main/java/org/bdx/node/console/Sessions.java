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
  /**
   * The most a report draft may hold, in characters typed: a little more than all of a report's
   * fields may hold together (about 31,000 with a full narrative), so a report that could be saved
   * can be kept as a draft, and a session never holds much more than that.
   */
  static final int MAX_DRAFT_CHARS = 32 * 1024;

  /**
   * The most sessions kept for browsers that have not logged in. Anyone who can reach the console
   * makes one by opening the login page; past this many, the least recently used is dropped (its
   * browser gets a fresh login form), so requests alone cannot fill the node's memory. Logged-in
   * sessions are never dropped for this.
   */
  static final int MAX_ANONYMOUS = 1000;

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

    /** The language of the request being answered: the person's choice, else the browser's. */
    volatile ConsoleWords words = ConsoleWords.english();

    /** Where the language switch of the page being answered returns to. */
    volatile String back = "/";

    /**
     * The new-report form as last kept, in memory only: gone with the session (logout, idle end,
     * restart), never logged and never written to disk, since it may hold a report in progress.
     */
    private volatile Form draft;

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

    /** The kept draft of a new report, if any. */
    Optional<Form> draft() {
      return Optional.ofNullable(draft);
    }

    /**
     * Keeps {@code typed} (without its CSRF token) as this session's draft, replacing any other.
     *
     * @return false, keeping nothing new, when it holds more than {@link Sessions#MAX_DRAFT_CHARS}
     */
    boolean keepDraft(Form typed) {
      Form d = typed.without("csrf");
      if (d.chars() > MAX_DRAFT_CHARS) {
        return false;
      }
      draft = d;
      return true;
    }

    void dropDraft() {
      draft = null;
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
    synchronized (this) {
      expireIdle(clock.millis());
      long anonymous = byId.values().stream().filter(x -> x.who == null).count();
      while (anonymous >= MAX_ANONYMOUS) {
        byId.values().stream()
            .filter(x -> x.who == null)
            .min(java.util.Comparator.comparingLong(x -> x.lastSeenMillis))
            .ifPresent(oldest -> byId.remove(oldest.id));
        anonymous--;
      }
      return put(null, null);
    }
  }

  /** A new session for {@code who}; the old one (if any) ends. */
  Session login(Session old, Principal who, String credential) {
    if (old != null) {
      byId.remove(old.id);
    }
    return put(Objects.requireNonNull(who, "who"), Objects.requireNonNull(credential, "cred"));
  }

  void end(Session s) {
    s.dropDraft();
    byId.remove(s.id);
  }

  /** The live session with this id, now marked as used; empty if unknown or idle too long. */
  Optional<Session> find(String id) {
    if (id == null) {
      return Optional.empty();
    }
    long now = clock.millis();
    expireIdle(now);
    Session s = byId.get(id);
    if (s == null) {
      return Optional.empty();
    }
    s.lastSeenMillis = now;
    return Optional.of(s);
  }

  /** How many sessions are held (for tests). */
  int size() {
    return byId.size();
  }

  private void expireIdle(long now) {
    byId.values()
        .removeIf(
            s -> {
              boolean gone = now - s.lastSeenMillis >= idle.toMillis();
              if (gone) {
                s.dropDraft();
              }
              return gone;
            });
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
