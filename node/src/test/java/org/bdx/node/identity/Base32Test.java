package org.bdx.node.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class Base32Test {
  @Test
  @DisplayName("§1.3: RFC 4648 test vectors, lower case, no padding")
  void encode_rfc4648Vectors() {
    String[][] v = {
      {"", ""},
      {"f", "my"},
      {"fo", "mzxq"},
      {"foo", "mzxw6"},
      {"foob", "mzxw6yq"},
      {"fooba", "mzxw6ytb"},
      {"foobar", "mzxw6ytboi"}
    };
    for (String[] c : v) {
      byte[] in = c[0].getBytes(StandardCharsets.US_ASCII);
      assertThat(Base32.encode(in)).isEqualTo(c[1]);
      assertThat(Base32.decode(c[1], in.length)).isEqualTo(in);
    }
  }

  @Test
  void decode_rejectsPaddingUpperCaseAndTrailingBits() {
    assertThatThrownBy(() -> Base32.decode("MZXW6", 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Base32.decode("my======", 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Base32.decode("mz", 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Base32.decode("m1", 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("§1.2: u64be length prefixes")
  void lengthPrefixed_concat() {
    byte[] out = LengthPrefixed.concat(new byte[] {7}, new byte[0]);
    assertThat(out).containsExactly(0, 0, 0, 0, 0, 0, 0, 1, 7, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  @Test
  @DisplayName("§1.2: a digest fed the framed parts equals the digest of their concatenation")
  void lengthPrefixed_update_hashesWhatConcatReturns() throws Exception {
    byte[][] parts = {new byte[] {7}, new byte[0], new byte[300]};
    java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
    LengthPrefixed.update(md, parts);
    assertThat(md.digest())
        .isEqualTo(
            java.security.MessageDigest.getInstance("SHA-256")
                .digest(LengthPrefixed.concat(parts)));
  }
}
