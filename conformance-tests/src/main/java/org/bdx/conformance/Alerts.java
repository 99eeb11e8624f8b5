package org.bdx.conformance;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.Claim;
import org.bdx.proto.v1.Disclosure;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.KeyEvent;
import org.bdx.proto.v1.KeyEventKind;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.SignedAlert;
import org.bdx.proto.v1.TimeOfDay;
import org.bdx.proto.v1.WorkSetting;

/**
 * Signed alerts as the spec defines them (section 4): a verifier running the checks of SIG-7 in
 * order, with or without the origin's held key log (KEY-18), and a signer for the suite's own
 * partner nodes (SIG-2, SIG-4, SIG-5).
 */
public final class Alerts {
  public static final int DIGEST_SLOTS = 16;

  private Alerts() {}

  /** A SIG-7 failure, named as the spec names it. */
  public static final class Rejected extends Exception {
    public final String reason;

    Rejected(String reason) {
      super(reason);
      this.reason = reason;
    }
  }

  /** What passed SIG-7: the header and the disclosed values by path. */
  public record Verified(AlertHeader header, Map<String, AlertFields> disclosed) {}

  /** The v1 claim paths (ALR-2): the field names of AlertFields. */
  public static Set<String> paths() {
    Set<String> s = new HashSet<>();
    for (FieldDescriptor f : AlertFields.getDescriptor().getFields()) {
      s.add(f.getName());
    }
    return s;
  }

  /**
   * SIG-7 on the exact envelope bytes.
   *
   * @param expectedOrigin the node id the item must come from (SIG-7.5), or null
   */
  public static Verified verify(byte[] envelopeBytes, String expectedOrigin) throws Rejected {
    return verify(envelopeBytes, expectedOrigin, null);
  }

  /**
   * SIG-7 on the exact envelope bytes, against the key log the receiver holds of the origin
   * (KEY-18).
   *
   * @param expectedOrigin the node id the item must come from (SIG-7.5), or null
   * @param heldLog the events of the origin's key log as verified by KEY-4, event 0 first, or null
   *     when the receiver holds none
   */
  public static Verified verify(byte[] envelopeBytes, String expectedOrigin, List<KeyEvent> heldLog)
      throws Rejected {
    SignedAlert env;
    try {
      env = SignedAlert.parseFrom(envelopeBytes);
    } catch (InvalidProtocolBufferException e) {
      throw new Rejected("ENVELOPE_MALFORMED");
    }
    return verify(env, expectedOrigin, heldLog);
  }

  public static Verified verify(SignedAlert env, String expectedOrigin) throws Rejected {
    return verify(env, expectedOrigin, null);
  }

  /**
   * SIG-7 against the key log the receiver holds of the origin: step 4 also accepts a later key
   * that log names (KEY-18.1), and step 11 runs (KEY-18.2).
   *
   * @param heldLog the events of a key log verified by KEY-4, event 0 first, or null when the
   *     receiver holds none. A log of another node than the header's {@code origin_node_id} is not
   *     a log of the origin: the envelope is checked as without one.
   */
  public static Verified verify(SignedAlert env, String expectedOrigin, List<KeyEvent> heldLog)
      throws Rejected {
    // 1
    if (!env.getUnknownFields().asMap().isEmpty()) {
      throw new Rejected("ENVELOPE_MALFORMED");
    }
    for (Disclosure d : env.getDisclosuresList()) {
      if (!d.getUnknownFields().asMap().isEmpty()) {
        throw new Rejected("ENVELOPE_MALFORMED");
      }
    }
    if (env.getSignature().size() != 64) {
      throw new Rejected("SIGNATURE_LENGTH");
    }
    if (env.getHeader().size() > 4096) {
      throw new Rejected("HEADER_TOO_LARGE");
    }
    if (env.getDisclosuresCount() > 32) {
      throw new Rejected("TOO_MANY_DISCLOSURES");
    }
    for (Disclosure d : env.getDisclosuresList()) {
      if (d.getClaim().size() > 16384) {
        throw new Rejected("CLAIM_TOO_LARGE");
      }
    }
    // 2
    AlertHeader h;
    try {
      if (!SpecWire.wellFormed(env.getHeader().toByteArray(), AlertHeader.getDescriptor())) {
        throw new Rejected("HEADER_MALFORMED");
      }
      h = AlertHeader.parseFrom(env.getHeader());
    } catch (InvalidProtocolBufferException e) {
      throw new Rejected("HEADER_MALFORMED");
    }
    if (!h.getUnknownFields().asMap().isEmpty()) {
      throw new Rejected("HEADER_UNKNOWN_FIELDS");
    }
    // 3
    if (!h.getDigestAlgorithm().equals("sha-256")) {
      throw new Rejected("UNSUPPORTED_DIGEST_ALGORITHM");
    }
    // 4: the key the origin's id was derived from, or a later one its held log names
    byte[] pk = h.getOriginPublicKey().toByteArray();
    if (pk.length != 32) {
      throw new Rejected("ORIGIN_KEY_MALFORMED");
    }
    List<KeyEvent> log =
        heldLog != null
                && !heldLog.isEmpty()
                && heldLog.get(0).getNodeId().equals(h.getOriginNodeId())
            ? heldLog
            : null;
    if (!SpecCrypto.nodeId(pk).equals(h.getOriginNodeId()) && !names(log, pk)) {
      throw new Rejected("ORIGIN_ID_MISMATCH");
    }
    // 5
    if (expectedOrigin != null && !expectedOrigin.equals(h.getOriginNodeId())) {
      throw new Rejected("UNEXPECTED_ORIGIN");
    }
    // 6
    if (!SpecCrypto.verify(
        pk,
        SpecCrypto.ALERT_HEADER_TYPE,
        env.getHeader().toByteArray(),
        env.getSignature().toByteArray())) {
      throw new Rejected("BAD_SIGNATURE");
    }
    // 7
    if (!SpecCrypto.isCanonicalId16(h.getAlertId())) {
      throw new Rejected("INVALID_ALERT_ID");
    }
    if (h.getVersion() < 1) { // uint64 read as signed: above 2^63-1 is negative
      throw new Rejected("INVALID_VERSION");
    }
    if (h.getStatusValue() < 1 || AlertStatus.forNumber(h.getStatusValue()) == null) {
      throw new Rejected("INVALID_STATUS");
    }
    if (h.getAudienceValue() < 1 || Audience.forNumber(h.getAudienceValue()) == null) {
      throw new Rejected("INVALID_AUDIENCE");
    }
    if (h.getIssuedAt() <= 0 || h.getExpiresAt() <= h.getIssuedAt()) {
      throw new Rejected("INVALID_VALIDITY");
    }
    // 8
    List<ByteString> digests = h.getClaimDigestsList();
    Set<ByteString> seen = new HashSet<>();
    for (ByteString d : digests) {
      if (d.size() != 32) {
        throw new Rejected("DIGEST_MALFORMED");
      }
      if (!seen.add(d)) {
        throw new Rejected("DUPLICATE_DIGEST");
      }
    }
    for (int i = 1; i < digests.size(); i++) {
      if (Arrays.compareUnsigned(digests.get(i - 1).toByteArray(), digests.get(i).toByteArray())
          >= 0) {
        throw new Rejected("DIGESTS_NOT_SORTED");
      }
    }
    boolean retracted = h.getStatus() == AlertStatus.ALERT_STATUS_RETRACTED;
    if (digests.size() != (retracted ? 0 : DIGEST_SLOTS)) {
      throw new Rejected("DIGEST_COUNT");
    }
    // 9
    if (retracted && env.getDisclosuresCount() > 0) {
      throw new Rejected("RETRACTION_WITH_DISCLOSURES");
    }
    // 10
    Set<String> known = paths();
    Map<String, AlertFields> disclosed = new TreeMap<>();
    for (Disclosure d : env.getDisclosuresList()) {
      int salt = d.getSalt().size();
      if (salt < 16 || salt > 64) {
        throw new Rejected("SALT_LENGTH");
      }
      ByteString digest =
          ByteString.copyFrom(
              SpecCrypto.claimDigest(d.getSalt().toByteArray(), d.getClaim().toByteArray()));
      if (!seen.contains(digest)) {
        throw new Rejected("DIGEST_NOT_IN_HEADER");
      }
      Claim c;
      try {
        if (!SpecWire.wellFormed(d.getClaim().toByteArray(), Claim.getDescriptor())) {
          throw new Rejected("CLAIM_MALFORMED");
        }
        c = Claim.parseFrom(d.getClaim());
      } catch (InvalidProtocolBufferException e) {
        throw new Rejected("CLAIM_MALFORMED");
      }
      if (!c.getUnknownFields().asMap().isEmpty()
          || !c.getValue().getUnknownFields().asMap().isEmpty()) {
        throw new Rejected("CLAIM_UNKNOWN_FIELDS");
      }
      if (!known.contains(c.getPath())) {
        throw new Rejected("UNKNOWN_PATH");
      }
      Map<FieldDescriptor, Object> set = c.getValue().getAllFields();
      if (set.size() != 1 || !set.keySet().iterator().next().getName().equals(c.getPath())) {
        throw new Rejected("CLAIM_VALUE_MISMATCH");
      }
      if (!enumsKnown(c.getValue())) {
        throw new Rejected("CLAIM_INVALID_VALUE");
      }
      if (disclosed.put(c.getPath(), c.getValue()) != null) {
        throw new Rejected("DUPLICATE_PATH");
      }
    }
    // 11: a key a REVOCATION replaced signs nothing new, whatever issued_at claims: its thief
    // can set any time.
    if (log != null && (!Arrays.equals(keyAt(log, h.getIssuedAt()), pk) || revoked(log, pk))) {
      throw new Rejected("KEY_NOT_TRUSTED");
    }
    return new Verified(h, disclosed);
  }

  /** KEY-18.1: {@code key} is the key of an event of {@code log}. */
  private static boolean names(List<KeyEvent> log, byte[] key) {
    return log != null
        && log.stream().anyMatch(e -> Arrays.equals(e.getPublicKey().toByteArray(), key));
  }

  /**
   * KEY-6: the key of the last event whose {@code valid_from} is at most {@code t}, or event 0's
   * whatever its own {@code valid_from}.
   */
  private static byte[] keyAt(List<KeyEvent> log, long t) {
    byte[] key = log.get(0).getPublicKey().toByteArray();
    for (int i = 1; i < log.size() && log.get(i).getValidFrom() <= t; i++) {
      key = log.get(i).getPublicKey().toByteArray();
    }
    return key;
  }

  /** KEY-7: a REVOCATION replaced {@code key}, the key of the event before it. */
  private static boolean revoked(List<KeyEvent> log, byte[] key) {
    for (int i = 1; i < log.size(); i++) {
      if (log.get(i).getKind() == KeyEventKind.KEY_EVENT_KIND_REVOCATION
          && Arrays.equals(log.get(i - 1).getPublicKey().toByteArray(), key)) {
        return true;
      }
    }
    return false;
  }

  private static boolean enumsKnown(AlertFields v) {
    for (int n : v.getHarmsValueList()) {
      if (n == 0 || HarmCategory.forNumber(n) == null) {
        return false;
      }
    }
    return known(v, "time_of_day", TimeOfDay.forNumber(v.getTimeOfDayValue()))
        && known(v, "work_setting", WorkSetting.forNumber(v.getWorkSettingValue()))
        && known(v, "severity", Severity.forNumber(v.getSeverityValue()));
  }

  private static boolean known(Message m, String field, Object value) {
    FieldDescriptor f = m.getDescriptorForType().findFieldByName(field);
    if (!m.hasField(f)) {
      return true;
    }
    return value != null && ((com.google.protobuf.ProtocolMessageEnum) value).getNumber() != 0;
  }

  /** The paths of the fields set in {@code fields} (PB-5). */
  public static Set<String> setPaths(AlertFields fields) {
    Set<String> s = new HashSet<>();
    fields.getAllFields().keySet().forEach(f -> s.add(f.getName()));
    return s;
  }

  /**
   * Signs one version (SIG-2, SIG-4, SIG-5) with fresh salts and decoys; the envelope carries every
   * disclosure, sorted by path. Use {@link #select} to redact it.
   */
  public static SignedAlert sign(
      SpecCrypto.Keys keys,
      String alertId,
      long version,
      AlertStatus status,
      long issuedAt,
      long expiresAt,
      Audience audience,
      AlertFields fields) {
    return sign(keys, alertId, version, status, issuedAt, expiresAt, audience, 0, fields);
  }

  /** As {@link #sign}, with the header's signed {@code max_hops} (ALR-7, RELAY-2). */
  public static SignedAlert sign(
      SpecCrypto.Keys keys,
      String alertId,
      long version,
      AlertStatus status,
      long issuedAt,
      long expiresAt,
      Audience audience,
      int maxHops,
      AlertFields fields) {
    Map<String, Disclosure> byPath = new TreeMap<>();
    List<byte[]> digests = new ArrayList<>();
    if (status != AlertStatus.ALERT_STATUS_RETRACTED) {
      Map<String, FieldDescriptor> all = new HashMap<>();
      fields.getAllFields().keySet().forEach(f -> all.put(f.getName(), f));
      for (var e : all.entrySet()) {
        AlertFields one =
            AlertFields.newBuilder().setField(e.getValue(), fields.getField(e.getValue())).build();
        byte[] claim = Claim.newBuilder().setPath(e.getKey()).setValue(one).build().toByteArray();
        byte[] salt = new byte[16];
        SpecCrypto.RNG.nextBytes(salt);
        digests.add(SpecCrypto.claimDigest(salt, claim));
        byPath.put(
            e.getKey(),
            Disclosure.newBuilder()
                .setSalt(ByteString.copyFrom(salt))
                .setClaim(ByteString.copyFrom(claim))
                .build());
      }
      while (digests.size() < DIGEST_SLOTS) {
        byte[] decoy = new byte[32];
        SpecCrypto.RNG.nextBytes(decoy);
        digests.add(decoy);
      }
      digests.sort(Arrays::compareUnsigned);
    }
    AlertHeader.Builder h =
        AlertHeader.newBuilder()
            .setOriginNodeId(keys.nodeId())
            .setOriginPublicKey(ByteString.copyFrom(keys.publicKey()))
            .setAlertId(alertId)
            .setVersion(version)
            .setStatus(status)
            .setIssuedAt(issuedAt)
            .setExpiresAt(expiresAt)
            .setAudience(audience)
            .setMaxHops(maxHops)
            .setDigestAlgorithm("sha-256");
    digests.forEach(d -> h.addClaimDigests(ByteString.copyFrom(d)));
    byte[] header = h.build().toByteArray();
    return SignedAlert.newBuilder()
        .setHeader(ByteString.copyFrom(header))
        .setSignature(ByteString.copyFrom(keys.sign(SpecCrypto.ALERT_HEADER_TYPE, header)))
        .addAllDisclosures(byPath.values())
        .build();
  }

  /** SIG-8: the envelope with only the disclosures whose path is in {@code keep}. */
  public static SignedAlert select(SignedAlert env, Set<String> keep) {
    SignedAlert.Builder b = env.toBuilder().clearDisclosures();
    for (Disclosure d : env.getDisclosuresList()) {
      try {
        if (keep.contains(Claim.parseFrom(d.getClaim()).getPath())) {
          b.addDisclosures(d);
        }
      } catch (InvalidProtocolBufferException e) {
        // dropped: fail closed
      }
    }
    return b.build();
  }
}
