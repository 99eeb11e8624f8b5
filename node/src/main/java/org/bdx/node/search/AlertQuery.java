package org.bdx.node.search;

import java.time.LocalDate;
import java.util.EnumSet;
import java.util.Set;
import org.bdx.proto.v1.HarmCategory;

/**
 * Search criteria, combined with AND; each is optional (null or empty means no constraint).
 *
 * @param phoneE164 exact E.164 number; normalize user input with {@link PhoneNumbers} first
 * @param platePart part of a plate in canonical form ({@link Plates#canonical}), 1..16 characters
 * @param text words to find (each as a prefix, all required), at most 200 characters
 * @param area the area, or its beginning, matched case-insensitively; at most 100 characters
 * @param harms alerts with any of these harms
 * @param since incident date on or after (inclusive)
 * @param until incident date on or before (inclusive)
 * @param pageSize 1..500; 0 means 50
 * @param pageToken from the previous page, or null/empty for the first page
 * @param phoneEnd the last digits of a number, ASCII, {@value PhoneNumbers#MIN_DIGITS} to {@value
 *     #MAX_PHONE_END}: alerts with a number (E.164 or kept as typed) whose digits end so
 * @param phoneStart the beginning of an E.164 number, such as an area code's "+1604" ({@link
 *     PhoneNumbers#areaCodeStart}): alerts with an E.164 number that begins so
 */
public record AlertQuery(
    String phoneE164,
    String platePart,
    String text,
    String area,
    Set<HarmCategory> harms,
    LocalDate since,
    LocalDate until,
    int pageSize,
    String pageToken,
    String phoneEnd,
    String phoneStart) {

  public static final int DEFAULT_PAGE_SIZE = 50;
  public static final int MAX_PAGE_SIZE = 500;
  public static final int MAX_TEXT = 200;
  public static final int MAX_AREA = 100;
  public static final int MAX_PAGE_TOKEN = 200;
  public static final int MAX_PHONE_END = 20;

  /** Without a search by the end or beginning of a number. */
  public AlertQuery(
      String phoneE164,
      String platePart,
      String text,
      String area,
      Set<HarmCategory> harms,
      LocalDate since,
      LocalDate until,
      int pageSize,
      String pageToken) {
    this(phoneE164, platePart, text, area, harms, since, until, pageSize, pageToken, null, null);
  }

  public AlertQuery {
    phoneE164 = emptyToNull(phoneE164);
    if (phoneE164 != null && !PhoneNumbers.isE164(phoneE164)) {
      throw new IllegalArgumentException("phone must be in E.164 form");
    }
    phoneEnd = emptyToNull(phoneEnd);
    if (phoneEnd != null
        && (phoneEnd.length() < PhoneNumbers.MIN_DIGITS
            || phoneEnd.length() > MAX_PHONE_END
            || !phoneEnd.chars().allMatch(ch -> ch >= '0' && ch <= '9'))) {
      throw new IllegalArgumentException(
          "the end of a number must be "
              + PhoneNumbers.MIN_DIGITS
              + ".."
              + MAX_PHONE_END
              + " digits");
    }
    phoneStart = emptyToNull(phoneStart);
    if (phoneStart != null && !(PhoneNumbers.isE164(phoneStart + "00"))) {
      // "+" and 1 to 13 digits, not starting with 0: what begins a longer E.164 number.
      throw new IllegalArgumentException("the beginning of a number must be '+' and digits");
    }
    platePart = emptyToNull(platePart);
    if (platePart != null && !Plates.isCanonical(platePart)) {
      throw new IllegalArgumentException(
          "plate must be canonical: 1.." + Plates.MAX_LENGTH + " upper-case letters and digits");
    }
    text = text == null || text.isBlank() ? null : text.strip();
    if (text != null && text.length() > MAX_TEXT) {
      throw new IllegalArgumentException("text is longer than " + MAX_TEXT + " characters");
    }
    area = area == null || area.isBlank() ? null : area.strip();
    if (area != null && area.length() > MAX_AREA) {
      throw new IllegalArgumentException("area is longer than " + MAX_AREA + " characters");
    }
    if (harms == null || harms.isEmpty()) {
      harms = Set.of();
    } else {
      EnumSet<HarmCategory> copy = EnumSet.noneOf(HarmCategory.class);
      for (HarmCategory h : harms) {
        if (h == null
            || h == HarmCategory.UNRECOGNIZED
            || h == HarmCategory.HARM_CATEGORY_UNSPECIFIED) {
          throw new IllegalArgumentException("harms must be known, specified values");
        }
        copy.add(h);
      }
      harms = Set.copyOf(copy);
    }
    if (since != null && until != null && since.isAfter(until)) {
      throw new IllegalArgumentException("since is after until");
    }
    if (pageSize == 0) {
      pageSize = DEFAULT_PAGE_SIZE;
    }
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException("page size must be 1.." + MAX_PAGE_SIZE);
    }
    pageToken = emptyToNull(pageToken);
    if (pageToken != null && pageToken.length() > MAX_PAGE_TOKEN) {
      throw new IllegalArgumentException("bad page token");
    }
  }

  /** A query with no criteria: every non-retracted alert, newest first. */
  public static AlertQuery all(int pageSize, String pageToken) {
    return new AlertQuery(null, null, null, null, null, null, null, pageSize, pageToken);
  }

  /** The same criteria, for the page after {@code token}. */
  public AlertQuery withPageToken(String token) {
    return new AlertQuery(
        phoneE164,
        platePart,
        text,
        area,
        harms,
        since,
        until,
        pageSize,
        token,
        phoneEnd,
        phoneStart);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
