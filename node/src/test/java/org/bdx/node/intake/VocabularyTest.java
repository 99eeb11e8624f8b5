package org.bdx.node.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.TimeOfDay;
import org.bdx.proto.v1.WorkSetting;
import org.junit.jupiter.api.Test;

class VocabularyTest {

  @Test
  void harm_acceptsAllSpellings() {
    for (String w :
        new String[] {
          "physical_assault",
          "Physical-Assault",
          "PHYSICAL_ASSAULT",
          "HARM_CATEGORY_PHYSICAL_ASSAULT",
          " physical assault "
        }) {
      assertThat(Vocabulary.harm(w)).as(w).isEqualTo(HarmCategory.HARM_CATEGORY_PHYSICAL_ASSAULT);
    }
  }

  @Test
  void otherKinds_parse() {
    assertThat(Vocabulary.setting("street")).isEqualTo(WorkSetting.WORK_SETTING_STREET);
    assertThat(Vocabulary.audience("Police")).isEqualTo(Audience.AUDIENCE_POLICE);
    assertThat(Vocabulary.severity("CRITICAL")).isEqualTo(Severity.SEVERITY_CRITICAL);
    assertThat(Vocabulary.timeOfDay("time_of_day_night")).isEqualTo(TimeOfDay.TIME_OF_DAY_NIGHT);
  }

  @Test
  void unspecifiedAndUnrecognized_rejected() {
    assertThatThrownBy(() -> Vocabulary.harm("unspecified"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Vocabulary.harm("HARM_CATEGORY_UNSPECIFIED"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Vocabulary.harm("UNRECOGNIZED"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Vocabulary.harm(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Vocabulary.harm("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void value_byDescriptor_takesTheOptionsWordsAndEnumNames_andNamesTheAcceptedWords() {
    var harms = HarmCategory.getDescriptor();
    assertThat(Vocabulary.value(harms, "robbery", "value").getName())
        .isEqualTo("HARM_CATEGORY_ROBBERY");
    assertThat(Vocabulary.value(harms, "HARM_CATEGORY_ROBBERY", "value").getName())
        .isEqualTo("HARM_CATEGORY_ROBBERY");
    assertThat(Vocabulary.word(Severity.SEVERITY_HIGH.getValueDescriptor())).isEqualTo("high");
    assertThatThrownBy(() -> Vocabulary.value(TimeOfDay.getDescriptor(), "dusk", "value"))
        .hasMessage("unknown value 'dusk'; one of: morning, afternoon, evening, night");
    assertThatThrownBy(() -> Vocabulary.value(harms, "unspecified", "value"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unknownWord_messageListsAcceptedWords() {
    assertThatThrownBy(() -> Vocabulary.harm("x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "unknown harm 'x'; one of: physical_assault, sexual_assault, stealthing,")
        .hasMessageEndingWith("drugging, other");
    assertThatThrownBy(() -> Vocabulary.timeOfDay("noon"))
        .hasMessage("unknown time of day 'noon'; one of: morning, afternoon, evening, night");
  }

  @Test
  void unknownWord_echoIsSanitizedAndBounded() {
    String hostile = "\u001b[31mred\n" + "a".repeat(100);
    assertThatThrownBy(() -> Vocabulary.severity(hostile))
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContain("\u001b")
                    .doesNotContain("\n")
                    .doesNotContain("a".repeat(40)));
  }

  @Test
  void word_givesShortLowercase() {
    assertThat(Vocabulary.word(HarmCategory.HARM_CATEGORY_THREAT_WITH_WEAPON))
        .isEqualTo("threat_with_weapon");
    assertThat(Vocabulary.word(Audience.AUDIENCE_SUPPORT)).isEqualTo("support");
    assertThat(Vocabulary.word(Severity.SEVERITY_UNSPECIFIED)).isEqualTo("unspecified");
    assertThatThrownBy(() -> Vocabulary.word(HarmCategory.UNRECOGNIZED))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void words_excludeUnspecifiedAndUnrecognized_andRoundTrip() {
    assertThat(Vocabulary.words(Audience.class))
        .containsExactly("peer", "support", "police", "organization_only");
    assertThat(Vocabulary.words(HarmCategory.class))
        .hasSize(14)
        .doesNotContain("unspecified", "unrecognized");
    for (String w : Vocabulary.words(HarmCategory.class)) {
      assertThat(Vocabulary.word(Vocabulary.harm(w))).isEqualTo(w);
    }
  }
}
