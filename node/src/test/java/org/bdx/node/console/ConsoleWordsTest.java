package org.bdx.node.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.ibm.icu.text.MessageFormat;
import com.ibm.icu.util.ULocale;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.bdx.node.intake.Vocabulary;
import org.bdx.node.text.Translations;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.TimeOfDay;
import org.bdx.proto.v1.WorkSetting;
import org.junit.jupiter.api.Test;

/** Every console language has every word English has, with the same placeholders. */
class ConsoleWordsTest {
  @Test
  void everyBundle_hasExactlyTheEnglishKeys() {
    Set<String> english = new TreeSet<>(ConsoleWords.bundle("en").keySet());
    for (String lang : ConsoleWords.LANGUAGES) {
      Set<String> keys = new TreeSet<>(ConsoleWords.bundle(lang).keySet());
      Set<String> missing = new TreeSet<>(english);
      missing.removeAll(keys);
      Set<String> extra = new TreeSet<>(keys);
      extra.removeAll(english);
      assertThat(missing).as("keys missing from %s", lang).isEmpty();
      assertThat(extra).as("keys in %s that English does not have", lang).isEmpty();
    }
  }

  @Test
  void everyMessage_hasTheEnglishPlaceholders_andFormats() {
    Map<String, String> english = ConsoleWords.bundle("en");
    for (String lang : ConsoleWords.LANGUAGES) {
      Map<String, String> bundle = ConsoleWords.bundle(lang);
      for (Map.Entry<String, String> e : english.entrySet()) {
        String key = e.getKey();
        Set<String> want = new MessageFormat(e.getValue(), ULocale.ENGLISH).getArgumentNames();
        MessageFormat f = new MessageFormat(bundle.get(key), ULocale.forLanguageTag(lang));
        assertThat(f.getArgumentNames()).as("placeholders of %s in %s", key, lang).isEqualTo(want);
        Map<String, Object> args = new HashMap<>();
        want.forEach(a -> args.put(a, a.equals("count") || a.equals("days") ? 2 : "X"));
        assertThat(f.format(args)).as("%s in %s", key, lang).isNotBlank().doesNotContain("{");
      }
    }
  }

  @Test
  void everyTranslation_saysAFluentSpeakerShouldReviewIt() throws Exception {
    Translations.assertEachSaysAFluentSpeakerShouldReviewIt(
        ConsoleWords.class, ConsoleWords.LANGUAGES);
  }

  @Test
  void everyVocabularyWord_hasALabel_inEveryLanguage() {
    for (String lang : ConsoleWords.LANGUAGES) {
      ConsoleWords w = ConsoleWords.find(lang).orElseThrow();
      for (Class<?> type :
          new Class<?>[] {
            HarmCategory.class, WorkSetting.class, TimeOfDay.class, Severity.class, Audience.class
          }) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        var words = Vocabulary.words((Class) type);
        for (Object word : words) {
          String label = w.choice(type, (String) word);
          assertThat(label).as("%s %s in %s", type.getSimpleName(), word, lang).isNotBlank();
          if (!lang.equals("en")) {
            assertThat(label)
                .as("%s %s in %s is translated", type.getSimpleName(), word, lang)
                .isNotEqualTo(word);
          }
        }
      }
    }
  }

  @Test
  void vocabulary_isTheBulletinsOwnWord_capitalised() {
    assertThat(ConsoleWords.english().choice(HarmCategory.class, "robbery")).isEqualTo("Robbery");
    assertThat(ConsoleWords.find("es").orElseThrow().harm(HarmCategory.HARM_CATEGORY_ROBBERY))
        .isEqualTo("Robo");
  }

  @Test
  void acceptLanguage_findsTheClosestLanguage_elseEnglish() {
    assertThat(ConsoleWords.forAcceptLanguage("es-MX,es;q=0.9,en;q=0.5").language())
        .isEqualTo("es");
    assertThat(ConsoleWords.forAcceptLanguage("zh-TW,zh;q=0.9").language()).isEqualTo("zh-Hant");
    assertThat(ConsoleWords.forAcceptLanguage("zh-CN").language()).isEqualTo("zh-Hans");
    assertThat(ConsoleWords.forAcceptLanguage("de-DE,de;q=0.9").language()).isEqualTo("en");
    assertThat(ConsoleWords.forAcceptLanguage("fil-PH").language()).isEqualTo("tl");
    assertThat(ConsoleWords.forAcceptLanguage(null).language()).isEqualTo("en");
    assertThat(ConsoleWords.forAcceptLanguage(";;;q=x").language()).isEqualTo("en");
  }

  @Test
  void eachLanguage_isNamedInItself() {
    assertThat(ConsoleWords.ownName("es")).isEqualTo("Español");
    assertThat(ConsoleWords.ownName("ko")).isEqualTo("한국어");
    assertThat(ConsoleWords.ownName("th")).isEqualTo("ไทย");
  }

  @Test
  void html_escapesTheMessageAndItsArguments_butNotTheMarkupGiven() {
    ConsoleWords w = ConsoleWords.english();
    assertThat(w.html("login.hint", Map.of("command", "<code>x</code>")))
        .isEqualTo("Your coordinator gives you a credential with <code>x</code>.");
    assertThat(w.esc("nav.loggedIn", Map.of("name", "<b>"))).isEqualTo("Logged in as &lt;b&gt;");
  }

  @Test
  void backPath_staysOnThisConsole() {
    assertThat(ConsoleLanguage.safeBack("/check")).isEqualTo("/check");
    assertThat(ConsoleLanguage.safeBack("/alert/a?origin=x")).isEqualTo("/alert/a?origin=x");
    assertThat(ConsoleLanguage.safeBack("//evil.example/")).isEqualTo("/");
    assertThat(ConsoleLanguage.safeBack("https://evil.example/")).isEqualTo("/");
    assertThat(ConsoleLanguage.safeBack("/\\evil.example")).isEqualTo("/");
    assertThat(ConsoleLanguage.safeBack("/a\r\nSet-Cookie: x")).isEqualTo("/");
    assertThat(ConsoleLanguage.safeBack(null)).isEqualTo("/");
  }
}
