package org.bdx.node.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.node.sync.SyncFixture.CANARY_CONTACT;
import static org.bdx.node.sync.SyncFixture.GRANTED_PATHS;
import static org.bdx.node.sync.SyncFixture.GRANTED_PHONE;
import static org.bdx.node.sync.SyncFixture.canaryFields;
import static org.bdx.node.sync.SyncFixture.terms;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bdx.node.policy.Grant;
import org.bdx.node.store.AuditRecord;
import org.bdx.node.store.Ids;
import org.bdx.node.store.OutboxStore;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.sync.SyncFixture.TestNode;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.PartnerClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partner whose agreement is suspended still loses what the reporter takes back (spec VER-5.2,
 * FEED-2): nothing with content is queued for it, but a narrowed consent or a retraction queues the
 * header-only version at once and deletes its queued content, so its queue never keeps what the
 * reporter withdrew, and it applies the withdrawal as soon as the agreement is ACTIVE again. The
 * partner is a police liaison granted the reporter's contact; items go from the origin's outbox to
 * its {@link FeedReceiver} directly.
 */
class SuspendedPartnerTest {
  static final List<String> POLICE_PATHS = withContact(GRANTED_PATHS);

  @TempDir Path dir;

  TestNode origin;
  TestNode police;

  @BeforeEach
  void setUp() throws Exception {
    origin = new TestNode(dir.resolve("origin"));
    police = new TestNode(dir.resolve("police"));
    String agreement = Ids.newId(SyncFixture.RNG);
    var t = terms(PartnerClass.PARTNER_CLASS_POLICE, POLICE_PATHS);
    origin.grants.out.put(police.id, new Grant(police.id, agreement, t));
    police.grants.in.put(origin.id, new Grant(origin.id, agreement, t));
  }

  @AfterEach
  void tearDown() throws Exception {
    origin.close();
    police.close();
  }

  private static List<String> withContact(List<String> paths) {
    List<String> out = new ArrayList<>(paths);
    out.add("reporter_contact");
    return List.copyOf(out);
  }

  private StoredAlert issue(String id, long version, AlertStatus status, Audience audience) {
    AlertFields f =
        status == AlertStatus.ALERT_STATUS_RETRACTED
            ? AlertFields.getDefaultInstance()
            : canaryFields();
    return origin.publish(id, version, status, f, audience);
  }

  /** What the origin has queued for the police partner, none of it delivered yet. */
  private List<FeedItem> queued() {
    return origin.outbox.read(police.id, police.receiver.cursor(origin.id), 100);
  }

  /** Delivers what is queued (the partner is online and its agreement active). */
  private void deliver() {
    police.receiver.apply(origin.id, queued());
  }

  /** Resumes the agreement as the node does: the backfill in the resumption's transaction. */
  private int resume() {
    Grant g = origin.grants.resume(police.id);
    return origin.db.atomically(() -> origin.outbox.backfill(g));
  }

  private static boolean carriesContent(List<FeedItem> items) {
    return items.stream()
        .anyMatch(
            i ->
                i.getAlert().getDisclosuresCount() > 0
                    || SyncFixture.contains(i.toByteArray(), GRANTED_PHONE)
                    || SyncFixture.contains(i.toByteArray(), CANARY_CONTACT));
  }

  @Test
  void consentNarrowedWhileSuspended_deletesQueuedContent_andQueuesTheWithdrawal() {
    String id = Ids.newId(SyncFixture.RNG);
    issue(id, 1, AlertStatus.ALERT_STATUS_ACTIVE, Audience.AUDIENCE_POLICE);
    assertThat(queued()).hasSize(1); // version 1, with content, not yet delivered
    origin.grants.suspend(police.id);

    issue(id, 2, AlertStatus.ALERT_STATUS_UPDATED, Audience.AUDIENCE_PEER);

    List<FeedItem> q = queued();
    assertThat(q).hasSize(1);
    assertThat(q.get(0).getAlert().getDisclosuresCount()).isZero();
    assertThat(q.get(0).getAlert().getHeader())
        .isEqualTo(origin.alerts.get(origin.id, id).orElseThrow().envelope().getHeader());
    assertThat(carriesContent(q)).isFalse();
    assertThat(origin.outboxRows.shared(police.id, origin.id, id))
        .contains(new OutboxStore.Shared(2, false));
    List<AuditRecord> d =
        origin.audit.list(0, 0, 100).stream().filter(r -> r.action().equals("disclosure")).toList();
    assertThat(d.get(d.size() - 1).detail()).contains("version=2").endsWith("fields=header-only");

    // On resume nothing more is owed; the partner, which never held the alert, learns nothing.
    assertThat(resume()).isZero();
    deliver();
    assertThat(police.alerts.get(origin.id, id)).isEmpty();
  }

  @Test
  void heldContent_narrowedWhileSuspended_isWithdrawnOnResume() {
    String id = Ids.newId(SyncFixture.RNG);
    issue(id, 1, AlertStatus.ALERT_STATUS_ACTIVE, Audience.AUDIENCE_POLICE);
    deliver();
    assertThat(police.alerts.get(origin.id, id).orElseThrow().fields().getReporterContact())
        .isEqualTo(CANARY_CONTACT);
    origin.grants.suspend(police.id);

    issue(id, 2, AlertStatus.ALERT_STATUS_UPDATED, Audience.AUDIENCE_PEER);
    assertThat(queued()).hasSize(1);

    assertThat(resume()).isZero();
    List<FeedItem> sent = queued();
    assertThat(carriesContent(sent)).isFalse();
    police.receiver.apply(origin.id, sent);
    StoredAlert held = police.alerts.get(origin.id, id).orElseThrow();
    assertThat(held.tombstone()).isTrue();
    assertThat(held.version()).isEqualTo(2);
    assertThat(held.fields().getReporterContact()).isEmpty();
  }

  @Test
  void retractedAndPurgedWhileSuspended_theRetractionStillReachesThePartner() {
    String id = Ids.newId(SyncFixture.RNG);
    issue(id, 1, AlertStatus.ALERT_STATUS_ACTIVE, Audience.AUDIENCE_POLICE);
    deliver();
    origin.grants.suspend(police.id);

    issue(id, 2, AlertStatus.ALERT_STATUS_RETRACTED, Audience.AUDIENCE_POLICE);
    // A purge forgets whom the alert was shared with and keeps only the retraction queued (EXP-4):
    // the retraction must be queued by then, or the resumed partner would never learn of it.
    origin.db.atomically(
        () -> {
          origin.alerts.stripToTombstone(origin.id, id);
          return origin.outbox.forgetAlert(origin.id, id, 2);
        });

    assertThat(resume()).isZero();
    deliver();
    StoredAlert held = police.alerts.get(origin.id, id).orElseThrow();
    assertThat(held.status()).isEqualTo(AlertStatus.ALERT_STATUS_RETRACTED);
    assertThat(held.tombstone()).isTrue();
  }

  @Test
  void updatedWhileSuspended_queuesNoContent_andDeletesTheOlderVersion_untilResumed() {
    String id = Ids.newId(SyncFixture.RNG);
    issue(id, 1, AlertStatus.ALERT_STATUS_ACTIVE, Audience.AUDIENCE_POLICE);
    origin.grants.suspend(police.id);

    issue(id, 2, AlertStatus.ALERT_STATUS_UPDATED, Audience.AUDIENCE_POLICE);
    assertThat(queued()).isEmpty();

    // Resumed: the newest version, with what the partner may see of it.
    assertThat(resume()).isEqualTo(1);
    List<FeedItem> q = queued();
    assertThat(q).hasSize(1);
    assertThat(q.get(0).getAlert().getDisclosuresCount()).isEqualTo(POLICE_PATHS.size());
    deliver();
    assertThat(police.alerts.get(origin.id, id).orElseThrow().version()).isEqualTo(2);
  }

  @Test
  void whileSuspended_nothingWithContentIsQueued_andANeverHeldAlertIsNotWithdrawn() {
    origin.grants.suspend(police.id);
    String fresh = Ids.newId(SyncFixture.RNG);
    issue(fresh, 1, AlertStatus.ALERT_STATUS_ACTIVE, Audience.AUDIENCE_POLICE);
    String peerOnly = Ids.newId(SyncFixture.RNG);
    issue(peerOnly, 1, AlertStatus.ALERT_STATUS_ACTIVE, Audience.AUDIENCE_PEER);
    issue(peerOnly, 2, AlertStatus.ALERT_STATUS_RETRACTED, Audience.AUDIENCE_PEER);
    assertThat(queued()).isEmpty();

    // The twin: resumed, the partner gets the alert it may see, nothing of the other.
    assertThat(resume()).isEqualTo(1);
    deliver();
    assertThat(police.alerts.get(origin.id, fresh)).isPresent();
    assertThat(police.alerts.get(origin.id, peerOnly)).isEmpty();
  }
}
