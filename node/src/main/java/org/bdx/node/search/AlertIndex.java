package org.bdx.node.search;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import org.bdx.node.store.IndexEntry;
import org.bdx.node.store.Indexer;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.HarmCategory;

/**
 * What of an alert can be searched, normalised the same way queries are ({@link AlertSearch}): the
 * phone numbers in E.164 form, the plate in canonical form ({@link Plates}), the known harms, the
 * area lower-cased, and the words of the descriptive text ({@link Words}). Only the fields
 * disclosed to this node are ever indexed, because only those are stored.
 *
 * <p>The store keeps tokens only as keyed hashes (spec AR-7), so a token stands for an exact value:
 * a phone number; the ends of each number's digits of the lengths in {@link #PHONE_ENDS}, also of a
 * number kept as typed; the beginnings of each E.164 number (area codes); each fragment of 1 to 3
 * characters of the plate; each beginning of the area up to {@value #AREA_PREFIX} characters; the
 * beginnings of each word of the lengths in {@link #WORD_PREFIXES}; and the whole values that link
 * alerts ({@link #linkTokens}). A query asks for the tokens that every match must hold ({@link
 * #tokens}), and {@link #matcher} then decides each alert found from its fields: fragments and
 * beginnings narrow the search, the fields decide it.
 */
public final class AlertIndex implements Indexer {

  /** The version of these rules; a change rebuilds every node's index at its next start. */
  static final int RULES = 3;

  /**
   * Word beginnings indexed, in code points. Beginnings of one or two are in nearly every alert, so
   * they narrow nothing and cost a third of the index's writes: such a query word has no term and
   * is decided by the exact match (intake at 100 000 alerts: docs/benchmarks.md).
   */
  static final int[] WORD_PREFIXES = {3, 5, 8};

  /** Area beginnings are indexed up to this many code points. */
  static final int AREA_PREFIX = 8;

  /** Plate fragments are indexed up to this many characters. */
  static final int PLATE_GRAM = 3;

  /**
   * Ends of a number's digits indexed, in digits: a search by the last 4 or more digits asks for
   * the longest of these it has, and the match decides the rest.
   */
  static final int[] PHONE_ENDS = {4, 6, 8};

  /**
   * Beginnings of an E.164 number indexed, in characters with the "+": country code and area code
   * ("+1604", "+4420") fall among them; a longer beginning asks for the longest, a shorter one for
   * none.
   */
  static final int PHONE_START_MIN = 4;

  static final int PHONE_START_MAX = 7;

  /** A plate links alerts only when it has at least this many characters: a fragment does not. */
  static final int LINK_PLATE_MIN = 4;

  @Override
  public int rules() {
    return RULES;
  }

  @Override
  public IndexEntry entry(AlertFields f) {
    Set<String> tokens = new HashSet<>(linkTokens(f));
    for (String p : f.getPhoneNumbersList()) {
      if (PhoneNumbers.isE164(p)) {
        for (int n = PHONE_START_MIN; n <= Math.min(PHONE_START_MAX, p.length()); n++) {
          tokens.add(phoneStartToken(p.substring(0, n)));
        }
      }
      if (PhoneNumbers.isE164(p) || PhoneNumbers.isAsTyped(p)) {
        String digits = PhoneNumbers.digits(p);
        for (int n : PHONE_ENDS) {
          if (n <= digits.length()) {
            tokens.add(phoneEndToken(digits.substring(digits.length() - n)));
          }
        }
      }
    }
    String plate = plateKey(f.getVehiclePlate());
    for (int i = 0; i < plate.length(); i++) {
      for (int n = 1; n <= PLATE_GRAM && i + n <= plate.length(); n++) {
        tokens.add(plateToken(plate.substring(i, i + n)));
      }
    }
    String area = areaKey(f.getArea());
    for (int n = 1; n <= Math.min(AREA_PREFIX, Words.length(area)); n++) {
      tokens.add(areaToken(Words.prefix(area, n)));
    }
    for (String w : new HashSet<>(Words.of(textBody(f), Integer.MAX_VALUE))) {
      int len = Words.length(w);
      for (int n : WORD_PREFIXES) {
        if (n <= len) {
          tokens.add(wordToken(Words.prefix(w, n)));
        }
      }
    }
    Set<Integer> harms = new LinkedHashSet<>();
    for (int h : f.getHarmsValueList()) {
      HarmCategory known = HarmCategory.forNumber(h);
      if (known != null && known != HarmCategory.HARM_CATEGORY_UNSPECIFIED) {
        harms.add(h);
      }
    }
    return new IndexEntry(
        isDateShape(f.getIncidentDate()) ? f.getIncidentDate() : "", harms, tokens);
  }

  /**
   * The tokens every alert that matches must hold: a superset of the matches, which {@link
   * #matcher} narrows to the exact ones.
   *
   * @param phone an E.164 number, or null
   * @param phoneEnd the last digits of a number ({@link PhoneNumbers#digits}), at least {@value
   *     PhoneNumbers#MIN_DIGITS}; or null
   * @param phoneStart the beginning of an E.164 number ({@link PhoneNumbers#areaCodeStart}), or
   *     null
   * @param plate part of a canonical plate, or null
   * @param words folded words ({@link Words}), each a beginning of a word; empty for none
   * @param area an area key ({@link #areaKey}), the beginning of the area; or null
   */
  static Set<String> tokens(
      String phone,
      String phoneEnd,
      String phoneStart,
      String plate,
      List<String> words,
      String area) {
    Set<String> tokens = new HashSet<>();
    if (phone != null) {
      tokens.add(phoneToken(phone));
    }
    if (phoneEnd != null) {
      int longest = 0;
      for (int n : PHONE_ENDS) {
        if (n <= phoneEnd.length()) {
          longest = n;
        }
      }
      if (longest > 0) {
        tokens.add(phoneEndToken(phoneEnd.substring(phoneEnd.length() - longest)));
      }
    }
    if (phoneStart != null && phoneStart.length() >= PHONE_START_MIN) {
      tokens.add(
          phoneStartToken(phoneStart.substring(0, Math.min(PHONE_START_MAX, phoneStart.length()))));
    }
    if (plate != null) {
      if (plate.length() <= PLATE_GRAM) {
        tokens.add(plateToken(plate));
      } else {
        for (int i = 0; i + PLATE_GRAM <= plate.length(); i++) {
          tokens.add(plateToken(plate.substring(i, i + PLATE_GRAM)));
        }
      }
    }
    for (String w : words) {
      int len = Words.length(w);
      int longest = 0;
      for (int n : WORD_PREFIXES) {
        if (n <= len) {
          longest = n;
        }
      }
      if (longest > 0) {
        tokens.add(wordToken(Words.prefix(w, longest)));
      }
    }
    if (area != null && !area.isEmpty()) {
      tokens.add(areaToken(Words.prefix(area, AREA_PREFIX)));
    }
    return tokens;
  }

  /** The exact test of an alert's fields against the same criteria as {@link #tokens}. */
  static Predicate<AlertFields> matcher(
      String phone,
      String phoneEnd,
      String phoneStart,
      String plate,
      List<String> words,
      String area) {
    List<String> wanted = List.copyOf(words);
    return f -> {
      if (phone != null && !f.getPhoneNumbersList().contains(phone)) {
        return false;
      }
      if (phoneEnd != null
          && f.getPhoneNumbersList().stream()
              .filter(p -> PhoneNumbers.isE164(p) || PhoneNumbers.isAsTyped(p))
              .noneMatch(p -> PhoneNumbers.digits(p).endsWith(phoneEnd))) {
        return false;
      }
      if (phoneStart != null
          && f.getPhoneNumbersList().stream()
              .noneMatch(p -> PhoneNumbers.isE164(p) && p.startsWith(phoneStart))) {
        return false;
      }
      if (plate != null && !plateKey(f.getVehiclePlate()).contains(plate)) {
        return false;
      }
      if (area != null && !areaKey(f.getArea()).startsWith(area)) {
        return false;
      }
      if (!wanted.isEmpty()) {
        Set<String> held = new HashSet<>(Words.of(textBody(f), Integer.MAX_VALUE));
        for (String w : wanted) {
          if (held.stream().noneMatch(h -> h.startsWith(w))) {
            return false;
          }
        }
      }
      return true;
    };
  }

  /** The area as matched by search: stripped and lower-cased. */
  public static String areaKey(String area) {
    return area == null ? "" : area.strip().toLowerCase(Locale.ROOT);
  }

  /**
   * The tokens by which alerts are linked (the same aggressor reported more than once): each E.164
   * number, the whole plate when it has at least {@value #LINK_PLATE_MIN} characters, and each name
   * used and each handle as its words ({@link Words}) joined by one space, so case, accents and
   * punctuation do not separate them. Numbers kept as typed do not link: the end of a number is too
   * weak to say two reports name one person.
   */
  public static Set<String> linkTokens(AlertFields f) {
    Set<String> tokens = new HashSet<>();
    for (String p : f.getPhoneNumbersList()) {
      if (PhoneNumbers.isE164(p)) {
        tokens.add(phoneToken(p));
      }
    }
    String plate = plateKey(f.getVehiclePlate());
    if (Words.length(plate) >= LINK_PLATE_MIN) {
      tokens.add(LINK_PLATE + plate);
    }
    for (String n : f.getNamesUsedList()) {
      String key = String.join(" ", Words.of(n, Integer.MAX_VALUE));
      if (!key.isEmpty()) {
        tokens.add(LINK_NAME + key);
      }
    }
    for (String h : f.getOnlineHandlesList()) {
      String key = String.join(" ", Words.of(h, Integer.MAX_VALUE));
      if (!key.isEmpty()) {
        tokens.add(LINK_HANDLE + key);
      }
    }
    return tokens;
  }

  /**
   * The claim path (spec ALR-2) of the field a link token of {@link #linkTokens} comes from.
   *
   * @throws IllegalArgumentException for a token that is not a link token
   */
  public static String linkPath(String token) {
    if (token.startsWith(PHONE)) {
      return "phone_numbers";
    } else if (token.startsWith(LINK_PLATE)) {
      return "vehicle_plate";
    } else if (token.startsWith(LINK_NAME)) {
      return "names_used";
    } else if (token.startsWith(LINK_HANDLE)) {
      return "online_handles";
    }
    throw new IllegalArgumentException("not a link token");
  }

  private static final String PHONE = "phone:";
  private static final String LINK_PLATE = "plate=";
  private static final String LINK_NAME = "name=";
  private static final String LINK_HANDLE = "handle=";

  private static String phoneToken(String e164) {
    return PHONE + e164;
  }

  private static String phoneEndToken(String digits) {
    return "phone-end:" + digits;
  }

  private static String phoneStartToken(String beginning) {
    return "phone-start:" + beginning;
  }

  private static String plateToken(String fragment) {
    return "plate:" + fragment;
  }

  private static String areaToken(String beginning) {
    return "area:" + beginning;
  }

  private static String wordToken(String beginning) {
    return "word:" + beginning;
  }

  private static String plateKey(String plate) {
    try {
      return Plates.canonical(plate);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  /** The descriptive fields; never the narrative, which alerts do not carry. */
  private static String textBody(AlertFields f) {
    List<String> parts = new ArrayList<>();
    parts.add(f.getAggressorDescription());
    parts.addAll(f.getNamesUsedList());
    parts.addAll(f.getOnlineHandlesList());
    parts.add(f.getVehicleDescription());
    parts.add(f.getArea());
    parts.add(f.getModusOperandi());
    return String.join("\n", parts);
  }

  /**
   * {@code [0-9]{4}-[0-9]{2}-[0-9]{2}}: the shape only, not a calendar check. By hand rather than
   * with a regular expression: every received alert is indexed, and the regex engine showed in the
   * catch-up profile (docs/benchmarks.md).
   */
  static boolean isDateShape(String s) {
    if (s.length() != 10) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      char c = s.charAt(i);
      boolean ok = (i == 4 || i == 7) ? c == '-' : (c >= '0' && c <= '9');
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
