package org.bdx.node.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.bdx.proto.v1.SignedAlert;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DisclosuresTest {
  private final NegativeCases cases = new NegativeCases();

  @Test
  @DisplayName("SIG-8: select keeps header and signature, only allowed paths, in order")
  void select_keepsOnlyAllowed() throws Exception {
    SignedAlert s = Disclosures.select(cases.valid, Set.of("vehicle_plate", "area"));
    assertThat(s.getDisclosuresList().stream().map(d -> Disclosures.pathOf(d).orElseThrow()))
        .containsExactly("area", "vehicle_plate");
    assertThat(s.getHeader()).isEqualTo(cases.valid.getHeader());
    assertThat(s.getSignature()).isEqualTo(cases.valid.getSignature());
    // a relay can drop further without breaking the origin's signature
    SignedAlert relayed = Disclosures.select(s, Set.of("area"));
    assertThat(new AlertVerifier().verify(relayed).disclosedPaths()).containsExactly("area");
  }

  @Test
  @DisplayName("SIG-8: unparseable claims are dropped (fail closed)")
  void select_dropsUnparseableClaims() {
    SignedAlert bad =
        cases.valid.toBuilder()
            .addDisclosures(NegativeCases.disclosure(new byte[16], new byte[] {(byte) 0xff}))
            .build();
    SignedAlert s = Disclosures.select(bad, Set.copyOf(Disclosures.claimPaths()));
    assertThat(s.getDisclosuresCount()).isEqualTo(cases.valid.getDisclosuresCount());
  }
}
