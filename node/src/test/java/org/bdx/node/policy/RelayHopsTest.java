package org.bdx.node.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.SignedAlert;
import org.junit.jupiter.api.Test;

/** Each rule of spec RELAY-2, RELAY-3 and RELAY-4, with a twin that shows the allowed case. */
class RelayHopsTest {
  private static final NodeId PARTNER = NodeId.fromPublicKey(new byte[32]);

  /**
   * Terms that allow relaying {@code maxRelayHops} further times; as outbound terms, their receiver
   * takes relayed alerts ({@code accept_relayed}).
   */
  static Grant relaying(int maxRelayHops) {
    return grant(
        DirectionTerms.newBuilder()
            .setReceiverClass(PartnerClass.PARTNER_CLASS_PEER)
            .setMayRelay(true)
            .setMaxRelayHops(maxRelayHops)
            .setAcceptRelayed(true));
  }

  /**
   * Terms that do not allow relaying at all (whatever their max_relay_hops says); their receiver
   * takes relayed alerts.
   */
  static Grant notRelaying() {
    return grant(
        DirectionTerms.newBuilder()
            .setReceiverClass(PartnerClass.PARTNER_CLASS_PEER)
            .setMayRelay(false)
            .setMaxRelayHops(5)
            .setAcceptRelayed(true));
  }

  static Grant grant(DirectionTerms.Builder t) {
    return new Grant(PARTNER, "agreement", t.build());
  }

  // --- RELAY-3.1: the origin ---------------------------------------------------------------------

  @Test
  void origin_sendsNoRelayCount_andMinOfMaxHopsAndTheTermsHopsLeft() {
    assertThat(RelayHops.fromOrigin(relaying(2), 3)).isEqualTo(new RelayHops(0, 2, true));
    assertThat(RelayHops.fromOrigin(relaying(5), 1)).isEqualTo(new RelayHops(0, 1, true));
  }

  @Test
  void origin_withoutMayRelay_sendsContentWithNoHopsLeft() {
    assertThat(RelayHops.fromOrigin(notRelaying(), 3)).isEqualTo(new RelayHops(0, 0, true));
    // Twin: the same terms with may_relay.
    assertThat(RelayHops.fromOrigin(relaying(5), 3)).isEqualTo(new RelayHops(0, 3, true));
  }

  @Test
  void origin_maxRelayHopsIsUnsigned() {
    // A uint32 above 2^31 is a large count, not a negative one.
    assertThat(RelayHops.fromOrigin(relaying(-1), 7)).isEqualTo(new RelayHops(0, 7, true));
  }

  // --- RELAY-3.2: a relay, content -------------------------------------------------------------

  @Test
  void relay_withNoHopsLeft_sendsNoContent() {
    RelayHops none = RelayHops.relayed(relaying(5), Optional.of(relaying(5)), 0, 0, 3);
    assertThat(none.content()).isFalse();
    assertThat(none.hopsLeft()).isZero();
    // Twin: one hop left.
    assertThat(RelayHops.relayed(relaying(5), Optional.of(relaying(5)), 0, 1, 3))
        .isEqualTo(new RelayHops(1, 0, true));
  }

  @Test
  void relay_whoseInboundTermsDoNotAllowRelaying_sendsNoContent() {
    assertThat(RelayHops.relayed(relaying(5), Optional.of(notRelaying()), 0, 2, 3).content())
        .isFalse();
    // Nor without an inbound grant from the partner it came from.
    assertThat(RelayHops.relayed(relaying(5), Optional.empty(), 0, 2, 3).content()).isFalse();
    // Twin: inbound terms that allow relaying.
    assertThat(RelayHops.relayed(relaying(5), Optional.of(relaying(5)), 0, 2, 3))
        .isEqualTo(new RelayHops(1, 1, true));
  }

  @Test
  void relay_toAPartnerThatDoesNotAcceptRelayedAlerts_sendsNoContent() {
    Grant notAccepting = grant(relaying(5).terms().toBuilder().setAcceptRelayed(false));
    RelayHops none = RelayHops.relayed(notAccepting, Optional.of(relaying(5)), 0, 2, 3);
    assertThat(none).isEqualTo(new RelayHops(1, 0, false));
    // Twin: the same partner with accept_relayed.
    assertThat(RelayHops.relayed(relaying(5), Optional.of(relaying(5)), 0, 2, 3))
        .isEqualTo(new RelayHops(1, 1, true));
    // Its own alerts reach that partner whatever accept_relayed says (RELAY-3.1).
    assertThat(RelayHops.fromOrigin(notAccepting, 3)).isEqualTo(new RelayHops(0, 3, true));
  }

  @Test
  void relay_hopsLeftAreCappedByTheInboundTerms() {
    // h' = min(h, inbound max_relay_hops) = 1, so the next partner gets h' - 1 = 0.
    assertThat(RelayHops.relayed(relaying(5), Optional.of(relaying(1)), 0, 3, 4))
        .isEqualTo(new RelayHops(1, 0, true));
    // Twin: inbound terms allowing 3 hops pass the held 3 on, one fewer.
    assertThat(RelayHops.relayed(relaying(5), Optional.of(relaying(3)), 0, 3, 4))
        .isEqualTo(new RelayHops(1, 2, true));
  }

  @Test
  void relay_sendsOneRelayMore_andOneHopFewer() {
    assertThat(RelayHops.relayed(relaying(5), Optional.of(relaying(5)), 1, 3, 5))
        .isEqualTo(new RelayHops(2, 2, true));
  }

  @Test
  void relay_hopsLeftAreCappedByTheOutboundTerms_noneWithoutMayRelay() {
    assertThat(RelayHops.relayed(notRelaying(), Optional.of(relaying(5)), 0, 3, 4))
        .isEqualTo(new RelayHops(1, 0, true));
    assertThat(RelayHops.relayed(relaying(1), Optional.of(relaying(5)), 0, 3, 4))
        .isEqualTo(new RelayHops(1, 1, true));
    // Twin: outbound terms allowing more than is left pass all that is left.
    assertThat(RelayHops.relayed(relaying(5), Optional.of(relaying(5)), 0, 3, 4))
        .isEqualTo(new RelayHops(1, 2, true));
  }

  @Test
  void relay_pastMaxHops_sendsNoContent() {
    // Counts a lying sender raised: two relays already, and M = 2 allows no third.
    assertThat(RelayHops.relayed(relaying(5), Optional.of(relaying(5)), 2, 3, 2).content())
        .isFalse();
    // Twin: M = 3 allows the third.
    assertThat(RelayHops.relayed(relaying(5), Optional.of(relaying(5)), 2, 1, 3))
        .isEqualTo(new RelayHops(3, 0, true));
  }

  // --- RELAY-3.3: a relay, header-only ---------------------------------------------------------

  @Test
  void headerOnly_carriesNoHopsLeft_andOneRelayMore_neverPastMaxHops() {
    assertThat(RelayHops.relayed(relaying(5), Optional.of(notRelaying()), 1, 3, 5))
        .isEqualTo(new RelayHops(2, 0, false));
    assertThat(RelayHops.relayed(relaying(5), Optional.of(relaying(5)), 2, 3, 2))
        .isEqualTo(new RelayHops(2, 0, false));
    // Twin: below max_hops it counts the relay like content does.
    assertThat(RelayHops.relayed(relaying(5), Optional.of(relaying(5)), 1, 3, 5))
        .isEqualTo(new RelayHops(2, 2, true));
  }

  // --- RELAY-3.4: the spec's example -----------------------------------------------------------

  @Test
  void example_aToBWithOneHop_reachesC_neverD() {
    long maxHops = 3;
    Grant aToB = relaying(1); // A's outbound terms; B's inbound grant from A has the same terms
    Grant bToC = relaying(5);
    Grant cToD = relaying(5);
    RelayHops atB = RelayHops.fromOrigin(aToB, maxHops);
    assertThat(atB).isEqualTo(new RelayHops(0, 1, true));
    RelayHops atC =
        RelayHops.relayed(bToC, Optional.of(aToB), atB.relayHops(), atB.hopsLeft(), maxHops);
    assertThat(atC).isEqualTo(new RelayHops(1, 0, true));
    RelayHops atD =
        RelayHops.relayed(cToD, Optional.of(bToC), atC.relayHops(), atC.hopsLeft(), maxHops);
    assertThat(atD.content()).isFalse();
  }

  // --- RELAY-2: the receiver's check -----------------------------------------------------------

  @Test
  void receiver_rejectsARelayCountFromTheOrigin() {
    assertThat(RelayHops.acceptable(1, 0, 3, true)).isFalse();
    // Twin: the origin sends with no relay count; a relay may send one.
    assertThat(RelayHops.acceptable(0, 3, 3, true)).isTrue();
    assertThat(RelayHops.acceptable(1, 0, 3, false)).isTrue();
  }

  @Test
  void receiver_rejectsARelayCountPastMaxHops() {
    assertThat(RelayHops.acceptable(4, 0, 3, false)).isFalse();
    // Twin: exactly max_hops.
    assertThat(RelayHops.acceptable(3, 0, 3, false)).isTrue();
  }

  @Test
  void receiver_rejectsRaisedHopsLeft() {
    assertThat(RelayHops.acceptable(1, 3, 3, false)).isFalse();
    assertThat(RelayHops.acceptable(0, 4, 3, true)).isFalse();
    // Twin: relay count and hops left adding up to max_hops.
    assertThat(RelayHops.acceptable(1, 2, 3, false)).isTrue();
  }

  @Test
  void receiver_acceptsEveryCountARelayComputes() {
    // What RELAY-3 sends always passes RELAY-2 at the next partner, for any honest held counts.
    for (long m = 1; m <= 4; m++) {
      for (long r = 0; r <= m; r++) {
        for (long h = 0; r + h <= m; h++) {
          for (int in = 0; in <= 3; in++) {
            for (int out = 0; out <= 3; out++) {
              RelayHops next = RelayHops.relayed(relaying(out), Optional.of(relaying(in)), r, h, m);
              assertThat(RelayHops.acceptable(next.relayHops(), next.hopsLeft(), m, false))
                  .as("M=%d r=%d h=%d in=%d out=%d", m, r, h, in, out)
                  .isTrue();
            }
          }
        }
      }
      RelayHops first = RelayHops.fromOrigin(relaying(3), m);
      assertThat(RelayHops.acceptable(first.relayHops(), first.hopsLeft(), m, true)).isTrue();
    }
  }

  @Test
  void maxHops_isTheSignedHeaders_orNoneIfItCannotBeRead() {
    SignedAlert signed =
        SignedAlert.newBuilder()
            .setHeader(AlertHeader.newBuilder().setMaxHops(2).build().toByteString())
            .build();
    assertThat(RelayHops.maxHops(signed)).isEqualTo(2);
    SignedAlert garbled =
        SignedAlert.newBuilder()
            .setHeader(com.google.protobuf.ByteString.copyFrom(new byte[] {(byte) 0xff}))
            .build();
    assertThat(RelayHops.maxHops(garbled)).isZero();
  }
}
