package org.bdx.cli.subscribers;

import org.bdx.cli.command.TerminalText;
import org.bdx.proto.v1.Subscriber;

/** How the CLI words a subscriber's choices. */
final class SubscriberWords {
  private SubscriberWords() {}

  /** E.g. "vi, areas Downtown, Chinatown" or "en, every area". */
  static String describe(Subscriber s) {
    return s.getLang()
        + ", "
        + (s.getAreasCount() == 0
            ? "every area"
            : (s.getAreasCount() == 1 ? "area " : "areas ")
                + TerminalText.safe(String.join(", ", s.getAreasList())));
  }
}
