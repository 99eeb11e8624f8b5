package org.bdx.node.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What a partner's text may not do to a terminal or a bulletin (issue 15): each class of character.
 */
class VisibleTextTest {
  @Test
  void safe_leavesOrdinaryText_includingOtherScriptsAndEmoji() {
    String text = "Grey beard, 40s — café, Ñandú, محمد, 東京, 👍🏽, back\\slash";
    assertThat(VisibleText.safe(text)).isEqualTo(text);
    assertThat(VisibleText.safe(null)).isEmpty();
  }

  @Test
  void safe_escapesC0Controls_escapeSequencesIncluded() {
    assertThat(VisibleText.safe("a\u001b[2Jb")).isEqualTo("a\\u001B[2Jb");
    assertThat(VisibleText.safe("\u0000\u0007\u0008")).isEqualTo("\\u0000\\u0007\\u0008");
  }

  @Test
  void safe_escapesLineBreaksAndTabs_soAFieldStaysOnItsLine() {
    assertThat(VisibleText.safe("one\ntwo\r\nthree\tfour"))
        .isEqualTo("one\\ntwo\\r\\nthree\\tfour");
    assertThat(VisibleText.safe("a\u2028b\u2029c")).isEqualTo("a\\u2028b\\u2029c");
  }

  @Test
  void safe_escapesDelAndC1Controls() {
    assertThat(VisibleText.safe("\u007f\u0080\u009b31m\u009f"))
        .isEqualTo("\\u007F\\u0080\\u009B31m\\u009F");
  }

  @Test
  void safe_escapesEveryBidirectionalControl() {
    int[] bidi = {
      0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069
    };
    for (int c : bidi) {
      assertThat(VisibleText.safe("x" + (char) c + "y"))
          .as(Integer.toHexString(c))
          .isEqualTo(String.format("x\\u%04Xy", c));
    }
    // Neighbours that are not controls stay.
    assertThat(VisibleText.safe("\u2029\u202F\u2065\u206A")).isEqualTo("\\u2029\u202F\u2065\u206A");
  }

  @Test
  void safe_isIdempotent() {
    String once = VisibleText.safe("\u202E\u001b\n");
    assertThat(VisibleText.safe(once)).isEqualTo(once);
  }

  @Test
  void oneLine_turnsLineBreaksIntoSpaces_andStillEscapesOverrides() {
    assertThat(VisibleText.oneLine(" tall\r\nman\tgrey\u2028car ")).isEqualTo("tall man grey car");
    assertThat(VisibleText.oneLine("a\u202Eb\u001b")).isEqualTo("a\\u202Eb\\u001B");
    assertThat(VisibleText.oneLine(null)).isEmpty();
  }
}
