package org.bdx.node.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlatesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "abc 123",
        "ABC-123",
        "abc123",
        " A.B.C 1-2-3 ",
        "\uff21\uff22\uff23\uff11\uff12\uff13",
        "abc\t123"
      })
  void canonical_variants_same(String raw) {
    assertThat(Plates.canonical(raw)).isEqualTo("ABC123");
  }

  @Test
  void canonical_unicodeLetters_kept() {
    assertThat(Plates.canonical("äöü 12")).isEqualTo("ÄÖÜ12");
    assertThat(Plates.canonical("м 123 ор")).isEqualTo("М123ОР");
  }

  @Test
  void canonical_nothingLeft_empty() {
    assertThat(Plates.canonical(" -- . ")).isEmpty();
    assertThat(Plates.canonical("")).isEmpty();
  }

  @Test
  void canonical_bounds() {
    assertThat(Plates.canonical("A".repeat(16))).hasSize(16);
    assertThatThrownBy(() -> Plates.canonical("A".repeat(17)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("AAAA");
    assertThatThrownBy(() -> Plates.canonical("-".repeat(65)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Plates.canonical(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void isCanonical() {
    assertThat(Plates.isCanonical("ABC123")).isTrue();
    assertThat(Plates.isCanonical("abc123")).isFalse();
    assertThat(Plates.isCanonical("AB 1")).isFalse();
    assertThat(Plates.isCanonical("")).isFalse();
  }
}
