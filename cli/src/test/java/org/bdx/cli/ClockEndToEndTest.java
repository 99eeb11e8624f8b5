package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.alertIds;
import static org.bdx.cli.NetSteps.awaitTrue;
import static org.bdx.cli.NetSteps.databaseFiles;
import static org.bdx.cli.NetSteps.quietly;
import static org.bdx.cli.NetSteps.report;
import static org.bdx.cli.NetSteps.status;
import static org.bdx.cli.NetSteps.unsealedText;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
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
  TestOrg east;
  TestOrg north;

  @BeforeEach
  void network() throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").clock(eastClock).start();
    north = TestOrg.builder(tmp, "north", "North Peers").clock(northClock).start();
    TestOrg.peers(east, north);
    // Retention beyond the alerts' life, so expiry is what ends them.
    TestOrg.agree(east, north, 3650);
  }

  @AfterEach
  void stop() {
    TestOrg.stopAll(north, east);
  }

  @Test
  void itemsDatedBeyondTheSkewAreRefused_withinTheSkewAccepted() throws Exception {
    eastClock.set(Duration.ofMinutes(10));
    String tooFarAhead = report(east.home(), "604 555 0101");
    awaitTrue(
        () -> status(north.home(), "east").getInboundRejected() == 1,
        "North counts East's future-dated alert as rejected",
        30);
    assertThat(alertIds(north.home())).doesNotContain(tooFarAhead);

    // The twin: two minutes ahead is within the default 5 minutes, and arrives.
    eastClock.set(Duration.ofMinutes(2));
    String slightlyAhead = report(east.home(), "604 555 0102");
    awaitTrue(
        quietly(() -> alertIds(north.home()).contains(slightlyAhead)),
        "North stores East's slightly-ahead alert",
        30);
    assertThat(alertIds(north.home())).doesNotContain(tooFarAhead);
    assertThat(status(north.home(), "east").getInboundRejected()).isEqualTo(1);
  }

  @Test
  void receiverExpiresByItsOwnClock_andThePurgeRemovesTheAlertFromSearch() throws Exception {
    String id = report(east.home(), "604 555 0103");
    awaitTrue(quietly(() -> alertIds(north.home()).contains(id)), "North received the alert", 30);
    // Twin: nothing is due while the alert is current, and its phone number is held in North's
    // database, sealed: its row keys open it, a scan of the files does not find it.
    assertThat(north.node().purgeExpired()).isZero();
    assertThat(alertIds(north.home())).contains(id);
    assertThat(unsealedText(north)).contains(PHONE);
    assertThat(databaseFiles(north.home())).doesNotContain(PHONE);

    // Alerts live 180 days by default; only North's clock moves past that.
    northClock.set(Duration.ofDays(181));
    assertThat(north.node().purgeExpired()).isEqualTo(1);
    assertThat(alertIds(north.home())).doesNotContain(id);
    assertThat(alertIds(east.home())).contains(id);
    // Gone from the database, even for a holder of its keys, and never in its files in clear.
    assertThat(unsealedText(north)).doesNotContain(PHONE);
    assertThat(databaseFiles(north.home())).doesNotContain(PHONE);
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
