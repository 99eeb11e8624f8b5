package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import org.bdx.node.identity.NodeId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncStateStoreTest {
  @TempDir Path dir;

  static final NodeId P = partner(1);
  static final NodeId Q = partner(2);

  /** A partner's node id, from a made-up public key. */
  static NodeId partner(int n) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) n);
    return NodeId.fromPublicKey(key);
  }

  NodeDatabase db;
  SyncStateStore state;

  @BeforeEach
  void setUp() {
    db = TestAlerts.open(dir);
    state = new SyncStateStore(db);
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  @Test
  void nothingExchanged_readsZeros() {
    assertThat(state.inboundCursor(P)).isZero();
    assertThat(state.inboundRejected(P)).isZero();
    assertThat(state.inboundStale(P)).isZero();
    assertThat(state.inboundWaiting(P)).isZero();
    assertThat(state.lastSyncAt(P)).isZero();
    assertThat(state.outboundAcked(P)).isZero();
    assertThat(state.state(P)).isEqualTo(new SyncStateStore.State(0, 0, 0, 0, 0));
  }

  @Test
  void recordInbound_cursorOnlyMovesForward_countersAdd_lastSyncIsTheLatest() {
    state.recordInbound(P, 10, 1000, 2, 1);
    state.recordInbound(P, 7, 1100, 1, 3); // a lower cursor: kept at 10
    assertThat(state.inboundCursor(P)).isEqualTo(10);
    assertThat(state.inboundRejected(P)).isEqualTo(3);
    assertThat(state.inboundStale(P)).isEqualTo(4);
    assertThat(state.lastSyncAt(P)).isEqualTo(1100);
    // Twin: a higher cursor moves it.
    state.recordInbound(P, 12, 1200, 0, 0);
    assertThat(state.inboundCursor(P)).isEqualTo(12);
    // Another partner's row is its own.
    assertThat(state.inboundCursor(Q)).isZero();
  }

  @Test
  void recordInbound_inARolledBackTransaction_leavesTheCursor() {
    state.recordInbound(P, 5, 1000, 0, 0);
    assertThatThrownBy(
            () ->
                db.atomically(
                    () -> {
                      state.recordInbound(P, 9, 1100, 1, 0);
                      throw new IllegalStateException("the batch failed after the cursor");
                    }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(state.inboundCursor(P)).isEqualTo(5);
    assertThat(state.inboundRejected(P)).isZero();
  }

  @Test
  void recordInboundWaiting_replacesTheLastBacklog() {
    state.recordInboundWaiting(P, 40);
    state.recordInboundWaiting(P, 3);
    assertThat(state.inboundWaiting(P)).isEqualTo(3);
    assertThat(state.inboundCursor(P)).isZero();
  }

  @Test
  void recordOutboundAcked_isMonotonic_andCountsAsASync() {
    state.recordOutboundAcked(P, 20, 1000);
    state.recordOutboundAcked(P, 15, 900); // lower, earlier: no effect
    assertThat(state.outboundAcked(P)).isEqualTo(20);
    assertThat(state.lastSyncAt(P)).isEqualTo(1000);
    // Twin: higher and later.
    state.recordOutboundAcked(P, 25, 1100);
    assertThat(state.outboundAcked(P)).isEqualTo(25);
    assertThat(state.lastSyncAt(P)).isEqualTo(1100);
  }

  @Test
  void state_readsBothDirections_andEachWriteKeepsTheOtherColumns() {
    state.recordInbound(P, 10, 1000, 2, 1);
    state.recordInboundWaiting(P, 40);
    state.recordOutboundAcked(P, 20, 1100);
    assertThat(state.state(P)).isEqualTo(new SyncStateStore.State(1100, 20, 40, 2, 1));
    assertThat(state.inboundCursor(P)).isEqualTo(10);
    assertThat(state.state(Q)).isEqualTo(new SyncStateStore.State(0, 0, 0, 0, 0));
  }
}
