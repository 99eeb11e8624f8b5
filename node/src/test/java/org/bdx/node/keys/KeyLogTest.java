package org.bdx.node.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.keys.KeyLogException.Outcome;
import org.bdx.proto.v1.KeyEvent;
import org.bdx.proto.v1.KeyEventKind;
import org.bdx.proto.v1.SignedKeyEvent;
import org.junit.jupiter.api.Test;

class KeyLogTest {
  private static final long T0 = 1_790_000_000L;
  private static final long MONTH = 30 * 86_400L;

  private final NodeKeys k0 = key(0x10);
  private final NodeKeys k1 = key(0x20);
  private final NodeKeys k2 = key(0x30);
  private final NodeKeys k3 = key(0x40);
  private final NodeKeys thief = key(0x50);

  static NodeKeys key(int first) {
    byte[] s = new byte[32];
    for (int i = 0; i < 32; i++) {
      s[i] = (byte) (first + i);
    }
    return NodeKeys.fromSeed(s);
  }

  private SignedKeyEvent inception() {
    return KeyEvents.inception(k0, k1.publicKey(), T0);
  }

  private KeyLog started() throws KeyLogException {
    return KeyLog.verify(k0.nodeId(), List.of(inception()));
  }

  private KeyLog rotatedTwice() throws KeyLogException {
    KeyLog log = started();
    log = log.append(KeyEvents.rotation(log, k1, k2.publicKey(), T0 + MONTH));
    return log.append(KeyEvents.rotation(log, k2, k3.publicKey(), T0 + 2 * MONTH));
  }

  private static KeyEvent parse(SignedKeyEvent s) {
    try {
      return KeyEvent.parseFrom(s.getEvent());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code s}'s event changed by {@code edit} and signed again by {@code by}. */
  private static SignedKeyEvent resigned(
      SignedKeyEvent s, NodeKeys by, UnaryOperator<KeyEvent.Builder> edit) {
    return KeyEvents.sign(by, edit.apply(parse(s).toBuilder()).build());
  }

  private Outcome failure(List<SignedKeyEvent> events) {
    KeyLogException e =
        catchThrowableOfType(KeyLogException.class, () -> KeyLog.verify(k0.nodeId(), events));
    assertThat(e).as("the log must not verify").isNotNull();
    return e.outcome();
  }

  private List<SignedKeyEvent> with(KeyLog log, SignedKeyEvent next) {
    List<SignedKeyEvent> out = new ArrayList<>(log.events());
    out.add(next);
    return out;
  }

  @Test
  void verify_inceptionOnly_firstKeyAtEveryTime() throws Exception {
    KeyLog log = started();
    assertThat(log.nodeId()).isEqualTo(k0.nodeId());
    assertThat(log.keyAt(1)).isEqualTo(k0.publicKey());
    assertThat(log.keyAt(T0 + 10 * MONTH)).isEqualTo(k0.publicKey());
    assertThat(log.latestKey()).isEqualTo(k0.publicKey());
    assertThat(log.nextKeyDigest()).isEqualTo(KeyEvents.nextKeyDigest(k1.publicKey()));
  }

  @Test
  void keyAt_rotations_followValidFrom() throws Exception {
    KeyLog log = rotatedTwice();
    assertThat(log.size()).isEqualTo(3);
    assertThat(log.keyAt(T0 + MONTH - 1)).isEqualTo(k0.publicKey());
    assertThat(log.keyAt(T0 + MONTH)).isEqualTo(k1.publicKey());
    assertThat(log.keyAt(T0 + 2 * MONTH - 1)).isEqualTo(k1.publicKey());
    assertThat(log.keyAt(T0 + 2 * MONTH)).isEqualTo(k2.publicKey());
    assertThat(log.trusts(k0.publicKey(), T0 + MONTH - 1)).isTrue();
    assertThat(log.trusts(k0.publicKey(), T0 + MONTH)).isFalse();
    assertThat(log.revokedSince(k0.publicKey())).isEmpty();
  }

  @Test
  void revocation_distrustsReplacedKeyFromCompromisedSince() throws Exception {
    KeyLog log = started();
    log = log.append(KeyEvents.rotation(log, k1, k2.publicKey(), T0 + MONTH));
    long since = T0 + MONTH + 100;
    log = log.append(KeyEvents.revocation(log, k2, k3.publicKey(), T0 + 2 * MONTH, since));
    assertThat(log.revokedSince(k1.publicKey())).hasValue(since);
    assertThat(log.revokedSince(k0.publicKey())).isEmpty();
    assertThat(log.trusts(k1.publicKey(), since - 1)).isTrue();
    assertThat(log.trusts(k1.publicKey(), since)).isFalse();
    assertThat(log.trusts(k2.publicKey(), T0 + 2 * MONTH)).isTrue();
    assertThat(log.trusts(k0.publicKey(), T0)).isTrue();
  }

  @Test
  void lastCompromisedSince_namesTheRevocationAtOrAfterAnEvent() throws Exception {
    KeyLog log = started();
    log = log.append(KeyEvents.rotation(log, k1, k2.publicKey(), T0 + MONTH));
    assertThat(log.lastCompromisedSince(0)).isEmpty();
    long since = T0 + MONTH + 100;
    log = log.append(KeyEvents.revocation(log, k2, k3.publicKey(), T0 + 2 * MONTH, since));
    assertThat(log.lastCompromisedSince(0)).hasValue(since);
    assertThat(log.lastCompromisedSince(2)).hasValue(since);
    assertThat(log.lastCompromisedSince(3)).isEmpty();
  }

  @Test
  void verify_thiefWithCurrentKeyRotatesToOwnKey_throwsNotPreCommitted() throws Exception {
    KeyLog log = started();
    // The thief holds k0 and signs a rotation to a key of its own: with its key...
    SignedKeyEvent byThief =
        resigned(
            KeyEvents.rotation(log, k1, k2.publicKey(), T0 + MONTH),
            thief,
            b -> b.setPublicKey(ByteString.copyFrom(thief.publicKey())));
    assertThat(failure(with(log, byThief))).isEqualTo(Outcome.NOT_PRE_COMMITTED);
    // ... or with the stolen current key.
    SignedKeyEvent byStolen =
        resigned(byThief, k0, b -> b.setPublicKey(ByteString.copyFrom(thief.publicKey())));
    assertThat(failure(with(log, byStolen))).isEqualTo(Outcome.NOT_PRE_COMMITTED);
    // Naming the committed key does not help without its seed.
    SignedKeyEvent namingNext = resigned(byThief, k0, b -> b.setPublicKey(k1PublicKey()));
    assertThat(failure(with(log, namingNext))).isEqualTo(Outcome.BAD_SIGNATURE);
  }

  private ByteString k1PublicKey() {
    return ByteString.copyFrom(k1.publicKey());
  }

  @Test
  void verify_modifiedEvent_throws() throws Exception {
    KeyLog log = started();
    SignedKeyEvent r = KeyEvents.rotation(log, k1, k2.publicKey(), T0 + MONTH);
    SignedKeyEvent moved =
        r.toBuilder()
            .setEvent(parse(r).toBuilder().setValidFrom(T0 + 5).build().toByteString())
            .build();
    assertThat(failure(with(log, moved))).isEqualTo(Outcome.BAD_SIGNATURE);
  }

  @Test
  void verify_empty_throwsMalformed() {
    assertThat(failure(List.of())).isEqualTo(Outcome.MALFORMED);
  }

  @Test
  void verify_moreThanMaxEvents_throwsTooLong() throws Exception {
    List<NodeKeys> keys = new ArrayList<>();
    for (int i = 0; i <= KeyLog.MAX_EVENTS + 1; i++) {
      keys.add(key(i * 3));
    }
    KeyLog log =
        KeyLog.verify(
            keys.get(0).nodeId(),
            List.of(KeyEvents.inception(keys.get(0), keys.get(1).publicKey(), T0)));
    for (int i = 1; i < KeyLog.MAX_EVENTS; i++) {
      log = log.append(KeyEvents.rotation(log, keys.get(i), keys.get(i + 1).publicKey(), T0 + i));
    }
    assertThat(log.size()).isEqualTo(KeyLog.MAX_EVENTS);
    SignedKeyEvent extra =
        KeyEvents.sign(
            keys.get(KeyLog.MAX_EVENTS),
            parse(log.events().get(1)).toBuilder()
                .setSequence(KeyLog.MAX_EVENTS)
                .setPublicKey(ByteString.copyFrom(keys.get(KeyLog.MAX_EVENTS).publicKey()))
                .setNextKeyDigest(
                    ByteString.copyFrom(
                        KeyEvents.nextKeyDigest(keys.get(KeyLog.MAX_EVENTS + 1).publicKey())))
                .setPreviousEventDigest(ByteString.copyFrom(log.lastEventDigest()))
                .setValidFrom(T0 + KeyLog.MAX_EVENTS)
                .build());
    KeyLog full = log;
    KeyLogException e = catchThrowableOfType(KeyLogException.class, () -> full.append(extra));
    assertThat(e.outcome()).isEqualTo(Outcome.TOO_LONG);
    assertThatThrownBy(
            () -> KeyEvents.rotation(full, keys.get(KeyLog.MAX_EVENTS), k0.publicKey(), T0 + 99))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void verify_unknownField_throwsMalformed() {
    SignedKeyEvent i = inception();
    byte[] extra =
        ByteString.copyFrom(i.getEvent().toByteArray())
            .concat(ByteString.copyFrom(new byte[] {(byte) 0x48, 0x01}))
            .toByteArray();
    SignedKeyEvent withUnknown = KeyEvents.sign(k0, parseUnchecked(extra));
    assertThat(failure(List.of(withUnknown))).isEqualTo(Outcome.MALFORMED);
    SignedKeyEvent outerUnknown =
        i.toBuilder()
            .setUnknownFields(
                com.google.protobuf.UnknownFieldSet.newBuilder()
                    .addField(
                        9,
                        com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                    .build())
            .build();
    assertThat(failure(List.of(outerUnknown))).isEqualTo(Outcome.MALFORMED);
  }

  private static KeyEvent parseUnchecked(byte[] b) {
    try {
      return KeyEvent.parseFrom(b);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void verify_badLengthsOrUnknownKind_throwMalformed() {
    SignedKeyEvent i = inception();
    assertThat(failure(List.of(i.toBuilder().setSignature(i.getSignature().substring(1)).build())))
        .isEqualTo(Outcome.MALFORMED);
    assertThat(failure(List.of(resigned(i, k0, b -> b.setKindValue(7)))))
        .isEqualTo(Outcome.MALFORMED);
    assertThat(
            failure(
                List.of(
                    resigned(i, k0, b -> b.setNextKeyDigest(b.getNextKeyDigest().substring(1))))))
        .isEqualTo(Outcome.MALFORMED);
    assertThat(
            failure(
                List.of(
                    i.toBuilder()
                        .setEvent(
                            i.getEvent()
                                .concat(ByteString.copyFrom(new byte[KeyLog.MAX_EVENT_BYTES])))
                        .build())))
        .isEqualTo(Outcome.MALFORMED);
  }

  @Test
  void verify_otherNodeOrFirstKeyOfAnother_throwsNodeIdMismatch() throws Exception {
    KeyLogException e =
        catchThrowableOfType(
            KeyLogException.class, () -> KeyLog.verify(thief.nodeId(), List.of(inception())));
    assertThat(e.outcome()).isEqualTo(Outcome.NODE_ID_MISMATCH);
    SignedKeyEvent otherKey =
        resigned(inception(), thief, b -> b.setPublicKey(ByteString.copyFrom(thief.publicKey())));
    assertThat(failure(List.of(otherKey))).isEqualTo(Outcome.NODE_ID_MISMATCH);
  }

  @Test
  void verify_unlinkedEvents_throwBrokenChain() throws Exception {
    KeyLog log = started();
    SignedKeyEvent r = KeyEvents.rotation(log, k1, k2.publicKey(), T0 + MONTH);
    assertThat(failure(with(log, resigned(r, k1, b -> b.setSequence(2)))))
        .isEqualTo(Outcome.BROKEN_CHAIN);
    assertThat(
            failure(
                with(
                    log,
                    resigned(
                        r, k1, b -> b.setPreviousEventDigest(ByteString.copyFrom(new byte[32]))))))
        .isEqualTo(Outcome.BROKEN_CHAIN);
    assertThat(
            failure(
                with(log, resigned(r, k1, b -> b.setKind(KeyEventKind.KEY_EVENT_KIND_INCEPTION)))))
        .isEqualTo(Outcome.BROKEN_CHAIN);
    assertThat(
            failure(
                List.of(
                    resigned(
                        inception(), k0, b -> b.setKind(KeyEventKind.KEY_EVENT_KIND_ROTATION)))))
        .isEqualTo(Outcome.BROKEN_CHAIN);
    // The digest is of the KeyEvent bytes, not of the SignedKeyEvent around them.
    byte[] ofWrapper = KeyEvents.eventDigest(log.events().get(0).toByteString());
    assertThat(
            failure(
                with(
                    log,
                    resigned(
                        r, k1, b -> b.setPreviousEventDigest(ByteString.copyFrom(ofWrapper))))))
        .isEqualTo(Outcome.BROKEN_CHAIN);
  }

  @Test
  void verify_validFromBeforePrevious_throwsTimeGoesBack() throws Exception {
    KeyLog log = started();
    SignedKeyEvent r = KeyEvents.rotation(log, k1, k2.publicKey(), T0);
    assertThat(KeyLog.verify(k0.nodeId(), with(log, r)).keyAt(T0)).isEqualTo(k1.publicKey());
    assertThat(failure(with(log, resigned(r, k1, b -> b.setValidFrom(T0 - 1)))))
        .isEqualTo(Outcome.TIME_GOES_BACK);
    assertThat(failure(List.of(resigned(inception(), k0, b -> b.setValidFrom(0)))))
        .isEqualTo(Outcome.TIME_GOES_BACK);
    assertThatThrownBy(() -> KeyEvents.rotation(log, k1, k2.publicKey(), T0 - 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void verify_compromisedSinceOutOfRange_throwsInvalidRevocation() throws Exception {
    KeyLog log = started();
    SignedKeyEvent r = KeyEvents.rotation(log, k1, k2.publicKey(), T0 + MONTH);
    assertThat(failure(with(log, resigned(r, k1, b -> b.setCompromisedSince(T0)))))
        .isEqualTo(Outcome.INVALID_REVOCATION);
    SignedKeyEvent v = KeyEvents.revocation(log, k1, k2.publicKey(), T0 + MONTH, T0 + MONTH);
    assertThat(KeyLog.verify(k0.nodeId(), with(log, v)).revokedSince(k0.publicKey()))
        .hasValue(T0 + MONTH);
    assertThat(failure(with(log, resigned(v, k1, b -> b.setCompromisedSince(T0 + MONTH + 1)))))
        .isEqualTo(Outcome.INVALID_REVOCATION);
    assertThat(failure(with(log, resigned(v, k1, b -> b.setCompromisedSince(0)))))
        .isEqualTo(Outcome.INVALID_REVOCATION);
    assertThatThrownBy(() -> KeyEvents.revocation(log, k1, k2.publicKey(), T0 + MONTH, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void verify_commitmentToUsedKey_throwsKeyReused() throws Exception {
    SignedKeyEvent self =
        resigned(
            inception(),
            k0,
            b -> b.setNextKeyDigest(ByteString.copyFrom(KeyEvents.nextKeyDigest(k0.publicKey()))));
    assertThat(failure(List.of(self))).isEqualTo(Outcome.KEY_REUSED);
    KeyLog log = started();
    SignedKeyEvent back =
        resigned(
            KeyEvents.rotation(log, k1, k2.publicKey(), T0 + MONTH),
            k1,
            b -> b.setNextKeyDigest(ByteString.copyFrom(KeyEvents.nextKeyDigest(k0.publicKey()))));
    assertThat(failure(with(log, back))).isEqualTo(Outcome.KEY_REUSED);
    assertThatThrownBy(() -> KeyEvents.inception(k0, k0.publicKey(), T0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rotation_withKeyNotCommitted_throws() throws Exception {
    KeyLog log = started();
    assertThatThrownBy(() -> KeyEvents.rotation(log, thief, k2.publicKey(), T0 + MONTH))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void isPrefixOf_extensionAndFork() throws Exception {
    KeyLog log = started();
    KeyLog longer = rotatedTwice();
    assertThat(log.isPrefixOf(longer)).isTrue();
    assertThat(longer.isPrefixOf(log)).isFalse();
    assertThat(log.isPrefixOf(log)).isTrue();
    // The holder of k1 signs two different rotations: two logs, neither extends the other.
    KeyLog a = log.append(KeyEvents.rotation(log, k1, k2.publicKey(), T0 + MONTH));
    KeyLog b = log.append(KeyEvents.rotation(log, k1, k3.publicKey(), T0 + MONTH));
    assertThat(a.isPrefixOf(b)).isFalse();
    assertThat(b.isPrefixOf(a)).isFalse();
  }

  @Test
  void toString_hasNoKeyBytes() throws Exception {
    KeyLog log = rotatedTwice();
    String s = log.toString();
    for (NodeKeys k : List.of(k0, k1, k2)) {
      assertThat(s).doesNotContain(HexFormat.of().formatHex(k.publicKey()));
    }
    assertThat(s).contains(k0.nodeId().value());
  }
}
