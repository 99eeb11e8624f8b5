package org.bdx.node.stats;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import org.bdx.proto.v1.CountAlertsResponse;

/**
 * How many alerts a node holds in each group of a period (spec STAT-2), every count already
 * suppressed below 5 (STAT-3).
 *
 * @param since first incident date counted, or null for no bound
 * @param until last incident date counted, or null for no bound
 */
public record AlertCounts(LocalDate since, LocalDate until, Grouping by, List<Group> groups) {
  public AlertCounts {
    Objects.requireNonNull(by, "by");
    groups = List.copyOf(groups);
    if (since != null && until != null && until.isBefore(since)) {
      throw new IllegalArgumentException("until: before since");
    }
  }

  /** The period in words, e.g. "2026-01-01 to 2026-06-30", "since 2026-01-01", "all dates". */
  public String period() {
    if (since != null && until != null) {
      return since + " to " + until;
    }
    if (since != null) {
      return "since " + since;
    }
    return until != null ? "until " + until : "all dates";
  }

  public CountAlertsResponse toWire() {
    return CountAlertsResponse.newBuilder()
        .setSince(since == null ? "" : since.toString())
        .setUntil(until == null ? "" : until.toString())
        .setBy(by.wire())
        .addAllGroups(groups.stream().map(Group::toWire).toList())
        .build();
  }

  /**
   * The counts a node answered.
   *
   * @throws IllegalArgumentException if the answer is malformed (a date, the grouping)
   */
  public static AlertCounts fromWire(CountAlertsResponse r) {
    try {
      return new AlertCounts(
          r.getSince().isEmpty() ? null : LocalDate.parse(r.getSince()),
          r.getUntil().isEmpty() ? null : LocalDate.parse(r.getUntil()),
          Grouping.ofWire(r.getBy()),
          r.getGroupsList().stream().map(Group::fromWire).toList());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("the node answered a malformed date", e);
    }
  }
}
