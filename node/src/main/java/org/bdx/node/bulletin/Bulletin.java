package org.bdx.node.bulletin;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * One bulletin, ready to render in any language: who made it, for which period and area, and its
 * warnings grouped by area. Holds no alert id, node id or other identifier a worker does not need.
 *
 * @param organization the organization that made it (this node's)
 * @param since the first incident date it covers
 * @param area the one area asked for, or "" for all
 * @param madeOn the day it was made
 * @param areas the areas, sorted by name; the warnings with no area shown come last
 * @param footer how to report, or "" for the default sentence in the bulletin's language
 */
public record Bulletin(
    String organization,
    LocalDate since,
    String area,
    LocalDate madeOn,
    List<BulletinArea> areas,
    String footer) {
  public Bulletin {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(since, "since");
    area = area == null ? "" : area;
    Objects.requireNonNull(madeOn, "madeOn");
    areas = List.copyOf(areas);
    footer = footer == null ? "" : footer;
  }

  /** How many warnings it holds. */
  public int count() {
    return areas.stream().mapToInt(a -> a.entries().size()).sum();
  }
}
