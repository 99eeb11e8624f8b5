package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bdx.node.identity.NodeId;
import org.bdx.node.search.AlertIndex;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.FeedItem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxStoreTest {
  @TempDir Path dir;

  static final NodeId P = partner(1);
  static final NodeId Q = partner(2);
  static final String AGREEMENT = TestAlerts.newId();

  NodeDatabase db;
  AlertStore alerts;
  OutboxStore outbox;

  /** A partner's node id, from a made-up public key. */
  static NodeId partner(int n) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) n);
    return NodeId.fromPublicKey(key);
  }

  @BeforeEach
  void setUp() {
    db = TestAlerts.open(dir);
    alerts = new AlertStore(db, new AlertIndex());
    outbox = new OutboxStore(db);
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  private static StoredAlert alert(String id, long version) {
    return TestAlerts.alert(
        TestAlerts.ORIGIN, id, version, TestAlerts.fields("2026-03-04").build());
  }

  private static OutboxStore.Entry entry(NodeId partner, StoredAlert a, boolean withContent) {
    return new OutboxStore.Entry(
        partner,
        AGREEMENT,
        a.originNodeId(),
        a.alertId(),
        a.version(),
        a.envelope(),
        1_700_000_200L,
        1,
        2,
        withContent);
  }

  @Test
  void queue_isReadBackAsFeedItems_andRecordedAsShared() {
    StoredAlert a = alert(TestAlerts.newId(), 3);
    outbox.queue(entry(P, a, true));
    List<FeedItem> items = outbox.readAfter(P, 0, 10);
    assertThat(items).hasSize(1);
    FeedItem item = items.get(0);
    assertThat(item.getAgreementId()).isEqualTo(AGREEMENT);
    assertThat(item.getAlert()).isEqualTo(a.envelope());
    assertThat(item.getRelayHops()).isEqualTo(1);
    assertThat(item.getHopsLeft()).isEqualTo(2);
    assertThat(outbox.latestSeq(P)).isEqualTo(item.getSequence());
    assertThat(outbox.countAfter(P, 0)).isEqualTo(1);
    assertThat(outbox.countAfter(P, item.getSequence())).isZero();
    assertThat(outbox.shared(P, a.originNodeId(), a.alertId()))
        .contains(new OutboxStore.Shared(3, true));
    // Twin: nothing was queued or shared for another partner.
    assertThat(outbox.readAfter(Q, 0, 10)).isEmpty();
    assertThat(outbox.latestSeq(Q)).isZero();
    assertThat(outbox.shared(Q, a.originNodeId(), a.alertId())).isEmpty();
  }

  @Test
  void readAfter_isAscending_fromTheSequence_andLimited() {
    for (int i = 0; i < 5; i++) {
      outbox.queue(entry(P, alert(TestAlerts.newId(), 1), true));
    }
    List<FeedItem> all = outbox.readAfter(P, 0, 10);
    assertThat(all).extracting(FeedItem::getSequence).isSorted().hasSize(5);
    assertThat(outbox.readAfter(P, all.get(1).getSequence(), 2))
        .extracting(FeedItem::getSequence)
        .containsExactly(all.get(2).getSequence(), all.get(3).getSequence());
  }

  @Test
  void isQueued_thisOrANewerVersionUnderTheAgreement() {
    StoredAlert v2 = alert(TestAlerts.newId(), 2);
    outbox.queue(entry(P, v2, true));
    NodeId o = v2.originNodeId();
    assertThat(outbox.isQueued(P, AGREEMENT, o, v2.alertId(), 2)).isTrue();
    assertThat(outbox.isQueued(P, AGREEMENT, o, v2.alertId(), 1)).isTrue();
    // Twins: a newer version, another agreement, another partner.
    assertThat(outbox.isQueued(P, AGREEMENT, o, v2.alertId(), 3)).isFalse();
    assertThat(outbox.isQueued(P, TestAlerts.newId(), o, v2.alertId(), 2)).isFalse();
    assertThat(outbox.isQueued(Q, AGREEMENT, o, v2.alertId(), 2)).isFalse();
  }

  @Test
  void deleteOlderVersions_onlyOfThatPartnerAndAlert() {
    String id = TestAlerts.newId();
    StoredAlert v1 = alert(id, 1);
    StoredAlert other = alert(TestAlerts.newId(), 1);
    outbox.queue(entry(P, v1, true));
    outbox.queue(entry(Q, v1, true));
    outbox.queue(entry(P, other, true));
    outbox.deleteOlderVersions(P, v1.originNodeId(), id, 2);
    assertThat(outbox.readAfter(P, 0, 10))
        .extracting(i -> i.getAlert().getHeader())
        .containsExactly(other.envelope().getHeader());
    assertThat(outbox.readAfter(Q, 0, 10)).hasSize(1);
    // Twin: the version itself is not older than itself.
    outbox.deleteOlderVersions(Q, v1.originNodeId(), id, 1);
    assertThat(outbox.readAfter(Q, 0, 10)).hasSize(1);
  }

  @Test
  void deleteThrough_deletesAcknowledgedRowsOnly() {
    for (int i = 0; i < 3; i++) {
      outbox.queue(entry(P, alert(TestAlerts.newId(), 1), true));
    }
    List<FeedItem> items = outbox.readAfter(P, 0, 10);
    outbox.deleteThrough(P, items.get(1).getSequence());
    assertThat(outbox.readAfter(P, 0, 10)).containsExactly(items.get(2));
  }

  @Test
  void purgePartner_dropsItsRowsAndSharedRecords_notOthers() {
    StoredAlert a = alert(TestAlerts.newId(), 1);
    outbox.queue(entry(P, a, true));
    outbox.queue(entry(Q, a, true));
    outbox.purgePartner(P);
    assertThat(outbox.readAfter(P, 0, 10)).isEmpty();
    assertThat(outbox.shared(P, a.originNodeId(), a.alertId())).isEmpty();
    assertThat(outbox.readAfter(Q, 0, 10)).hasSize(1);
    assertThat(outbox.shared(Q, a.originNodeId(), a.alertId())).isPresent();
  }

  @Test
  void forgetAlert_deletesOlderRowsForEveryPartner_andWhomItWasSharedWith() {
    String id = TestAlerts.newId();
    StoredAlert v1 = alert(id, 1);
    StoredAlert v2 = alert(id, 2);
    outbox.queue(entry(P, v1, true));
    outbox.queue(entry(Q, v1, true));
    outbox.queue(entry(Q, v2, false));
    assertThat(outbox.forgetAlert(v1.originNodeId(), id, 2)).isEqualTo(2);
    assertThat(outbox.readAfter(P, 0, 10)).isEmpty();
    // The retraction row (the version kept from) stays queued.
    assertThat(outbox.readAfter(Q, 0, 10))
        .extracting(i -> i.getAlert().getHeader())
        .containsExactly(v2.envelope().getHeader());
    assertThat(outbox.shared(P, v1.originNodeId(), id)).isEmpty();
    assertThat(outbox.shared(Q, v1.originNodeId(), id)).isEmpty();
  }

  @Test
  void backfillPage_currentAlerts_inOrder_inPages() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      StoredAlert a = alert(TestAlerts.newId(), 1);
      alerts.put(a);
      ids.add(a.alertId());
    }
    long now = 1_700_000_300L;
    OutboxStore.Candidates first = outbox.backfillPage(P, 0, now, 2);
    assertThat(first.alerts())
        .extracting(StoredAlert::alertId)
        .containsExactlyElementsOf(ids.subList(0, 2));
    OutboxStore.Candidates second = outbox.backfillPage(P, first.lastSeq(), now, 2);
    assertThat(second.alerts()).extracting(StoredAlert::alertId).containsExactly(ids.get(2));
    OutboxStore.Candidates none = outbox.backfillPage(P, second.lastSeq(), now, 2);
    assertThat(none.alerts()).isEmpty();
    assertThat(none.lastSeq()).isEqualTo(second.lastSeq());
    // Expired by then: nothing to backfill.
    assertThat(outbox.backfillPage(P, 0, 4_000_000_000L, 10).alerts()).isEmpty();
  }

  @Test
  void backfillPage_retracted_onlyForAPartnerThatWasQueuedItsContent() {
    String id = TestAlerts.newId();
    StoredAlert v1 = alert(id, 1);
    alerts.put(v1);
    outbox.queue(entry(P, v1, true));
    outbox.queue(entry(Q, v1, false));
    alerts.put(
        TestAlerts.alert(
            TestAlerts.ORIGIN,
            id,
            2,
            AlertStatus.ALERT_STATUS_RETRACTED,
            TestAlerts.fields("2026-03-04").build()));
    long now = 1_700_000_300L;
    assertThat(outbox.backfillPage(P, 0, now, 10).alerts())
        .extracting(StoredAlert::version)
        .containsExactly(2L);
    // Twins: a partner queued it header-only, and one never queued it, get no retraction.
    assertThat(outbox.backfillPage(Q, 0, now, 10).alerts()).isEmpty();
    assertThat(outbox.backfillPage(partner(3), 0, now, 10).alerts()).isEmpty();
  }

  private static List<String> plan(NodeDatabase db, String sql) {
    return db.inTransaction(
        c -> {
          List<String> rows = new ArrayList<>();
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN " + sql)) {
            while (rs.next()) {
              rows.add(rs.getString("detail"));
            }
          }
          return rows;
        });
  }

  @Test
  void theLookupsByAlertItRuns_useAnIndex_notAScan() {
    // OutboxQueryPlanTest's check, on the statements as this class runs them.
    for (String sql :
        List.of(
            OutboxStore.SELECT_QUEUED, OutboxStore.DELETE_OLDER, OutboxStore.DELETE_ALERT_ROWS)) {
      List<String> p = plan(db, sql);
      assertThat(p).as(sql).anyMatch(d -> d.contains("USING INDEX") && d.contains("alert_id=?"));
      assertThat(p).as(sql).noneMatch(d -> d.startsWith("SCAN outbox"));
    }
    // The twin: the plan reader does see a scan where there is one.
    assertThat(plan(db, "SELECT 1 FROM outbox WHERE envelope = ?"))
        .anyMatch(d -> d.startsWith("SCAN outbox"));
  }
}
