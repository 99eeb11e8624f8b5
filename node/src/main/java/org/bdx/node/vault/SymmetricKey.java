package org.bdx.node.vault;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * A 256-bit key for AES-256-GCM (the JDK's) and for deriving subkeys with HKDF-SHA256 (Bouncy
 * Castle's). A sealed value is {@code nonce (12 bytes) || ciphertext || tag (16 bytes)} with a
 * fresh random nonce. The key bytes leave only through {@link #export(SecretAccess)}; {@link
 * #close} zeroes them.
 */
public final class SymmetricKey implements AutoCloseable {
  public static final int LENGTH = 32;
  public static final int NONCE_LENGTH = 12;
  public static final int TAG_LENGTH = 16;

  /** What sealing adds to a plaintext: nonce and tag. */
  public static final int OVERHEAD = NONCE_LENGTH + TAG_LENGTH;

  private final byte[] key;
  private boolean closed;

  /**
   * Per thread, one cipher that opens under this key, so that opening many values (a search reads
   * sealed rows one after another) sets up the cipher and the AES key schedule once, not per value
   * (docs/benchmarks.md, encrypted store). Sealing takes a fresh cipher: a reused GCM cipher
   * refuses a nonce it used last, which a test's fixed random source may give.
   */
  private final ThreadLocal<Cipher> openers = new ThreadLocal<>();

  private SymmetricKey(byte[] key) {
    this.key = key;
  }

  /** 32 fresh bytes from {@code rng}. */
  public static SymmetricKey random(SecureRandom rng) {
    byte[] k = new byte[LENGTH];
    rng.nextBytes(k);
    return new SymmetricKey(k);
  }

  /** The key of 32 bytes; the array is copied (the caller zeroes its own). */
  public static SymmetricKey of(byte[] key32) {
    if (key32 == null || key32.length != LENGTH) {
      throw new IllegalArgumentException("a key is 32 bytes");
    }
    return new SymmetricKey(key32.clone());
  }

  /**
   * HKDF-SHA256 (RFC 5869) of this key with no salt and {@code label} (ASCII) as info: a key for
   * one purpose, independent of the keys for every other label.
   */
  public SymmetricKey derive(String label) {
    Objects.requireNonNull(label, "label");
    check();
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(key, null, label.getBytes(StandardCharsets.US_ASCII)));
    byte[] out = new byte[LENGTH];
    hkdf.generateBytes(out, 0, LENGTH);
    return new SymmetricKey(out);
  }

  /** AES-256-GCM of {@code plaintext} with {@code aad}, under a fresh nonce from {@code rng}. */
  public byte[] seal(byte[] aad, byte[] plaintext, SecureRandom rng) {
    check();
    byte[] nonce = new byte[NONCE_LENGTH];
    rng.nextBytes(nonce);
    try {
      Cipher c = cipher(Cipher.ENCRYPT_MODE, nonce);
      c.updateAAD(aad);
      byte[] out = new byte[NONCE_LENGTH + c.getOutputSize(plaintext.length)];
      System.arraycopy(nonce, 0, out, 0, NONCE_LENGTH);
      int n = c.doFinal(plaintext, 0, plaintext.length, out, NONCE_LENGTH);
      if (n != out.length - NONCE_LENGTH) {
        throw new IllegalStateException("AES-GCM wrote an unexpected length");
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /**
   * Opens a value made by {@link #seal} with the same {@code aad}.
   *
   * @throws VaultException if the value is too short or its tag does not match (another key,
   *     another aad, or altered bytes); the message says nothing of the content
   */
  public byte[] open(byte[] aad, byte[] sealed) {
    check();
    if (sealed == null || sealed.length < OVERHEAD) {
      throw new VaultException("a sealed value is too short");
    }
    try {
      Cipher c = openers.get();
      if (c == null) {
        c = Cipher.getInstance("AES/GCM/NoPadding");
        openers.set(c);
      }
      c.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(key, "AES"),
          new GCMParameterSpec(TAG_LENGTH * 8, sealed, 0, NONCE_LENGTH));
      c.updateAAD(aad);
      return c.doFinal(sealed, NONCE_LENGTH, sealed.length - NONCE_LENGTH);
    } catch (AEADBadTagException e) {
      throw new VaultException("a sealed value does not open with this key");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  private Cipher cipher(int mode, byte[] nonce) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_LENGTH * 8, nonce));
    return c;
  }

  /** A copy of the 32 key bytes. Every caller is a place where a secret leaves this object. */
  public byte[] export(SecretAccess access) {
    Objects.requireNonNull(access, "reading a secret key needs a SecretAccess token");
    check();
    return key.clone();
  }

  private void check() {
    if (closed) {
      throw new IllegalStateException("the key was closed");
    }
  }

  /** Zeroes the key bytes; the key cannot be used afterwards. */
  @Override
  public void close() {
    Arrays.fill(key, (byte) 0);
    closed = true;
  }

  @Override
  public String toString() {
    return "SymmetricKey[<redacted>]";
  }
}
