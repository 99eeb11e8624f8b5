package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.bdx.node.search.PhoneNumbers;
import org.junit.jupiter.api.Test;

/**
 * The hand-written shape checks on the receiving path say exactly what the regular expressions they
 * replaced said, on edge cases and on many random strings over the characters that matter.
 */
class AlertStoreShapesTest {
  private static final String ALPHABET = "az AZ09._:-+/\u00e9\u0663\n";

  @Test
  void nodeIdShape_matchesItsRegex() {
    assertSame(
        Pattern.compile("[A-Za-z0-9._:-]{1,128}"),
        AlertStoreShapesTest::nodeId,
        List.of("", "a", "bdx" + "a".repeat(52), "x".repeat(128), "x".repeat(129), "a b", "é"));
  }

  @Test
  void pathShape_matchesItsRegex() {
    assertSame(
        Pattern.compile("[a-z_]{1,64}"),
        AlertStore::isPathShape,
        List.of("", "area", "phone_numbers", "_".repeat(64), "a".repeat(65), "Area", "a1"));
  }

  @Test
  void dateShape_matchesItsRegex() {
    assertSame(
        Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}"),
        AlertStore::isDateShape,
        List.of("", "2026-11-14", "2026-1-14", "2026/11/14", "2026-11-145", "٢٠٢٦-11-14"));
  }

  @Test
  void e164Shape_matchesItsRegex() {
    assertSame(
        Pattern.compile("\\+[1-9][0-9]{1,14}"),
        PhoneNumbers::isE164,
        List.of("+1", "+12", "+0123", "+16045550123", "+" + "9".repeat(15), "+" + "9".repeat(16)));
  }

  private static boolean nodeId(String s) {
    return AlertStore.isNodeIdShape(s);
  }

  private static void assertSame(Pattern regex, Predicate<String> check, List<String> edges) {
    List<String> inputs = new ArrayList<>(edges);
    Random rng = new Random(20261206);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      int len = rng.nextInt(20);
      if (rng.nextBoolean()) {
        b.append(rng.nextBoolean() ? '+' : '2'); // reach the phone and date shapes more often
      }
      for (int j = 0; j < len; j++) {
        b.append(
            rng.nextInt(3) == 0
                ? ALPHABET.charAt(rng.nextInt(ALPHABET.length()))
                : (char) ('0' + rng.nextInt(10)));
      }
      if (len >= 7 && rng.nextBoolean()) {
        b.setCharAt(Math.min(4, b.length() - 1), '-');
        b.setCharAt(Math.min(7, b.length() - 1), '-');
      }
      inputs.add(b.toString());
    }
    int accepted = 0;
    for (String s : inputs) {
      boolean expected = regex.matcher(s).matches();
      assertThat(check.test(s)).as("%s on \"%s\"", regex, s).isEqualTo(expected);
      accepted += expected ? 1 : 0;
    }
    // Both outcomes were exercised, or the comparison proves little.
    assertThat(accepted).as("inputs the regex accepts").isPositive();
    assertThat(accepted).as("inputs the regex refuses").isLessThan(inputs.size());
  }
}
