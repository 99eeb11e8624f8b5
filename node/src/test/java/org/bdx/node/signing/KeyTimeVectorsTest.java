package org.bdx.node.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SIG-7.4, SIG-7.11, KEY-18: alerts checked against held key logs")
class KeyTimeVectorsTest {
  private final KeyTimeVectors v = new KeyTimeVectors();

  @Test
  void everyCase_reachesItsOutcome() {
    for (KeyTimeVectors.Case c : v.all()) {
      assertThat(v.outcome(c)).as(c.name()).isEqualTo(c.outcome());
    }
  }

  @Test
  void cases_coverValidAndEveryReasonOfAHeldLog() {
    List<String> outcomes = v.all().stream().map(KeyTimeVectors.Case::outcome).toList();
    assertThat(outcomes).contains("VALID", "KEY_NOT_TRUSTED", "ORIGIN_ID_MISMATCH");
  }
}
