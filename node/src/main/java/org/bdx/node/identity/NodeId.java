package org.bdx.node.identity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * A self-certifying node id (spec ID-2): {@code "bdx" + base32(SHA-256(u64be(len(ctx))||ctx||
 * u64be(32)||publicKey))} with ctx = {@code "bdx/v1/node-id"}; 55 characters in all.
 *
 * @param value the canonical text form
 */
public record NodeId(String value) {
  /** The ASCII domain-separation context of the node id hash. */
  public static final String CONTEXT = "bdx/v1/node-id";

  /** "bdx". */
  public static final String PREFIX = "bdx";

  /** Length of {@link #value()}: 3 + 52. */
  public static final int LENGTH = PREFIX.length() + Base32.encodedLength(32);

  /** Validates the canonical form; never echoes the input in the message. */
  public NodeId {
    if (value == null) {
      throw new IllegalArgumentException("node id is missing");
    }
    if (value.length() != LENGTH) {
      throw new IllegalArgumentException(
          "invalid node id: expected " + LENGTH + " characters, got " + value.length());
    }
    if (!value.startsWith(PREFIX)) {
      throw new IllegalArgumentException("invalid node id: must start with \"bdx\"");
    }
    if (!Base32.isCanonical(value.substring(PREFIX.length()), 32)) {
      throw new IllegalArgumentException(
          "invalid node id: after \"bdx\" expected canonical lower-case base32 of 32 bytes");
    }
  }

  /** Derives the node id of an Ed25519 public key (spec ID-2). */
  public static NodeId fromPublicKey(byte[] publicKey32) {
    if (publicKey32 == null || publicKey32.length != 32) {
      throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
    }
    byte[] input = LengthPrefixed.concat(LengthPrefixed.ascii(CONTEXT), publicKey32);
    return new NodeId(PREFIX + Base32.encode(sha256(input)));
  }

  /** Parses user input: trims surrounding white space and lower-cases before validating. */
  public static NodeId parse(String s) {
    if (s == null) {
      throw new IllegalArgumentException("node id is missing");
    }
    return new NodeId(s.strip().toLowerCase(Locale.ROOT));
  }

  /** True if this id is the id of {@code publicKey}. */
  public boolean matches(byte[] publicKey) {
    if (publicKey == null || publicKey.length != 32) {
      return false;
    }
    return fromPublicKey(publicKey).equals(this);
  }

  /**
   * The short form two coordinators compare out of band (spec ID-3): the first 20 base32 characters
   * after "bdx" (100 bits) in 5 groups of 4 joined by "-".
   */
  public String fingerprint() {
    String b = value.substring(PREFIX.length(), PREFIX.length() + 20);
    return String.join(
        "-",
        b.substring(0, 4),
        b.substring(4, 8),
        b.substring(8, 12),
        b.substring(12, 16),
        b.substring(16, 20));
  }

  @Override
  public String toString() {
    return value;
  }

  static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
