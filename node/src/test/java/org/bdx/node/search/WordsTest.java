package org.bdx.node.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Words of ASCII text come from a path of their own; it must find what the general one finds. */
class WordsTest {

  @Test
  void asciiText_sameWordsAsTheGeneralPath() {
    String alphabet = "aZ09 -_.,'\t\n!@#~\u007f\u0001";
    SplittableRandom r = new SplittableRandom(7);
    for (int n = 0; n < 5_000; n++) {
      StringBuilder text = new StringBuilder();
      for (int i = r.nextInt(40); i > 0; i--) {
        int c = r.nextInt(3);
        text.append(
            c == 0
                ? (char) ('a' + r.nextInt(26))
                : c == 1
                    ? (char) ('A' + r.nextInt(26))
                    : alphabet.charAt(r.nextInt(alphabet.length())));
      }
      String t = text.toString();
      for (int max : new int[] {Integer.MAX_VALUE, 3}) {
        assertThat(Words.of(t, max)).as("%s", t).isEqualTo(Words.ofAnyText(t, max));
      }
    }
  }

  @Test
  void of_foldsCaseAndSplitsOnPunctuation_asciiAndNot() {
    assertThat(Words.of("Tall, WHITE-van driver; 2 tattoos", 100))
        .isEqualTo(List.of("tall", "white", "van", "driver", "2", "tattoos"));
    assertThat(Words.of("José  Ｆｕｌｌ", 100)).isEqualTo(List.of("jose", "full"));
    assertThat(Words.of("one two three", 2)).isEqualTo(List.of("one", "two"));
  }
}
