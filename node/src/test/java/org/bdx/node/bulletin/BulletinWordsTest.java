package org.bdx.node.bulletin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.bdx.node.text.Translations;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.TimeOfDay;
import org.bdx.proto.v1.WorkSetting;
import org.junit.jupiter.api.Test;

/** Every language has every word (BUL-4): the build fails when a bundle misses or adds a key. */
class BulletinWordsTest {
  static final Map<String, Object> SAMPLE =
      Map.of(
          "since",
          "1 Nov 2026",
          "area",
          "Downtown",
          "org",
          "Org",
          "date",
          "1 Dec 2026",
          "count",
          3);

  @Test
  void everyBundle_hasExactlyTheEnglishKeys() {
    Set<String> english = new TreeSet<>(BulletinWords.bundle("en").keySet());
    for (String lang : BulletinWords.LANGUAGES) {
      Set<String> keys = new TreeSet<>(BulletinWords.bundle(lang).keySet());
      Set<String> missing = new TreeSet<>(english);
      missing.removeAll(keys);
      Set<String> extra = new TreeSet<>(keys);
      extra.removeAll(english);
      assertThat(missing).as("keys missing from %s", lang).isEmpty();
      assertThat(extra).as("keys in %s that English does not have", lang).isEmpty();
    }
  }

  @Test
  void everyTranslation_saysAFluentSpeakerShouldReviewIt() throws Exception {
    Translations.assertEachSaysAFluentSpeakerShouldReviewIt(
        BulletinWords.class, BulletinWords.LANGUAGES);
  }

  @Test
  void everyMessage_formatsInItsLanguage_andEveryVocabularyValueHasAWord() {
    for (String lang : BulletinWords.LANGUAGES) {
      BulletinWords w = BulletinWords.of(lang);
      for (String key : BulletinWords.bundle(lang).keySet()) {
        assertThat(w.format(key, SAMPLE)).as(lang + " " + key).isNotBlank().doesNotContain("{");
      }
      for (HarmCategory h : HarmCategory.values()) {
        if (h != HarmCategory.UNRECOGNIZED && h != HarmCategory.HARM_CATEGORY_UNSPECIFIED) {
          assertThat(w.harm(h)).isNotBlank();
        }
      }
      for (WorkSetting s : WorkSetting.values()) {
        if (s != WorkSetting.UNRECOGNIZED && s != WorkSetting.WORK_SETTING_UNSPECIFIED) {
          assertThat(w.setting(s)).isNotBlank();
        }
      }
      for (TimeOfDay t : TimeOfDay.values()) {
        if (t != TimeOfDay.UNRECOGNIZED && t != TimeOfDay.TIME_OF_DAY_UNSPECIFIED) {
          assertThat(w.time(t)).isNotBlank();
        }
      }
      for (Severity s : Severity.values()) {
        if (s != Severity.UNRECOGNIZED && s != Severity.SEVERITY_UNSPECIFIED) {
          assertThat(w.severity(s)).isNotBlank();
        }
      }
      // Thai dates are in the Buddhist era (2026 is 2569), as Thai readers expect.
      assertThat(w.date(LocalDate.parse("2026-11-05")))
          .as(lang)
          .contains(lang.equals("th") ? "2569" : "2026");
    }
  }

  @Test
  void plurals_andDates_followTheLanguage() {
    BulletinWords en = BulletinWords.of("en");
    assertThat(en.count(1)).isEqualTo("1 warning");
    assertThat(en.count(3)).isEqualTo("3 warnings");
    assertThat(BulletinWords.of("fr").count(1)).isEqualTo("1 alerte");
    assertThat(BulletinWords.of("fr").count(2)).isEqualTo("2 alertes");
    assertThat(BulletinWords.of("ko").count(2)).isEqualTo("경고 2건");
    assertThat(en.date(LocalDate.parse("2026-11-05"))).isEqualTo("Nov 5, 2026");
    assertThat(BulletinWords.of("fr").date(LocalDate.parse("2026-11-05"))).contains("nov");
    assertThat(BulletinWords.of("zh-Hans").date(LocalDate.parse("2026-11-05")))
        .isEqualTo("2026年11月5日");
  }

  @Test
  void of_acceptsTagsInAnyCase_blankIsEnglish_unknownNamesLang() {
    assertThat(BulletinWords.of("ZH-hant").language()).isEqualTo("zh-Hant");
    assertThat(BulletinWords.of("").language()).isEqualTo("en");
    assertThatThrownBy(() -> BulletinWords.of("xx"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("lang: ");
  }
}
