package org.bdx.node.bulletin;

/**
 * Gurmukhi in the order and form the PDF renderer must draw it. A browser's text shaper does this;
 * the PDF renderer has none. Vowel sign I (sihari, U+0A3F) is put before the consonant cluster it
 * follows, where Punjabi readers see it (drawn in memory order it would sit on the wrong letter); a
 * consonant with nukta becomes its precomposed letter.
 *
 * <p>Subjoined letters (as in ਖੋਲ੍ਹਣਾ) need the shaper's glyph substitution, which has no character
 * to stand in for it: they are drawn with a visible virama, which readers recognize.
 */
final class GurmukhiOrder {
  static final char SIHARI = '\u0A3F';
  private static final char NUKTA = '\u0A3C';
  private static final char VIRAMA = '\u0A4D';

  private GurmukhiOrder() {}

  /**
   * {@code s} in drawing order, its consonants with nukta in their precomposed form; text with
   * neither sihari nor nukta is returned as it is.
   */
  static String visual(String s) {
    s = withNukta(s);
    if (s.indexOf(SIHARI) < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != SIHARI) {
        out.append(c);
        continue;
      }
      int start = clusterStart(out);
      out.insert(start, c);
    }
    return out.toString();
  }

  /**
   * Consonant and nukta as the one precomposed letter (ਖ਼, ਗ਼, ਜ਼, ਫ਼, ਲ਼, ਸ਼) the fonts draw
   * whole. Composition (NFC) splits these, and without a shaper to place it the nukta would be
   * drawn beside its letter instead of under it.
   */
  static String withNukta(String s) {
    if (s.indexOf(NUKTA) < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      char whole = i + 1 < s.length() && s.charAt(i + 1) == NUKTA ? withNukta(c) : 0;
      if (whole != 0) {
        out.append(whole);
        i++;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static char withNukta(char c) {
    return switch (c) {
      case '\u0A16' -> '\u0A59';
      case '\u0A17' -> '\u0A5A';
      case '\u0A1C' -> '\u0A5B';
      case '\u0A2B' -> '\u0A5E';
      case '\u0A32' -> '\u0A33';
      case '\u0A38' -> '\u0A36';
      default -> 0;
    };
  }

  /** Where the consonant cluster ending {@code out} begins; its end when none ends it. */
  private static int clusterStart(StringBuilder out) {
    int j = consonantBefore(out, out.length());
    if (j < 0) {
      return out.length();
    }
    // Conjuncts: consonant, virama, consonant (as in ਪ੍ਰ) form one cluster.
    while (j >= 2 && out.charAt(j - 1) == VIRAMA) {
      int k = consonantBefore(out, j - 1);
      if (k < 0) {
        break;
      }
      j = k;
    }
    return j;
  }

  /** The index of a consonant (with its nukta) ending at {@code end}, or -1. */
  private static int consonantBefore(CharSequence s, int end) {
    int j = end;
    if (j > 0 && s.charAt(j - 1) == NUKTA) {
      j--;
    }
    return j > 0 && consonant(s.charAt(j - 1)) ? j - 1 : -1;
  }

  private static boolean consonant(char c) {
    return (c >= '\u0A15' && c <= '\u0A39') || (c >= '\u0A59' && c <= '\u0A5E');
  }
}
