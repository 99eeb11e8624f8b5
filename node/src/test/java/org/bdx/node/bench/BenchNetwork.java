package org.bdx.node.bench;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.bdx.node.TestNodes;
import org.bdx.node.edge.CredentialCheck;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.identity.NodeId;
import org.bdx.node.server.Node;
import org.bdx.node.server.RunningNode;
import org.bdx.proto.v1.AcceptAgreementRequest;
import org.bdx.proto.v1.AddPartnerRequest;
import org.bdx.proto.v1.AdminServiceGrpc;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.GetStatusRequest;
import org.bdx.proto.v1.ListAgreementsRequest;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.ProposeAgreementRequest;
import org.bdx.proto.v1.ProposedTerms;

/**
 * One origin and {@code n} receivers, each a real node ({@link Node#init} + {@link
 * RunningNode#start}) on 127.0.0.1 with ephemeral ports, federating over mutual TLS as in
 * production. Set up through each node's AdminService with its admin credential: partners
 * registered both ways (class peer), one agreement per receiver proposed by the origin and accepted
 * by the receiver.
 */
final class BenchNetwork implements AutoCloseable {
  /** Every field path except reporter_contact. */
  static final List<String> ALL_BUT_CONTACT =
      List.of(
          "incident_date",
          "time_of_day",
          "area",
          "work_setting",
          "harms",
          "severity",
          "aggressor_description",
          "names_used",
          "phone_numbers",
          "vehicle_description",
          "vehicle_plate",
          "online_handles",
          "modus_operandi",
          "languages");

  record Member(
      String name,
      NodeId id,
      RunningNode running,
      ManagedChannel channel,
      ClientServiceGrpc.ClientServiceBlockingStub client,
      AdminServiceGrpc.AdminServiceBlockingStub admin) {
    String endpoint() {
      return "127.0.0.1:" + running.federationPort();
    }
  }

  final Member origin;
  final List<Member> receivers;

  /** Members already closed ({@link #stop}, {@link #stopOrigin}), which {@link #close} skips. */
  private final Set<Member> closed = ConcurrentHashMap.newKeySet();

  private BenchNetwork(Member origin, List<Member> receivers) {
    this.origin = origin;
    this.receivers = receivers;
  }

  static BenchNetwork start(Path dir, int n, ServerInterceptor originTap) throws Exception {
    List<Member> started = new ArrayList<>();
    try {
      Member origin = member(dir, "origin", List.of(originTap));
      started.add(origin);
      List<Member> receivers = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        Member r = member(dir, String.format(Locale.ROOT, "r%02d", i), List.of());
        started.add(r);
        receivers.add(r);
      }
      for (Member r : receivers) {
        addPartner(origin, r);
        addPartner(r, origin);
      }
      DirectionTerms send =
          DirectionTerms.newBuilder()
              .setAllHarms(true)
              .setAllAreas(true)
              .addAllFieldPaths(ALL_BUT_CONTACT)
              .setRetentionDays(30)
              .build();
      DirectionTerms receive =
          send.toBuilder().setReceiverClass(PartnerClass.PARTNER_CLASS_PEER).build();
      for (Member r : receivers) {
        String agreementId =
            origin
                .admin()
                .proposeAgreement(
                    ProposeAgreementRequest.newBuilder()
                        .setPartner(r.name())
                        .setTerms(ProposedTerms.newBuilder().setWeSend(send).setWeReceive(receive))
                        .build())
                .getAgreement()
                .getAgreementId();
        r.admin()
            .acceptAgreement(
                AcceptAgreementRequest.newBuilder().setAgreementId(agreementId).build());
      }
      long active =
          origin
              .admin()
              .listAgreements(ListAgreementsRequest.getDefaultInstance())
              .getAgreementsList()
              .stream()
              .filter(a -> a.getState() == AgreementState.AGREEMENT_STATE_ACTIVE)
              .count();
      if (active != n) {
        throw new IllegalStateException("only " + active + " of " + n + " agreements are active");
      }
      return new BenchNetwork(origin, receivers);
    } catch (Exception | Error e) {
      started.forEach(BenchNetwork::closeQuietly);
      throw e;
    }
  }

  /** Waits until every receiver reports a live feed from the origin. */
  void awaitConnected(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Member r : receivers) {
      while (!r.admin().getStatus(GetStatusRequest.getDefaultInstance()).getPartnersList().stream()
          .allMatch(p -> p.getConnected())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(r.name() + " has no live feed from the origin");
        }
        Thread.sleep(20);
      }
    }
  }

  /**
   * Stops receiver {@code r} (its node closes: feeds, servers, database) and returns a function
   * that starts it again from the same home on the same ports, so its partners' stored endpoints
   * stay right, and puts the restarted member in {@link #receivers}.
   */
  Restart stop(Member r) {
    int index = receivers.indexOf(r);
    if (index < 0) {
      throw new IllegalArgumentException(r.name() + " is not a receiver");
    }
    NodeHome home = r.running().node().home();
    NodeConfig.HostPort client = new NodeConfig.HostPort("127.0.0.1", r.running().clientPort());
    NodeConfig.HostPort federation =
        new NodeConfig.HostPort("127.0.0.1", r.running().federationPort());
    closeQuietly(r);
    closed.add(r);
    return () -> {
      Member again = open(r.name(), home, client, federation, List.of());
      receivers.set(index, again);
      return again;
    };
  }

  /**
   * Closes the origin (feeds, servers, database), so its home can be served by another process on
   * the same ports; returns (client port, federation port).
   */
  int[] stopOrigin() {
    int[] ports = {origin.running().clientPort(), origin.running().federationPort()};
    closeQuietly(origin);
    closed.add(origin);
    return ports;
  }

  /** Starts a stopped receiver again. */
  interface Restart {
    Member start() throws Exception;
  }

  private static Member member(Path dir, String name, List<ServerInterceptor> taps)
      throws Exception {
    NodeHome home = new NodeHome(dir.resolve(name));
    NodeConfig.HostPort any = new NodeConfig.HostPort("127.0.0.1", 0);
    TestNodes.init(home, new NodeConfig("Bench " + name, any, any, "CA", Duration.ofDays(180), 2));
    // The N = 1 run polls GetAlert every millisecond as a cross-check: no screening limit here.
    Files.writeString(
        home.configFile(),
        "screening.burst=1000000\nscreening.per_minute=1000000\n",
        StandardOpenOption.APPEND);
    return open(name, home, any, any, taps);
  }

  private static Member open(
      String name,
      NodeHome home,
      NodeConfig.HostPort clientAt,
      NodeConfig.HostPort federationAt,
      List<ServerInterceptor> taps)
      throws Exception {
    RunningNode running =
        RunningNode.start(
            home, TestNodes.PASSPHRASE, Clock.systemUTC(), clientAt, federationAt, taps);
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", running.clientPort()).usePlaintext().build();
    return new Member(
        name,
        running.node().nodeId(),
        running,
        channel,
        bearer(ClientServiceGrpc.newBlockingStub(channel), home.readClientToken()),
        bearer(AdminServiceGrpc.newBlockingStub(channel), home.readAdminToken()));
  }

  private static void addPartner(Member at, Member partner) {
    at.admin()
        .addPartner(
            AddPartnerRequest.newBuilder()
                .setName(partner.name())
                .setNodeId(partner.id().value())
                .setEndpoint(partner.endpoint())
                .setPartnerClass(PartnerClass.PARTNER_CLASS_PEER)
                .build());
  }

  private static <S extends AbstractStub<S>> S bearer(S stub, String token) {
    Metadata m = new Metadata();
    m.put(CredentialCheck.AUTHORIZATION, "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
  }

  private static void closeQuietly(Member m) {
    m.channel().shutdownNow();
    try {
      m.channel().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    m.running().close();
  }

  /**
   * Closes all nodes at once: a node with connected partners takes about 5 s to close (its
   * federation server waits for the long-lived Subscribe calls before the feeds are stopped), so
   * closing 21 nodes one by one would dominate the run.
   */
  @Override
  public void close() {
    long t0 = System.nanoTime();
    List<Thread> closing = new ArrayList<>();
    for (Member m : receivers) {
      if (!closed.contains(m)) {
        closing.add(Thread.ofPlatform().start(() -> closeQuietly(m)));
      }
    }
    if (!closed.contains(origin)) {
      closing.add(Thread.ofPlatform().start(() -> closeQuietly(origin)));
    }
    for (Thread t : closing) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    System.out.printf(
        Locale.ROOT,
        "closed %d nodes in %.1f s%n",
        receivers.size() + 1,
        (System.nanoTime() - t0) / 1e9);
  }
}
