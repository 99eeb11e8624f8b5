package org.bdx.node.signing;

import static org.bdx.node.signing.VerificationException.Reason.*;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.Claim;
import org.bdx.proto.v1.Disclosure;
import org.bdx.proto.v1.SignedAlert;

/**
 * Verifies a signed alert envelope with the checks of spec SIG-7, in that order; the first failure
 * is reported. Thread-safe; it keeps only a small cache of node ids derived from origin keys.
 * Freshness (expiry, replay of older versions) is the store's business, not this class's.
 */
public final class AlertVerifier {
  /** SIG-7.1 bounds. */
  public static final int MAX_HEADER_BYTES = 4096;

  public static final int MAX_CLAIM_BYTES = 16384;
  public static final int MAX_DISCLOSURES = 32;

  private static final Comparator<ByteString> UNSIGNED =
      ByteString.unsignedLexicographicalComparator();

  /** Node ids of the origin keys seen lately: a feed repeats a handful of origins. */
  private final Map<ByteString, NodeId> nodeIds = new ConcurrentHashMap<>();

  private static final int NODE_IDS_MAX = 256;

  private final SigningKeys keys;

  /** A verifier for a node that holds no key logs: every origin signs with its first key. */
  public AlertVerifier() {
    this(SigningKeys.NONE);
  }

  /** A verifier that checks origin keys against the key logs {@code keys} holds (KEY-18). */
  public AlertVerifier(SigningKeys keys) {
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  /**
   * The node id of {@code key} (ID-2), from a small cache; emptied when full, so a peer cycling
   * keys costs no more than deriving every time.
   */
  private NodeId nodeIdOf(ByteString key, byte[] keyBytes) {
    NodeId id = nodeIds.get(key);
    if (id == null) {
      id = NodeId.fromPublicKey(keyBytes);
      if (nodeIds.size() >= NODE_IDS_MAX) {
        nodeIds.clear();
      }
      nodeIds.put(key, id);
    }
    return id;
  }

  /** The key logs this verifier checks origin keys against (and hop statements, RELAY-8). */
  public SigningKeys signingKeys() {
    return keys;
  }

  /** Verifies {@code envelope} whatever its origin. */
  public VerifiedAlert verify(SignedAlert envelope) throws VerificationException {
    return verify(envelope, null);
  }

  /** Verifies {@code envelope} and that its origin is {@code expectedOrigin} (null = any). */
  public VerifiedAlert verify(SignedAlert envelope, NodeId expectedOrigin)
      throws VerificationException {
    Objects.requireNonNull(envelope, "envelope");

    // SIG-7.1 envelope bounds.
    if (!envelope.getUnknownFields().asMap().isEmpty()) {
      throw fail(ENVELOPE_MALFORMED, "envelope has unknown fields");
    }
    for (Disclosure d : envelope.getDisclosuresList()) {
      if (!d.getUnknownFields().asMap().isEmpty()) {
        throw fail(ENVELOPE_MALFORMED, "a disclosure has unknown fields");
      }
    }
    if (envelope.getSignature().size() != NodeKeys.SIGNATURE_LENGTH) {
      throw fail(SIGNATURE_LENGTH, "signature must be 64 bytes");
    }
    if (envelope.getHeader().size() > MAX_HEADER_BYTES) {
      throw fail(HEADER_TOO_LARGE, "header exceeds " + MAX_HEADER_BYTES + " bytes");
    }
    if (envelope.getDisclosuresCount() > MAX_DISCLOSURES) {
      throw fail(TOO_MANY_DISCLOSURES, "more than " + MAX_DISCLOSURES + " disclosures");
    }
    for (Disclosure d : envelope.getDisclosuresList()) {
      if (d.getClaim().size() > MAX_CLAIM_BYTES) {
        throw fail(CLAIM_TOO_LARGE, "a claim exceeds " + MAX_CLAIM_BYTES + " bytes");
      }
    }

    // SIG-7.2 header parses.
    byte[] headerBytes = envelope.getHeader().toByteArray();
    AlertHeader header;
    try {
      if (!WireCheck.wellFormed(headerBytes, AlertHeader.getDescriptor())) {
        throw fail(HEADER_MALFORMED, "header does not parse"); // PB-1: a tag wider than 32 bits
      }
      header = AlertHeader.parseFrom(headerBytes);
    } catch (InvalidProtocolBufferException e) {
      throw fail(HEADER_MALFORMED, "header does not parse");
    }
    if (!header.getUnknownFields().asMap().isEmpty()) {
      throw fail(HEADER_UNKNOWN_FIELDS, "header has fields unknown to bdx.v1");
    }

    // SIG-7.3 digest algorithm.
    if (!ClaimDigest.ALGORITHM.equals(header.getDigestAlgorithm())) {
      throw fail(UNSUPPORTED_DIGEST_ALGORITHM, "digest_algorithm must be \"sha-256\"");
    }

    // SIG-7.4 origin key and id.
    byte[] originKey = header.getOriginPublicKey().toByteArray();
    if (originKey.length != NodeKeys.PUBLIC_KEY_LENGTH) {
      throw fail(ORIGIN_KEY_MALFORMED, "origin_public_key must be 32 bytes");
    }
    NodeId origin = nodeIdOf(header.getOriginPublicKey(), originKey);
    if (!origin.value().equals(header.getOriginNodeId())) {
      // A rotated key (KEY-1): the origin's id is its first key's; its held log must name this key.
      origin = keys.nodeNaming(header.getOriginNodeId(), originKey);
      if (origin == null) {
        throw fail(
            ORIGIN_ID_MISMATCH,
            "origin_node_id is not the id of origin_public_key, nor a node whose key log names it");
      }
    }

    // SIG-7.5 expected origin.
    if (expectedOrigin != null && !expectedOrigin.equals(origin)) {
      throw fail(UNEXPECTED_ORIGIN, "alert is from another origin than expected");
    }

    // SIG-7.6 signature.
    if (!NodeKeys.verify(
        originKey,
        SigningInput.ofAlertHeader(headerBytes),
        envelope.getSignature().toByteArray())) {
      throw fail(BAD_SIGNATURE, "signature does not verify");
    }

    // SIG-7.7 header sanity.
    if (!AlertDraft.isValidAlertId(header.getAlertId())) {
      throw fail(INVALID_ALERT_ID, "alert_id is malformed");
    }
    if (header.getVersion() < 1) { // uint64 above 2^63-1 reads as negative
      throw fail(INVALID_VERSION, "version must be in 1..2^63-1");
    }
    AlertStatus status = header.getStatus();
    if (status == AlertStatus.ALERT_STATUS_UNSPECIFIED || status == AlertStatus.UNRECOGNIZED) {
      throw fail(INVALID_STATUS, "status is unspecified or unknown");
    }
    Audience audience = header.getAudience();
    if (audience == Audience.AUDIENCE_UNSPECIFIED || audience == Audience.UNRECOGNIZED) {
      throw fail(INVALID_AUDIENCE, "audience is unspecified or unknown");
    }
    if (header.getIssuedAt() <= 0 || header.getExpiresAt() <= header.getIssuedAt()) {
      throw fail(INVALID_VALIDITY, "issued_at must be positive and expires_at later");
    }

    // SIG-7.8 digests.
    List<ByteString> digests = header.getClaimDigestsList();
    Set<ByteString> committed = new HashSet<>();
    for (ByteString digest : digests) {
      if (digest.size() != ClaimDigest.LENGTH) {
        throw fail(DIGEST_MALFORMED, "a claim digest is not 32 bytes");
      }
      if (!committed.add(digest)) {
        throw fail(DUPLICATE_DIGEST, "a claim digest appears twice");
      }
    }
    for (int i = 1; i < digests.size(); i++) {
      if (UNSIGNED.compare(digests.get(i - 1), digests.get(i)) >= 0) {
        throw fail(DIGESTS_NOT_SORTED, "claim digests are not in ascending order");
      }
    }
    boolean retracted = status == AlertStatus.ALERT_STATUS_RETRACTED;
    int expectedCount = retracted ? 0 : AlertSigner.DIGEST_SLOTS;
    if (digests.size() != expectedCount) {
      throw fail(
          DIGEST_COUNT, "expected " + expectedCount + " claim digests, found " + digests.size());
    }

    // SIG-7.9 retractions disclose nothing.
    if (retracted && envelope.getDisclosuresCount() > 0) {
      throw fail(RETRACTION_WITH_DISCLOSURES, "a retraction carries disclosures");
    }

    // SIG-7.10 each disclosure.
    AlertFields.Builder merged = AlertFields.newBuilder();
    TreeSet<String> paths = new TreeSet<>();
    for (Disclosure d : envelope.getDisclosuresList()) {
      int saltLength = d.getSalt().size();
      if (saltLength < ClaimDigest.MIN_SALT_LENGTH || saltLength > ClaimDigest.MAX_SALT_LENGTH) {
        throw fail(SALT_LENGTH, "salt must be 16 to 64 bytes");
      }
      byte[] claimBytes = d.getClaim().toByteArray();
      ByteString digest =
          ByteString.copyFrom(ClaimDigest.compute(d.getSalt().toByteArray(), claimBytes));
      if (!committed.contains(digest)) {
        throw fail(DIGEST_NOT_IN_HEADER, "a disclosure is not committed in the header");
      }
      Claim claim;
      try {
        if (!WireCheck.wellFormed(claimBytes, Claim.getDescriptor())) {
          throw fail(CLAIM_MALFORMED, "a claim does not parse"); // PB-1
        }
        claim = Claim.parseFrom(claimBytes);
      } catch (InvalidProtocolBufferException e) {
        throw fail(CLAIM_MALFORMED, "a claim does not parse");
      }
      if (!claim.getUnknownFields().asMap().isEmpty()
          || !claim.getValue().getUnknownFields().asMap().isEmpty()) {
        throw fail(CLAIM_UNKNOWN_FIELDS, "a claim has unknown fields");
      }
      FieldDescriptor fd = ClaimPaths.BY_NAME.get(claim.getPath());
      if (fd == null) {
        throw fail(UNKNOWN_PATH, "a claim path is not an AlertFields field");
      }
      AlertFields value = claim.getValue();
      if (!setsExactly(value, fd)) {
        throw fail(CLAIM_VALUE_MISMATCH, "claim value must set exactly the field its path names");
      }
      if (!enumValuesKnown(fd, value.getField(fd))) {
        throw fail(CLAIM_INVALID_VALUE, "claim value holds an unknown or unspecified enum number");
      }
      if (!paths.add(claim.getPath())) {
        throw fail(DUPLICATE_PATH, "a path is disclosed twice");
      }
      merged.mergeFrom(claim.getValue());
    }

    // SIG-7.11 the key signs for the origin at issued_at, by the origin's held key log (KEY-18).
    if (!keys.signsNew(origin, originKey, header.getIssuedAt())) {
      throw fail(
          KEY_NOT_TRUSTED,
          "origin_public_key does not sign for the origin at issued_at, or the origin revoked it");
    }
    return new VerifiedAlert(header, merged.build(), paths, envelope);
  }

  /**
   * Whether {@code value} sets {@code fd} and no other field: what {@code getAllFields()} holding
   * exactly {@code fd} means, without reflecting over every field of AlertFields for every claim
   * (that showed in the catch-up profile). A copy holding only {@code fd} is equal to {@code value}
   * exactly when no other field is set; unknown fields were refused before.
   */
  private static boolean setsExactly(AlertFields value, FieldDescriptor fd) {
    boolean present = fd.isRepeated() ? value.getRepeatedFieldCount(fd) > 0 : value.hasField(fd);
    return present
        && AlertFields.newBuilder().setField(fd, value.getField(fd)).build().equals(value);
  }

  private static boolean enumValuesKnown(FieldDescriptor fd, Object value) {
    if (fd.getJavaType() != FieldDescriptor.JavaType.ENUM) {
      return true;
    }
    List<?> values = fd.isRepeated() ? (List<?>) value : List.of(value);
    for (Object v : values) {
      EnumValueDescriptor e = (EnumValueDescriptor) v;
      if (e.getNumber() == 0 || fd.getEnumType().findValueByNumber(e.getNumber()) == null) {
        return false;
      }
    }
    return true;
  }

  private static VerificationException fail(VerificationException.Reason reason, String message) {
    return new VerificationException(reason, message);
  }
}
