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

  /** Marks a number kept as typed (spec ALR-2): partial, or not a possible number. */
  public static final String AS_TYPED = "~";

  /** A number kept as typed, and a search by the end of a number, need this many digits. */
  public static final int MIN_DIGITS = 4;

  /**
   * A number that is not a possible one (partial, local-only, vanity, mistyped) as intake keeps it:
   * {@value #AS_TYPED} then the text as typed, stripped; empty when it has fewer than {@value
   * #MIN_DIGITS} digits or is longer than {@value #MAX_RAW_LENGTH} characters. Only its digits are
   * searched ({@link #digits}); the text is kept so staff see what the reporter gave.
   */
  public static Optional<String> asTyped(String raw) {
    if (raw == null || raw.length() > MAX_RAW_LENGTH) {
      return Optional.empty();
    }
    String s = raw.strip();
    while (s.startsWith(AS_TYPED)) {
      s = s.substring(AS_TYPED.length()).strip();
    }
    return digits(s).length() < MIN_DIGITS ? Optional.empty() : Optional.of(AS_TYPED + s);
  }

  /** Whether {@code entry} of an alert's phone numbers was kept as typed ({@link #asTyped}). */
  public static boolean isAsTyped(String entry) {
    return entry != null && entry.startsWith(AS_TYPED);
  }

  /**
   * The decimal digits of {@code s} in order, as ASCII (digits of any script count): how a number
   * kept as typed, and the end of a number searched for, are compared.
   */
  public static String digits(String s) {
    StringBuilder out = new StringBuilder();
    if (s == null) {
      return "";
    }
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      int d = Character.digit(cp, 10);
      if (d >= 0) {
        out.append((char) ('0' + d));
      }
    }
    return out.toString();
  }

  /**
   * The beginning of the E.164 form that numbers of an area code share: "604" or "(604)" in this
   * node's region gives "+1604", "+44 20" gives "+4420", and so does "020" in GB. Empty when {@code
   * raw} holds anything but digits, spaces and + - . ( ) /, or has no digits, or more than 8.
   */
  public Optional<String> areaCodeStart(String raw) {
    if (raw == null || raw.length() > MAX_RAW_LENGTH || !onlyNumberCharacters(raw)) {
      return Optional.empty();
    }
    String s = raw.strip();
    String d = digits(s);
    if (d.isEmpty() || d.length() > 8) {
      return Optional.empty();
    }
    if (!s.startsWith("+")) {
      // "020" in GB is area 20: the trunk prefix is not part of the number.
      String trunk = UTIL.getNddPrefixForRegion(defaultRegion, true);
      if (trunk != null && !trunk.isEmpty() && d.startsWith(trunk) && d.length() > trunk.length()) {
        d = d.substring(trunk.length());
      }
      d = UTIL.getCountryCodeForRegion(defaultRegion) + d;
    }
    String start = "+" + d;
    return start.charAt(1) == '0' ? Optional.empty() : Optional.of(start);
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
    return onlyNumberCharacters(raw) && digits(raw).length() >= 3;
  }

  /** Digits (any script), whitespace and + - . ( ) / only. */
  private static boolean onlyNumberCharacters(String raw) {
    for (int i = 0; i < raw.length(); ) {
      int cp = raw.codePointAt(i);
      i += Character.charCount(cp);
      if (!(Character.isDigit(cp)
          || Character.isWhitespace(cp)
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
    return true;
  }
}
