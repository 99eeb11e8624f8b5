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

  @Test
  @DisplayName("FEED-9: two copies of one version merge into one that verifies")
  void union_ofTwoCopies_holdsEveryPathOnce_andVerifies() throws Exception {
    SignedAlert one = Disclosures.select(cases.valid, Set.of("area", "vehicle_plate"));
    SignedAlert two = Disclosures.select(cases.valid, Set.of("area", "harms"));
    SignedAlert both = Disclosures.union(one, two);
    VerifiedAlert v = new AlertVerifier().verify(both);
    assertThat(v.disclosedPaths()).containsExactly("area", "harms", "vehicle_plate");
    assertThat(both.getDisclosuresCount()).isEqualTo(3);
    assertThat(
            Disclosures.merge(
                new AlertVerifier().verify(one).fields(), Set.of("area", "vehicle_plate"),
                new AlertVerifier().verify(two).fields(), Set.of("area", "harms")))
        .isEqualTo(v.fields());
    assertThat(Disclosures.retain(v.fields(), Set.of("harms")))
        .isEqualTo(new AlertVerifier().verify(Disclosures.select(both, Set.of("harms"))).fields());
  }

  @Test
  @DisplayName("FEED-9: copies of different signed headers never merge")
  void union_ofDifferentHeaders_throws() {
    SignedAlert other =
        cases.valid.toBuilder()
            .setSignature(com.google.protobuf.ByteString.copyFrom(new byte[64]))
            .build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Disclosures.union(cases.valid, other))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
