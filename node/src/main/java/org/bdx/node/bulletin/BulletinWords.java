package org.bdx.node.bulletin;

import com.ibm.icu.text.DateFormat;
import com.ibm.icu.text.MessageFormat;
import com.ibm.icu.util.TimeZone;
import com.ibm.icu.util.ULocale;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bdx.node.text.WordBundles;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.TimeOfDay;
import org.bdx.proto.v1.WorkSetting;

/**
 * The fixed words of a bulletin in one language (spec BUL-4): a message bundle per language ({@code
 * words/<tag>.properties} beside this class), formatted with ICU so plurals and dates follow each
 * language's own rules. Languages are data: adding one is adding a bundle and its tag.
 */
public final class BulletinWords {
  /** The languages a bulletin can be made in, as BCP 47 tags; English first, the default. */
  public static final List<String> LANGUAGES =
      List.of("en", "fr", "zh-Hans", "zh-Hant", "vi", "ko", "th", "es", "tl", "pa");

  private final String language;
  private final ULocale locale;
  private final Map<String, String> words;

  private BulletinWords(String language, Map<String, String> words) {
    this.language = language;
    this.locale = ULocale.forLanguageTag(language);
    this.words = Map.copyOf(words);
  }

  /**
   * The words of {@code tag} (case-insensitive), or English for a blank tag.
   *
   * @throws IllegalArgumentException naming {@code lang} for a language without a bundle
   */
  public static BulletinWords of(String tag) {
    String wanted = tag == null || tag.isBlank() ? "en" : tag.strip();
    for (String l : LANGUAGES) {
      if (l.equalsIgnoreCase(wanted)) {
        return new BulletinWords(l, bundle(l));
      }
    }
    throw new IllegalArgumentException(
        "lang: no bulletin in that language; choose one of " + String.join(", ", LANGUAGES));
  }

  /** The bundle of one language, exactly as written (for the completeness test). */
  static Map<String, String> bundle(String language) {
    return WordBundles.read(BulletinWords.class, language);
  }

  /** The BCP 47 tag, e.g. {@code zh-Hant}. */
  public String language() {
    return language;
  }

  /** A fixed word or sentence with no arguments. */
  public String word(String key) {
    String w = words.get(key);
    if (w == null) {
      throw new IllegalStateException("bundle " + language + " has no " + key);
    }
    return w.indexOf('{') < 0 ? w : format(key, Map.of());
  }

  /** A message with named arguments, e.g. {@code {count, plural, one {# warning} ...}}. */
  public String format(String key, Map<String, Object> args) {
    String w = words.get(key);
    if (w == null) {
      throw new IllegalStateException("bundle " + language + " has no " + key);
    }
    return new MessageFormat(w, locale).format(args);
  }

  /** "3 warnings" in this language's plural form. */
  public String count(int n) {
    return format("count", Map.of("count", n));
  }

  /** A calendar date in this language's medium form, e.g. "5 Dec 2026" or "2026年12月5日". */
  public String date(LocalDate d) {
    DateFormat f = DateFormat.getDateInstance(DateFormat.MEDIUM, locale);
    f.setTimeZone(TimeZone.GMT_ZONE);
    return f.format(Date.from(d.atStartOfDay(ZoneOffset.UTC).toInstant()));
  }

  /** A date in the long form, for the day a bulletin was made. */
  public String longDate(LocalDate d) {
    DateFormat f = DateFormat.getDateInstance(DateFormat.LONG, locale);
    f.setTimeZone(TimeZone.GMT_ZONE);
    return f.format(Date.from(d.atStartOfDay(ZoneOffset.UTC).toInstant()));
  }

  public String harm(HarmCategory h) {
    if (h == HarmCategory.UNRECOGNIZED || h == HarmCategory.HARM_CATEGORY_UNSPECIFIED) {
      return word("harm.other");
    }
    return word("harm." + suffix(h.name(), "HARM_CATEGORY_"));
  }

  public String setting(WorkSetting s) {
    return word("setting." + suffix(s.name(), "WORK_SETTING_"));
  }

  public String time(TimeOfDay t) {
    return word("time." + suffix(t.name(), "TIME_OF_DAY_"));
  }

  public String severity(Severity s) {
    return word("severity." + suffix(s.name(), "SEVERITY_"));
  }

  /** Items joined as this language lists them ("a, b and c"; "a、b和c"). */
  public String list(java.util.Collection<String> items) {
    return com.ibm.icu.text.ListFormatter.getInstance(locale).format(items);
  }

  /** Upper case as this language writes it (no change for scripts without case). */
  public String upper(String s) {
    return com.ibm.icu.lang.UCharacter.toUpperCase(locale, s);
  }

  private static String suffix(String name, String prefix) {
    return name.substring(prefix.length()).toLowerCase(Locale.ROOT);
  }
}
