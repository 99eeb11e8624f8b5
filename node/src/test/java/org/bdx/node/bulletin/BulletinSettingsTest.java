package org.bdx.node.bulletin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker-facing field set (BUL-3): what the setting may name and what it never may. */
class BulletinSettingsTest {
  @TempDir Path dir;

  private Path file(String text) throws Exception {
    Path f = dir.resolve("node.properties");
    Files.writeString(f, "organization.name=Org\n" + text);
    return f;
  }

  @Test
  void load_withoutSettings_givesTheDefaults() throws Exception {
    BulletinSettings s = BulletinSettings.load(file(""));
    assertThat(s).isEqualTo(BulletinSettings.DEFAULTS);
    assertThat(s.fields())
        .contains("incident_date", "harms", "phone_numbers", "vehicle_plate", "online_handles")
        .doesNotContain("reporter_contact", "names_used");
    assertThat(s.showSource()).isFalse();
  }

  @Test
  void load_readsFieldsFooterAndSource() throws Exception {
    BulletinSettings s =
        BulletinSettings.load(
            file(
                "bulletin.fields = harms, Area ,phone_numbers,harms\n"
                    + "bulletin.footer=Call 555-0100, any time.\nbulletin.source=true\n"));
    assertThat(s.fields()).containsExactly("harms", "area", "phone_numbers");
    assertThat(s.footer()).isEqualTo("Call 555-0100, any time.");
    assertThat(s.showSource()).isTrue();
    assertThat(s.fonts()).isEqualTo(BulletinFonts.DEFAULT_DIR);
  }

  @Test
  void load_readsTheFontDirectory() throws Exception {
    BulletinSettings s = BulletinSettings.load(file("bulletin.fonts = /opt/fonts \n"));
    assertThat(s.fonts()).isEqualTo(Path.of("/opt/fonts"));
    assertThat(BulletinSettings.load(file("")).fonts()).isEqualTo(Path.of("/usr/share/fonts"));
  }

  @Test
  void settings_namingTheContactOrTheNarrative_areRefusedWithAClearMessage() throws Exception {
    for (String bad : List.of("reporter_contact", "narrative", "NARRATIVE ")) {
      Path f = file("bulletin.fields=harms," + bad + "\n");
      assertThatThrownBy(() -> BulletinSettings.load(f))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("bulletin.fields")
          .hasMessageContaining("never shows the narrative or the reporter's contact");
    }
  }

  @Test
  void settings_unknownFieldOrBadSource_areRefused() throws Exception {
    Path unknown = file("bulletin.fields=harms,shoe_size\n");
    assertThatThrownBy(() -> BulletinSettings.load(unknown))
        .hasMessageContaining("unknown field \"shoe_size\"")
        .hasMessageNotContaining("reporter_contact");
    Path source = file("bulletin.source=maybe\n");
    assertThatThrownBy(() -> BulletinSettings.load(source))
        .hasMessageContaining("bulletin.source must be true or false");
    assertThatThrownBy(() -> new BulletinSettings(List.of("harms"), "a\u0007b", false, null))
        .hasMessageContaining("bulletin.footer");
  }
}
