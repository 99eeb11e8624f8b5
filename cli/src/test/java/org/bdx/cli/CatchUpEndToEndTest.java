package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.allAlerts;
import static org.bdx.cli.NetSteps.awaitTrue;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.NetSteps.quietly;
import static org.bdx.cli.NetSteps.report;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bdx.cli.ClockEndToEndTest.MovableClock;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.SubscribeResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partner that was offline for a long time comes back: it resumes from its cursor and ends with
 * exactly the origin's current state (newest versions, tombstones, expired alerts gone), and the
 * origin does not send again what the partner already had.
 */
class CatchUpEndToEndTest {
  @TempDir Path tmp;
  final MovableClock eastClock = new MovableClock();
  final MovableClock northClock = new MovableClock();
  final SentItems sent = new SentItems();
  TestOrg east;
  TestOrg north;

  /** What East's federation server sends: (alert id, version, carries content) per item. */
  record Sent(String alertId, long version, boolean content) {}

  static final class SentItems implements ServerInterceptor {
    private final List<Sent> items = new ArrayList<>();

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      return next.startCall(
          new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void sendMessage(R message) {
              if (message instanceof SubscribeResponse r && r.hasItem()) {
                record(r);
              }
              super.sendMessage(message);
            }
          },
          headers);
    }

    private synchronized void record(SubscribeResponse r) {
      try {
        AlertHeader h = AlertHeader.parseFrom(r.getItem().getAlert().getHeader());
        items.add(
            new Sent(
                h.getAlertId(), h.getVersion(), r.getItem().getAlert().getDisclosuresCount() > 0));
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    }

    synchronized List<Sent> since(int index) {
      return List.copyOf(items.subList(index, items.size()));
    }

    synchronized int size() {
      return items.size();
    }
  }

  @AfterEach
  void stop() {
    TestOrg.stopAll(north, east);
  }

  @Test
  void partnerBackAfterMonths_endsWithOriginsState_andNothingIsSentTwice() throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").clock(eastClock).taps(sent).start();
    north = TestOrg.builder(tmp, "north", "North Peers").clock(northClock).start();
    TestOrg.peers(east, north);
    TestOrg.agree(east, north, 3650);

    // Day 0: two alerts, delivered while North is online.
    String early1 = report(east.home(), "604 555 0101");
    String early2 = report(east.home(), "604 555 0102");
    awaitTrue(
        quietly(() -> ids(north.home()).containsAll(List.of(early1, early2))),
        "first delivery",
        30);

    // North goes offline for months.
    north.stop();
    int sentBeforeOffline = sent.size();

    String expiresWhileAway = report(east.home(), "604 555 0103");
    eastClock.set(Duration.ofDays(100));
    northClock.set(Duration.ofDays(100));
    List<String> later = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      later.add(report(east.home(), "604 555 02" + (10 + i)));
    }
    String updatedTwice = later.get(0);
    ok("alerts", "update", updatedTwice, "--home", east.homeArg(), "--summary", "identified");
    ok("alerts", "update", updatedTwice, "--home", east.homeArg(), "--summary", "identified, v3");
    ok("alerts", "retract", later.get(1), "--home", east.homeArg(), "--reason", "mistaken");
    ok("alerts", "retract", early2, "--home", east.homeArg(), "--reason", "withdrawn by reporter");
    ok("alerts", "update", early1, "--home", east.homeArg(), "--summary", "still active");

    // Day 200: the day-0 alerts are past their 180-day life; North comes back.
    eastClock.set(Duration.ofDays(200));
    northClock.set(Duration.ofDays(200));
    north.start();

    Map<String, Long> expected = visible(east.home());
    assertThat(expected.keySet())
        .containsExactlyInAnyOrder(later.get(0), later.get(2), later.get(3), later.get(4));
    awaitTrue(quietly(() -> visible(north.home()).equals(expected)), "North matches East", 30);
    assertThat(visible(north.home())).isEqualTo(expected);
    assertThat(expected.get(updatedTwice)).isEqualTo(3);

    // Nothing North already had was sent again, and superseded versions were never sent.
    List<Sent> afterReturn = sent.since(sentBeforeOffline);
    assertThat(afterReturn)
        .noneMatch(s -> s.alertId().equals(early1) && s.version() == 1)
        .noneMatch(s -> s.alertId().equals(early2) && s.version() == 1)
        .noneMatch(s -> s.alertId().equals(updatedTwice) && s.version() < 3);
    assertThat(afterReturn.stream().filter(s -> s.alertId().equals(updatedTwice)))
        .containsExactly(new Sent(updatedTwice, 3, true));
    // The retraction of an alert North held reaches it as a header-only item.
    assertThat(afterReturn).contains(new Sent(early2, 2, false));
    // Each (alert, version) at most once.
    assertThat(afterReturn).doesNotHaveDuplicates();
    // The alert that expired while North was away holds no content at North.
    assertThat(ids(north.home())).doesNotContain(expiresWhileAway, early1, early2);
  }

  /** Alert id → version of every alert the node's search shows (live, unexpired, not retracted). */
  private static Map<String, Long> visible(Path home) throws Exception {
    Map<String, Long> m = new TreeMap<>();
    for (AlertView a : allAlerts(home)) {
      m.put(a.getAlertId(), a.getVersion());
    }
    return m;
  }

  private static List<String> ids(Path home) throws Exception {
    return allAlerts(home).stream().map(AlertView::getAlertId).toList();
  }
}
