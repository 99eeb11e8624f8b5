package org.bdx.node.store;

import java.util.Objects;
import java.util.Set;

/**
 * What the search index holds for one alert, computed from its fields by {@link Indexer} (the
 * search room decides what is searchable and how it is normalised; the store only writes it).
 *
 * @param incidentDate {@code YYYY-MM-DD}, or "" if the alert has none (it then sorts last)
 * @param area the area as matched by search, or ""
 * @param plate the canonical plate, or ""
 * @param phones phone numbers in E.164 form
 * @param harms known harm category numbers
 * @param text the free text to index for word search, or ""
 */
public record IndexEntry(
    String incidentDate,
    String area,
    String plate,
    Set<String> phones,
    Set<Integer> harms,
    String text) {
  /** What a tombstone holds: nothing to find. */
  public static final IndexEntry NONE = new IndexEntry("", "", "", Set.of(), Set.of(), "");

  public IndexEntry {
    Objects.requireNonNull(incidentDate, "incidentDate");
    Objects.requireNonNull(area, "area");
    Objects.requireNonNull(plate, "plate");
    phones = Set.copyOf(phones);
    harms = Set.copyOf(harms);
    Objects.requireNonNull(text, "text");
  }
}
