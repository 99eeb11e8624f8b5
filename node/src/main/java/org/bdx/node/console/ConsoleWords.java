package org.bdx.node.console;

import com.google.common.escape.Escaper;
import com.google.common.html.HtmlEscapers;
import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.text.MessageFormat;
import com.ibm.icu.util.LocaleMatcher;
import com.ibm.icu.util.ULocale;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bdx.node.bulletin.BulletinWords;
import org.bdx.node.text.WordBundles;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.TimeOfDay;
import org.bdx.proto.v1.WorkSetting;

/**
 * The console's fixed words in one language: a bundle per language ({@code words/<tag>.properties}
 * beside this class), formatted with ICU, in the same languages as the bulletins. The vocabulary
 * (harms, settings, times of day, severities) is the bulletin's own, so a harm reads the same on
 * the console and on the bulletin printed from it.
 */
final class ConsoleWords {
  /** The console's languages: the bulletins', English first. */
  static final List<String> LANGUAGES = BulletinWords.LANGUAGES;

  private static final Escaper ESCAPER = HtmlEscapers.htmlEscaper();
  private static final Map<String, ConsoleWords> ALL = new HashMap<>();
  private static final LocaleMatcher MATCHER;

  static {
    for (String l : LANGUAGES) {
      ALL.put(l, new ConsoleWords(l, bundle(l)));
    }
    MATCHER =
        LocaleMatcher.builder()
            .setSupportedULocales(LANGUAGES.stream().map(ULocale::forLanguageTag).toList())
            .setDefaultULocale(ULocale.ENGLISH)
            .build();
  }

  private final String language;
  private final ULocale locale;
  private final Map<String, String> words;
  private final BulletinWords vocabulary;

  private ConsoleWords(String language, Map<String, String> words) {
    this.language = language;
    this.locale = ULocale.forLanguageTag(language);
    this.words = Map.copyOf(words);
    this.vocabulary = BulletinWords.of(language);
  }

  /** The bundle of one language, exactly as written (for the completeness test). */
  static Map<String, String> bundle(String language) {
    return WordBundles.read(ConsoleWords.class, language);
  }

  static ConsoleWords english() {
    return ALL.get("en");
  }

  /** The words of {@code tag} (case-insensitive), if the console speaks it. */
  static Optional<ConsoleWords> find(String tag) {
    if (tag == null) {
      return Optional.empty();
    }
    for (String l : LANGUAGES) {
      if (l.equalsIgnoreCase(tag.strip())) {
        return Optional.of(ALL.get(l));
      }
    }
    return Optional.empty();
  }

  /**
   * The language that best suits a browser's {@code Accept-Language} header (zh-TW finds
   * Traditional Chinese, es-MX Spanish), or English when none does or the header is unreadable.
   */
  static ConsoleWords forAcceptLanguage(String header) {
    if (header == null || header.isBlank()) {
      return english();
    }
    try {
      ULocale best = MATCHER.getBestMatch(header);
      return find(best.toLanguageTag()).orElseGet(ConsoleWords::english);
    } catch (IllegalArgumentException e) {
      return english();
    }
  }

  /** The BCP 47 tag, for {@code <html lang>}. */
  String language() {
    return language;
  }

  /** The writing direction, for {@code <html dir>}: every language so far is left to right. */
  String dir() {
    return "right-to-left".equals(locale.getCharacterOrientation()) ? "rtl" : "ltr";
  }

  /** A language's own name for itself, e.g. "Español", "한국어", for the language switch. */
  static String ownName(String tag) {
    ULocale l = ULocale.forLanguageTag(tag);
    String name = l.getDisplayName(l);
    return name.isEmpty()
        ? tag
        : UCharacter.toTitleCase(l, name.substring(0, 1), null) + name.substring(1);
  }

  /** A fixed word or sentence with no arguments. */
  String word(String key) {
    String w = words.get(key);
    if (w == null) {
      throw new IllegalStateException("console bundle " + language + " has no " + key);
    }
    return w.indexOf('{') < 0 ? w : format(key, Map.of());
  }

  /** A message with named arguments. */
  String format(String key, Map<String, Object> args) {
    String w = words.get(key);
    if (w == null) {
      throw new IllegalStateException("console bundle " + language + " has no " + key);
    }
    return new MessageFormat(w, locale).format(args);
  }

  /** {@link #word}, escaped for HTML. */
  String esc(String key) {
    return ESCAPER.escape(word(key));
  }

  /** {@link #format}, escaped for HTML (the arguments with it). */
  String esc(String key, Map<String, Object> args) {
    return ESCAPER.escape(format(key, args));
  }

  /**
   * A message escaped for HTML, with each of {@code markup}'s arguments put in as the markup given
   * (already escaped by the caller), e.g. a {@code <code>} element inside a sentence.
   */
  String html(String key, Map<String, String> markup) {
    Map<String, Object> tokens = new HashMap<>();
    markup.keySet().forEach(k -> tokens.put(k, "\u0001" + k + "\u0002"));
    String out = ESCAPER.escape(format(key, tokens));
    for (Map.Entry<String, String> e : markup.entrySet()) {
      out = out.replace("\u0001" + e.getKey() + "\u0002", e.getValue());
    }
    return out;
  }

  /**
   * A vocabulary word as a person reads it, in this language: "robbery" of the harms is "Robbery",
   * "robo" in Spanish. The words are the bulletin's.
   */
  String choice(Class<?> type, String word) {
    String key;
    if (type == HarmCategory.class) {
      key = "harm.";
    } else if (type == WorkSetting.class) {
      key = "setting.";
    } else if (type == TimeOfDay.class) {
      key = "time.";
    } else if (type == Severity.class) {
      key = "severity.";
    } else if (type == Audience.class) {
      return word("audience." + word);
    } else {
      return word;
    }
    String w;
    try {
      w = vocabulary.word(key + word);
    } catch (IllegalStateException e) {
      return word;
    }
    return w.isEmpty() ? w : UCharacter.toUpperCase(locale, w.substring(0, 1)) + w.substring(1);
  }

  /** A harm as a person reads it, capitalised. */
  String harm(HarmCategory h) {
    String w = vocabulary.harm(h);
    return w.isEmpty() ? w : UCharacter.toUpperCase(locale, w.substring(0, 1)) + w.substring(1);
  }
}
