package org.bdx.node.search;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.text.Normalizer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.Page;
import org.bdx.node.store.StoredAlert;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.HarmCategory;

/**
 * Searches held alerts (own and received). Newest incident first, then newest stored first; keyset
 * paging with an opaque token. Tombstones (retracted or withdrawn alerts) never appear, nor alerts
 * past their expiry or, for received alerts, past their purge time (spec EXP-2).
 *
 * <p>User text never reaches FTS5 as query syntax: it is split into words (letters, digits and
 * combining marks), each word becomes a quoted prefix term, and the terms are ANDed.
 */
public final class AlertSearch {

  /** At most this many words of free text are used. */
  public static final int MAX_TERMS = 16;

  private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
  private static final Pattern TOKEN =
      Pattern.compile("a1:((?:[0-9]{4}-[0-9]{2}-[0-9]{2})?):([1-9][0-9]{0,18})");

  private final NodeDatabase db;
  private final Clock clock;

  public AlertSearch(NodeDatabase db) {
    this(db, Clock.systemUTC());
  }

  /**
   * @param clock decides which alerts have expired
   */
  public AlertSearch(NodeDatabase db, Clock clock) {
    this.db = Objects.requireNonNull(db, "db");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * @throws IllegalArgumentException "bad page token" for a token this code did not make
   */
  public Page<StoredAlert> search(AlertQuery q) {
    Objects.requireNonNull(q, "query");
    Cursor after = q.pageToken() == null ? null : decode(q.pageToken());

    StringBuilder sql =
        new StringBuilder(
            "SELECT a.incident_date AS sort_date, a.seq AS sort_seq, a.* FROM alerts a"
                + " WHERE a.status <> ? AND a.disclosed_paths <> ''"
                + " AND a.expires_at > ? AND (a.purge_at IS NULL OR a.purge_at > ?)");
    List<Object> args = new ArrayList<>();
    long now = clock.instant().getEpochSecond();
    args.add(AlertStatus.ALERT_STATUS_RETRACTED_VALUE);
    args.add(now);
    args.add(now);

    if (q.phoneE164() != null) {
      sql.append(" AND a.seq IN (SELECT seq FROM alert_phones WHERE phone = ?)");
      args.add(q.phoneE164());
    }
    if (q.platePart() != null) {
      if (q.platePart().codePointCount(0, q.platePart().length()) >= 3) {
        sql.append(" AND a.seq IN (SELECT rowid FROM alert_plates WHERE alert_plates MATCH ?)");
        args.add(quote(q.platePart()));
      } else {
        // Trigrams need 3 characters; canonical plates hold only letters and digits, so
        // there is nothing to escape in the LIKE pattern.
        sql.append(" AND a.plate LIKE ?");
        args.add("%" + q.platePart() + "%");
      }
    }
    if (q.text() != null) {
      List<String> terms = terms(q.text());
      if (terms.isEmpty()) {
        // Only punctuation: no word can match.
        return new Page<>(List.of(), "");
      }
      sql.append(" AND a.seq IN (SELECT rowid FROM alert_text WHERE alert_text MATCH ?)");
      args.add(String.join(" ", terms));
    }
    if (q.area() != null) {
      String key = AlertStore.areaKey(q.area());
      sql.append(" AND substr(a.area_lc, 1, ?) = ?");
      args.add(key.codePointCount(0, key.length()));
      args.add(key);
    }
    if (!q.harms().isEmpty()) {
      sql.append(" AND a.seq IN (SELECT seq FROM alert_harms WHERE harm IN (");
      boolean first = true;
      for (HarmCategory h : q.harms()) {
        sql.append(first ? "?" : ", ?");
        first = false;
        args.add(h.getNumber());
      }
      sql.append("))");
    }
    if (q.since() != null) {
      sql.append(" AND a.incident_date >= ?");
      args.add(q.since().toString());
    }
    if (q.until() != null) {
      sql.append(" AND a.incident_date <> '' AND a.incident_date <= ?");
      args.add(q.until().toString());
    }
    if (after != null) {
      sql.append(" AND (a.incident_date < ? OR (a.incident_date = ? AND a.seq < ?))");
      args.add(after.date());
      args.add(after.date());
      args.add(after.seq());
    }
    sql.append(" ORDER BY a.incident_date DESC, a.seq DESC LIMIT ?");
    int size = q.pageSize();
    args.add(size + 1);

    return db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
              Object arg = args.get(i);
              if (arg instanceof Integer n) {
                ps.setInt(i + 1, n);
              } else if (arg instanceof Long n) {
                ps.setLong(i + 1, n);
              } else {
                ps.setString(i + 1, (String) arg);
              }
            }
            List<StoredAlert> items = new ArrayList<>();
            String lastDate = null;
            long lastSeq = 0;
            boolean more = false;
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                if (items.size() == size) {
                  more = true;
                  break;
                }
                lastDate = rs.getString("sort_date");
                lastSeq = rs.getLong("sort_seq");
                items.add(AlertStore.read(rs));
              }
            }
            return new Page<>(items, more ? encode(new Cursor(lastDate, lastSeq)) : "");
          }
        });
  }

  /**
   * The user's words as FTS5 terms: NFKC-normalized, lower-cased, split on anything that is not a
   * letter, digit or combining mark; each word double-quoted (it contains no quote) and marked as a
   * prefix. At most {@value #MAX_TERMS} words.
   */
  static List<String> terms(String text) {
    String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    List<String> out = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    for (int i = 0; i <= s.length(); ) {
      int cp = i < s.length() ? s.codePointAt(i) : ' ';
      i += i < s.length() ? Character.charCount(cp) : 1;
      int type = Character.getType(cp);
      boolean wordChar =
          Character.isLetterOrDigit(cp)
              || type == Character.NON_SPACING_MARK
              || type == Character.COMBINING_SPACING_MARK;
      if (wordChar) {
        word.appendCodePoint(cp);
      } else if (!word.isEmpty()) {
        if (out.size() < MAX_TERMS) {
          out.add(quote(word.toString()) + "*");
        }
        word.setLength(0);
      }
    }
    return out;
  }

  private static String quote(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  private record Cursor(String date, long seq) {}

  private static String encode(Cursor c) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("a1:" + c.date() + ":" + c.seq()).getBytes(StandardCharsets.US_ASCII));
  }

  private static Cursor decode(String token) {
    try {
      String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
      var m = TOKEN.matcher(s);
      if (!m.matches()) {
        throw new IllegalArgumentException();
      }
      String date = m.group(1);
      if (!date.isEmpty() && !DATE.matcher(date).matches()) {
        throw new IllegalArgumentException();
      }
      return new Cursor(date, Long.parseLong(m.group(2)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad page token");
    }
  }
}
