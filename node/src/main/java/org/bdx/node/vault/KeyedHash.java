package org.bdx.node.vault;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 (the JDK's) under one secret key: a value that stands in for a searchable value
 * without revealing it to whoever lacks the key (spec AR-7). Thread-safe: each thread has its own
 * {@link Mac}, initialised once. {@link #close} zeroes the key; threads that still hold a {@code
 * Mac} are refused from then on.
 */
public final class KeyedHash implements AutoCloseable {
  private final byte[] key;
  private final ThreadLocal<Mac> macs;
  private volatile boolean closed;

  private KeyedHash(byte[] key) {
    this.key = key;
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  /** A keyed hash under {@code key}'s bytes; {@code key} stays open and owned by the caller. */
  public static KeyedHash of(SymmetricKey key) {
    Objects.requireNonNull(key, "key");
    return new KeyedHash(key.export(SecretAccess.INSECURE));
  }

  /** The 32-byte HMAC-SHA256 of {@code data}. */
  public byte[] hash(byte[] data) {
    Objects.requireNonNull(data, "data");
    if (closed) {
      throw new IllegalStateException("the keyed hash was closed");
    }
    return macs.get().doFinal(data);
  }

  /** The first 8 bytes of {@link #hash}, big-endian, as a signed long. */
  public long hash64(byte[] data) {
    byte[] h = hash(data);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (h[i] & 0xff);
    }
    return v;
  }

  private Mac newMac() {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      return m;
    } catch (InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 refused the key");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  /** Zeroes the key. */
  @Override
  public void close() {
    closed = true;
    Arrays.fill(key, (byte) 0);
  }

  @Override
  public String toString() {
    return "KeyedHash[<redacted>]";
  }
}
