package org.bdx.node.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import org.bdx.node.identity.LengthPrefixed;

/**
 * The hash that chains one audit entry to the one before (spec ADM-12.3): {@code
 * SHA-256(LP(ASCII("bdx/v1/audit-entry"), u64be(sequence), u64be(recorded_at), UTF-8(actor),
 * UTF-8(action), UTF-8(detail), previous_hash))}. Length-prefixed and domain-separated like every
 * other BDX hash input (spec 1.2), so no two different entries share an input and no entry's input
 * is any other hash's or signature's input. The first entry's previous hash is {@link #ZERO}.
 */
public final class AuditHash {
  /** Domain-separation context of audit entry hashes. */
  public static final String CONTEXT = "bdx/v1/audit-entry";

  /** Hash length in bytes. */
  public static final int LENGTH = 32;

  private static final byte[] CONTEXT_BYTES = LengthPrefixed.ascii(CONTEXT);

  private AuditHash() {}

  /** The previous hash of the first entry: 32 zero bytes. */
  public static byte[] zero() {
    return new byte[LENGTH];
  }

  /** The exact bytes hashed for one entry. */
  public static byte[] input(
      long sequence, long recordedAt, String actor, String action, String detail, byte[] prev) {
    Objects.requireNonNull(prev, "prev");
    return LengthPrefixed.concat(
        CONTEXT_BYTES,
        u64be(sequence),
        u64be(recordedAt),
        utf8(actor),
        utf8(action),
        utf8(detail),
        prev);
  }

  /** The 32-byte hash of one entry. */
  public static byte[] of(
      long sequence, long recordedAt, String actor, String action, String detail, byte[] prev) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(input(sequence, recordedAt, actor, action, detail, prev));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  private static byte[] utf8(String s) {
    return Objects.requireNonNull(s).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] u64be(long v) {
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (v >>> (56 - 8 * i));
    }
    return b;
  }
}
