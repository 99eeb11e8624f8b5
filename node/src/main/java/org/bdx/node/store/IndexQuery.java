package org.bdx.node.store;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One search over held alerts, in the index's own terms: every value already normalised as the
 * index holds it ({@code search.AlertSearch} builds it from what staff typed). Criteria are ANDed;
 * null or empty means no constraint. Results are newest incident first, then newest stored first.
 *
 * @param phone an E.164 number
 * @param plate part of a canonical plate
 * @param words words that must all occur, each as a prefix; normalised, no query syntax
 * @param area the beginning of the area, lower-cased
 * @param harms any of these harm category numbers
 * @param since incident date on or after, {@code YYYY-MM-DD}
 * @param until incident date on or before, {@code YYYY-MM-DD}
 * @param after where the previous page ended, or null for the first page
 * @param limit most alerts to return
 * @param now Unix seconds: alerts past their expiry or purge time are not returned
 */
public record IndexQuery(
    String phone,
    String plate,
    List<String> words,
    String area,
    Set<Integer> harms,
    String since,
    String until,
    Position after,
    int limit,
    long now) {

  /**
   * A place in the result order.
   *
   * @param incidentDate the alert's incident date as indexed ("" if none)
   * @param seq the alert's row sequence
   */
  public record Position(String incidentDate, long seq) {
    public Position {
      Objects.requireNonNull(incidentDate, "incidentDate");
    }
  }

  /**
   * One page of results.
   *
   * @param last where this page ended, or null when there are no more
   */
  public record Found(List<StoredAlert> alerts, Position last) {
    public Found {
      alerts = List.copyOf(alerts);
    }
  }

  public IndexQuery {
    words = words == null ? List.of() : List.copyOf(words);
    harms = harms == null ? Set.of() : Set.copyOf(harms);
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
  }
}
