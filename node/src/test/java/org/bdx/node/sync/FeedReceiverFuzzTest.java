package org.bdx.node.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bdx.node.policy.Grant;
import org.bdx.node.signing.Disclosures;
import org.bdx.node.signing.VerificationException;
import org.bdx.node.store.Ids;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.sync.SyncFixture.TestNode;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.Disclosure;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.SignedAlert;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@link FeedReceiver#apply} (spec FEED-8) with hostile batches from a partner that has an
 * ACTIVE grant: raw bytes as feed items, genuine envelopes of the partner with bytes edited or
 * disclosures dropped, arbitrary sequences and agreement ids.
 *
 * <p>Invariants: {@code apply} never throws; and whatever the store holds from the partner is a
 * genuine envelope it signed (same header and signature, a subset of its disclosures), verifies,
 * and discloses only granted paths. Regression mode replays {@code
 * src/test/resources/org/bdx/node/sync/FeedReceiverFuzzTestInputs/}; to fuzz: {@code JAZZER_FUZZ=1
 * ./mvnw -pl node test -Dtest=FeedReceiverFuzzTest#applyHostileBatch}.
 */
class FeedReceiverFuzzTest {
  private static final TestNode RECEIVER;
  private static final TestNode SENDER;
  private static final String AGREEMENT = Ids.newId(SyncFixture.RNG);

  /** Genuine envelopes of the sender: every disclosure, and redacted to the grant. */
  private static final List<SignedAlert> POOL = new ArrayList<>();

  static {
    try {
      Path dir = Files.createTempDirectory("bdx-feed-receiver-fuzz");
      RECEIVER = new TestNode(dir.resolve("receiver"));
      SENDER = new TestNode(dir.resolve("sender"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RECEIVER.grants.in.put(
        SENDER.id,
        new Grant(
            SENDER.id,
            AGREEMENT,
            SyncFixture.terms(PartnerClass.PARTNER_CLASS_PEER, SyncFixture.GRANTED_PATHS)));
    for (int i = 0; i < 3; i++) {
      SignedAlert full =
          SENDER
              .sign(
                  Ids.newId(SyncFixture.RNG),
                  1 + i,
                  i == 0 ? AlertStatus.ALERT_STATUS_ACTIVE : AlertStatus.ALERT_STATUS_UPDATED,
                  SyncFixture.canaryFields(),
                  Audience.AUDIENCE_PEER)
              .envelope();
      POOL.add(full);
      POOL.add(Disclosures.select(full, Set.copyOf(SyncFixture.GRANTED_PATHS)));
    }
  }

  @FuzzTest(maxDuration = "5m")
  void applyHostileBatch(FuzzedDataProvider data) {
    resetCursor();
    List<FeedItem> batch = new ArrayList<>();
    int n = data.consumeInt(1, 6);
    for (int i = 0; i < n; i++) {
      FeedItem.Builder item =
          FeedItem.newBuilder()
              .setSequence(data.consumeLong(-1, 64))
              .setAgreementId(data.consumeBoolean() ? AGREEMENT : data.consumeAsciiString(30));
      SignedAlert base = POOL.get(data.consumeInt(0, POOL.size() - 1));
      switch (data.consumeInt(0, 3)) {
        case 0 -> {
          try {
            batch.add(FeedItem.parseFrom(data.consumeBytes(data.consumeInt(0, 4096))));
          } catch (InvalidProtocolBufferException e) {
            // not a FeedItem: the transport would have refused it
          }
          continue;
        }
        case 1 -> item.setAlert(base);
        case 2 -> {
          byte[] bytes = base.toByteArray();
          int edits = data.consumeInt(1, 4);
          for (int e = 0; e < edits; e++) {
            bytes[data.consumeInt(0, bytes.length - 1)] ^= (byte) data.consumeInt(1, 255);
          }
          try {
            item.setAlert(SignedAlert.parseFrom(bytes));
          } catch (InvalidProtocolBufferException e) {
            continue;
          }
        }
        default -> {
          SignedAlert.Builder b = base.toBuilder().clearDisclosures();
          for (Disclosure d : base.getDisclosuresList()) {
            if (data.consumeBoolean()) {
              b.addDisclosures(d);
            }
          }
          item.setAlert(b);
        }
      }
      batch.add(item.build());
    }
    RECEIVER.receiver.apply(SENDER.id, batch); // anything thrown is a finding
    for (FeedItem item : batch) {
      alertId(item.getAlert())
          .flatMap(id -> RECEIVER.alerts.get(SENDER.id, id))
          .ifPresent(FeedReceiverFuzzTest::assertGenuine);
    }
  }

  /** The twin: a genuine redacted envelope under the agreement IS stored. */
  @Test
  void genuineRedactedItem_isStored() {
    resetCursor();
    SignedAlert redacted = POOL.get(1);
    RECEIVER.receiver.apply(
        SENDER.id,
        List.of(
            FeedItem.newBuilder()
                .setSequence(1)
                .setAgreementId(AGREEMENT)
                .setAlert(redacted)
                .build()));
    StoredAlert held =
        RECEIVER.alerts.get(SENDER.id, alertId(redacted).orElseThrow()).orElseThrow();
    assertGenuine(held);
    assertThat(held.envelope()).isEqualTo(redacted);
  }

  private static void resetCursor() {
    RECEIVER.db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM sync_state")) {
            ps.executeUpdate();
          }
          return null;
        });
  }

  private static Optional<String> alertId(SignedAlert e) {
    try {
      return Optional.of(AlertHeader.parseFrom(e.getHeader()).getAlertId());
    } catch (InvalidProtocolBufferException ex) {
      return Optional.empty();
    }
  }

  private static void assertGenuine(StoredAlert held) {
    SignedAlert got = held.envelope();
    try {
      RECEIVER.verifier.verify(got, SENDER.id);
    } catch (VerificationException e) {
      throw new AssertionError("the store holds an envelope that does not verify: " + e.reason());
    }
    if (!SyncFixture.GRANTED_PATHS.containsAll(held.disclosedPaths())) {
      throw new AssertionError("the store holds a path the grant does not list");
    }
    for (SignedAlert good : POOL) {
      if (good.getHeader().equals(got.getHeader())
          && good.getSignature().equals(got.getSignature())) {
        for (Disclosure d : got.getDisclosuresList()) {
          if (!good.getDisclosuresList().contains(d)) {
            throw new AssertionError("the store holds a disclosure the origin never made");
          }
        }
        return;
      }
    }
    throw new AssertionError("the store holds an envelope its origin never signed");
  }
}
