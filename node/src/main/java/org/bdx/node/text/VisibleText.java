package org.bdx.node.text;

/**
 * Text from partners (and from anyone who typed a report) as it may be shown to a person: on a
 * staff terminal, on a printed bulletin, on a phone.
 *
 * <p>A partner's alert is stored exactly as received, but shown to people it must not be able to
 * act on what they see: an escape sequence can rewrite a terminal, hide lines or set the window
 * title; a bidirectional override can make "0123 555 604" read as another number or put a warning
 * in another field's place; a newline inside a field can forge a line that looks like the program's
 * own. Such characters are therefore shown as visible escapes: a backslash, 'u' and four hex digits
 * (a backslash and 'n' for a newline). One rule for every place text is shown, so the terminal and
 * the bulletin cannot drift apart.
 */
public final class VisibleText {
  private VisibleText() {}

  /**
   * {@code s} with C0 and C1 controls, DEL, the line and paragraph separators and the Unicode
   * bidirectional controls replaced by visible escapes; everything else as it is. Null is "".
   */
  public static String safe(String s) {
    if (s == null) {
      return "";
    }
    if (s.chars().noneMatch(VisibleText::unsafe)) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!unsafe(c)) {
        sb.append(c);
      } else if (c == '\n') {
        sb.append("\\n");
      } else if (c == '\r') {
        sb.append("\\r");
      } else if (c == '\t') {
        sb.append("\\t");
      } else {
        sb.append(String.format("\\u%04X", (int) c));
      }
    }
    return sb.toString();
  }

  /**
   * As {@link #safe}, but line breaks and tabs become single spaces first: on a sheet a newline in
   * a description is only layout, and a space cannot forge a line.
   */
  public static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    return safe(s.replaceAll("[\\r\\n\\t\\u2028\\u2029]+", " ").strip());
  }

  /** Whether {@code c} can move the cursor, change the display or reorder what is shown. */
  public static boolean unsafe(int c) {
    return c < 0x20 // C0 controls, ESC, newline and tab included
        || (c >= 0x7F && c <= 0x9F) // DEL and C1 controls (0x9B is a one-byte CSI)
        || c == 0x061C // arabic letter mark
        || c == 0x200E // left-to-right mark
        || c == 0x200F // right-to-left mark
        || (c >= 0x202A && c <= 0x202E) // embeddings and overrides
        || (c >= 0x2066 && c <= 0x2069) // isolates
        || c == 0x2028 // line separator
        || c == 0x2029; // paragraph separator
  }
}
