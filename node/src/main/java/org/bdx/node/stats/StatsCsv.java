package org.bdx.node.stats;

import org.bdx.node.text.VisibleText;

/**
 * Counts as CSV (RFC 4180, CRLF line ends) for a spreadsheet: one row per group, its own and
 * received counts, each a number or "fewer than 5".
 */
public final class StatsCsv {
  private StatsCsv() {}

  public static String render(AlertCounts counts) {
    StringBuilder out = new StringBuilder();
    row(out, counts.by().word(), "own", "received");
    for (Group g : counts.groups()) {
      row(out, VisibleText.oneLine(g.label(counts.by())), g.own().text(), g.received().text());
    }
    return out.toString();
  }

  private static void row(StringBuilder out, String... cells) {
    for (int i = 0; i < cells.length; i++) {
      out.append(i == 0 ? "" : ",").append(field(cells[i]));
    }
    out.append("\r\n");
  }

  /**
   * A field quoted when it must be. An area written by a partner that begins like a formula ("=",
   * "+", "-", "@") gets a leading apostrophe, so a spreadsheet shows it rather than runs it.
   */
  static String field(String s) {
    String v = s;
    if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
      v = "'" + v;
    }
    if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
      return "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }
}
