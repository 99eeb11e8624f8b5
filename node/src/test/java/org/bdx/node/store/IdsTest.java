package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsTest {

  @Test
  void newId_is26LowercaseBase32_andUnique() {
    SecureRandom random = new SecureRandom();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = Ids.newId(random);
      assertThat(id).hasSize(26).matches("[a-z2-7]{26}");
      assertThat(Ids.isValid(id)).isTrue();
      assertThat(seen.add(id)).isTrue();
    }
  }

  @Test
  void isValid_rejectsBadShapes() {
    assertThat(Ids.isValid(null)).isFalse();
    assertThat(Ids.isValid("a".repeat(25))).isFalse();
    assertThat(Ids.isValid("A".repeat(26))).isFalse();
    assertThat(Ids.isValid("a".repeat(25) + "1")).isFalse();
    assertThat(Ids.isValid("a".repeat(25) + "b")).isFalse(); // non-zero padding bits
    assertThat(Ids.isValid("a".repeat(25) + "e")).isTrue();
  }
}
