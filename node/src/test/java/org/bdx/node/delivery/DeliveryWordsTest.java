package org.bdx.node.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.bdx.node.bulletin.BulletinWords;
import org.junit.jupiter.api.Test;

/**
 * Every bulletin language has the words a sent bulletin adds, with the same keys as English, and
 * each translation says at its top that a fluent speaker should review it.
 */
class DeliveryWordsTest {
  @Test
  void everyLanguage_hasEveryKey_andTheUnsubscribeLineNamesTheOrganization() {
    var english = DeliveryWords.bundle("en").keySet();
    for (String lang : BulletinWords.LANGUAGES) {
      assertThat(DeliveryWords.bundle(lang).keySet()).as(lang).isEqualTo(english);
      assertThat(DeliveryWords.of(lang).unsubscribe("Qzorg")).as(lang).contains("Qzorg");
    }
  }

  @Test
  void everyTranslation_asksForReviewByAFluentSpeaker() throws IOException {
    for (String lang : BulletinWords.LANGUAGES) {
      if (lang.equals("en")) {
        continue;
      }
      try (InputStream in =
          DeliveryWords.class.getResourceAsStream("words/" + lang + ".properties")) {
        String head = new String(in.readNBytes(600), StandardCharsets.UTF_8);
        assertThat(head).as(lang).contains("a fluent speaker should review");
      }
    }
  }
}
