package org.bdx.node.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bdx.node.audit.AuditLog;
import org.bdx.node.bulletin.BulletinMaker;
import org.bdx.node.bulletin.BulletinSettings;
import org.bdx.node.bulletin.HtmlBulletin;
import org.bdx.node.bulletin.TextBulletin;
import org.bdx.node.search.AlertSearch;
import org.bdx.node.store.AuditRecord;
import org.bdx.node.store.DeliveryStore;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.SearchIndex;
import org.bdx.node.store.SubscriberStore;
import org.bdx.node.store.TestAlerts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durable queue of bulletins ({@link BulletinDeliveries}), through a channel the test controls:
 * a server that fails keeps every delivery queued until its wait is over; a refused address, a
 * bulletin three days old and a subscriber removed meanwhile are dropped; what was done is counted
 * in the audit log without addresses.
 */
class BulletinDeliveriesTest {
  static final Instant T0 = Instant.parse("2026-12-07T09:00:00Z");

  @TempDir Path dir;
  NodeDatabase db;
  final Moving clock = new Moving();
  final Fake channel = new Fake();
  Subscribers subscribers;
  BulletinDeliveries deliveries;
  AuditLog audit;

  @BeforeEach
  void open() {
    db = TestAlerts.open(dir);
    audit = new AuditLog(db, clock);
    SubscriberStore rows = new SubscriberStore(db);
    subscribers = new Subscribers(db, rows, clock, audit);
    BulletinMaker maker =
        new BulletinMaker(
            new AlertSearch(new SearchIndex(db), clock),
            BulletinSettings.DEFAULTS,
            "East Outreach",
            n -> "East Outreach",
            clock);
    deliveries =
        new BulletinDeliveries(
            db,
            new DeliveryStore(db),
            rows,
            new BulletinMessages(
                maker,
                "East Outreach",
                List.of(new TextBulletin(), new HtmlBulletin()),
                List.of(new BulletinMessages.Attachment(new HtmlBulletin(), "bulletin"))),
            channel,
            clock,
            audit);
    subscribers.add("ana@example.org", "vi", List.of());
    subscribers.add("bo@example.org", "fr", List.of("Downtown"));
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static final LocalDate SINCE = LocalDate.parse("2026-11-23");

  @Test
  void deliverDue_whileTheServerFails_keepsEveryDeliveryQueued_andTriesAgainAfterItsWait() {
    channel.down = true;
    deliveries.queue(SINCE, "manual");

    BulletinDeliveries.Pass failed = deliveries.deliverDue(Duration.ofSeconds(5));
    assertThat(failed.delivered()).isZero();
    assertThat(failed.stillQueued()).isEqualTo(2);
    assertThat(failed.failure()).isEqualTo("server down");
    // One attempt: the pass stops at a failure that is not the recipient's.
    assertThat(channel.attempts).isEqualTo(1);

    // Not before the wait (1 minute) is over.
    clock.now = T0.plusSeconds(59);
    deliveries.deliverDue(Duration.ofSeconds(5));
    assertThat(channel.attempts).isEqualTo(1);
    clock.now = T0.plusSeconds(60);
    deliveries.deliverDue(Duration.ofSeconds(5));
    assertThat(channel.attempts).isEqualTo(2);
    // Then 2 minutes.
    clock.now = T0.plusSeconds(60 + 119);
    deliveries.deliverDue(Duration.ofSeconds(5));
    assertThat(channel.attempts).isEqualTo(2);

    channel.down = false;
    clock.now = T0.plusSeconds(60 + 120);
    BulletinDeliveries.Pass back = deliveries.deliverDue(Duration.ofSeconds(5));
    assertThat(back.delivered()).isEqualTo(2);
    assertThat(back.stillQueued()).isZero();
    assertThat(channel.sent).containsExactlyInAnyOrder("ana@example.org", "bo@example.org");
    clock.now = T0.plus(Duration.ofDays(1));
    deliveries.deliverDue(Duration.ofSeconds(5));
    assertThat(channel.sent).hasSize(2);
  }

  @Test
  void deliverDue_aRefusedAddress_isGivenUp_andTheOthersAreDelivered() {
    channel.refused.add("ana@example.org");
    deliveries.queue(SINCE, "manual");

    BulletinDeliveries.Pass p = deliveries.deliverDue(Duration.ofSeconds(5));

    assertThat(p.delivered()).isEqualTo(1);
    assertThat(p.givenUp()).isEqualTo(1);
    assertThat(p.stillQueued()).isZero();
    assertThat(channel.sent).containsExactly("bo@example.org");
  }

  @Test
  void deliverDue_aBulletinThreeDaysOld_isGivenUp() {
    channel.down = true;
    deliveries.queue(SINCE, "manual");
    deliveries.deliverDue(Duration.ofSeconds(5));
    channel.down = false;
    clock.now = T0.plus(BulletinDeliveries.GIVE_UP).plusSeconds(1);

    BulletinDeliveries.Pass p = deliveries.deliverDue(Duration.ofSeconds(5));

    assertThat(p.givenUp()).isEqualTo(2);
    assertThat(p.stillQueued()).isZero();
    assertThat(channel.sent).isEmpty();
  }

  @Test
  void deliverDue_toASubscriberRemovedMeanwhile_sendsNothing() {
    deliveries.queue(SINCE, "manual");
    subscribers.remove("ANA@example.org");

    deliveries.deliverDue(Duration.ofSeconds(5));

    assertThat(channel.sent).containsExactly("bo@example.org");
    assertThat(deliveries.pending()).isZero();
  }

  @Test
  void sending_isCountedInTheAuditLog_withoutAnAddress() {
    BulletinDeliveries.Sent s = deliveries.queueAndDeliver(SINCE, "manual", Duration.ofSeconds(5));

    assertThat(s.queued().subscribers()).isEqualTo(2);
    assertThat(s.pass().delivered()).isEqualTo(2);
    List<String> log = new ArrayList<>();
    for (AuditRecord r : audit.list(0, 0, 100)) {
      log.add(r.action() + " " + r.detail());
    }
    assertThat(log)
        .contains(
            "bulletin.queue run="
                + s.queued().run()
                + " trigger=manual since=2026-11-23"
                + " subscribers=2",
            "bulletin.delivery run="
                + s.queued().run()
                + " channel=email delivered=2 given_up=0"
                + " still_queued=0 warnings=0");
    assertThat(String.join("\n", log)).doesNotContain("ana").doesNotContain("example");
  }

  /** A channel that fails, refuses or records, as the test says. */
  static final class Fake implements Channel {
    boolean down;
    final Set<String> refused = new HashSet<>();
    final List<String> sent = new ArrayList<>();
    int attempts;

    @Override
    public String name() {
      return "email";
    }

    @Override
    public void send(String address, Message message) throws DeliveryException {
      attempts++;
      if (down) {
        throw new DeliveryException("server down", false);
      }
      if (refused.contains(address)) {
        throw new DeliveryException("address refused", true);
      }
      assertThat(message.body("text/plain")).isPresent();
      assertThat(message.attachments()).hasSize(1);
      sent.add(address);
    }
  }

  static final class Moving extends Clock {
    volatile Instant now = T0;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
