package org.bdx.node.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bdx.node.sync.SyncFixture.GRANTED_PATHS;
import static org.bdx.node.sync.SyncFixture.canaryFields;
import static org.bdx.node.sync.SyncFixture.terms;

import com.google.protobuf.UnknownFieldSet;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.bdx.node.policy.Grant;
import org.bdx.node.search.AlertIndex;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.Ids;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.StoreException;
import org.bdx.node.store.SyncStateStore;
import org.bdx.node.store.TestCiphers;
import org.bdx.node.sync.SyncFixture.TestNode;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.PartnerClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The receiver's first step on its own: the checks that need no database. */
class FeedChecksTest {
  @TempDir Path dir;

  TestNode a;
  TestNode b;
  DirectionTerms terms = terms(PartnerClass.PARTNER_CLASS_PEER, GRANTED_PATHS);

  @BeforeEach
  void setUp() throws Exception {
    a = new TestNode(dir.resolve("a"));
    b = new TestNode(dir.resolve("b"));
    String agreement = Ids.newId(SyncFixture.RNG);
    a.grants.out.put(b.id, new Grant(b.id, agreement, terms));
    b.grants.in.put(a.id, new Grant(a.id, agreement, terms));
  }

  @AfterEach
  void tearDown() throws Exception {
    a.close();
    b.close();
  }

  @Test
  void check_needsNoDatabase() {
    a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    FeedItem item = a.outbox.read(b.id, 0, 10).get(0);
    NodeDatabase closed = NodeDatabase.open(dir.resolve("closed.db"), TestCiphers.CIPHER);
    closed.close();
    FeedChecks checks =
        new FeedChecks(
            new AlertStore(closed, new AlertIndex()),
            b.verifier,
            b.grants,
            Clock.systemUTC(),
            b.id);

    FeedChecks.Checked checked = checks.check(a.id, item);

    assertThat(checked.outcome()).isEqualTo(FeedChecks.Outcome.ACCEPTED);
    assertThat(checked.sequence()).isEqualTo(item.getSequence());
    assertThat(checked.row().alert().receivedFrom()).isEqualTo(a.id);
    // Twin: the store step does need the database.
    FeedReceiver receiver =
        new FeedReceiver(
            closed, new AlertStore(closed, new AlertIndex()), new SyncStateStore(closed), checks);
    assertThatThrownBy(() -> receiver.store(a.id, List.of(checked)))
        .isInstanceOf(StoreException.class);
  }

  @Test
  void check_withoutAnInboundGrant_isTheReceiversNoAgreement() {
    a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    FeedItem item = a.outbox.read(b.id, 0, 10).get(0);
    FeedChecks checks = new FeedChecks(b.alerts, b.verifier, b.grants, Clock.systemUTC(), b.id);
    b.grants.in.clear();
    assertThatThrownBy(() -> checks.check(a.id, item))
        .isInstanceOfSatisfying(
            RuntimeException.class, e -> assertThat(FeedReceiver.isNoAgreement(e)).isTrue());
  }

  @Test
  void maxSkew_isZeroToOneDay() {
    for (Duration ok : new Duration[] {Duration.ZERO, Duration.ofDays(1)}) {
      new FeedChecks(b.alerts, b.verifier, b.grants, Clock.systemUTC(), ok, b.id);
    }
    for (Duration bad :
        new Duration[] {Duration.ofSeconds(-1), Duration.ofDays(1).plusSeconds(1)}) {
      assertThatThrownBy(
              () -> new FeedChecks(b.alerts, b.verifier, b.grants, Clock.systemUTC(), bad, b.id))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  @DisplayName(
      "FEED-8.2, FEED-8.4: an unknown field inside the embedded SignedAlert is SIG-7's"
          + " ENVELOPE_MALFORMED, one in the FeedItem itself is ITEM_MALFORMED")
  void check_unknownFieldInEmbeddedAlert_isVerificationFailed() {
    a.publish(canaryFields(), Audience.AUDIENCE_PEER);
    FeedItem item = a.outbox.read(b.id, 0, 10).get(0);
    UnknownFieldSet unknown =
        UnknownFieldSet.newBuilder()
            .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
            .build();
    FeedChecks checks = new FeedChecks(b.alerts, b.verifier, b.grants, Clock.systemUTC(), b.id);

    FeedChecks.Checked inAlert =
        checks.check(
            a.id,
            item.toBuilder()
                .setAlert(item.getAlert().toBuilder().setUnknownFields(unknown))
                .build());
    assertThat(inAlert.rejection()).isEqualTo(FeedChecks.Rejection.VERIFICATION_FAILED);
    assertThat(inAlert.detail()).isEqualTo("ENVELOPE_MALFORMED");

    FeedChecks.Checked inItem =
        checks.check(a.id, item.toBuilder().setUnknownFields(unknown).build());
    assertThat(inItem.rejection()).isEqualTo(FeedChecks.Rejection.ITEM_MALFORMED);
  }
}
