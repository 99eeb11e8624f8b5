package org.bdx.node.store;

import java.util.Objects;
import java.util.Set;

/**
 * What the search index holds for one alert, computed from its fields by {@link Indexer} (the
 * search room decides what is searchable and how it is normalised; the store only writes it).
 * Tokens are stored only as keyed hashes ({@link RowCipher#term}); dates and harm categories are
 * stored in clear (spec AR-7).
 *
 * @param incidentDate {@code YYYY-MM-DD}, or "" if the alert has none (it then sorts last)
 * @param harms known harm category numbers
 * @param tokens the values the alert can be found by, each a string such as {@code
 *     "phone:+15551234567"}; a query names the tokens it requires ({@link IndexQuery#tokens})
 */
public record IndexEntry(String incidentDate, Set<Integer> harms, Set<String> tokens) {
  /** What a tombstone holds: nothing to find. */
  public static final IndexEntry NONE = new IndexEntry("", Set.of(), Set.of());

  public IndexEntry {
    Objects.requireNonNull(incidentDate, "incidentDate");
    harms = Set.copyOf(harms);
    tokens = Set.copyOf(tokens);
  }
}
