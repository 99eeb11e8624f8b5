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

  private static final byte[] CONTEXT_BYTES = LengthPrefixed.ascii(CONTEXT);

  /** A SHA-256 instance to clone; cloning skips the provider lookup of getInstance. */
  private static final MessageDigest SHA256 = sha256();

  private ClaimDigest() {}

  /** The exact bytes hashed for {@code salt} and serialized {@code claim}. */
  public static byte[] input(byte[] salt, byte[] claim) {
    Objects.requireNonNull(salt, "salt");
    Objects.requireNonNull(claim, "claim");
    return LengthPrefixed.concat(CONTEXT_BYTES, salt, claim);
  }

  /** The 32-byte digest of {@code salt} and serialized {@code claim}. */
  public static byte[] compute(byte[] salt, byte[] claim) {
    Objects.requireNonNull(salt, "salt");
    Objects.requireNonNull(claim, "claim");
    // Hashes the parts of input(salt, claim) in place: a receiver computes thirteen of these per
    // alert, and building the concatenation and looking the algorithm up each time showed in the
    // catch-up profile (docs/benchmarks.md). SpecVectorsTest checks it against the vectors.
    MessageDigest md = newSha256();
    LengthPrefixed.update(md, CONTEXT_BYTES, salt, claim);
    return md.digest();
  }

  private static MessageDigest newSha256() {
    try {
      return (MessageDigest) SHA256.clone();
    } catch (CloneNotSupportedException e) {
      return sha256(); // a provider whose digest cannot be cloned: a fresh instance is as good
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
