package org.bdx.node.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RepeatedFailuresTest {
  private final Logger log = Logger.getLogger("test.repeated-failures");
  private final List<String> lines = new ArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          lines.add(r.getLevel() + " " + r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private long now;
  private RepeatedFailures failures;

  @BeforeEach
  void setUp() {
    log.setUseParentHandlers(false);
    log.addHandler(capture);
    failures = new RepeatedFailures(log, "feed from partner north", () -> now);
  }

  @AfterEach
  void tearDown() {
    log.removeHandler(capture);
  }

  private void seconds(long s) {
    now += TimeUnit.SECONDS.toNanos(s);
  }

  @Test
  void failed_repeatedOncePerSecond_logsOnceThenOneSummaryAMinute() {
    failures.failed("the partner's node is not running or not reachable");
    for (int i = 0; i < 60; i++) {
      seconds(1);
      failures.failed("the partner's node is not running or not reachable");
    }

    assertThat(lines)
        .containsExactly(
            "WARNING feed from partner north: the partner's node is not running or not reachable",
            "WARNING feed from partner north: still failing (the partner's node is not running or"
                + " not reachable), 60 times in the last minute");
  }

  @Test
  void failed_anotherFailure_isLoggedAtOnceAfterTheRepeatsSoFar() {
    failures.failed("the partner's node is not running or not reachable");
    failures.failed("the partner's node is not running or not reachable");
    failures.failed("the partner's node has no active agreement with this node");

    assertThat(lines)
        .containsExactly(
            "WARNING feed from partner north: the partner's node is not running or not reachable",
            "WARNING feed from partner north: still failing (the partner's node is not running or"
                + " not reachable), 1 time in the last minute",
            "WARNING feed from partner north: the partner's node has no active agreement with this"
                + " node");
  }

  @Test
  void recovered_afterFailures_saysSoOnce_andNothingWithoutFailures() {
    failures.recovered("connected");
    failures.failed("the partner's node did not answer in time");
    failures.recovered("connected again");
    failures.recovered("connected again");
    failures.failed("the partner's node did not answer in time");

    assertThat(lines)
        .containsExactly(
            "WARNING feed from partner north: the partner's node did not answer in time",
            "INFO feed from partner north: connected again",
            "WARNING feed from partner north: the partner's node did not answer in time");
  }

  @Test
  void failed_withInstances_namesOnlyTheFirst_andCountsTheRestAsOneFailure() {
    for (int seq = 1; seq <= 50; seq++) {
      failures.failed("reason=ITEM_MALFORMED", "seq=" + seq);
    }
    seconds(60);
    failures.failed("reason=ITEM_MALFORMED", "seq=51");

    assertThat(lines)
        .containsExactly(
            "WARNING feed from partner north: reason=ITEM_MALFORMED, seq=1",
            "WARNING feed from partner north: still failing (reason=ITEM_MALFORMED), 50 times in"
                + " the last minute");
  }

  @Test
  void subject_isAskedForEachLine_soARenameShowsInTheNextOne() {
    String[] name = {"north"};
    RepeatedFailures renamed =
        new RepeatedFailures(log, () -> "feed from partner " + name[0], () -> now);
    renamed.failed("the partner's node did not answer in time");
    name[0] = "north-peers";
    renamed.recovered("connected again");

    assertThat(lines)
        .containsExactly(
            "WARNING feed from partner north: the partner's node did not answer in time",
            "INFO feed from partner north-peers: connected again");
  }
}
