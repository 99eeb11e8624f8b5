package org.bdx.node.stats;

import java.util.ArrayList;
import java.util.List;
import org.bdx.node.text.VisibleText;

/** Counts as a table for a terminal or a plain-text file, each count or "fewer than 5". */
public final class StatsText {
  private StatsText() {}

  /** The title a table or chart of {@code counts} carries, e.g. "Alerts by area, since ...". */
  public static String title(AlertCounts counts) {
    return "Alerts by " + counts.by().word() + ", " + counts.period();
  }

  /** The rule every output states, so no reader takes a suppressed count for a missing one. */
  public static final String RULE =
      "Counts from 1 to 4 are shown as \""
          + Cell.FEWER_THAN_FIVE
          + "\", so that no count points at one person.";

  public static String render(AlertCounts counts) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {counts.by().heading(), "Own", "Received"});
    for (Group g : counts.groups()) {
      rows.add(
          new String[] {
            VisibleText.oneLine(g.label(counts.by())), g.own().text(), g.received().text()
          });
    }
    int[] widths = new int[3];
    for (String[] r : rows) {
      for (int i = 0; i < 3; i++) {
        widths[i] = Math.max(widths[i], r[i].codePointCount(0, r[i].length()));
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(title(counts)).append('\n');
    out.append("Own: this organization's alerts. Received: alerts partners shared.\n");
    out.append(RULE).append("\n\n");
    if (counts.groups().isEmpty()) {
      out.append("No alerts in this period.\n");
      return out.toString();
    }
    for (String[] r : rows) {
      out.append(pad(r[0], widths[0]))
          .append("  ")
          .append(pad(r[1], widths[1]))
          .append("  ")
          .append(r[2])
          .append('\n');
    }
    return out.toString();
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(Math.max(0, width - s.codePointCount(0, s.length())));
  }
}
