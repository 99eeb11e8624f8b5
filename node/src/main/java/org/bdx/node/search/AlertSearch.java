package org.bdx.node.search;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.bdx.node.store.IndexQuery;
import org.bdx.node.store.Page;
import org.bdx.node.store.SearchIndex;
import org.bdx.node.store.StoredAlert;
import org.bdx.proto.v1.HarmCategory;

/**
 * Searches held alerts (own and received). Newest incident first, then newest stored first; keyset
 * paging with an opaque token. Tombstones (retracted or withdrawn alerts) never appear, nor alerts
 * past their expiry or, for received alerts, past their purge time (spec EXP-2).
 *
 * <p>What staff typed is normalised here the same way {@link AlertIndex} normalised the alerts, and
 * the store's {@link SearchIndex} runs the query: the index narrows the alerts by keyed-hash tokens
 * and {@link AlertIndex#matcher} decides each from its fields. Free text is split into words
 * (letters, digits and combining marks), which must all begin a word of the alert.
 */
public final class AlertSearch {

  /** At most this many words of free text are used. */
  public static final int MAX_TERMS = 16;

  /**
   * At most this many alerts are read as links of one: a common name used can be in thousands, and
   * staff need the count and the newest, not every one.
   */
  public static final int MAX_LINKED = 200;

  private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
  private static final Pattern TOKEN =
      Pattern.compile("a1:((?:[0-9]{4}-[0-9]{2}-[0-9]{2})?):([1-9][0-9]{0,18})");

  private final SearchIndex index;
  private final Clock clock;

  public AlertSearch(SearchIndex index) {
    this(index, Clock.systemUTC());
  }

  /**
   * @param clock decides which alerts have expired
   */
  public AlertSearch(SearchIndex index, Clock clock) {
    this.index = Objects.requireNonNull(index, "index");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * @throws IllegalArgumentException "bad page token" for a token this code did not make
   */
  public Page<StoredAlert> search(AlertQuery q) {
    Objects.requireNonNull(q, "query");
    IndexQuery.Position after = q.pageToken() == null ? null : decode(q.pageToken());

    List<String> words = List.of();
    if (q.text() != null) {
      words = terms(q.text());
      if (words.isEmpty()) {
        // Only punctuation: no word can match.
        return new Page<>(List.of(), "");
      }
    }
    List<Integer> harms = new ArrayList<>();
    for (HarmCategory h : q.harms()) {
      harms.add(h.getNumber());
    }
    String area = q.area() == null ? null : AlertIndex.areaKey(q.area());
    IndexQuery.Found found =
        index.search(
            new IndexQuery(
                AlertIndex.tokens(
                    q.phoneE164(), q.phoneEnd(), q.phoneStart(), q.platePart(), words, area),
                AlertIndex.matcher(
                    q.phoneE164(), q.phoneEnd(), q.phoneStart(), q.platePart(), words, area),
                java.util.Set.copyOf(harms),
                q.since() == null ? null : q.since().toString(),
                q.until() == null ? null : q.until().toString(),
                after,
                q.pageSize(),
                clock.instant().getEpochSecond()));
    return new Page<>(found.alerts(), found.last() == null ? "" : encode(found.last()));
  }

  /**
   * The other alerts held here that share with {@code a} a phone number, the whole plate, a name
   * used or a handle (spec API-10), newest incident first, at most {@value #MAX_LINKED}. Only the
   * fields this node holds of each alert count (for a received alert, what was disclosed to it), so
   * a link says nothing this node's own holdings do not already say. None for a tombstone.
   */
  public List<AlertLink> linked(StoredAlert a) {
    Objects.requireNonNull(a, "alert");
    if (a.tombstone()) {
      return List.of();
    }
    java.util.Set<String> mine = AlertIndex.linkTokens(a.fields());
    List<AlertLink> out = new ArrayList<>();
    for (StoredAlert other :
        index.holdingAny(mine, clock.instant().getEpochSecond(), MAX_LINKED + 1)) {
      if (other.originNodeId().equals(a.originNodeId()) && other.alertId().equals(a.alertId())) {
        continue;
      }
      // The terms are short hashes: the tokens themselves decide.
      List<String> shared =
          AlertIndex.linkTokens(other.fields()).stream()
              .filter(mine::contains)
              .map(AlertIndex::linkPath)
              .toList();
      if (!shared.isEmpty() && out.size() < MAX_LINKED) {
        out.add(new AlertLink(other, shared));
      }
    }
    return out;
  }

  /**
   * The user's words ({@link Words}): NFKC-normalized, lower-cased, split on anything that is not a
   * letter, digit or combining mark, diacritics removed. At most {@value #MAX_TERMS} words.
   */
  static List<String> terms(String text) {
    return Words.of(text, MAX_TERMS);
  }

  private static String encode(IndexQuery.Position c) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(
            ("a1:" + c.incidentDate() + ":" + c.seq()).getBytes(StandardCharsets.US_ASCII));
  }

  private static IndexQuery.Position decode(String token) {
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
      return new IndexQuery.Position(date, Long.parseLong(m.group(2)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad page token");
    }
  }
}
