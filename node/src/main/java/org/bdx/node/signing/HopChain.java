package org.bdx.node.signing;

import static org.bdx.node.signing.HopChainException.Reason.*;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.bdx.node.identity.LengthPrefixed;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.HopStatement;
import org.bdx.proto.v1.SignedHop;

/**
 * The signed path of one alert version (spec RELAY-8): the origin's statement that it sends the
 * version to its first receiver with some hops left, then one statement by each relay, each saying
 * to whom it sends the version and with how many hops left. Immutable; made only by {@link #verify}
 * (a feed item's statements, checked), {@link #read} (statements this node stored after verifying
 * them) and {@link HopSigner#extend} (this node's own statement added).
 */
public final class HopChain {
  /** Payload type of a serialized {@code bdx.v1.HopStatement} (SIG-2). */
  public static final String PAYLOAD_TYPE = SigningInput.HOP_STATEMENT_TYPE;

  /** Domain-separation context of the header digest a statement names. */
  public static final String DIGEST_CONTEXT = "bdx/v1/header-digest";

  /** Most statements in a chain: the origin's, then at most 8 relays (AGR-4 max_relay_hops). */
  public static final int MAX_STATEMENTS = 9;

  /** Largest serialized statement accepted (an honest one is about 200 bytes). */
  public static final int MAX_STATEMENT_BYTES = 1024;

  private static final HopChain EMPTY = new HopChain(List.of(), List.of());

  private final List<SignedHop> hops;
  private final List<HopStatement> statements;

  private HopChain(List<SignedHop> hops, List<HopStatement> statements) {
    this.hops = List.copyOf(hops);
    this.statements = List.copyOf(statements);
  }

  /** No statement: an item from its origin that may not be relayed, or a header-only item. */
  public static HopChain empty() {
    return EMPTY;
  }

  /** The statements as they travel (exact bytes). */
  public List<SignedHop> hops() {
    return hops;
  }

  public boolean isEmpty() {
    return hops.isEmpty();
  }

  public int size() {
    return hops.size();
  }

  /** The signers in order: the origin first, then each relay. Empty for an empty chain. */
  public List<NodeId> signers() {
    return statements.stream().map(s -> new NodeId(s.getFromNodeId())).toList();
  }

  /** The node the last statement sends the version to. */
  public NodeId lastTo() {
    requireNotEmpty();
    return new NodeId(statements.get(statements.size() - 1).getToNodeId());
  }

  /** How many more times the last statement lets its receiver relay the version; 0 if empty. */
  public long hopsLeft() {
    return statements.isEmpty()
        ? 0
        : Integer.toUnsignedLong(statements.get(statements.size() - 1).getHopsLeft());
  }

  /** {@code this} with {@code hop} added; {@code statement} is its parsed statement. */
  HopChain with(SignedHop hop, HopStatement statement) {
    List<SignedHop> h = new ArrayList<>(hops);
    h.add(hop);
    List<HopStatement> s = new ArrayList<>(statements);
    s.add(statement);
    return new HopChain(h, s);
  }

  /**
   * The digest a statement names (RELAY-8): {@code SHA-256(LP(ASCII("bdx/v1/header-digest"),
   * header))} of the exact header bytes.
   */
  public static byte[] headerDigest(ByteString header) {
    Objects.requireNonNull(header, "header");
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      LengthPrefixed.update(md, LengthPrefixed.ascii(DIGEST_CONTEXT), header.toByteArray());
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /**
   * Statements this node stored after verifying them: parsed again, strictly.
   *
   * @throws IllegalArgumentException if one does not parse (damage)
   */
  public static HopChain read(List<SignedHop> hops) {
    Objects.requireNonNull(hops, "hops");
    List<HopStatement> parsed = new ArrayList<>(hops.size());
    for (SignedHop h : hops) {
      HopStatement s = parse(h);
      if (s == null) {
        throw new IllegalArgumentException("a stored hop statement does not parse");
      }
      parsed.add(s);
    }
    return new HopChain(hops, parsed);
  }

  /** {@link #verify} for a node that holds no key logs: every signer uses its first key. */
  public static HopChain verify(
      List<SignedHop> hops,
      VerifiedAlert alert,
      long relayHops,
      long hopsLeft,
      NodeId sender,
      NodeId receiver,
      long limit)
      throws HopChainException {
    return verify(hops, alert, relayHops, hopsLeft, sender, receiver, limit, SigningKeys.NONE);
  }

  /**
   * The checks of RELAY-8.1 to RELAY-8.3 for the statements of one feed item with content, in
   * order; the first failure decides. {@code alert} passed SIG-7 already.
   *
   * @param relayHops the item's relay_hops (unsigned)
   * @param hopsLeft the item's hops_left (unsigned)
   * @param sender the partner the item came from (the caller, FED-TLS-9)
   * @param receiver this node
   * @param limit how many hops the receiver's inbound terms from {@code sender} allow: {@code
   *     max_relay_hops} if {@code may_relay}, else 0
   * @param keys the key logs this node holds, for signers whose key has rotated (KEY-18)
   * @throws HopChainException naming the first check that failed
   */
  public static HopChain verify(
      List<SignedHop> hops,
      VerifiedAlert alert,
      long relayHops,
      long hopsLeft,
      NodeId sender,
      NodeId receiver,
      long limit,
      SigningKeys keys)
      throws HopChainException {
    Objects.requireNonNull(hops, "hops");
    Objects.requireNonNull(alert, "alert");
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(receiver, "receiver");
    Objects.requireNonNull(keys, "keys");
    // RELAY-8.1 shape and signatures.
    int n = hops.size();
    boolean countFits = relayHops == 0 ? n == 1 || (n == 0 && hopsLeft == 0) : n - 1L == relayHops;
    if (!countFits || n > MAX_STATEMENTS) {
      throw fail(STATEMENT_COUNT, "the number of statements does not fit the hop counts");
    }
    ByteString header = alert.envelope().getHeader();
    ByteString digest = ByteString.copyFrom(headerDigest(header));
    List<HopStatement> statements = new ArrayList<>(n);
    for (SignedHop h : hops) {
      HopStatement s = parse(h);
      if (s == null || h.getSignature().size() != NodeKeys.SIGNATURE_LENGTH) {
        throw fail(STATEMENT_MALFORMED, "a statement does not parse");
      }
      byte[] key = s.getFromPublicKey().toByteArray();
      if (key.length != NodeKeys.PUBLIC_KEY_LENGTH) {
        throw fail(STATEMENT_KEY_MALFORMED, "from_public_key must be 32 bytes");
      }
      NodeId from = NodeId.fromPublicKey(key);
      if (!from.value().equals(s.getFromNodeId())) {
        from = keys.nodeNaming(s.getFromNodeId(), key);
        if (from == null) {
          throw fail(
              STATEMENT_ID_MISMATCH,
              "from_node_id is not the id of from_public_key, nor a node whose key log names it");
        }
      }
      if (keys.isRevoked(from, key)) {
        throw fail(STATEMENT_KEY_REVOKED, "from_node_id revoked from_public_key");
      }
      if (!NodeKeys.verify(
          key,
          SigningInput.of(PAYLOAD_TYPE, h.getStatement().toByteArray()),
          h.getSignature().toByteArray())) {
        throw fail(STATEMENT_BAD_SIGNATURE, "a statement's signature does not verify");
      }
      if (!s.getHeaderDigest().equals(digest)) {
        throw fail(STATEMENT_OTHER_ALERT, "a statement is about another alert version");
      }
      statements.add(s);
    }
    if (n == 0) {
      return EMPTY;
    }
    // RELAY-8.2 links.
    AlertHeader h = alert.header();
    HopStatement first = statements.get(0);
    if (!first.getFromNodeId().equals(h.getOriginNodeId())
        || !first.getFromPublicKey().equals(h.getOriginPublicKey())) {
      throw fail(NOT_FROM_ORIGIN, "the first statement is not the origin's");
    }
    for (int i = 1; i < n; i++) {
      if (!statements.get(i).getFromNodeId().equals(statements.get(i - 1).getToNodeId())) {
        throw fail(BROKEN_LINK, "a statement is not from the node the one before it names");
      }
    }
    HopStatement last = statements.get(n - 1);
    if (!last.getFromNodeId().equals(sender.value())) {
      throw fail(NOT_FROM_SENDER, "the last statement is not the sender's");
    }
    if (!last.getToNodeId().equals(receiver.value())) {
      throw fail(NOT_TO_RECEIVER, "the last statement is to another node");
    }
    Set<String> signers = new HashSet<>();
    for (HopStatement s : statements) {
      if (!signers.add(s.getFromNodeId())) {
        throw fail(SIGNED_TWICE, "a node signs two statements");
      }
    }
    if (signers.contains(receiver.value())) {
      throw fail(THROUGH_RECEIVER, "the path passed through this node before");
    }
    // RELAY-8.3 counts.
    long previous = Integer.toUnsignedLong(first.getHopsLeft());
    if (previous > Integer.toUnsignedLong(h.getMaxHops())) {
      throw fail(ABOVE_MAX_HOPS, "the origin grants more hops than its signed max_hops");
    }
    for (int i = 1; i < n; i++) {
      long left = Integer.toUnsignedLong(statements.get(i).getHopsLeft());
      if (left > previous - 1) {
        throw fail(HOPS_RAISED, "a relay grants more hops than it was left");
      }
      previous = left;
    }
    if (hopsLeft != previous) {
      throw fail(ITEM_HOPS_LEFT, "hops_left is not the last statement's");
    }
    if (previous > limit) {
      throw fail(ABOVE_GRANT, "more hops left than this node's terms allow");
    }
    return new HopChain(hops, statements);
  }

  /** The statement of {@code h}, parsed strictly (PB-1, no unknown fields); null if it fails. */
  static HopStatement parse(SignedHop h) {
    if (!h.getUnknownFields().asMap().isEmpty() || h.getStatement().size() > MAX_STATEMENT_BYTES) {
      return null;
    }
    byte[] bytes = h.getStatement().toByteArray();
    if (!WireCheck.wellFormed(bytes, HopStatement.getDescriptor())) {
      return null;
    }
    try {
      HopStatement s = HopStatement.parseFrom(bytes);
      return s.getUnknownFields().asMap().isEmpty() ? s : null;
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }

  private void requireNotEmpty() {
    if (statements.isEmpty()) {
      throw new IllegalStateException("the chain is empty");
    }
  }

  private static HopChainException fail(HopChainException.Reason r, String message) {
    return new HopChainException(r, message);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HopChain c && c.hops.equals(hops);
  }

  @Override
  public int hashCode() {
    return hops.hashCode();
  }

  /** Node ids and counts only: no key or signature bytes. */
  @Override
  public String toString() {
    return "HopChain"
        + statements.stream().map(s -> s.getToNodeId() + "/" + s.getHopsLeft()).toList();
  }
}
