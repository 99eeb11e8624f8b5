package org.bdx.node.search;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Words of free text as search sees them, the same for alerts and for what staff type: the text
 * NFKC-normalized and lower-cased, split on anything that is not a letter, digit or combining mark;
 * each word then folded (diacritics removed), so "José" and "jose" are the same word.
 */
final class Words {
  private Words() {}

  /** At most {@code max} words of {@code text}, in order, folded; repeats kept. */
  static List<String> of(String text, int max) {
    String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    List<String> out = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    for (int i = 0; i <= s.length() && out.size() < max; ) {
      int cp = i < s.length() ? s.codePointAt(i) : ' ';
      i += i < s.length() ? Character.charCount(cp) : 1;
      int type = Character.getType(cp);
      boolean wordChar =
          Character.isLetterOrDigit(cp)
              || type == Character.NON_SPACING_MARK
              || type == Character.COMBINING_SPACING_MARK;
      if (wordChar) {
        word.appendCodePoint(cp);
      } else if (!word.isEmpty()) {
        String folded = fold(word.toString());
        if (!folded.isEmpty()) {
          out.add(folded);
        }
        word.setLength(0);
      }
    }
    return out;
  }

  /** {@code word} without its non-spacing marks (the diacritics of decomposed letters). */
  static String fold(String word) {
    String d = Normalizer.normalize(word, Normalizer.Form.NFKD);
    StringBuilder out = new StringBuilder(d.length());
    d.codePoints()
        .filter(cp -> Character.getType(cp) != Character.NON_SPACING_MARK)
        .forEach(out::appendCodePoint);
    return Normalizer.normalize(out, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
  }

  /** The first {@code n} code points of {@code s} (all of it if shorter). */
  static String prefix(String s, int n) {
    int count = s.codePointCount(0, s.length());
    return count <= n ? s : s.substring(0, s.offsetByCodePoints(0, n));
  }

  /** The length of {@code s} in code points. */
  static int length(String s) {
    return s.codePointCount(0, s.length());
  }
}
