package org.bdx.node.search;

import static org.bdx.node.store.RegexEquivalence.assertSame;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The shape checks of what is indexed say exactly what their regular expressions said. */
class SearchShapesTest {

  @Test
  void dateShape_matchesItsRegex() {
    assertSame(
        Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}"),
        AlertIndex::isDateShape,
        List.of("", "2026-11-14", "2026-1-14", "2026/11/14", "2026-11-145", "٢٠٢٦-11-14"));
  }

  @Test
  void e164Shape_matchesItsRegex() {
    assertSame(
        Pattern.compile("\\+[1-9][0-9]{1,14}"),
        PhoneNumbers::isE164,
        List.of("+1", "+12", "+0123", "+16045550123", "+" + "9".repeat(15), "+" + "9".repeat(16)));
  }
}
