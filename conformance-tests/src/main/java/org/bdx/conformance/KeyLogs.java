package org.bdx.conformance;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bdx.proto.v1.KeyEvent;
import org.bdx.proto.v1.KeyEventKind;
import org.bdx.proto.v1.SignedKeyEvent;

/**
 * The suite's own verifier of key logs (spec KEY-4), written from the spec alone: it judges the log
 * a node under test serves with {@code GetKeyLog} (KEY-15), and is held to
 * spec/vectors/key-event.json by {@code SuiteVerifierVectorsTest}.
 */
final class KeyLogs {
  static final String PAYLOAD_TYPE = "bdx.v1.KeyEvent";
  static final int MAX_EVENTS = 64;
  static final int MAX_EVENT_BYTES = 1024;

  private KeyLogs() {}

  /** A log that failed a KEY-4 check: the outcome name of the vectors and the event's position. */
  static final class Rejected extends Exception {
    final String outcome;
    final int index;

    Rejected(String outcome, int index) {
      super(outcome + " at event " + index);
      this.outcome = outcome;
      this.index = index;
    }
  }

  /** {@code SHA-256(LP("bdx/v1/next-key", publicKey))} (KEY-3). */
  static byte[] nextKeyDigest(byte[] publicKey) {
    return SpecCrypto.sha256(SpecCrypto.lp(SpecCrypto.ascii("bdx/v1/next-key"), publicKey));
  }

  /** {@code SHA-256(LP("bdx/v1/key-event", event))} (KEY-4.4). */
  static byte[] eventDigest(byte[] event) {
    return SpecCrypto.sha256(SpecCrypto.lp(SpecCrypto.ascii("bdx/v1/key-event"), event));
  }

  /**
   * Runs KEY-4's checks in order, event by event, on the serialized {@code SignedKeyEvent}s.
   *
   * @return the parsed events, event 0 first
   * @throws Rejected naming the first check that failed
   */
  static List<KeyEvent> verify(String nodeId, List<byte[]> log) throws Rejected {
    if (log.size() > MAX_EVENTS) {
      throw new Rejected("TOO_LONG", MAX_EVENTS);
    }
    if (log.isEmpty()) {
      throw new Rejected("MALFORMED", 0);
    }
    List<KeyEvent> events = new ArrayList<>();
    byte[] previousBytes = null;
    for (int i = 0; i < log.size(); i++) {
      SignedKeyEvent s;
      KeyEvent e;
      try {
        s = SignedKeyEvent.parseFrom(log.get(i));
        if (!SpecWire.wellFormed(log.get(i), SignedKeyEvent.getDescriptor())
            || !s.getUnknownFields().asMap().isEmpty()
            || s.getEvent().size() > MAX_EVENT_BYTES
            || s.getSignature().size() != 64) {
          throw new Rejected("MALFORMED", i);
        }
        byte[] bytes = s.getEvent().toByteArray();
        if (!SpecWire.wellFormed(bytes, KeyEvent.getDescriptor())) {
          throw new Rejected("MALFORMED", i);
        }
        e = KeyEvent.parseFrom(bytes);
      } catch (InvalidProtocolBufferException ex) {
        throw new Rejected("MALFORMED", i);
      }
      int kind = e.getKindValue();
      int prev = e.getPreviousEventDigest().size();
      if (!e.getUnknownFields().asMap().isEmpty()
          || (kind != KeyEventKind.KEY_EVENT_KIND_INCEPTION_VALUE
              && kind != KeyEventKind.KEY_EVENT_KIND_ROTATION_VALUE
              && kind != KeyEventKind.KEY_EVENT_KIND_REVOCATION_VALUE)
          || e.getPublicKey().size() != 32
          || e.getNextKeyDigest().size() != 32
          || (prev != 0 && prev != 32)) {
        throw new Rejected("MALFORMED", i);
      }
      byte[] key = e.getPublicKey().toByteArray();
      KeyEvent previous = i == 0 ? null : events.get(i - 1);
      // 3
      if (!e.getNodeId().equals(nodeId)
          || (previous == null && !SpecCrypto.nodeId(key).equals(nodeId))) {
        throw new Rejected("NODE_ID_MISMATCH", i);
      }
      // 4
      boolean inception = kind == KeyEventKind.KEY_EVENT_KIND_INCEPTION_VALUE;
      boolean linked =
          previous == null
              ? inception && prev == 0
              : !inception
                  && Arrays.equals(
                      e.getPreviousEventDigest().toByteArray(), eventDigest(previousBytes));
      if (e.getSequence() != i || !linked) {
        throw new Rejected("BROKEN_CHAIN", i);
      }
      // 5
      if (previous != null
          && !Arrays.equals(nextKeyDigest(key), previous.getNextKeyDigest().toByteArray())) {
        throw new Rejected("NOT_PRE_COMMITTED", i);
      }
      // 6
      byte[] bytes = s.getEvent().toByteArray();
      if (!SpecCrypto.verify(key, PAYLOAD_TYPE, bytes, s.getSignature().toByteArray())) {
        throw new Rejected("BAD_SIGNATURE", i);
      }
      // 7
      if (e.getValidFrom() <= 0
          || (previous != null && e.getValidFrom() < previous.getValidFrom())) {
        throw new Rejected("TIME_GOES_BACK", i);
      }
      // 8
      long since = e.getCompromisedSince();
      boolean revocation = kind == KeyEventKind.KEY_EVENT_KIND_REVOCATION_VALUE;
      if (revocation ? since <= 0 || since > e.getValidFrom() : since != 0) {
        throw new Rejected("INVALID_REVOCATION", i);
      }
      // 9
      byte[] next = e.getNextKeyDigest().toByteArray();
      boolean reused = Arrays.equals(next, nextKeyDigest(key));
      for (KeyEvent earlier : events) {
        reused |= Arrays.equals(next, nextKeyDigest(earlier.getPublicKey().toByteArray()));
      }
      if (reused) {
        throw new Rejected("KEY_REUSED", i);
      }
      events.add(e);
      previousBytes = bytes;
    }
    return events;
  }

  /** The serialized events of a {@code GetKeyLog} response, as they travelled. */
  static List<byte[]> bytesOf(List<SignedKeyEvent> events) {
    return events.stream().map(SignedKeyEvent::toByteArray).toList();
  }
}
