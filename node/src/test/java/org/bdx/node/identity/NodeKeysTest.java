package org.bdx.node.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.bdx.node.vault.SecretAccess;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NodeKeysTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  @DisplayName("ID-1: RFC 8032 section 7.1 test 1 (pure Ed25519)")
  void sign_rfc8032Test1() {
    NodeKeys k =
        NodeKeys.fromSeed(
            HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
    assertThat(HEX.formatHex(k.publicKey()))
        .isEqualTo("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    assertThat(HEX.formatHex(k.sign(new byte[0])))
        .isEqualTo(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  }

  @Test
  void sign_verify_roundtrip_andRejectsOtherMessage() {
    NodeKeys k = NodeKeys.generate(new SecureRandom());
    byte[] m = "message".getBytes(StandardCharsets.UTF_8);
    byte[] sig = k.sign(m);
    assertThat(sig).hasSize(64);
    assertThat(NodeKeys.verify(k.publicKey(), m, sig)).isTrue();
    assertThat(NodeKeys.verify(k.publicKey(), "other".getBytes(StandardCharsets.UTF_8), sig))
        .isFalse();
  }

  @Test
  @DisplayName("SIG-7.6: malformed and small-order keys are verification failures, not exceptions")
  void verify_malformedKeys_returnFalse() {
    NodeKeys k = NodeKeys.fromSeed(new byte[32]);
    byte[] m = {1, 2, 3};
    byte[] sig = k.sign(m);
    byte[] zero = new byte[32];
    byte[] identity = new byte[32];
    identity[0] = 1;
    // order-2 point (0, -1): y = p - 1
    byte[] order2 =
        HEX.parseHex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    byte[] yAboveP =
        HEX.parseHex("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    byte[] forged = new byte[64];
    forged[0] = 1; // R = identity, S = 0
    for (byte[] bad : new byte[][] {zero, identity, order2, yAboveP}) {
      assertThat(NodeKeys.verify(bad, m, sig)).isFalse();
      assertThat(NodeKeys.verify(bad, m, forged)).isFalse();
    }
    assertThat(NodeKeys.verify(new byte[31], m, sig)).isFalse();
    assertThat(NodeKeys.verify(k.publicKey(), m, new byte[63])).isFalse();
    assertThat(NodeKeys.verify(null, m, sig)).isFalse();
  }

  @Test
  @DisplayName("decoded keys are cached: a cached key still rejects what it rejected before")
  void verify_repeatedKey_sameAnswers() {
    NodeKeys k = NodeKeys.generate(new SecureRandom());
    byte[] m = "message".getBytes(StandardCharsets.UTF_8);
    byte[] sig = k.sign(m);
    byte[] modified = sig.clone();
    modified[10] ^= 1;
    for (int i = 0; i < 3; i++) {
      assertThat(NodeKeys.verify(k.publicKey(), m, sig)).isTrue();
      assertThat(NodeKeys.verify(k.publicKey(), m, modified)).isFalse();
      assertThat(NodeKeys.verify(k.publicKey(), "other".getBytes(StandardCharsets.UTF_8), sig))
          .isFalse();
    }
  }

  @Test
  @DisplayName("more keys than the decoded-key cache holds: each still verifies only its own")
  void verify_manyKeys_eachVerifiesOnlyItsOwn() {
    SecureRandom rng = new SecureRandom();
    byte[] m = "message".getBytes(StandardCharsets.UTF_8);
    NodeKeys previous = null;
    for (int i = 0; i < 600; i++) { // the cache holds 256
      NodeKeys k = NodeKeys.generate(rng);
      byte[] sig = k.sign(m);
      assertThat(NodeKeys.verify(k.publicKey(), m, sig)).isTrue();
      if (previous != null) {
        assertThat(NodeKeys.verify(previous.publicKey(), m, sig)).isFalse();
      }
      previous = k;
    }
  }

  @Test
  void publicKey_isACopy() {
    NodeKeys k = NodeKeys.fromSeed(new byte[32]);
    byte[] pk = k.publicKey();
    pk[0] ^= 1;
    assertThat(k.publicKey()).isNotEqualTo(pk);
  }

  @Test
  void exportSeed_returnsSeed_andToStringHidesIt() {
    byte[] seed = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    NodeKeys k = NodeKeys.fromSeed(seed);
    assertThat(k.exportSeed(SecretAccess.INSECURE)).isEqualTo(seed);
    assertThat(k.toString())
        .contains(k.nodeId().value())
        .doesNotContain(HEX.formatHex(seed))
        .doesNotContain(java.util.Base64.getEncoder().encodeToString(seed));
  }

  @Test
  void generate_differentEachTime() {
    SecureRandom rng = new SecureRandom();
    assertThat(NodeKeys.generate(rng).nodeId()).isNotEqualTo(NodeKeys.generate(rng).nodeId());
  }
}
