package org.bdx.node.store;

import java.security.SecureRandom;
import java.util.Objects;
import org.bdx.node.identity.Base32;

/**
 * Report and alert ids: 26 characters, lower-case RFC 4648 base32 (no padding) of 16 random bytes.
 */
public final class Ids {
  public static final int LENGTH = 26;
  private static final int BYTES = 16;

  private Ids() {}

  public static String newId(SecureRandom random) {
    Objects.requireNonNull(random, "random");
    byte[] bytes = new byte[BYTES];
    random.nextBytes(bytes);
    return Base32.encode(bytes);
  }

  /**
   * Whether {@code s} is the canonical form of an id (the unused low bits of the last character are
   * zero).
   */
  public static boolean isValid(String s) {
    return s != null && Base32.isCanonical(s, BYTES);
  }
}
