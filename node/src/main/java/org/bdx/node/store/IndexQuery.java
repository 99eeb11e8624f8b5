package org.bdx.node.store;

import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.bdx.proto.v1.AlertFields;

/**
 * One search over held alerts, in the index's own terms ({@code search.AlertSearch} builds it from
 * what staff typed). Criteria are ANDed; null or empty means no constraint. Results are newest
 * incident first, then newest stored first.
 *
 * <p>The index narrows the alerts to those holding every token in {@link #tokens}; because tokens
 * are stored as short keyed hashes and stand for prefixes and fragments, that is a superset, and
 * {@link #matches} decides each candidate from its fields. Only alerts that pass both are returned.
 *
 * @param tokens tokens an alert's entry must all hold ({@link IndexEntry#tokens})
 * @param matches the exact test of an alert's fields
 * @param harms any of these harm category numbers
 * @param since incident date on or after, {@code YYYY-MM-DD}
 * @param until incident date on or before, {@code YYYY-MM-DD}
 * @param after where the previous page ended, or null for the first page
 * @param limit most alerts to return
 * @param now Unix seconds: alerts past their expiry or purge time are not returned
 */
public record IndexQuery(
    Set<String> tokens,
    Predicate<AlertFields> matches,
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
  public record Found(java.util.List<StoredAlert> alerts, Position last) {
    public Found {
      alerts = java.util.List.copyOf(alerts);
    }
  }

  public IndexQuery {
    tokens = tokens == null ? Set.of() : Set.copyOf(tokens);
    matches = matches == null ? f -> true : matches;
    harms = harms == null ? Set.of() : Set.copyOf(harms);
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
  }
}
