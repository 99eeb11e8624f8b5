package org.bdx.conformance;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.HopStatement;
import org.bdx.proto.v1.SignedHop;

/**
 * Hop statements as the spec defines them (RELAY-8): a verifier running RELAY-8.1 to RELAY-8.3 in
 * order on a feed item's statements, and a signer for the suite's own nodes. Written from the
 * spec's text; shares no code with any node implementation.
 */
public final class HopPaths {
  public static final String HOP_STATEMENT_TYPE = "bdx.v1.HopStatement";

  private HopPaths() {}

  /** A RELAY-8 failure: the FEED-8 reason and the check's name, as the spec names them. */
  public static final class Rejected extends Exception {
    public final String reason;
    public final String detail;

    Rejected(String reason, String detail) {
      super(reason + "/" + detail);
      this.reason = reason;
      this.detail = detail;
    }
  }

  /** RELAY-8: SHA-256(LP("bdx/v1/header-digest", header)). */
  public static byte[] headerDigest(byte[] header) {
    return SpecCrypto.sha256(SpecCrypto.lp(SpecCrypto.ascii("bdx/v1/header-digest"), header));
  }

  /** The statement of {@code from} that it sends the version of {@code header} to {@code to}. */
  public static SignedHop sign(SpecCrypto.Keys from, byte[] header, String to, long hopsLeft) {
    byte[] statement =
        HopStatement.newBuilder()
            .setHeaderDigest(ByteString.copyFrom(headerDigest(header)))
            .setFromNodeId(from.nodeId())
            .setFromPublicKey(ByteString.copyFrom(from.publicKey()))
            .setToNodeId(to)
            .setHopsLeft((int) hopsLeft)
            .build()
            .toByteArray();
    return SignedHop.newBuilder()
        .setStatement(ByteString.copyFrom(statement))
        .setSignature(ByteString.copyFrom(from.sign(HOP_STATEMENT_TYPE, statement)))
        .build();
  }

  /**
   * RELAY-8.1 to RELAY-8.3 for the statements of an item with content whose envelope passed SIG-7.
   * A path through the receiver throws with reason {@code IGNORED} (RELAY-5).
   *
   * @param limit the receiver's max_relay_hops from the sender (0 without may_relay)
   * @return the signers, origin first
   */
  public static List<String> verify(
      List<SignedHop> hops,
      byte[] header,
      long relayHops,
      long hopsLeft,
      String sender,
      String receiver,
      long limit)
      throws Rejected {
    AlertHeader h;
    try {
      h = AlertHeader.parseFrom(header);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("the header passed SIG-7 before", e);
    }
    int n = hops.size();
    boolean fits = relayHops == 0 ? n == 1 || (n == 0 && hopsLeft == 0) : n - 1L == relayHops;
    if (!fits || n > 9) {
      throw invalid("STATEMENT_COUNT");
    }
    byte[] digest = headerDigest(header);
    List<HopStatement> st = new ArrayList<>();
    for (SignedHop sh : hops) {
      HopStatement s;
      byte[] bytes = sh.getStatement().toByteArray();
      try {
        if (!sh.getUnknownFields().asMap().isEmpty()
            || bytes.length > 1024
            || !SpecWire.wellFormed(bytes, HopStatement.getDescriptor())) {
          throw invalid("STATEMENT_MALFORMED");
        }
        s = HopStatement.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw invalid("STATEMENT_MALFORMED");
      }
      if (!s.getUnknownFields().asMap().isEmpty() || sh.getSignature().size() != 64) {
        throw invalid("STATEMENT_MALFORMED");
      }
      byte[] key = s.getFromPublicKey().toByteArray();
      if (key.length != 32) {
        throw invalid("STATEMENT_KEY_MALFORMED");
      }
      if (!SpecCrypto.nodeId(key).equals(s.getFromNodeId())) {
        throw invalid("STATEMENT_ID_MISMATCH");
      }
      if (!SpecCrypto.verify(key, HOP_STATEMENT_TYPE, bytes, sh.getSignature().toByteArray())) {
        throw invalid("STATEMENT_BAD_SIGNATURE");
      }
      if (!Arrays.equals(s.getHeaderDigest().toByteArray(), digest)) {
        throw invalid("STATEMENT_OTHER_ALERT");
      }
      st.add(s);
    }
    if (n == 0) {
      return List.of();
    }
    if (!st.get(0).getFromNodeId().equals(h.getOriginNodeId())
        || !st.get(0).getFromPublicKey().equals(h.getOriginPublicKey())) {
      throw invalid("NOT_FROM_ORIGIN");
    }
    for (int i = 1; i < n; i++) {
      if (!st.get(i).getFromNodeId().equals(st.get(i - 1).getToNodeId())) {
        throw invalid("BROKEN_LINK");
      }
    }
    if (!st.get(n - 1).getFromNodeId().equals(sender)) {
      throw invalid("NOT_FROM_SENDER");
    }
    if (!st.get(n - 1).getToNodeId().equals(receiver)) {
      throw invalid("NOT_TO_RECEIVER");
    }
    Set<String> signers = new HashSet<>();
    List<String> path = new ArrayList<>();
    for (HopStatement s : st) {
      if (!signers.add(s.getFromNodeId())) {
        throw invalid("SIGNED_TWICE");
      }
      path.add(s.getFromNodeId());
    }
    if (signers.contains(receiver)) {
      throw new Rejected("IGNORED", "THROUGH_RECEIVER");
    }
    long prev = Integer.toUnsignedLong(st.get(0).getHopsLeft());
    if (prev > Integer.toUnsignedLong(h.getMaxHops())) {
      throw notAllowed("ABOVE_MAX_HOPS");
    }
    for (int i = 1; i < n; i++) {
      long left = Integer.toUnsignedLong(st.get(i).getHopsLeft());
      if (left > prev - 1) {
        throw notAllowed("HOPS_RAISED");
      }
      prev = left;
    }
    if (hopsLeft != prev) {
      throw notAllowed("ITEM_HOPS_LEFT");
    }
    if (prev > limit) {
      throw notAllowed("ABOVE_GRANT");
    }
    return path;
  }

  private static Rejected invalid(String detail) {
    return new Rejected("HOP_STATEMENT_INVALID", detail);
  }

  private static Rejected notAllowed(String detail) {
    return new Rejected("RELAY_NOT_ALLOWED", detail);
  }
}
