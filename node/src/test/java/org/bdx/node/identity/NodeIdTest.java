package org.bdx.node.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NodeIdTest {
  private static final byte[] SEED =
      HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

  @Test
  @DisplayName("ID-2: node id = bdx + base32(SHA-256(len-prefixed ctx, key))")
  void fromPublicKey_matchesDefinition() throws Exception {
    byte[] pk = NodeKeys.fromSeed(SEED).publicKey();
    byte[] input = new byte[8 + 14 + 8 + 32];
    input[7] = 14;
    System.arraycopy(
        "bdx/v1/node-id".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, input, 8, 14);
    input[8 + 14 + 7] = 32;
    System.arraycopy(pk, 0, input, 30, 32);
    byte[] h = MessageDigest.getInstance("SHA-256").digest(input);

    NodeId id = NodeId.fromPublicKey(pk);

    assertThat(id.value()).isEqualTo("bdx" + Base32.encode(h));
    assertThat(id.value()).hasSize(55).startsWith("bdx").matches("bdx[a-z2-7]{52}");
    assertThat(id.toString()).isEqualTo(id.value());
  }

  @Test
  void fromPublicKey_wrongLength_throws() {
    assertThatThrownBy(() -> NodeId.fromPublicKey(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NodeId.fromPublicKey(new byte[33]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NodeId.fromPublicKey(null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("ID-2: parse trims and lower-cases")
  void parse_trimsAndLowercases() {
    NodeId id = NodeKeys.fromSeed(SEED).nodeId();
    assertThat(NodeId.parse("  " + id.value().toUpperCase() + "\n")).isEqualTo(id);
  }

  @Test
  void constructor_rejectsMalformed_withoutEchoingInput() {
    NodeId id = NodeKeys.fromSeed(SEED).nodeId();
    String secretish = "xyz" + id.value().substring(3);
    assertThatThrownBy(() -> new NodeId(secretish))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining(secretish.substring(3));
    String longInput = "bdx" + "a".repeat(5000) + "+16045550123";
    assertThatThrownBy(() -> NodeId.parse(longInput))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("+16045550123");
    assertThatThrownBy(() -> new NodeId(id.value().toUpperCase()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new NodeId(id.value().substring(0, 54) + "1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new NodeId(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NodeId.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("ID-2: trailing bits of the last base32 character must be zero")
  void constructor_nonCanonicalBase32_throws() {
    NodeId id = NodeKeys.fromSeed(SEED).nodeId();
    // 52 chars carry 260 bits; the last character's low 4 bits are padding.
    char last = id.value().charAt(54);
    String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    char bumped = alphabet.charAt(alphabet.indexOf(last) | 1);
    assertThat(bumped).isNotEqualTo(last);
    assertThatThrownBy(() -> new NodeId(id.value().substring(0, 54) + bumped))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void matches_ownKeyOnly() {
    NodeKeys a = NodeKeys.fromSeed(SEED);
    NodeKeys b = NodeKeys.fromSeed(new byte[32]);
    assertThat(a.nodeId().matches(a.publicKey())).isTrue();
    assertThat(a.nodeId().matches(b.publicKey())).isFalse();
    assertThat(a.nodeId().matches(new byte[3])).isFalse();
    assertThat(a.nodeId().matches(null)).isFalse();
  }

  @Test
  @DisplayName("ID-3: fingerprint is 5 groups of 4 of the first 20 base32 characters")
  void fingerprint_format() {
    NodeId id = NodeKeys.fromSeed(SEED).nodeId();
    String fp = id.fingerprint();
    assertThat(fp).matches("[a-z2-7]{4}(-[a-z2-7]{4}){4}");
    assertThat(fp.replace("-", "")).isEqualTo(id.value().substring(3, 23));
  }
}
