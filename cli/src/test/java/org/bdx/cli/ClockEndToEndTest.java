package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.addPartner;
import static org.bdx.cli.NetSteps.agree;
import static org.bdx.cli.NetSteps.alertIds;
import static org.bdx.cli.NetSteps.awaitTrue;
import static org.bdx.cli.NetSteps.databaseFiles;
import static org.bdx.cli.NetSteps.freePort;
import static org.bdx.cli.NetSteps.init;
import static org.bdx.cli.NetSteps.quietly;
import static org.bdx.cli.NetSteps.report;
import static org.bdx.cli.NetSteps.status;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.bdx.node.home.NodeHome;
import org.bdx.node.server.RunningNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two organizations whose clocks disagree (spec TIME-1..3): each node runs on its own movable
 * clock. The origin East issues alerts dated by its clock; the receiver North tolerates 5 minutes
 * of skew, refuses items dated further ahead of its own clock, and expires and purges by its own
 * clock.
 */
class ClockEndToEndTest {
  @TempDir Path tmp;
  final MovableClock eastClock = new MovableClock();
  final MovableClock northClock = new MovableClock();
  Path east;
  Path north;
  RunningNode eastNode;
  RunningNode northNode;

  @BeforeEach
  void network() throws Exception {
    east = tmp.resolve("east");
    north = tmp.resolve("north");
    int eastFed = freePort();
    int northFed = freePort();
    init(east, "East Outreach", freePort(), eastFed);
    init(north, "North Peers", freePort(), northFed);
    eastNode = RunningNode.start(new NodeHome(east), eastClock, null, null, List.of());
    northNode = RunningNode.start(new NodeHome(north), northClock, null, null, List.of());
    addPartner(east, "north", northNode.node().nodeId().value(), "127.0.0.1:" + northFed);
    addPartner(north, "east", eastNode.node().nodeId().value(), "127.0.0.1:" + eastFed);
    // Retention beyond the alerts' life, so expiry is what ends them.
    agree(east, "north", north, 3650, tmp);
  }

  @AfterEach
  void stop() {
    if (northNode != null) {
      northNode.close();
    }
    if (eastNode != null) {
      eastNode.close();
    }
  }

  @Test
  void itemsDatedBeyondTheSkewAreRefused_withinTheSkewAccepted() throws Exception {
    eastClock.set(Duration.ofMinutes(10));
    String tooFarAhead = report(east, "604 555 0101");
    awaitTrue(
        () -> status(north, "east").getInboundRejected() == 1,
        "North counts East's future-dated alert as rejected",
        30);
    assertThat(alertIds(north)).doesNotContain(tooFarAhead);

    // The twin: two minutes ahead is within the default 5 minutes, and arrives.
    eastClock.set(Duration.ofMinutes(2));
    String slightlyAhead = report(east, "604 555 0102");
    awaitTrue(
        quietly(() -> alertIds(north).contains(slightlyAhead)),
        "North stores East's slightly-ahead alert",
        30);
    assertThat(alertIds(north)).doesNotContain(tooFarAhead);
    assertThat(status(north, "east").getInboundRejected()).isEqualTo(1);
  }

  @Test
  void receiverExpiresByItsOwnClock_andThePurgeRemovesTheAlertFromSearch() throws Exception {
    String id = report(east, "604 555 0103");
    awaitTrue(quietly(() -> alertIds(north).contains(id)), "North received the alert", 30);
    // Twin: nothing is due while the alert is current, and its phone number is in North's files.
    assertThat(northNode.node().purgeExpired()).isZero();
    assertThat(alertIds(north)).contains(id);
    assertThat(databaseFiles(north)).contains(PHONE);

    // Alerts live 180 days by default; only North's clock moves past that.
    northClock.set(Duration.ofDays(181));
    assertThat(northNode.node().purgeExpired()).isEqualTo(1);
    assertThat(alertIds(north)).doesNotContain(id);
    assertThat(alertIds(east)).contains(id);
    // Gone from the database file and from the write-ahead log's older page images alike.
    assertThat(databaseFiles(north)).doesNotContain(PHONE);
  }

  private static final String PHONE = "+16045550103";

  /** The system clock plus an offset the test can change at any time. */
  static final class MovableClock extends Clock {
    private volatile Duration offset = Duration.ZERO;

    void set(Duration offset) {
      this.offset = offset;
    }

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
      return Instant.now().plus(offset);
    }
  }
}
