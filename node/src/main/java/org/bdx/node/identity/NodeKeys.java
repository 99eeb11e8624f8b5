package org.bdx.node.identity;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.bdx.node.vault.SecretAccess;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A node's Ed25519 key pair (spec ID-1), using Bouncy Castle's lightweight API. The 32-byte seed is
 * readable only through {@link #exportSeed(SecretAccess)}. Instances are immutable and safe to
 * share between threads.
 */
public final class NodeKeys {
  /** Seed (private key) length in bytes. */
  public static final int SEED_LENGTH = 32;

  /** Public key length in bytes. */
  public static final int PUBLIC_KEY_LENGTH = 32;

  /** Signature length in bytes. */
  public static final int SIGNATURE_LENGTH = 64;

  private static final int DECODED_KEYS_MAX = 256;
  private static final Map<String, Ed25519PublicKeyParameters> DECODED_KEYS =
      new ConcurrentHashMap<>();

  private final Ed25519PrivateKeyParameters privateKey;
  private final byte[] publicKey;
  private final NodeId nodeId;

  private NodeKeys(Ed25519PrivateKeyParameters privateKey) {
    this.privateKey = privateKey;
    this.publicKey = privateKey.generatePublicKey().getEncoded();
    this.nodeId = NodeId.fromPublicKey(publicKey);
  }

  private NodeKeys(NodeKeys keys, NodeId nodeId) {
    this.privateKey = keys.privateKey;
    this.publicKey = keys.publicKey;
    this.nodeId = nodeId;
  }

  /**
   * This key pair speaking for {@code node}: after a rotation (spec KEY-1) the node id stays the id
   * of the node's first key while the key is a later one. Only the node's verified key log says
   * that this key is {@code node}'s; callers check it first.
   */
  public NodeKeys forNode(NodeId node) {
    Objects.requireNonNull(node, "node");
    return node.equals(nodeId) ? this : new NodeKeys(this, node);
  }

  /** A fresh key pair whose seed is 32 bytes from {@code rng}. */
  public static NodeKeys generate(SecureRandom rng) {
    Objects.requireNonNull(rng, "rng");
    byte[] seed = new byte[SEED_LENGTH];
    rng.nextBytes(seed);
    try {
      return fromSeed(seed);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /** The key pair of a 32-byte RFC 8032 seed. The array is copied, not kept. */
  public static NodeKeys fromSeed(byte[] seed32) {
    if (seed32 == null || seed32.length != SEED_LENGTH) {
      throw new IllegalArgumentException("an Ed25519 seed is 32 bytes");
    }
    return new NodeKeys(new Ed25519PrivateKeyParameters(seed32, 0));
  }

  /** A copy of the 32-byte public key. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The node this key speaks for: its own id (ID-2) unless {@link #forNode} said otherwise. */
  public NodeId nodeId() {
    return nodeId;
  }

  /** A pure Ed25519 (RFC 8032) signature over {@code message}; callers pass a SIG-2 input. */
  public byte[] sign(byte[] message) {
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, privateKey);
    signer.update(message, 0, message.length);
    return signer.generateSignature();
  }

  /** A copy of the 32-byte seed. Every caller is a place where a secret leaves this object. */
  public byte[] exportSeed(SecretAccess access) {
    Objects.requireNonNull(access, "reading a secret seed needs a SecretAccess token");
    return privateKey.getEncoded();
  }

  /**
   * Verifies a pure Ed25519 signature. Malformed or small-order keys, non-canonical signatures and
   * any exception from Bouncy Castle all yield {@code false}.
   */
  public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
    if (publicKey == null
        || publicKey.length != PUBLIC_KEY_LENGTH
        || message == null
        || signature == null
        || signature.length != SIGNATURE_LENGTH) {
      return false;
    }
    try {
      Ed25519PublicKeyParameters key = decoded(publicKey);
      Ed25519Signer verifier = new Ed25519Signer();
      verifier.init(false, key);
      verifier.update(message, 0, message.length);
      return verifier.verifySignature(signature);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * The decoded key, from a small cache: decoding (point decompression and validation) is about a
   * tenth of a verification, and a feed repeats a handful of origin keys. Keys are public; the
   * cache is emptied when full, so a peer cycling keys costs no more than decoding every time. BC
   * 1.86 rejects (IllegalArgumentException) encodings that are not a point, y >= p, and small-order
   * points such as the identity and the all-zero key; nothing rejected is cached.
   */
  private static Ed25519PublicKeyParameters decoded(byte[] publicKey) {
    String k = new String(publicKey, StandardCharsets.ISO_8859_1); // one char per byte
    Ed25519PublicKeyParameters key = DECODED_KEYS.get(k);
    if (key == null) {
      key = new Ed25519PublicKeyParameters(publicKey, 0);
      if (DECODED_KEYS.size() >= DECODED_KEYS_MAX) {
        DECODED_KEYS.clear();
      }
      DECODED_KEYS.put(k, key);
    }
    return key;
  }

  @Override
  public String toString() {
    return "NodeKeys{nodeId=" + nodeId + ", seed=<redacted>}";
  }
}
