package org.bdx.node.vault;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * The passphrase that unlocks a node's vault, held as characters and zeroed by {@link #close}. It
 * appears in no string form and no exception message.
 */
public final class Passphrase implements AutoCloseable {
  /** A passphrase file larger than this is not a passphrase file. */
  public static final int MAX_FILE_BYTES = 4096;

  private final char[] chars;
  private boolean closed;

  private Passphrase(char[] chars) {
    this.chars = chars;
  }

  /**
   * A passphrase of {@code chars}, which are copied (the caller zeroes its own array).
   *
   * @throws VaultException if it is empty
   */
  public static Passphrase of(char[] chars) {
    Objects.requireNonNull(chars, "chars");
    if (chars.length == 0) {
      throw new VaultException("the passphrase is empty");
    }
    return new Passphrase(chars.clone());
  }

  /**
   * A random passphrase of 32 characters (192 bits), for tests and the demo's temporary nodes. Its
   * text is returned once by {@link #reveal(SecretAccess)} so it can be written to a file.
   */
  public static Passphrase random(SecureRandom rng) {
    byte[] raw = new byte[24];
    rng.nextBytes(raw);
    char[] text = Base64.getUrlEncoder().withoutPadding().encodeToString(raw).toCharArray();
    Arrays.fill(raw, (byte) 0);
    return new Passphrase(text);
  }

  /**
   * Reads the passphrase from {@code file}: UTF-8, at most {@value #MAX_FILE_BYTES} bytes, one
   * trailing line end ({@code LF} or {@code CR LF}) removed, everything else kept as it is.
   *
   * @throws VaultException if the file is missing, unreadable, too large, not UTF-8 or empty
   */
  public static Passphrase fromFile(Path file) {
    Objects.requireNonNull(file, "file");
    byte[] raw = null;
    try {
      if (!Files.isRegularFile(file)) {
        throw new VaultException("the passphrase file " + file + " does not exist");
      }
      try (InputStream in = Files.newInputStream(file)) {
        raw = in.readNBytes(MAX_FILE_BYTES + 1);
      }
      if (raw.length > MAX_FILE_BYTES) {
        throw new VaultException(
            "the passphrase file " + file + " is larger than " + MAX_FILE_BYTES + " bytes");
      }
      return fromBytes(raw, "the passphrase file " + file);
    } catch (NoSuchFileException e) {
      throw new VaultException("the passphrase file " + file + " does not exist");
    } catch (IOException e) {
      throw new VaultException(
          "cannot read the passphrase file " + file + " (" + e.getClass().getSimpleName() + ")");
    } finally {
      if (raw != null) {
        Arrays.fill(raw, (byte) 0);
      }
    }
  }

  private static Passphrase fromBytes(byte[] raw, String what) {
    int end = raw.length;
    if (end > 0 && raw[end - 1] == '\n') {
      end--;
      if (end > 0 && raw[end - 1] == '\r') {
        end--;
      }
    }
    if (end == 0) {
      throw new VaultException(what + " is empty");
    }
    CharBuffer decoded;
    try {
      decoded =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(raw, 0, end));
    } catch (CharacterCodingException e) {
      throw new VaultException(what + " is not UTF-8 text");
    }
    char[] chars = Arrays.copyOfRange(decoded.array(), decoded.position(), decoded.limit());
    Arrays.fill(decoded.array(), '\0');
    return new Passphrase(chars);
  }

  /** Whether both hold the same characters, compared in constant time for equal lengths. */
  public boolean sameAs(Passphrase other) {
    check();
    other.check();
    if (chars.length != other.chars.length) {
      return false;
    }
    int diff = 0;
    for (int i = 0; i < chars.length; i++) {
      diff |= chars[i] ^ other.chars[i];
    }
    return diff == 0;
  }

  /** A copy of the characters; the caller zeroes it. Every caller is a place a secret leaves. */
  public char[] reveal(SecretAccess access) {
    Objects.requireNonNull(access, "reading a passphrase needs a SecretAccess token");
    check();
    return chars.clone();
  }

  /** The passphrase as UTF-8 bytes, for the key derivation; the caller zeroes the array. */
  byte[] utf8() {
    check();
    ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
    byte[] out = Arrays.copyOfRange(b.array(), b.position(), b.limit());
    Arrays.fill(b.array(), (byte) 0);
    return out;
  }

  private void check() {
    if (closed) {
      throw new IllegalStateException("the passphrase was closed");
    }
  }

  /** Zeroes the characters; the passphrase cannot be used afterwards. */
  @Override
  public void close() {
    Arrays.fill(chars, '\0');
    closed = true;
  }

  @Override
  public String toString() {
    return "Passphrase[<redacted>]";
  }
}
