package org.bdx.node.signing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import org.bdx.node.identity.LengthPrefixed;

/**
 * The salted digest of one claim (spec SIG-4): {@code SHA-256(u64be(len(ctx))||ctx||
 * u64be(len(salt))||salt||u64be(len(claim))||claim)} with ctx = {@value #CONTEXT}.
 */
public final class ClaimDigest {
  /** Domain-separation context of claim digests. */
  public static final String CONTEXT = "bdx/v1/claim-digest";

  /** The only digest algorithm of v1, as named in {@code AlertHeader.digest_algorithm}. */
  public static final String ALGORITHM = "sha-256";

  /** Digest length in bytes. */
  public static final int LENGTH = 32;

  /** Salt length a signer uses (128 bits). */
  public static final int SALT_LENGTH = 16;

  /** Shortest salt a verifier accepts. */
  public static final int MIN_SALT_LENGTH = 16;

  /** Longest salt a verifier accepts. */
  public static final int MAX_SALT_LENGTH = 64;

  private ClaimDigest() {}

  /** The exact bytes hashed for {@code salt} and serialized {@code claim}. */
  public static byte[] input(byte[] salt, byte[] claim) {
    Objects.requireNonNull(salt, "salt");
    Objects.requireNonNull(claim, "claim");
    return LengthPrefixed.concat(LengthPrefixed.ascii(CONTEXT), salt, claim);
  }

  /** The 32-byte digest of {@code salt} and serialized {@code claim}. */
  public static byte[] compute(byte[] salt, byte[] claim) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input(salt, claim));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
