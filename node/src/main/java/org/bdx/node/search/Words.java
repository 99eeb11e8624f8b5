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
    if (isAscii(text)) {
      return ofAscii(text, max);
    }
    return ofAnyText(text, max);
  }

  private static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@link #of} for text of ASCII alone, without the normalizers: NFKC and NFKD leave ASCII as it
   * is, it has no combining marks, and its letters and digits are [A-Za-z0-9]. Every alert indexed
   * goes through here, and the normalizers were a tenth of the intake's time (docs/benchmarks.md,
   * encrypted store); {@code WordsTest} checks both paths give the same words.
   */
  private static List<String> ofAscii(String text, int max) {
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= text.length() && out.size() < max; i++) {
      char ch = i < text.length() ? text.charAt(i) : ' ';
      boolean wordChar =
          (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
      if (wordChar && start < 0) {
        start = i;
      } else if (!wordChar && start >= 0) {
        out.add(text.substring(start, i).toLowerCase(Locale.ROOT));
        start = -1;
      }
    }
    return out;
  }

  /** The words as {@link #of} finds them in any text, ASCII or not. */
  static List<String> ofAnyText(String text, int max) {
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
