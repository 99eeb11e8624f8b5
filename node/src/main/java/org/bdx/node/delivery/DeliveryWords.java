package org.bdx.node.delivery;

import com.ibm.icu.text.MessageFormat;
import com.ibm.icu.util.ULocale;
import java.util.Map;
import org.bdx.node.bulletin.BulletinWords;
import org.bdx.node.text.WordBundles;

/**
 * The words a sent bulletin adds to the bulletin itself (the unsubscribe line), in every language
 * of {@link BulletinWords#LANGUAGES}: bundles {@code words/<tag>.properties} beside this class,
 * kept apart from the bulletin's own so a channel never changes the bulletin code.
 */
final class DeliveryWords {
  private final ULocale locale;
  private final Map<String, String> words;

  private DeliveryWords(String language, Map<String, String> words) {
    this.locale = ULocale.forLanguageTag(language);
    this.words = Map.copyOf(words);
  }

  /** The words of a language tag of {@link BulletinWords#LANGUAGES} (as it writes it). */
  static DeliveryWords of(String language) {
    return new DeliveryWords(language, bundle(language));
  }

  /** How to stop receiving the bulletins: reply, or tell the organization. No link. */
  String unsubscribe(String organization) {
    return new MessageFormat(word("unsubscribe"), locale).format(Map.of("org", organization));
  }

  private String word(String key) {
    String w = words.get(key);
    if (w == null) {
      throw new IllegalStateException("delivery words have no " + key);
    }
    return w;
  }

  /** One bundle exactly as written (for the completeness test). */
  static Map<String, String> bundle(String language) {
    return WordBundles.read(DeliveryWords.class, language);
  }
}
