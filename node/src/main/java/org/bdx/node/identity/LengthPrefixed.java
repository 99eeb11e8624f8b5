package org.bdx.node.identity;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The framing every BDX hash and signature input uses (spec §1.2): each part is written as {@code
 * u64be(len(part)) || part}, so no two different part lists share an encoding.
 */
public final class LengthPrefixed {
  private LengthPrefixed() {}

  /** {@code u64be(len(p1))||p1||u64be(len(p2))||p2||...}. */
  public static byte[] concat(byte[]... parts) {
    int total = 0;
    for (byte[] p : parts) {
      total = Math.addExact(total, Math.addExact(8, p.length));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(total);
    for (byte[] p : parts) {
      out.writeBytes(u64be(p.length));
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /**
   * Feeds {@code md} the bytes {@link #concat} would return for {@code parts}, without building
   * them: for digests computed many times per alert.
   */
  public static void update(MessageDigest md, byte[]... parts) {
    for (byte[] p : parts) {
      md.update(u64be(p.length));
      md.update(p);
    }
  }

  private static byte[] u64be(long len) {
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (len >>> (56 - 8 * i));
    }
    return b;
  }

  /** ASCII bytes of a context or type string. */
  public static byte[] ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0x7e || s.charAt(i) < 0x20) {
        throw new IllegalArgumentException("context strings are printable ASCII");
      }
    }
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
