package org.bdx.node.keys;

import static org.bdx.node.keys.KeyLogException.Outcome.*;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.signing.SigningInput;
import org.bdx.node.signing.WireCheck;
import org.bdx.proto.v1.KeyEvent;
import org.bdx.proto.v1.KeyEventKind;
import org.bdx.proto.v1.SignedKeyEvent;

/**
 * A node's verified key log (spec KEY-4): which Ed25519 key was the node's at which time, and which
 * keys were revoked since when. The node id stays the id of the first key (ID-2) while the key
 * changes. Immutable; made only by {@link #verify} and {@link #append}, so every instance passed
 * every check.
 */
public final class KeyLog {
  /** Most events in a log (KEY-4.1): a rotation a month for five years. */
  public static final int MAX_EVENTS = 64;

  /** Largest serialized KeyEvent accepted (an honest one is under 200 bytes). */
  public static final int MAX_EVENT_BYTES = 1024;

  private final NodeId nodeId;
  private final List<SignedKeyEvent> signed;
  private final List<KeyEvent> events;

  private KeyLog(NodeId nodeId, List<SignedKeyEvent> signed, List<KeyEvent> events) {
    this.nodeId = nodeId;
    this.signed = List.copyOf(signed);
    this.events = List.copyOf(events);
  }

  /**
   * The checks of KEY-4, event by event in log order; the first failure decides.
   *
   * @param nodeId the node whose log this claims to be
   * @throws KeyLogException naming the check and the event that failed
   */
  public static KeyLog verify(NodeId nodeId, List<SignedKeyEvent> log) throws KeyLogException {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(log, "log");
    if (log.size() > MAX_EVENTS) {
      throw new KeyLogException(TOO_LONG, MAX_EVENTS, "more than " + MAX_EVENTS + " events");
    }
    if (log.isEmpty()) {
      throw new KeyLogException(MALFORMED, 0, "a key log has at least its inception");
    }
    List<KeyEvent> parsed = new ArrayList<>(log.size());
    for (int i = 0; i < log.size(); i++) {
      SignedKeyEvent s = Objects.requireNonNull(log.get(i), "event");
      KeyEvent e = parse(s);
      if (e == null) {
        throw new KeyLogException(MALFORMED, i, "the event does not parse strictly");
      }
      KeyEvent previous = i == 0 ? null : parsed.get(i - 1);
      check(nodeId, i, s, e, previous, i == 0 ? null : log.get(i - 1).getEvent(), parsed);
      parsed.add(e);
    }
    return new KeyLog(nodeId, log, parsed);
  }

  /**
   * KEY-4 for the node id that event 0 names. Since event 0's key must have that id (KEY-4.3), a
   * log that passes proves its own node id; use it where no id is expected yet (a certificate that
   * carries its log, spec FED-TLS-9).
   *
   * @throws KeyLogException as {@link #verify}
   */
  public static KeyLog verifySelfNamed(List<SignedKeyEvent> log) throws KeyLogException {
    Objects.requireNonNull(log, "log");
    if (log.isEmpty() || log.size() > MAX_EVENTS) {
      return verify(NodeId.fromPublicKey(new byte[NodeKeys.PUBLIC_KEY_LENGTH]), log);
    }
    KeyEvent first = parse(Objects.requireNonNull(log.get(0), "event"));
    NodeId named;
    try {
      named = first == null ? null : NodeId.parse(first.getNodeId());
    } catch (IllegalArgumentException e) {
      named = null;
    }
    if (named == null) {
      throw new KeyLogException(MALFORMED, 0, "event 0 names no valid node id");
    }
    return verify(named, log);
  }

  /** This log with {@code next} added, if the longer log verifies (KEY-4). */
  public KeyLog append(SignedKeyEvent next) throws KeyLogException {
    List<SignedKeyEvent> longer = new ArrayList<>(signed);
    longer.add(Objects.requireNonNull(next, "next"));
    return verify(nodeId, longer);
  }

  private static void check(
      NodeId nodeId,
      int i,
      SignedKeyEvent s,
      KeyEvent e,
      KeyEvent previous,
      ByteString previousBytes,
      List<KeyEvent> earlier)
      throws KeyLogException {
    byte[] key = e.getPublicKey().toByteArray();
    // KEY-4.3
    if (!e.getNodeId().equals(nodeId.value())) {
      throw new KeyLogException(NODE_ID_MISMATCH, i, "the event names another node");
    }
    if (previous == null && !NodeId.fromPublicKey(key).equals(nodeId)) {
      throw new KeyLogException(NODE_ID_MISMATCH, i, "the first key does not have this node id");
    }
    // KEY-4.4
    boolean inception = e.getKind() == KeyEventKind.KEY_EVENT_KIND_INCEPTION;
    boolean linked =
        previous == null
            ? inception && e.getPreviousEventDigest().isEmpty()
            : !inception
                && MessageDigest.isEqual(
                    e.getPreviousEventDigest().toByteArray(), KeyEvents.eventDigest(previousBytes));
    if (e.getSequence() != i || !linked) {
      throw new KeyLogException(BROKEN_CHAIN, i, "the event does not follow the one before");
    }
    // KEY-4.5: a signature is verified only under a key the log already authorized.
    if (previous != null
        && !MessageDigest.isEqual(
            KeyEvents.nextKeyDigest(key), previous.getNextKeyDigest().toByteArray())) {
      throw new KeyLogException(NOT_PRE_COMMITTED, i, "the key is not the one committed to");
    }
    // KEY-4.6
    if (!NodeKeys.verify(
        key,
        SigningInput.of(KeyEvents.PAYLOAD_TYPE, s.getEvent().toByteArray()),
        s.getSignature().toByteArray())) {
      throw new KeyLogException(BAD_SIGNATURE, i, "the signature does not verify");
    }
    // KEY-4.7
    if (e.getValidFrom() <= 0 || (previous != null && e.getValidFrom() < previous.getValidFrom())) {
      throw new KeyLogException(TIME_GOES_BACK, i, "valid_from goes back");
    }
    // KEY-4.8
    long since = e.getCompromisedSince();
    boolean revocation = e.getKind() == KeyEventKind.KEY_EVENT_KIND_REVOCATION;
    if (revocation ? since <= 0 || since > e.getValidFrom() : since != 0) {
      throw new KeyLogException(INVALID_REVOCATION, i, "compromised_since is out of range");
    }
    // KEY-4.9: committing to a key used before would let whoever held it rotate again.
    byte[] next = e.getNextKeyDigest().toByteArray();
    if (MessageDigest.isEqual(next, KeyEvents.nextKeyDigest(key))
        || earlier.stream()
            .anyMatch(
                x ->
                    MessageDigest.isEqual(
                        next, KeyEvents.nextKeyDigest(x.getPublicKey().toByteArray())))) {
      throw new KeyLogException(KEY_REUSED, i, "the next key was used before");
    }
  }

  /** KEY-4.2: the event parsed strictly and within bounds; null if it is not. */
  private static KeyEvent parse(SignedKeyEvent s) {
    if (!s.getUnknownFields().asMap().isEmpty()
        || s.getEvent().size() > MAX_EVENT_BYTES
        || s.getSignature().size() != NodeKeys.SIGNATURE_LENGTH) {
      return null;
    }
    byte[] bytes = s.getEvent().toByteArray();
    if (!WireCheck.wellFormed(bytes, KeyEvent.getDescriptor())) {
      return null;
    }
    KeyEvent e;
    try {
      e = KeyEvent.parseFrom(bytes);
    } catch (InvalidProtocolBufferException ex) {
      return null;
    }
    int kind = e.getKindValue();
    boolean known =
        kind == KeyEventKind.KEY_EVENT_KIND_INCEPTION_VALUE
            || kind == KeyEventKind.KEY_EVENT_KIND_ROTATION_VALUE
            || kind == KeyEventKind.KEY_EVENT_KIND_REVOCATION_VALUE;
    int previous = e.getPreviousEventDigest().size();
    boolean ok =
        e.getUnknownFields().asMap().isEmpty()
            && known
            && e.getPublicKey().size() == NodeKeys.PUBLIC_KEY_LENGTH
            && e.getNextKeyDigest().size() == 32
            && (previous == 0 || previous == 32);
    return ok ? e : null;
  }

  public NodeId nodeId() {
    return nodeId;
  }

  /** The events as they travel (exact bytes), event 0 first. */
  public List<SignedKeyEvent> events() {
    return signed;
  }

  public int size() {
    return signed.size();
  }

  /** The key of the last event: the node's key once that event's valid_from has come. */
  public byte[] latestKey() {
    return events.get(events.size() - 1).getPublicKey().toByteArray();
  }

  /** The key of event {@code sequence}. */
  public byte[] keyOfEvent(int sequence) {
    return events.get(sequence).getPublicKey().toByteArray();
  }

  /** The commitment of the last event: the digest of the only key that may sign the next one. */
  public byte[] nextKeyDigest() {
    return events.get(events.size() - 1).getNextKeyDigest().toByteArray();
  }

  /**
   * The last event's valid_from: since when (Unix seconds) {@link #latestKey} is the node's key.
   */
  public long lastValidFrom() {
    return events.get(events.size() - 1).getValidFrom();
  }

  /** {@code SHA-256(LP("bdx/v1/key-event", event))} of the last event's exact bytes. */
  public byte[] lastEventDigest() {
    return KeyEvents.eventDigest(signed.get(signed.size() - 1).getEvent());
  }

  /**
   * The node's key at Unix time {@code time} (KEY-6): the key of the last event whose valid_from is
   * at most {@code time}, or the first key before any later event's valid_from (a node signed with
   * its first key before it made its log).
   */
  public byte[] keyAt(long time) {
    KeyEvent current = events.get(0);
    for (int i = 1; i < events.size() && events.get(i).getValidFrom() <= time; i++) {
      current = events.get(i);
    }
    return current.getPublicKey().toByteArray();
  }

  /**
   * When {@code key} was compromised, if a REVOCATION replaced it (KEY-7): nothing it signed with
   * an issue time at or after this is trusted.
   */
  public OptionalLong revokedSince(byte[] key) {
    Objects.requireNonNull(key, "key");
    for (int i = 1; i < events.size(); i++) {
      KeyEvent e = events.get(i);
      if (e.getKind() == KeyEventKind.KEY_EVENT_KIND_REVOCATION
          && MessageDigest.isEqual(events.get(i - 1).getPublicKey().toByteArray(), key)) {
        return OptionalLong.of(e.getCompromisedSince());
      }
    }
    return OptionalLong.empty();
  }

  /**
   * The latest {@code compromised_since} among the REVOCATIONs at or after event {@code sequence}
   * (KEY-7), or empty if none of those events is one.
   */
  public OptionalLong lastCompromisedSince(int sequence) {
    OptionalLong latest = OptionalLong.empty();
    for (int i = Math.max(0, sequence); i < events.size(); i++) {
      KeyEvent e = events.get(i);
      if (e.getKind() == KeyEventKind.KEY_EVENT_KIND_REVOCATION
          && (latest.isEmpty() || e.getCompromisedSince() > latest.getAsLong())) {
        latest = OptionalLong.of(e.getCompromisedSince());
      }
    }
    return latest;
  }

  /**
   * Whether an item signed by {@code key} with issue time {@code issuedAt} is trusted (KEY-6,
   * KEY-7): {@code key} is the node's key at that time and was not compromised by then.
   */
  public boolean trusts(byte[] key, long issuedAt) {
    Objects.requireNonNull(key, "key");
    if (!MessageDigest.isEqual(keyAt(issuedAt), key)) {
      return false;
    }
    OptionalLong since = revokedSince(key);
    return since.isEmpty() || issuedAt < since.getAsLong();
  }

  /** Whether {@code key} is the key of some event of this log. */
  public boolean hasKey(byte[] key) {
    Objects.requireNonNull(key, "key");
    for (KeyEvent e : events) {
      if (MessageDigest.isEqual(e.getPublicKey().toByteArray(), key)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code other} is this log or this log with events added (KEY-8). Two verified logs of
   * one node where neither extends the other are a fork: someone signed with a key twice.
   */
  public boolean isPrefixOf(KeyLog other) {
    Objects.requireNonNull(other, "other");
    return nodeId.equals(other.nodeId)
        && other.size() >= size()
        && other.signed.subList(0, size()).stream()
            .map(SignedKeyEvent::getEvent)
            .toList()
            .equals(signed.stream().map(SignedKeyEvent::getEvent).toList());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyLog l && l.nodeId.equals(nodeId) && l.signed.equals(signed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(nodeId, signed);
  }

  /** The node id and the number of events only: no key or signature bytes. */
  @Override
  public String toString() {
    return "KeyLog{" + nodeId + ", " + size() + " events}";
  }
}
