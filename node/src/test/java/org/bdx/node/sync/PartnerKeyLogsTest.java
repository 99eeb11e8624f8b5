package org.bdx.node.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.keys.KeyEvents;
import org.bdx.node.keys.KeyLog;
import org.bdx.node.signing.SigningInput;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.PartnerKeyLogStore;
import org.bdx.node.store.TestAlerts;
import org.bdx.proto.v1.KeyEvent;
import org.bdx.proto.v1.SignedKeyEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A partner's key log held here (spec KEY-16): verified, only ever extended, forks kept out. */
class PartnerKeyLogsTest {
  private static final long T0 = 1_800_000_000L;

  @TempDir Path dir;
  NodeDatabase db;
  PartnerKeyLogStore store;
  PartnerKeyLogs logs;

  final NodeKeys first = keys(1);
  final NodeKeys second = keys(2);
  final NodeKeys third = keys(3);
  final NodeId partner = first.nodeId();

  @BeforeEach
  void open() {
    db = TestAlerts.open(dir);
    store = new PartnerKeyLogStore(db);
    logs =
        new PartnerKeyLogs(
            store,
            Clock.fixed(Instant.ofEpochSecond(T0 + 100), ZoneOffset.UTC),
            NodeId::fingerprint);
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static NodeKeys keys(int seed) {
    byte[] s = new byte[32];
    s[0] = (byte) seed;
    s[31] = 7;
    return NodeKeys.fromSeed(s);
  }

  /** Inception by {@code first} committing to {@code second}. */
  private List<SignedKeyEvent> inception() {
    return List.of(KeyEvents.inception(first, second.publicKey(), T0));
  }

  /** The inception, then a rotation to {@code second} committing to {@code third}. */
  private List<SignedKeyEvent> rotated() throws Exception {
    return rotatedFrom(T0 + 50);
  }

  /** The inception, then a rotation to {@code second} valid from {@code validFrom}. */
  private List<SignedKeyEvent> rotatedFrom(long validFrom) throws Exception {
    KeyLog log = KeyLog.verify(partner, inception());
    return log.append(KeyEvents.rotation(log, second, third.publicKey(), validFrom)).events();
  }

  /** An inception by {@code first} committing to {@code third}: a fork of {@link #inception}. */
  private List<SignedKeyEvent> otherInception() {
    return List.of(KeyEvents.inception(first, third.publicKey(), T0 + 1));
  }

  @Test
  void receive_firstVerifiedLog_isStoredAndShown() {
    assertThat(logs.receive(partner, inception())).isEqualTo(PartnerKeyLogs.Outcome.EXTENDED);

    assertThat(store.load(partner)).isEqualTo(inception());
    PartnerKeyLogs.View v = logs.view(partner);
    assertThat(v.length()).isEqualTo(1);
    assertThat(v.keyValidFrom()).isEqualTo(T0);
    assertThat(v.latestKey().toByteArray()).isEqualTo(first.publicKey());
    assertThat(v.rotationPending()).isFalse();
    assertThat(v.forks()).isZero();
  }

  @Test
  void receive_extension_addsOnlyTheNewEventsAndTheNewKeyIsInForce() throws Exception {
    logs.receive(partner, inception());

    assertThat(logs.receive(partner, rotated())).isEqualTo(PartnerKeyLogs.Outcome.EXTENDED);

    assertThat(store.load(partner)).isEqualTo(rotated());
    PartnerKeyLogs.View v = logs.view(partner);
    assertThat(v.length()).isEqualTo(2);
    assertThat(v.keyValidFrom()).isEqualTo(T0 + 50);
    assertThat(v.latestKey().toByteArray()).isEqualTo(second.publicKey());
    assertThat(v.rotationPending()).as("valid from before now (T0 + 100)").isFalse();
    assertThat(logs.isKeyOf(partner, second.publicKey())).isTrue();
    assertThat(logs.signsNew(partner, second.publicKey(), T0 + 60)).isTrue();
    assertThat(logs.signsNew(partner, first.publicKey(), T0 + 60)).isFalse();
    assertThat(logs.signsNew(partner, first.publicKey(), T0 + 40)).isTrue();
  }

  @Test
  void identify_replacedKey_isRefused_newKeyWithItsLog_isTakenAndStored() throws Exception {
    logs.receive(partner, inception());
    // The first key, before any rotation is known: the partner, as pinned.
    assertThat(logs.identify(first.publicKey(), List.of()).node()).isEqualTo(partner);

    // The new key presents its log: identified as the partner, and the log stored once accepted.
    var peer = logs.identify(second.publicKey(), rotated());
    assertThat(peer.node()).isEqualTo(partner);
    logs.accepted(peer);
    assertThat(store.load(partner)).isEqualTo(rotated());

    // Now the replaced key is refused, with or without its old log.
    assertThatThrownBy(() -> logs.identify(first.publicKey(), List.of()))
        .isInstanceOf(java.security.cert.CertificateException.class)
        .hasMessageContaining("has replaced");
    assertThatThrownBy(() -> logs.identify(first.publicKey(), inception()))
        .isInstanceOf(java.security.cert.CertificateException.class);
  }

  @Test
  void identify_rotationValidLater_stillTakesTheCurrentKey() throws Exception {
    logs.receive(partner, rotatedFrom(T0 + 200));

    assertThat(logs.identify(first.publicKey(), List.of()).node()).isEqualTo(partner);
  }

  @Test
  void view_rotationValidLater_isPending() throws Exception {
    logs.receive(partner, rotatedFrom(T0 + 200));

    PartnerKeyLogs.View v = logs.view(partner);
    assertThat(v.rotationPending()).isTrue();
    assertThat(v.keyValidFrom()).isEqualTo(T0 + 200);
    assertThat(v.compromisedSince()).isZero();
  }

  @Test
  void receive_sameOrShorterLog_changesNothing() throws Exception {
    logs.receive(partner, rotated());

    assertThat(logs.receive(partner, rotated())).isEqualTo(PartnerKeyLogs.Outcome.UNCHANGED);
    assertThat(logs.receive(partner, inception())).isEqualTo(PartnerKeyLogs.Outcome.UNCHANGED);

    assertThat(store.load(partner)).isEqualTo(rotated());
    assertThat(logs.view(partner).forks()).isZero();
  }

  @Test
  void receive_fork_keepsTheHeldLogAndCountsIt() {
    logs.receive(partner, inception());

    assertThat(logs.receive(partner, otherInception())).isEqualTo(PartnerKeyLogs.Outcome.FORK);
    logs.receive(partner, otherInception());

    assertThat(store.load(partner)).isEqualTo(inception());
    PartnerKeyLogs.View v = logs.view(partner);
    assertThat(v.forks()).isEqualTo(2);
    assertThat(v.forkLastSeenAt()).isEqualTo(T0 + 100);
    assertThat(v.length()).isEqualTo(1);
  }

  @Test
  void receive_rotationByAKeyNotPreCommitted_isRefusedAndNotStored() throws Exception {
    logs.receive(partner, inception());
    // A thief holding only the first key signs a "rotation" to a key of its own.
    KeyEvent forged =
        KeyEvent.parseFrom(rotated().get(1).getEvent()).toBuilder()
            .setPublicKey(ByteString.copyFrom(third.publicKey()))
            .setNextKeyDigest(ByteString.copyFrom(KeyEvents.nextKeyDigest(keys(4).publicKey())))
            .build();
    byte[] bytes = forged.toByteArray();
    SignedKeyEvent signed =
        SignedKeyEvent.newBuilder()
            .setEvent(ByteString.copyFrom(bytes))
            .setSignature(
                ByteString.copyFrom(third.sign(SigningInput.of(KeyEvents.PAYLOAD_TYPE, bytes))))
            .build();
    List<SignedKeyEvent> served = new ArrayList<>(inception());
    served.add(signed);

    assertThat(logs.receive(partner, served)).isEqualTo(PartnerKeyLogs.Outcome.REFUSED);

    assertThat(store.load(partner)).isEqualTo(inception());
    assertThat(logs.view(partner).rotationPending()).isFalse();
  }

  @Test
  void receive_logOfAnotherNode_isRefusedAndNotStored() {
    List<SignedKeyEvent> others = List.of(KeyEvents.inception(second, third.publicKey(), T0));

    assertThat(logs.receive(partner, others)).isEqualTo(PartnerKeyLogs.Outcome.REFUSED);
    assertThat(logs.receive(partner, List.of())).isEqualTo(PartnerKeyLogs.Outcome.REFUSED);

    assertThat(store.load(partner)).isEmpty();
    assertThat(logs.view(partner)).isEqualTo(PartnerKeyLogs.View.NONE);
  }

  @Test
  void receive_logOverTheSizeLimit_isRefusedAndNotStored() {
    List<SignedKeyEvent> tooLong = new ArrayList<>();
    for (int i = 0; i <= KeyLog.MAX_EVENTS; i++) {
      tooLong.add(inception().get(0));
    }

    assertThat(logs.receive(partner, tooLong)).isEqualTo(PartnerKeyLogs.Outcome.REFUSED);

    assertThat(store.load(partner)).isEmpty();
  }

  @Test
  void extend_whenTheHeldLogIsNotAsLongAsSaid_throwsAndStoresNothing() throws Exception {
    store.extend(partner, 0, inception());

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> store.extend(partner, 0, rotated().subList(1, 2)))
        .isInstanceOf(org.bdx.node.store.StoreException.class);

    assertThat(store.load(partner)).isEqualTo(inception());
  }
}
