package org.bdx.node.store;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.bdx.node.vault.SymmetricKey;
import org.bdx.node.vault.VaultException;
import org.bdx.proto.v1.Report;

/**
 * Reports encrypted at rest (spec AR-3): each body is AES-256-GCM under the report's own data key
 * from {@link ReportKeys}, so destroying the key destroys every copy of the body.
 *
 * <pre>
 * body = ASCII "BDXR" || 0x01 || nonce (12) || AES-256-GCM(data key, aad, serialized Report) || tag
 * aad  = ASCII "bdx/v1/at-rest/report" || 0x00 || ASCII report id
 * </pre>
 *
 * The report id in the associated data ties a body to its row: a body moved to another report's row
 * does not open.
 */
public final class SealedReportCodec implements ReportCodec {
  private static final byte[] PREFIX = {'B', 'D', 'X', 'R', 1};
  private static final String AAD_LABEL = "bdx/v1/at-rest/report";

  private final ReportKeys keys;
  private final SecureRandom rng;

  public SealedReportCodec(ReportKeys keys, SecureRandom rng) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.rng = Objects.requireNonNull(rng, "rng");
  }

  /** Makes the report's key first if it has none: the key is on disk before the body is. */
  @Override
  public byte[] encode(String reportId, Report report) {
    byte[] plain = report.toByteArray();
    try (SymmetricKey k = keys.keyFor(reportId)) {
      byte[] sealed = k.seal(aad(reportId), plain, rng);
      byte[] out = new byte[PREFIX.length + sealed.length];
      System.arraycopy(PREFIX, 0, out, 0, PREFIX.length);
      System.arraycopy(sealed, 0, out, PREFIX.length, sealed.length);
      return out;
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  @Override
  public Report decode(String reportId, byte[] stored) {
    if (!hasPrefix(stored)) {
      throw new StoreException("stored report " + reportId + " is not encrypted");
    }
    Optional<SymmetricKey> key = keys.find(reportId);
    if (key.isEmpty()) {
      throw new StoreException(
          "stored report "
              + reportId
              + " cannot be read: its key was destroyed (a purge that did not finish; purge it"
              + " again)");
    }
    byte[] plain = null;
    try (SymmetricKey k = key.get()) {
      plain = k.open(aad(reportId), body(stored));
      return Report.parseFrom(plain);
    } catch (VaultException | InvalidProtocolBufferException e) {
      throw new StoreException("stored report " + reportId + " cannot be read");
    } finally {
      if (plain != null) {
        Arrays.fill(plain, (byte) 0);
      }
    }
  }

  /** Whether {@code stored} is a body this codec wrote and can open (not a plaintext one). */
  @Override
  public boolean encoded(String reportId, byte[] stored) {
    if (!hasPrefix(stored)) {
      return false;
    }
    Optional<SymmetricKey> key = keys.find(reportId);
    if (key.isEmpty()) {
      return false;
    }
    try (SymmetricKey k = key.get()) {
      Arrays.fill(k.open(aad(reportId), body(stored)), (byte) 0);
      return true;
    } catch (VaultException e) {
      return false;
    }
  }

  @Override
  public void destroy(String reportId) {
    keys.destroy(reportId);
  }

  private static boolean hasPrefix(byte[] stored) {
    return stored != null
        && stored.length > PREFIX.length
        && Arrays.equals(stored, 0, PREFIX.length, PREFIX, 0, PREFIX.length);
  }

  private static byte[] body(byte[] stored) {
    return Arrays.copyOfRange(stored, PREFIX.length, stored.length);
  }

  private static byte[] aad(String reportId) {
    return (AAD_LABEL + "\0" + reportId).getBytes(StandardCharsets.US_ASCII);
  }
}
