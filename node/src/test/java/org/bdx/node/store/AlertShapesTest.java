package org.bdx.node.store;

import static org.bdx.node.store.RegexEquivalence.assertSame;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The shape checks on every alert written say exactly what their regular expressions said. */
class AlertShapesTest {

  @Test
  void pathShape_matchesItsRegex() {
    assertSame(
        Pattern.compile("[a-z_]{1,64}"),
        AlertShapes::isPathShape,
        List.of("", "area", "phone_numbers", "_".repeat(64), "a".repeat(65), "Area", "a1"));
  }
}
