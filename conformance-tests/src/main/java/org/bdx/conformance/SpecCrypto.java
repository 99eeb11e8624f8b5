package org.bdx.conformance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The byte-level rules of the spec, written from its text (sections 1.2, 1.3, 2, 4): LP framing,
 * base32, node ids, fingerprints, signing inputs, claim digests and Ed25519. Shares no code with
 * any node implementation.
 */
public final class SpecCrypto {
  public static final String ALERT_HEADER_TYPE = "bdx.v1.AlertHeader";
  public static final String AGREEMENT_TERMS_TYPE = "bdx.v1.AgreementTerms";
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
  static final SecureRandom RNG = new SecureRandom();

  private SpecCrypto() {}

  /** LP(x1, ..., xk) of §1.2. */
  public static byte[] lp(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      long n = p.length;
      for (int i = 7; i >= 0; i--) {
        out.write((int) (n >>> (8 * i)) & 0xff);
      }
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  public static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  public static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** base32 of §1.3: RFC 4648 lower-case alphabet, no padding, zero trailing bits. */
  public static String base32(byte[] b) {
    StringBuilder s = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte x : b) {
      buffer = (buffer << 8) | (x & 0xff);
      bits += 8;
      while (bits >= 5) {
        s.append(ALPHABET.charAt((buffer >>> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      s.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
    }
    return s.toString();
  }

  /** Whether {@code s} is the canonical base32 (§1.3) of 16 bytes: an alert or agreement id. */
  public static boolean isCanonicalId16(String s) {
    if (s.length() != 26) {
      return false;
    }
    for (char c : s.toCharArray()) {
      if (ALPHABET.indexOf(c) < 0) {
        return false;
      }
    }
    // 16 bytes = 128 bits; 26 characters carry 130: the last character's low 2 bits are zero.
    return (ALPHABET.indexOf(s.charAt(25)) & 3) == 0;
  }

  /** A fresh id of the form of ALR-3. */
  public static String newId16() {
    byte[] b = new byte[16];
    RNG.nextBytes(b);
    return base32(b);
  }

  /** ID-2. */
  public static String nodeId(byte[] publicKey) {
    return "bdx" + base32(sha256(lp(ascii("bdx/v1/node-id"), publicKey)));
  }

  /** ID-3. */
  public static String fingerprint(String nodeId) {
    String s = nodeId.substring(3, 23);
    return String.join(
        "-",
        s.substring(0, 4),
        s.substring(4, 8),
        s.substring(8, 12),
        s.substring(12, 16),
        s.substring(16, 20));
  }

  /** SIG-2. */
  public static byte[] signingInput(String type, byte[] body) {
    return lp(ascii("bdx/v1/signature"), ascii(type), body);
  }

  /** SIG-4. */
  public static byte[] claimDigest(byte[] salt, byte[] claim) {
    return sha256(lp(ascii("bdx/v1/claim-digest"), salt, claim));
  }

  /** An Ed25519 node key (ID-1). */
  public record Keys(byte[] seed, byte[] publicKey, String nodeId) {
    public static Keys generate() {
      Ed25519PrivateKeyParameters sk = new Ed25519PrivateKeyParameters(RNG);
      byte[] pk = sk.generatePublicKey().getEncoded();
      return new Keys(sk.getEncoded(), pk, SpecCrypto.nodeId(pk));
    }

    public byte[] sign(String type, byte[] body) {
      Ed25519Signer s = new Ed25519Signer();
      s.init(true, new Ed25519PrivateKeyParameters(seed, 0));
      byte[] in = signingInput(type, body);
      s.update(in, 0, in.length);
      return s.generateSignature();
    }

    @Override
    public String toString() {
      return "Keys{" + nodeId + "}";
    }
  }

  /**
   * SIG-7 step 6: pure Ed25519 verification that never throws; a 32-byte key that is all zero or
   * fails to decode, a signature of the wrong length, or any library error is a failure.
   */
  public static boolean verify(byte[] publicKey, String type, byte[] body, byte[] signature) {
    if (publicKey == null
        || publicKey.length != 32
        || signature == null
        || signature.length != 64) {
      return false;
    }
    if (Arrays.equals(publicKey, new byte[32])) {
      return false;
    }
    try {
      Ed25519Signer v = new Ed25519Signer();
      v.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
      byte[] in = signingInput(type, body);
      v.update(in, 0, in.length);
      return v.verifySignature(signature);
    } catch (RuntimeException e) {
      return false;
    }
  }
}
