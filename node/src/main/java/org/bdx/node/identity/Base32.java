package org.bdx.node.identity;

import java.util.Arrays;

/**
 * Lower-case RFC 4648 base32 without padding (spec §1.3), as used by node ids and alert ids.
 * Decoding is strict: only {@code a-z2-7}, no padding, and the unused trailing bits MUST be zero so
 * that every byte string has exactly one encoding.
 */
public final class Base32 {
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final int[] VALUES = new int[128];

  static {
    Arrays.fill(VALUES, -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      VALUES[ALPHABET[i]] = i;
    }
  }

  private Base32() {}

  /** Encodes {@code data} as lower-case base32 without padding. */
  public static String encode(byte[] data) {
    StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(ALPHABET[(buffer >>> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(ALPHABET[(buffer << (5 - bits)) & 31]);
    }
    return out.toString();
  }

  /** The length of the encoding of {@code byteLength} bytes. */
  public static int encodedLength(int byteLength) {
    return (byteLength * 8 + 4) / 5;
  }

  /**
   * Decodes a canonical encoding of exactly {@code expectedBytes} bytes.
   *
   * @throws IllegalArgumentException if the text is not such an encoding; the message never
   *     contains the text
   */
  public static byte[] decode(CharSequence text, int expectedBytes) {
    if (text.length() != encodedLength(expectedBytes)) {
      throw new IllegalArgumentException(
          "base32 text must be " + encodedLength(expectedBytes) + " characters");
    }
    byte[] out = new byte[expectedBytes];
    int buffer = 0;
    int bits = 0;
    int pos = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int v = c < 128 ? VALUES[c] : -1;
      if (v < 0) {
        throw new IllegalArgumentException("base32 text contains a character outside a-z2-7");
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out[pos++] = (byte) (buffer >>> (bits - 8));
        bits -= 8;
      }
    }
    if ((buffer & ((1 << bits) - 1)) != 0) {
      throw new IllegalArgumentException("base32 text is not canonical (non-zero trailing bits)");
    }
    return out;
  }

  /** True if {@code text} is the canonical encoding of exactly {@code expectedBytes} bytes. */
  public static boolean isCanonical(CharSequence text, int expectedBytes) {
    try {
      decode(text, expectedBytes);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
