package org.bdx.node.keys;

import com.google.protobuf.ByteString;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import org.bdx.node.identity.LengthPrefixed;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.signing.SigningInput;
import org.bdx.proto.v1.KeyEvent;
import org.bdx.proto.v1.KeyEventKind;
import org.bdx.proto.v1.SignedKeyEvent;

/**
 * Makes the statements of a key log (spec KEY-2): the inception, a rotation and a revocation, each
 * signed by the key it makes current. A rotation needs the seed of the next key only when it is
 * made; until then the serving node holds just the digest of its public key, so a thief of the
 * current key cannot rotate (KEY-3).
 */
public final class KeyEvents {
  /** Payload type of a serialized {@code bdx.v1.KeyEvent} (SIG-2). */
  public static final String PAYLOAD_TYPE = SigningInput.KEY_EVENT_TYPE;

  /** Domain-separation context of the digest by which an event commits to the next key. */
  public static final String NEXT_KEY_CONTEXT = "bdx/v1/next-key";

  /** Domain-separation context of the digest by which an event names the one before it. */
  public static final String EVENT_DIGEST_CONTEXT = "bdx/v1/key-event";

  private KeyEvents() {}

  /** {@code SHA-256(LP(ASCII("bdx/v1/next-key"), publicKey))} (KEY-3). */
  public static byte[] nextKeyDigest(byte[] publicKey) {
    Objects.requireNonNull(publicKey, "publicKey");
    return sha256(LengthPrefixed.ascii(NEXT_KEY_CONTEXT), publicKey);
  }

  /** {@code SHA-256(LP(ASCII("bdx/v1/key-event"), event))} of exact KeyEvent bytes (KEY-4.4). */
  public static byte[] eventDigest(ByteString event) {
    Objects.requireNonNull(event, "event");
    return sha256(LengthPrefixed.ascii(EVENT_DIGEST_CONTEXT), event.toByteArray());
  }

  /**
   * Event 0 of {@code first}'s log: its node id is {@code first}'s for good.
   *
   * @param nextPublicKey the public key of the key kept offline for the first rotation
   * @param validFrom Unix seconds, positive
   */
  public static SignedKeyEvent inception(NodeKeys first, byte[] nextPublicKey, long validFrom) {
    Objects.requireNonNull(first, "first");
    KeyEvent e =
        base(first, nextPublicKey, validFrom)
            .setNodeId(first.nodeId().value())
            .setSequence(0)
            .setKind(KeyEventKind.KEY_EVENT_KIND_INCEPTION)
            .build();
    return sign(first, e);
  }

  /**
   * The event after {@code log}'s last one that makes {@code next} current.
   *
   * @param next the key {@code log}'s last event committed to
   * @param nextNextPublicKey the public key to keep offline for the rotation after this one
   * @param validFrom Unix seconds, not before the last event's
   * @throws IllegalArgumentException if {@code next} is not the committed key, or a time is out of
   *     range (the log would not verify)
   */
  public static SignedKeyEvent rotation(
      KeyLog log, NodeKeys next, byte[] nextNextPublicKey, long validFrom) {
    return sign(
        next, after(log, next, nextNextPublicKey, validFrom, KeyEventKind.KEY_EVENT_KIND_ROTATION));
  }

  /**
   * A rotation that also says the key it replaces was compromised since {@code compromisedSince}
   * (KEY-7): made from the offline next key when the current key may be in a thief's hands.
   *
   * @param compromisedSince Unix seconds, positive and at most {@code validFrom}
   */
  public static SignedKeyEvent revocation(
      KeyLog log, NodeKeys next, byte[] nextNextPublicKey, long validFrom, long compromisedSince) {
    if (compromisedSince <= 0 || compromisedSince > validFrom) {
      throw new IllegalArgumentException("compromised_since must be in 1..valid_from");
    }
    return sign(
        next,
        after(log, next, nextNextPublicKey, validFrom, KeyEventKind.KEY_EVENT_KIND_REVOCATION)
            .toBuilder()
            .setCompromisedSince(compromisedSince)
            .build());
  }

  private static KeyEvent after(
      KeyLog log, NodeKeys next, byte[] nextNextPublicKey, long validFrom, KeyEventKind kind) {
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(next, "next");
    if (!MessageDigest.isEqual(nextKeyDigest(next.publicKey()), log.nextKeyDigest())) {
      throw new IllegalArgumentException("this is not the key the log committed to");
    }
    if (log.size() >= KeyLog.MAX_EVENTS) {
      throw new IllegalArgumentException("the log is full");
    }
    if (validFrom < log.lastValidFrom()) {
      throw new IllegalArgumentException("valid_from is earlier than the last event's");
    }
    return base(next, nextNextPublicKey, validFrom)
        .setNodeId(log.nodeId().value())
        .setSequence(log.size())
        .setKind(kind)
        .setPreviousEventDigest(ByteString.copyFrom(log.lastEventDigest()))
        .build();
  }

  private static KeyEvent.Builder base(NodeKeys key, byte[] nextPublicKey, long validFrom) {
    if (nextPublicKey == null || nextPublicKey.length != NodeKeys.PUBLIC_KEY_LENGTH) {
      throw new IllegalArgumentException("the next public key is 32 bytes");
    }
    if (MessageDigest.isEqual(nextPublicKey, key.publicKey())) {
      throw new IllegalArgumentException("the next key must be another key");
    }
    if (validFrom <= 0) {
      throw new IllegalArgumentException("valid_from must be positive");
    }
    return KeyEvent.newBuilder()
        .setPublicKey(ByteString.copyFrom(key.publicKey()))
        .setNextKeyDigest(ByteString.copyFrom(nextKeyDigest(nextPublicKey)))
        .setValidFrom(validFrom);
  }

  /** Serializes {@code e} once and signs those bytes with {@code key} (SIG-2). */
  static SignedKeyEvent sign(NodeKeys key, KeyEvent e) {
    ByteString bytes = e.toByteString();
    return SignedKeyEvent.newBuilder()
        .setEvent(bytes)
        .setSignature(
            ByteString.copyFrom(key.sign(SigningInput.of(PAYLOAD_TYPE, bytes.toByteArray()))))
        .build();
  }

  private static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      LengthPrefixed.update(md, parts);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
