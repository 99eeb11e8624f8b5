package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.alertIds;
import static org.bdx.cli.NetSteps.awaitTrue;
import static org.bdx.cli.NetSteps.quietly;
import static org.bdx.cli.NetSteps.report;
import static org.bdx.cli.NetSteps.status;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bdx.node.tls.Keepalive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partner path that goes silent without closing (spec FEED-11): North reads East's feed through a
 * loopback TCP relay that, on command, stops forwarding bytes both ways but keeps the connections
 * open. East's keepalive notices and drops the dead stream; North's keepalive notices, marks the
 * feed offline, and reconnects once the path heals, receiving what East queued meanwhile.
 */
class SilentPartnerEndToEndTest {
  /**
   * Short timings so the test takes seconds: gRPC clamps the client ping interval to 10 s, so North
   * notices after about 11 s of silence; East pings every second.
   */
  static final Keepalive FAST =
      new Keepalive(
          Duration.ofSeconds(10),
          Duration.ofSeconds(1),
          Duration.ofSeconds(1),
          Duration.ofSeconds(1));

  @TempDir Path tmp;
  TestOrg east;
  TestOrg north;
  Relay relay;

  @AfterEach
  void stop() throws IOException {
    if (relay != null) {
      relay.close();
    }
    TestOrg.stopAll(north, east);
  }

  @Test
  void silentPath_isDetectedOnBothSides_andTheFeedResumesWhenItHeals() throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").keepalive(FAST).start();
    north = TestOrg.builder(tmp, "north", "North Peers").keepalive(FAST).start();
    relay = new Relay(east.federationPort());
    east.addPartner(north, "peer");
    // North reaches East only through the relay.
    north.addPartner(east, "peer", "127.0.0.1:" + relay.port());
    TestOrg.agree(east, north, 30);

    String before = report(east.home(), "604 555 0111");
    awaitTrue(quietly(() -> alertIds(north.home()).contains(before)), "first alert arrives", 30);
    awaitTrue(() -> status(north.home(), "east").getConnected(), "North's feed connected", 30);
    assertThat(east.node().partnerSubscribed(north.id())).isTrue();

    relay.stall();
    String during = report(east.home(), "604 555 0112");
    awaitTrue(() -> !east.node().partnerSubscribed(north.id()), "East drops the silent stream", 30);
    awaitTrue(
        () -> !status(north.home(), "east").getConnected(), "North sees its feed go offline", 40);
    assertThat(alertIds(north.home())).doesNotContain(during);

    relay.heal();
    awaitTrue(
        quietly(() -> alertIds(north.home()).contains(during)),
        "the alert queued while silent arrives after the path heals",
        60);
    awaitTrue(
        () -> status(north.home(), "east").getConnected(), "North's feed connected again", 30);
    assertThat(east.node().partnerSubscribed(north.id())).isTrue();
    assertThat(alertIds(north.home())).containsOnlyOnce(before, during);
  }

  /**
   * A loopback TCP relay to a target port. Stalled, it forwards nothing on open connections
   * (without closing them) and closes new ones at once; healed, it forwards again.
   */
  static final class Relay implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean stalled;
    private volatile boolean closed;

    Relay(int target) throws IOException {
      this.target = target;
      this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofVirtual().name("relay-accept").start(this::accept);
    }

    int port() {
      return server.getLocalPort();
    }

    void stall() {
      stalled = true;
    }

    void heal() {
      stalled = false;
    }

    private void accept() {
      while (!closed) {
        Socket in;
        try {
          in = server.accept();
        } catch (IOException e) {
          return;
        }
        if (stalled) {
          closeQuietly(in);
          continue;
        }
        Socket out = new Socket();
        try {
          out.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 5000);
        } catch (IOException e) {
          closeQuietly(in);
          continue;
        }
        sockets.add(in);
        sockets.add(out);
        Thread.ofVirtual().start(() -> pump(in, out));
        Thread.ofVirtual().start(() -> pump(out, in));
      }
    }

    private void pump(Socket from, Socket to) {
      byte[] buf = new byte[16 * 1024];
      try (InputStream is = from.getInputStream();
          OutputStream os = to.getOutputStream()) {
        for (int n; (n = is.read(buf)) >= 0; ) {
          while (stalled && !closed) {
            Thread.sleep(20); // hold the bytes: the path is silent, not closed
          }
          os.write(buf, 0, n);
          os.flush();
        }
      } catch (IOException | InterruptedException e) {
        // either side went away
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }

    @Override
    public void close() throws IOException {
      closed = true;
      server.close();
      sockets.forEach(Relay::closeQuietly);
    }

    private static void closeQuietly(Socket s) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
  }
}
