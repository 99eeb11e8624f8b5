package org.bdx.node.signing;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bdx.node.identity.NodeKeys;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.Claim;
import org.bdx.proto.v1.Disclosure;
import org.bdx.proto.v1.SignedAlert;

/**
 * Signs alert versions (spec SIG-3..SIG-5): one header per version that commits to every set field
 * through a freshly salted digest, padded with random decoys to {@link #DIGEST_SLOTS} digests, and
 * an envelope carrying every disclosure. Per-partner redaction then drops disclosures with {@link
 * Disclosures#select}.
 *
 * <p>All randomness (salts, decoys) is drawn with {@link SecureRandom#nextBytes} from the generator
 * passed in. Thread-safe if the generator is.
 */
public final class AlertSigner {
  /** Number of claim digests in the header of every non-retracted alert (SIG-5). */
  public static final int DIGEST_SLOTS = 16;

  static {
    if (ClaimPaths.NAMES.size() > DIGEST_SLOTS) {
      throw new ExceptionInInitializerError("AlertFields has more fields than DIGEST_SLOTS");
    }
  }

  private static final Comparator<ByteString> UNSIGNED =
      ByteString.unsignedLexicographicalComparator();

  private final NodeKeys keys;
  private final SecureRandom rng;

  public AlertSigner(NodeKeys keys, SecureRandom rng) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.rng = Objects.requireNonNull(rng, "rng");
  }

  /** Signs {@code draft}; the envelope carries every disclosure, sorted by path. */
  public SignedAlert sign(AlertDraft draft) {
    Objects.requireNonNull(draft, "draft");
    List<Disclosure> disclosures = new ArrayList<>();
    List<ByteString> digests = new ArrayList<>();
    if (!draft.retracted()) {
      Map<FieldDescriptor, Object> set = draft.fields().getAllFields();
      // ClaimPaths.NAMES is in field-number order; sorted by path below.
      for (String path : ClaimPaths.NAMES) {
        FieldDescriptor fd = ClaimPaths.BY_NAME.get(path);
        if (!set.containsKey(fd)) {
          continue;
        }
        AlertFields value = AlertFields.newBuilder().setField(fd, set.get(fd)).build();
        byte[] claim = Claim.newBuilder().setPath(path).setValue(value).build().toByteArray();
        byte[] salt = new byte[ClaimDigest.SALT_LENGTH];
        rng.nextBytes(salt);
        digests.add(ByteString.copyFrom(ClaimDigest.compute(salt, claim)));
        disclosures.add(
            Disclosure.newBuilder()
                .setSalt(ByteString.copyFrom(salt))
                .setClaim(ByteString.copyFrom(claim))
                .build());
      }
      while (digests.size() < DIGEST_SLOTS) {
        byte[] decoy = new byte[ClaimDigest.LENGTH];
        rng.nextBytes(decoy);
        digests.add(ByteString.copyFrom(decoy));
      }
      digests.sort(UNSIGNED);
      for (int i = 1; i < digests.size(); i++) {
        if (digests.get(i - 1).equals(digests.get(i))) {
          // 2^-256 for honest randomness; a broken generator must not yield an invalid header.
          throw new IllegalStateException("duplicate claim digest: the random generator is broken");
        }
      }
    }
    AlertHeader header =
        AlertHeader.newBuilder()
            .setOriginNodeId(keys.nodeId().value())
            .setOriginPublicKey(ByteString.copyFrom(keys.publicKey()))
            .setAlertId(draft.alertId())
            .setVersion(draft.version())
            .setStatus(draft.status())
            .setIssuedAt(draft.issuedAt())
            .setExpiresAt(draft.expiresAt())
            .setAudience(draft.audience())
            .setMaxHops(draft.maxHops())
            .setDigestAlgorithm(ClaimDigest.ALGORITHM)
            .addAllClaimDigests(digests)
            .build();
    return signHeader(keys, header.toByteArray(), disclosures);
  }

  /**
   * Wraps exact header bytes into an envelope signed under SIG-2, disclosures sorted by path.
   * Package-private: the test vector generator uses it to sign deliberately broken headers.
   */
  static SignedAlert signHeader(NodeKeys keys, byte[] headerBytes, List<Disclosure> disclosures) {
    byte[] signature = keys.sign(SigningInput.ofAlertHeader(headerBytes));
    List<Disclosure> sorted = new ArrayList<>(disclosures);
    sorted.sort(Comparator.comparing(AlertSigner::pathOf));
    return SignedAlert.newBuilder()
        .setHeader(ByteString.copyFrom(headerBytes))
        .setSignature(ByteString.copyFrom(signature))
        .addAllDisclosures(sorted)
        .build();
  }

  private static String pathOf(Disclosure d) {
    return Disclosures.pathOf(d).orElse("");
  }
}
