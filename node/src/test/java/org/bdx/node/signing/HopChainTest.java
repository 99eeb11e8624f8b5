package org.bdx.node.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.bdx.node.identity.NodeKeys;
import org.bdx.proto.v1.SignedHop;
import org.junit.jupiter.api.Test;

/**
 * Each check of spec RELAY-8 on the chains of {@link HopVectors} (the cases of
 * spec/vectors/hop-statement.json), with the valid chains as twins; and {@link HopSigner}.
 */
class HopChainTest {
  private final HopVectors v = new HopVectors();

  private HopVectors.Case named(String name) {
    return v.all().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  private String outcome(String name) {
    String[] o = v.outcome(named(name));
    return o[1] == null ? o[0] : o[0] + "/" + o[1];
  }

  @Test
  void verify_validChains_returnThePathOriginFirst() throws Exception {
    for (String name :
        List.of(
            "origin_no_statement",
            "origin_one_statement",
            "relayed_twice",
            "relayed_known_origin",
            "forged_origin_accepted")) {
      assertThat(outcome(name)).as(name).isEqualTo("VALID");
    }
    HopVectors.Case c = named("relayed_twice");
    HopChain chain =
        HopChain.verify(
            c.hops(),
            new AlertVerifier().verify(c.envelope()),
            c.relayHops(),
            c.hopsLeft(),
            c.sender().nodeId(),
            v.receiverId(),
            c.limit());
    assertThat(chain.signers())
        .containsExactly(v.origin.nodeId(), v.relay.nodeId(), v.sender.nodeId());
    assertThat(chain.lastTo()).isEqualTo(v.receiverId());
    assertThat(chain.hopsLeft()).isEqualTo(1);
    assertThat(chain.hops()).isEqualTo(c.hops());
  }

  @Test
  void verify_statementByRevokedKey_isRefused() throws Exception {
    HopVectors.Case c = named("relayed_twice");
    NodeKeys next = NodeKeys.fromSeed(new byte[32]).forNode(v.relay.nodeId());
    org.bdx.node.keys.KeyLog first =
        org.bdx.node.keys.KeyLog.verify(
            v.relay.nodeId(),
            List.of(org.bdx.node.keys.KeyEvents.inception(v.relay, next.publicKey(), 1_000_000)));
    byte[] afterNext =
        NodeKeys.fromSeed(
                new byte[] {
                  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
                  24, 25, 26, 27, 28, 29, 30, 31, 32
                })
            .publicKey();
    org.bdx.node.keys.KeyLog rotated =
        first.append(org.bdx.node.keys.KeyEvents.rotation(first, next, afterNext, 2_000_000));
    org.bdx.node.keys.KeyLog revoked =
        first.append(
            org.bdx.node.keys.KeyEvents.revocation(first, next, afterNext, 2_000_000, 1_500_000));
    VerifiedAlert alert = new AlertVerifier().verify(c.envelope());
    // Rotated: what the relay signed with its former key stays valid (a statement has no time).
    HopChain.verify(
        c.hops(),
        alert,
        c.relayHops(),
        c.hopsLeft(),
        c.sender().nodeId(),
        v.receiverId(),
        c.limit(),
        new org.bdx.node.keys.HeldLogKeys(n -> n.equals(v.relay.nodeId()) ? rotated : null));
    // Revoked: nothing new signed with that key is taken.
    assertThatThrownBy(
            () ->
                HopChain.verify(
                    c.hops(),
                    alert,
                    c.relayHops(),
                    c.hopsLeft(),
                    c.sender().nodeId(),
                    v.receiverId(),
                    c.limit(),
                    new org.bdx.node.keys.HeldLogKeys(
                        n -> n.equals(v.relay.nodeId()) ? revoked : null)))
        .isInstanceOf(HopChainException.class)
        .extracting(e -> ((HopChainException) e).reason())
        .isEqualTo(HopChainException.Reason.STATEMENT_KEY_REVOKED);
  }

  @Test
  void verify_countNotFittingTheHopCounts_rejected() {
    assertThat(outcome("count_fewer_than_relay_hops"))
        .isEqualTo("HOP_STATEMENT_INVALID/STATEMENT_COUNT");
    assertThat(outcome("count_hops_left_unsigned"))
        .isEqualTo("HOP_STATEMENT_INVALID/STATEMENT_COUNT");
    assertThat(outcome("count_relayed_without_origin_statement"))
        .isEqualTo("HOP_STATEMENT_INVALID/STATEMENT_COUNT");
  }

  @Test
  void verify_malformedStatements_rejected() {
    assertThat(outcome("statement_unknown_field"))
        .isEqualTo("HOP_STATEMENT_INVALID/STATEMENT_MALFORMED");
    assertThat(outcome("signed_hop_unknown_field"))
        .isEqualTo("HOP_STATEMENT_INVALID/STATEMENT_MALFORMED");
    assertThat(outcome("statement_key_31_bytes"))
        .isEqualTo("HOP_STATEMENT_INVALID/STATEMENT_KEY_MALFORMED");
    assertThat(outcome("statement_id_mismatch"))
        .isEqualTo("HOP_STATEMENT_INVALID/STATEMENT_ID_MISMATCH");
  }

  @Test
  void verify_forgedSignature_rejected() {
    assertThat(outcome("statement_signed_by_another_key"))
        .isEqualTo("HOP_STATEMENT_INVALID/STATEMENT_BAD_SIGNATURE");
    assertThat(outcome("statement_signature_bit_flipped"))
        .isEqualTo("HOP_STATEMENT_INVALID/STATEMENT_BAD_SIGNATURE");
  }

  @Test
  void verify_statementAboutAnotherVersion_rejected() {
    assertThat(outcome("statement_other_version"))
        .isEqualTo("HOP_STATEMENT_INVALID/STATEMENT_OTHER_ALERT");
  }

  @Test
  void verify_notFromOrigin_rejected() {
    assertThat(outcome("not_from_origin")).isEqualTo("HOP_STATEMENT_INVALID/NOT_FROM_ORIGIN");
  }

  @Test
  void verify_brokenLink_rejected() {
    assertThat(outcome("broken_link")).isEqualTo("HOP_STATEMENT_INVALID/BROKEN_LINK");
  }

  @Test
  void verify_wrongEnds_rejected() {
    assertThat(outcome("not_from_sender")).isEqualTo("HOP_STATEMENT_INVALID/NOT_FROM_SENDER");
    assertThat(outcome("not_to_receiver")).isEqualTo("HOP_STATEMENT_INVALID/NOT_TO_RECEIVER");
  }

  @Test
  void verify_aNodeSigningTwice_rejected() {
    assertThat(outcome("signed_twice")).isEqualTo("HOP_STATEMENT_INVALID/SIGNED_TWICE");
  }

  @Test
  void verify_pathThroughTheReceiver_isALoop() {
    assertThat(outcome("through_receiver")).isEqualTo("IGNORED/THROUGH_RECEIVER");
  }

  @Test
  void verify_originAboveMaxHops_rejected() {
    assertThat(outcome("above_max_hops")).isEqualTo("RELAY_NOT_ALLOWED/ABOVE_MAX_HOPS");
  }

  @Test
  void verify_raisedHops_rejected() {
    assertThat(outcome("hops_raised")).isEqualTo("RELAY_NOT_ALLOWED/HOPS_RAISED");
    assertThat(outcome("forwarded_with_no_hop_left")).isEqualTo("RELAY_NOT_ALLOWED/HOPS_RAISED");
    assertThat(outcome("item_hops_left_raised")).isEqualTo("RELAY_NOT_ALLOWED/ITEM_HOPS_LEFT");
  }

  @Test
  void verify_aboveTheReceiversGrant_rejected() {
    assertThat(outcome("above_grant")).isEqualTo("RELAY_NOT_ALLOWED/ABOVE_GRANT");
  }

  @Test
  void verify_forgedOrigin_acceptedOnlyWhenTheRelaysTermsSaySo() {
    assertThat(outcome("forged_origin"))
        .isEqualTo("RELAYED_ORIGIN_NOT_ACCEPTED/ORIGIN_NOT_ACCEPTED");
    assertThat(outcome("forged_origin_accepted")).isEqualTo("VALID");
  }

  @Test
  void verify_everyOutcomeAndEveryReasonHasACase() {
    List<String> outcomes = v.all().stream().map(c -> v.outcome(c)[0]).distinct().toList();
    assertThat(outcomes).containsExactlyInAnyOrderElementsOf(HopVectors.OUTCOMES);
    List<String> details = v.all().stream().map(c -> v.outcome(c)[1]).distinct().toList();
    for (HopChainException.Reason r : HopChainException.Reason.values()) {
      if (r == HopChainException.Reason.STATEMENT_KEY_REVOKED) {
        continue; // reached only against a held key log: verify_statementByRevokedKey_isRefused
      }
      assertThat(details).as("a case for %s", r).contains(r.name());
    }
    for (HopVectors.Case c : v.all()) {
      assertThat(v.outcome(c)).as(c.name()).containsExactly(c.outcome(), c.detail());
    }
  }

  @Test
  void extend_signsOneStatementPerHop_andRefusesAChainNotEndingHere() {
    SignedHop first = HopVectors.hop(v.origin, v.alert, v.sender, 1);
    HopChain atS = HopChain.read(List.of(first));
    HopChain next = new HopSigner(v.sender).extend(atS, v.alert.getHeader(), v.receiverId(), 0);
    assertThat(next.size()).isEqualTo(2);
    assertThat(next.signers()).containsExactly(v.origin.nodeId(), v.sender.nodeId());
    // R was not sent this chain: it cannot extend it.
    assertThatThrownBy(
            () -> new HopSigner(v.relay).extend(atS, v.alert.getHeader(), v.receiverId(), 0))
        .isInstanceOf(IllegalArgumentException.class);
    // Nor may a node send to itself, or grant a count beyond uint32.
    assertThatThrownBy(
            () -> new HopSigner(v.sender).extend(atS, v.alert.getHeader(), v.sender.nodeId(), 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new HopSigner(v.sender).extend(atS, v.alert.getHeader(), v.receiverId(), 1L << 32))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void read_refusesAStatementThatDoesNotParse() {
    SignedHop good = HopVectors.hop(v.origin, v.alert, v.sender, 1);
    SignedHop bad =
        good.toBuilder()
            .setStatement(com.google.protobuf.ByteString.copyFrom(new byte[] {(byte) 0xff}))
            .build();
    assertThat(HopChain.read(List.of(good)).size()).isEqualTo(1);
    assertThatThrownBy(() -> HopChain.read(List.of(bad)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
