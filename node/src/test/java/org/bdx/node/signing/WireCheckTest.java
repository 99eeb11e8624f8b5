package org.bdx.node.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.Claim;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WireCheckTest {
  private static boolean claim(String hex) {
    return WireCheck.wellFormed(HexFormat.of().parseHex(hex), Claim.getDescriptor());
  }

  @Test
  @DisplayName("PB-1: what protobuf itself accepts and rejects, WireCheck does too")
  void wellFormed_followsTheWireFormat() {
    assertThat(claim("")).isTrue();
    assertThat(claim("0a0461726561" + "12031a0141")).isTrue(); // path area, value area "A"
    assertThat(claim("9a8080800001" + "41")).isTrue(); // overlong tag, value < 2^32
    assertThat(claim("f8ffffff0f01")).isTrue(); // field 2^29 - 1, a varint (unknown)
    assertThat(claim("0b" + "0801" + "0c")).isTrue(); // a group, field 1
    assertThat(claim("0001")).isFalse(); // field number 0
    assertThat(claim("0e")).isFalse(); // wire type 6
    assertThat(claim("0a05616161")).isFalse(); // length past the end
    assertThat(claim("08ffffffffffffffffffff01")).isFalse(); // varint longer than 10 bytes
    assertThat(claim("0b0801")).isFalse(); // group without its end
    assertThat(claim("0c")).isFalse(); // end group without its start
    assertThat(claim("0b14")).isFalse(); // group ended by another number
  }

  @Test
  @DisplayName("PB-1: a tag wider than 32 bits, or a field number above 2^29 - 1, is malformed")
  void wellFormed_rejectsWideTags() {
    assertThat(claim("8080808010" + "01")).isFalse(); // field 2^29, varint
    assertThat(claim("9a80808010" + "0141")).isFalse(); // field 2^29 + 3, read as 3 mod 2^29
    assertThat(claim("9a808080808080808001" + "0141")).isFalse(); // 10-byte tag
    // Inside an embedded message the descriptor names (Claim.value is an AlertFields).
    assertThat(claim("0a0461726561" + "12089a80808010024142")).isFalse();
    // A length wider than 32 bits (protobuf-java reads it modulo 2^32).
    assertThat(claim("0a8180808010" + "61")).isFalse();
  }

  @Test
  @DisplayName("PB-1: embedded messages of agreement terms are checked too")
  void wellFormed_checksEmbeddedDirections() {
    byte[] inner = HexFormat.of().parseHex("3a06" + "9a8080801000");
    assertThat(WireCheck.wellFormed(inner, AgreementTerms.getDescriptor())).isFalse();
    assertThat(WireCheck.wellFormed(inner, AlertFields.getDescriptor())).isTrue(); // bytes
  }
}
