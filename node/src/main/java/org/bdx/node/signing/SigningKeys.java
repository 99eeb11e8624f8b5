package org.bdx.node.signing;

import java.util.OptionalLong;
import org.bdx.node.identity.NodeId;

/**
 * Which keys sign for a node, from the verified key logs this node holds (spec KEY-18): its
 * partners' and its own. A node without a held log signs with its first key only, whose node id is
 * its id (ID-2), as before key logs. Implementations are fast (held logs are in memory) and
 * thread-safe.
 */
public interface SigningKeys {
  /** No logs held: every node signs with the key its id was derived from. */
  SigningKeys NONE =
      new SigningKeys() {
        @Override
        public boolean isKeyOf(NodeId node, byte[] key) {
          return false;
        }

        @Override
        public boolean signsNew(NodeId node, byte[] key, long issuedAt) {
          return true;
        }

        @Override
        public boolean isRevoked(NodeId node, byte[] key) {
          return false;
        }

        @Override
        public byte[] currentKey(NodeId node) {
          return null;
        }

        @Override
        public OptionalLong compromisedSince(NodeId node, byte[] key) {
          return OptionalLong.empty();
        }
      };

  /** Whether a held, verified key log of {@code node} names {@code key} as one of its keys. */
  boolean isKeyOf(NodeId node, byte[] key);

  /**
   * The node {@code wireNodeId} names, if a held key log of it names {@code key} (KEY-18.1): how an
   * item whose node id is not its key's own (ID-2) is accepted after a rotation. Null if the id is
   * not canonical (on the wire it must be as written, not as {@link NodeId#parse} would normalise
   * it) or no held log of that node names the key.
   */
  default NodeId nodeNaming(String wireNodeId, byte[] key) {
    NodeId named;
    try {
      named = NodeId.parse(wireNodeId);
    } catch (IllegalArgumentException e) {
      return null;
    }
    return named.value().equals(wireNodeId) && isKeyOf(named, key) ? named : null;
  }

  /**
   * Whether {@code key} may sign, for {@code node}, an item issued at {@code issuedAt} (Unix
   * seconds) that this node has not accepted before. True when no log of {@code node} is held;
   * otherwise the key must be the node's key at that time (KEY-6) and no revocation may have
   * replaced it (KEY-18: a thief can back-date an item, so nothing new of a revoked key is taken).
   */
  boolean signsNew(NodeId node, byte[] key, long issuedAt);

  /**
   * Whether a held key log of {@code node} says a revocation replaced {@code key} (KEY-7): nothing
   * new it signs is taken, whatever its time (a hop statement has none).
   */
  boolean isRevoked(NodeId node, byte[] key);

  /**
   * The key of the last event of the held key log of {@code node} (KEY-6: its key from that event's
   * valid_from on), or null if no log of {@code node} is held.
   */
  byte[] currentKey(NodeId node);

  /**
   * When {@code key} was compromised, if a held key log of {@code node} says a revocation replaced
   * it (KEY-7): what it signed with an issue time at or after this, held from before the revocation
   * arrived, is flagged to staff until the node issues it again (KEY-20).
   */
  OptionalLong compromisedSince(NodeId node, byte[] key);

  /**
   * Whether {@code envelope}, held from {@code node}, was signed by a key {@code node} revoked, at
   * or after the time the revocation says it was compromised (KEY-20).
   */
  default boolean signedByCompromisedKey(NodeId node, org.bdx.proto.v1.SignedAlert envelope) {
    org.bdx.proto.v1.AlertHeader header;
    try {
      header = org.bdx.proto.v1.AlertHeader.parseFrom(envelope.getHeader());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return false; // verified when it was stored; never so
    }
    OptionalLong since = compromisedSince(node, header.getOriginPublicKey().toByteArray());
    return since.isPresent() && header.getIssuedAt() >= since.getAsLong();
  }
}
