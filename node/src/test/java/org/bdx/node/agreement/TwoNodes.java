package org.bdx.node.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bdx.node.agreement.AgreementFixtures.proposed;

import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.bdx.node.agreement.AgreementFixtures.Side;
import org.bdx.node.error.BdxException;
import org.bdx.node.error.BdxException.Kind;
import org.bdx.node.store.AgreementRecord;
import org.bdx.proto.v1.PartnerClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes registered as each other's partners, each with its own database, for agreement tests.
 */
abstract class TwoNodes {
  static final PartnerClass PEER = PartnerClass.PARTNER_CLASS_PEER;
  static final PartnerClass SUPPORT = PartnerClass.PARTNER_CLASS_SUPPORT;
  static final PartnerClass POLICE = PartnerClass.PARTNER_CLASS_POLICE;

  @TempDir Path dir;

  /** A peer organization. */
  Side a;

  /** A support service: A registers B as SUPPORT, B registers A as PEER. */
  Side b;

  @BeforeEach
  void open() throws Exception {
    a = new Side(dir, "alpha", 1);
    b = new Side(dir, "bravo", 2);
    a.register(b, SUPPORT);
    b.register(a, PEER);
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
  }

  AgreementRecord propose() {
    return a.coordinator.propose("bravo", proposed(PEER), b.keys.publicKey());
  }

  /** Runs the whole handshake; returns the agreement id. */
  String activate() {
    AgreementRecord offer = propose();
    b.partnerActions.receiveOffer(a.keys.nodeId(), offer.signed());
    AgreementRecord accepted = b.coordinator.accept(offer.agreementId());
    a.partnerActions.receiveConfirmation(b.keys.nodeId(), accepted.signed());
    return offer.agreementId();
  }

  static void assertKind(ThrowingCallable call, Kind kind) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(BdxException.class, e -> assertThat(e.kind()).isEqualTo(kind));
  }
}
