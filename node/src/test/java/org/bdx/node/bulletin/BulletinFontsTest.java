package org.bdx.node.bulletin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The fonts PDF bulletins embed, and the scripts that install them. */
class BulletinFontsTest {
  private static final Path SCRIPT = Path.of("..", "scripts", "bulletin-fonts.sh");

  @Test
  void testScript_installsEveryPackageTheFontsComeFrom() throws Exception {
    Matcher m =
        Pattern.compile("(?m)^BDX_FONT_PACKAGES=\"([^\"]*)\"$").matcher(Files.readString(SCRIPT));
    assertThat(m.find()).as("BDX_FONT_PACKAGES in " + SCRIPT).isTrue();
    assertThat(List.of(m.group(1).split(" ")))
        .containsExactlyInAnyOrderElementsOf(BulletinFonts.DEBIAN_PACKAGES);
    assertThat(Files.readString(Path.of("..", "scripts", "test"))).contains("bdx_install_fonts");
  }

  @Test
  void installedFonts_areFoundUnderTheDefaultDirectory_oneFilePerFace() {
    BulletinFonts fonts = BulletinFonts.in(BulletinFonts.DEFAULT_DIR);
    assertThat(fonts.files()).hasSameSizeAs(BulletinFonts.FACES);
    assertThat(fonts.files().values()).allMatch(Files::isRegularFile);
  }
}
