package org.bdx.node.search;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.ValidationResult;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Phone numbers to E.164, at intake and for search queries alike, so "(604) 555-0123",
 * "604.555.0123" and "+1 604 555 0123" are the same number.
 *
 * <p>Accepts any <em>possible</em> number (right length for its country), not only numbers
 * libphonenumber knows to be assigned: aggressors use burner, VoIP and new-range numbers. Numbers
 * that are only possible as local numbers (no area code) are rejected, since their E.164 form would
 * be wrong. Letters (vanity numbers, "ext") are rejected; an extension is not part of the E.164
 * form.
 */
public final class PhoneNumbers {

  /** Raw input longer than this is rejected before parsing. */
  public static final int MAX_RAW_LENGTH = 64;

  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

  private final String defaultRegion;

  /**
   * @param defaultRegion ISO 3166-1 alpha-2 region for numbers written without a country code, e.g.
   *     "CA"; must be a region libphonenumber supports
   */
  public PhoneNumbers(String defaultRegion) {
    Objects.requireNonNull(defaultRegion, "defaultRegion");
    String region = defaultRegion.strip().toUpperCase(Locale.ROOT);
    if (!region.matches("[A-Z]{2}") || !UTIL.getSupportedRegions().contains(region)) {
      throw new IllegalArgumentException(
          "default region must be a supported ISO 3166 two-letter code");
    }
    this.defaultRegion = region;
  }

  public String defaultRegion() {
    return defaultRegion;
  }

  /** The E.164 form ("+16045550123"), or empty if {@code raw} is not a possible phone number. */
  public Optional<String> toE164(String raw) {
    if (raw == null || raw.length() > MAX_RAW_LENGTH || !plausibleCharacters(raw)) {
      return Optional.empty();
    }
    PhoneNumber number;
    try {
      number = UTIL.parse(raw, defaultRegion);
    } catch (NumberParseException e) {
      return Optional.empty();
    }
    if (UTIL.isPossibleNumberWithReason(number) != ValidationResult.IS_POSSIBLE) {
      return Optional.empty();
    }
    String e164 = UTIL.format(number, PhoneNumberFormat.E164);
    return isE164(e164) ? Optional.of(e164) : Optional.empty();
  }

  /**
   * An E.164 number grouped for a person to read and compare ("+1 604-555-0123"); anything that
   * does not parse as one, as it is.
   */
  public static String forReading(String e164) {
    if (!isE164(e164)) {
      return e164;
    }
    try {
      return UTIL.format(UTIL.parse(e164, null), PhoneNumberFormat.INTERNATIONAL);
    } catch (NumberParseException e) {
      return e164;
    }
  }

  /** Whether {@code s} has the shape of an E.164 number: '+', then 2 to 15 digits, no leading 0. */
  public static boolean isE164(String s) {
    // By hand, not String.matches: called for every phone number of every received alert.
    if (s == null || s.length() < 3 || s.length() > 16 || s.charAt(0) != '+') {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < (i == 1 ? '1' : '0') || c > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * Digits (any script, libphonenumber maps them), whitespace and + - . ( ) / only; at least 3
   * digits.
   */
  private static boolean plausibleCharacters(String raw) {
    int digits = 0;
    for (int i = 0; i < raw.length(); ) {
      int cp = raw.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isDigit(cp)) {
        digits++;
      } else if (!(Character.isWhitespace(cp)
          || Character.isSpaceChar(cp)
          || cp == '+'
          || cp == '-'
          || cp == '.'
          || cp == '('
          || cp == ')'
          || cp == '/')) {
        return false;
      }
    }
    return digits >= 3;
  }
}
