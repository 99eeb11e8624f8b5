package org.bdx.node.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Checks shared by the word bundles of the bulletin and of the console. */
public final class Translations {
  private Translations() {}

  /**
   * Asserts that every bundle {@code words/LANG.properties} beside {@code owner} but English opens
   * with a comment saying that a fluent speaker should review it: the project wrote them.
   */
  public static void assertEachSaysAFluentSpeakerShouldReviewIt(
      Class<?> owner, List<String> languages) throws IOException {
    for (String lang : languages) {
      if (lang.equals("en")) {
        continue;
      }
      try (InputStream in = owner.getResourceAsStream("words/" + lang + ".properties")) {
        assertThat(in).as("words/%s.properties beside %s", lang, owner.getSimpleName()).isNotNull();
        String head = new String(in.readNBytes(400), StandardCharsets.UTF_8);
        assertThat(head).as(lang).startsWith("#").contains("a fluent speaker should review");
      }
    }
  }
}
