package org.bdx.node.keys;

import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Function;
import org.bdx.node.identity.NodeId;
import org.bdx.node.signing.SigningKeys;

/**
 * The rules of spec KEY-18 over verified key logs: which key signs for a node at a time, and what a
 * revocation withdraws. {@code held} gives the log held for a node, or null; a node without one
 * signs with its first key only (ID-2).
 */
public final class HeldLogKeys implements SigningKeys {
  private final Function<NodeId, KeyLog> held;

  public HeldLogKeys(Function<NodeId, KeyLog> held) {
    this.held = Objects.requireNonNull(held, "held");
  }

  @Override
  public boolean isKeyOf(NodeId node, byte[] key) {
    KeyLog log = held.apply(node);
    return log != null && log.hasKey(key);
  }

  @Override
  public boolean signsNew(NodeId node, byte[] key, long issuedAt) {
    KeyLog log = held.apply(node);
    // A revoked key signs nothing new, whatever time it claims: a thief can back-date (KEY-18).
    return log == null || (log.trusts(key, issuedAt) && log.revokedSince(key).isEmpty());
  }

  @Override
  public boolean isRevoked(NodeId node, byte[] key) {
    KeyLog log = held.apply(node);
    return log != null && log.revokedSince(key).isPresent();
  }

  @Override
  public byte[] currentKey(NodeId node) {
    KeyLog log = held.apply(node);
    return log == null ? null : log.latestKey();
  }

  @Override
  public OptionalLong compromisedSince(NodeId node, byte[] key) {
    KeyLog log = held.apply(node);
    return log == null ? OptionalLong.empty() : log.revokedSince(key);
  }
}
