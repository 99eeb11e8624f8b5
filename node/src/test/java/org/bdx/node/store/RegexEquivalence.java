package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Checks that a hand-written shape check says exactly what the regular expression it replaced said,
 * on edge cases and on many random strings over the characters that matter. The checks are by hand
 * because the regex engine showed in the catch-up profile (docs/benchmarks.md).
 */
public final class RegexEquivalence {
  private static final String ALPHABET = "az AZ09._:-+/\u00e9\u0663\n";

  private RegexEquivalence() {}

  public static void assertSame(Pattern regex, Predicate<String> check, List<String> edges) {
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
