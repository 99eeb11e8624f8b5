package org.bdx.node.search;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Canonical licence plates: upper-case letters and digits only, as in {@code
 * AlertFields.vehicle_plate}.
 */
public final class Plates {

  /** The longest canonical plate. */
  public static final int MAX_LENGTH = 16;

  /** Raw input longer than this is rejected before any work is done on it. */
  public static final int MAX_RAW_LENGTH = 64;

  private Plates() {}

  /**
   * NFKC-normalizes, keeps only letters and digits (Unicode-aware), upper-cases with {@link
   * Locale#ROOT}. "abc 123", "ABC-123" and fullwidth "ＡＢＣ１２３" all give "ABC123". Returns "" when
   * the input has no letters or digits.
   *
   * @throws IllegalArgumentException if the input is null, longer than {@value #MAX_RAW_LENGTH}
   *     characters, or longer than {@value #MAX_LENGTH} characters once canonical. The message
   *     never contains the input.
   */
  public static String canonical(String raw) {
    if (raw == null) {
      throw new IllegalArgumentException("plate is missing");
    }
    if (raw.length() > MAX_RAW_LENGTH) {
      throw new IllegalArgumentException("plate is longer than " + MAX_RAW_LENGTH + " characters");
    }
    String nfkc = Normalizer.normalize(raw, Normalizer.Form.NFKC);
    StringBuilder kept = new StringBuilder(nfkc.length());
    nfkc.codePoints().filter(Character::isLetterOrDigit).forEach(kept::appendCodePoint);
    String upper = kept.toString().toUpperCase(Locale.ROOT);
    if (upper.codePointCount(0, upper.length()) > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "plate is longer than " + MAX_LENGTH + " letters and digits");
    }
    return upper;
  }

  /** Whether {@code s} is already in canonical form (and not empty). */
  public static boolean isCanonical(String s) {
    if (s == null || s.isEmpty() || s.length() > MAX_RAW_LENGTH) {
      return false;
    }
    try {
      return canonical(s).equals(s);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
