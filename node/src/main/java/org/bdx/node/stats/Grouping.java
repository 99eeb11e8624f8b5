package org.bdx.node.stats;

import java.util.Locale;
import org.bdx.proto.v1.StatsGrouping;

/** What alerts are counted by (spec STAT-2), with the word the CLI takes for it. */
public enum Grouping {
  MONTH("month", "Month", "date not known", StatsGrouping.STATS_GROUPING_MONTH),
  HARM("harm", "Harm", "harm not known", StatsGrouping.STATS_GROUPING_HARM),
  AREA("area", "Area", "area not known", StatsGrouping.STATS_GROUPING_AREA),
  SETTING(
      "setting", "Work setting", "setting not known", StatsGrouping.STATS_GROUPING_WORK_SETTING);

  private final String word;
  private final String heading;
  private final String notKnown;
  private final StatsGrouping wire;

  Grouping(String word, String heading, String notKnown, StatsGrouping wire) {
    this.word = word;
    this.heading = heading;
    this.notKnown = notKnown;
    this.wire = wire;
  }

  /** As typed: "month", "harm", "area" or "setting", in any case. */
  public static Grouping ofWord(String word) {
    String w = word == null ? "" : word.strip().toLowerCase(Locale.ROOT);
    for (Grouping g : values()) {
      if (g.word.equals(w)) {
        return g;
      }
    }
    throw new IllegalArgumentException("choose month, harm, area or setting");
  }

  /** The grouping a request names; unspecified or unknown is refused. */
  public static Grouping ofWire(StatsGrouping wire) {
    for (Grouping g : values()) {
      if (g.wire == wire) {
        return g;
      }
    }
    throw new IllegalArgumentException("by: choose MONTH, HARM, AREA or WORK_SETTING");
  }

  public String word() {
    return word;
  }

  /** The heading of the group column, e.g. "Work setting". */
  public String heading() {
    return heading;
  }

  /** The label of the alerts that do not show this node the field, e.g. "area not known". */
  public String notKnownLabel() {
    return notKnown;
  }

  public StatsGrouping wire() {
    return wire;
  }
}
