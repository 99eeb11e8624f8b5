package org.bdx.node.signing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import org.bdx.node.identity.LengthPrefixed;

/**
 * A deterministic "random" source for test vectors ONLY. The output stream is block_0 || block_1 ||
 * ... with block_i = SHA-256(u64be(13)||"bdx/test/drbg"||u64be(len(label))||label||
 * u64be(8)||u64be(i)), consumed in order by successive nextBytes calls (spec/vectors/README.md).
 */
public final class DeterministicRandom extends SecureRandom {
  private static final long serialVersionUID = 1L;

  public DeterministicRandom(String label) {
    super(new Spi(label.getBytes(StandardCharsets.UTF_8)), null);
  }

  private static final class Spi extends SecureRandomSpi {
    private static final long serialVersionUID = 1L;
    private final byte[] label;
    private long counter;
    private byte[] block = new byte[0];
    private int pos;

    Spi(byte[] label) {
      this.label = label;
    }

    @Override
    protected void engineSetSeed(byte[] seed) {
      throw new UnsupportedOperationException("deterministic test source");
    }

    @Override
    protected void engineNextBytes(byte[] bytes) {
      for (int i = 0; i < bytes.length; i++) {
        if (pos == block.length) {
          block = nextBlock();
          pos = 0;
        }
        bytes[i] = block[pos++];
      }
    }

    @Override
    protected byte[] engineGenerateSeed(int numBytes) {
      byte[] b = new byte[numBytes];
      engineNextBytes(b);
      return b;
    }

    private byte[] nextBlock() {
      byte[] c = ByteBuffer.allocate(8).putLong(counter++).array();
      try {
        return MessageDigest.getInstance("SHA-256")
            .digest(LengthPrefixed.concat(LengthPrefixed.ascii("bdx/test/drbg"), label, c));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
