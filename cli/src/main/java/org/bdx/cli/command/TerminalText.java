package org.bdx.cli.command;

import org.bdx.node.text.VisibleText;

/**
 * Text from partners (and from anyone who typed a report) as it may reach a terminal: controls,
 * bidirectional overrides and line breaks shown as visible escapes, by the node's one rule for
 * showing text to people ({@link VisibleText}, shared with bulletins). {@code --json} output does
 * not go through here: JSON escapes what it must and scripts get the exact value.
 */
public final class TerminalText {
  private TerminalText() {}

  /** {@code s} with its unsafe characters as visible escapes ({@link VisibleText#safe}). */
  public static String safe(String s) {
    return VisibleText.safe(s);
  }

  /** Whether {@code c} can move the cursor, change the terminal or reorder what is shown. */
  static boolean unsafe(int c) {
    return VisibleText.unsafe(c);
  }
}
