package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.awaitTrue;
import static org.bdx.cli.NetSteps.direction;
import static org.bdx.cli.NetSteps.held;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.NetSteps.parse;
import static org.bdx.cli.NetSteps.proposal;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.bdx.node.agreement.SignedAgreements;
import org.bdx.node.edge.FederationServerFactory;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.signing.AlertDraft;
import org.bdx.node.signing.AlertSigner;
import org.bdx.node.signing.Disclosures;
import org.bdx.node.signing.HopChain;
import org.bdx.node.signing.HopSigner;
import org.bdx.node.store.Ids;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.ConfirmAgreementRequest;
import org.bdx.proto.v1.ConfirmAgreementResponse;
import org.bdx.proto.v1.FederationServiceGrpc;
import org.bdx.proto.v1.FeedAck;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.FeedStatus;
import org.bdx.proto.v1.GetAlertResponse;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.NotifyAgreementStateRequest;
import org.bdx.proto.v1.NotifyAgreementStateResponse;
import org.bdx.proto.v1.OfferAgreementRequest;
import org.bdx.proto.v1.OfferAgreementResponse;
import org.bdx.proto.v1.PartnerStatus;
import org.bdx.proto.v1.ProposeAgreementResponse;
import org.bdx.proto.v1.RejectionCount;
import org.bdx.proto.v1.SignedAgreement;
import org.bdx.proto.v1.SignedAlert;
import org.bdx.proto.v1.SignedHop;
import org.bdx.proto.v1.SubmitReportResponse;
import org.bdx.proto.v1.SubscribeRequest;
import org.bdx.proto.v1.SubscribeResponse;
import org.bdx.proto.v1.SubscribeStart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Relays that lie, end to end on loopback (spec RELAY-8, issue 14): three real nodes and Mallory, a
 * partner of all three that this test plays on real mutual TLS with its own key.
 *
 * <pre>
 *   Origin ──(relay, 1 hop)──▶ Mallory ──(no relay, no relayed origins accepted)──▶ North
 *   Quiet  ──(no relay)──────▶ Mallory
 *   Origin, Quiet ──(agreements, areas North never reports on)──▶ North
 * </pre>
 *
 * Mallory subscribes to Origin's and Quiet's feeds as any partner does and gets their alerts, with
 * Origin's signed statement leaving it one hop. It then feeds North: an alert of Origin's with its
 * hops raised, one of Quiet's that Quiet never let it relay, and an accusation it made up under a
 * fresh key. North rejects each with its reason, stores nothing of them, and {@code bdx status}
 * counts them by reason; the honest relay of Origin's alert, sent last, is stored and shows the
 * path it came by. Progress waits on North's acknowledgements, never on time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileRelayEndToEndTest {
  private static final long WAIT = 30;
  private static final SecureRandom RNG = new SecureRandom();
  private static final List<String> PATHS =
      List.of("incident_date", "area", "harms", "severity", "aggressor_description");

  @TempDir static Path tmp;
  TestOrg origin;
  TestOrg quiet;
  TestOrg north;
  final Mallory mallory = new Mallory();
  String originAlert;
  String quietAlert;
  FeedItem fromOrigin;
  FeedItem fromQuiet;
  String forgedAlert;

  @BeforeAll
  void network() throws Exception {
    origin = TestOrg.builder(tmp, "origin", "Origin Outreach").start();
    quiet = TestOrg.builder(tmp, "quiet", "Quiet Collective").start();
    north = TestOrg.builder(tmp, "north", "North Peers").start();
    mallory.start(Set.of(origin.id(), quiet.id(), north.id()));
    TestOrg.peers(origin, north);
    TestOrg.peers(quiet, north);
    for (TestOrg o : List.of(origin, quiet, north)) {
      ok(
          "partner",
          "add",
          "--home",
          o.homeArg(),
          "--name",
          "mallory",
          "--node-id",
          mallory.keys.nodeId().value(),
          "--endpoint",
          mallory.endpoint(),
          "--class",
          "peer");
    }
    // North has agreements with Origin and Quiet, whose grants cover an area they never report on:
    // North knows both origins, and gets their alerts only through Mallory.
    String nowhere = direction(PATHS, 0, false, "Nowhere");
    TestOrg.agree(origin, north, proposal(tmp, nowhere, nowhere));
    TestOrg.agree(quiet, north, proposal(tmp, nowhere, nowhere));
    mallory.agree(
        origin, proposal(tmp, direction(PATHS, 1, false, null), direction(PATHS, 0, false, null)));
    mallory.agree(
        quiet, proposal(tmp, direction(PATHS, 0, false, null), direction(PATHS, 0, false, null)));
    // North takes nothing Mallory relays onward, and no relayed alert of an origin it does not
    // know ("--accept-relayed none", which is also what the terms file says).
    mallory.agree(
        north,
        proposal(tmp, direction(PATHS, 0, false, null), direction(PATHS, 0, false, null)),
        "none");

    originAlert = report(origin);
    quietAlert = report(quiet);
    fromOrigin = mallory.feedOf(origin).await(originAlert);
    fromQuiet = mallory.feedOf(quiet).await(quietAlert);
    mallory.awaitSubscribed();
  }

  @AfterAll
  void stop() {
    mallory.close();
    TestOrg.stopAll(origin, quiet, north);
  }

  @Test
  @Order(1)
  void origins_signTheHopsTheyGrant() {
    // Origin's terms let Mallory relay once: its item carries its statement, to Mallory, 1 hop.
    assertThat(fromOrigin.getHopsLeft()).isEqualTo(1);
    HopChain signed = HopChain.read(fromOrigin.getHopsList());
    assertThat(signed.signers()).containsExactly(origin.id());
    assertThat(signed.lastTo()).isEqualTo(mallory.keys.nodeId());
    // Quiet's do not: no hop left, nothing signed.
    assertThat(fromQuiet.getHopsLeft()).isZero();
    assertThat(fromQuiet.getHopsList()).isEmpty();
  }

  @Test
  @Order(2)
  void lyingRelays_areRejectedWithTheirReasons_nothingStored_andStatusCountsThem()
      throws Exception {
    SignedAlert a = fromOrigin.getAlert();
    SignedAlert q = fromQuiet.getAlert();
    HopSigner m = new HopSigner(mallory.keys);
    HopChain atMallory = HopChain.read(fromOrigin.getHopsList());
    // (a) raises its hops: Origin left it 1, so it may leave North none; it says 1.
    FeedItem raised =
        mallory.relayed(a, m.extend(atMallory, a.getHeader(), north.id(), 1).hops(), 1);
    // (b) forwards what Quiet never let it relay: it has no statement of Quiet's to extend.
    FeedItem ungranted =
        mallory.relayed(q, m.extend(HopChain.empty(), q.getHeader(), north.id(), 0).hops(), 0);
    // (c) forges an origin: an accusation made up under a fresh key, with a valid signed path.
    NodeKeys fresh = NodeKeys.generate(RNG);
    SignedAlert forged = madeUp(fresh);
    forgedAlert = header(forged).getAlertId();
    HopChain forgedPath =
        m.extend(
            new HopSigner(fresh)
                .extend(HopChain.empty(), forged.getHeader(), mallory.keys.nodeId(), 1),
            forged.getHeader(),
            north.id(),
            0);
    FeedItem invented = mallory.relayed(forged, forgedPath.hops(), 0);
    mallory.deliver(raised, ungranted, invented);

    for (String id : List.of(originAlert, quietAlert, forgedAlert)) {
      assertThat(held(north, id)).as("North holds %s", id).isFalse();
    }
    PartnerStatus s = NetSteps.status(north.home(), "mallory");
    assertThat(s.getInboundRejected()).isEqualTo(3);
    assertThat(s.getInboundRejectedByReasonList())
        .extracting(RejectionCount::getReason, RejectionCount::getCount)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("HOP_STATEMENT_INVALID", 1L),
            org.assertj.core.groups.Tuple.tuple("RELAYED_ORIGIN_NOT_ACCEPTED", 1L),
            org.assertj.core.groups.Tuple.tuple("RELAY_NOT_ALLOWED", 1L));
    // What the coordinator reads.
    String status = ok("status", "--home", north.homeArg()).out();
    assertThat(status)
        .contains("Rejected items by reason:")
        .containsPattern(
            "mallory\\s+rejected 3 \\(HOP_STATEMENT_INVALID 1, RELAYED_ORIGIN_NOT_ACCEPTED 1,"
                + " RELAY_NOT_ALLOWED 1\\)")
        .contains("RELAY_NOT_ALLOWED: relayed alerts passed on further than the agreements");
  }

  @Test
  @Order(3)
  void theHonestRelay_isStored_andShowsThePathItCameBy() throws Exception {
    // The twin of (a): the same alert and Origin's statement, Mallory leaving North no hop.
    SignedAlert a = fromOrigin.getAlert();
    HopChain honest =
        new HopSigner(mallory.keys)
            .extend(HopChain.read(fromOrigin.getHopsList()), a.getHeader(), north.id(), 0);
    mallory.deliver(mallory.relayed(a, honest.hops(), 0));
    assertThat(held(north, originAlert)).isTrue();
    AlertView v =
        parse(
                ok("alerts", "show", originAlert, "--home", north.homeArg(), "--json").out(),
                GetAlertResponse.getDefaultInstance())
            .getAlert();
    assertThat(v.getPathList())
        .extracting(p -> p.getNodeId(), p -> p.getName())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(origin.id().value(), "origin"),
            org.assertj.core.groups.Tuple.tuple(mallory.keys.nodeId().value(), "mallory"));
    assertThat(ok("alerts", "show", originAlert, "--home", north.homeArg()).out())
        .containsPattern("came through: +origin -> mallory\n");
    assertThat(NetSteps.status(north.home(), "mallory").getInboundRejected()).isEqualTo(3);
    // Nothing of the three rejected ones came in with it.
    assertThat(held(north, quietAlert)).isFalse();
    assertThat(held(north, forgedAlert)).isFalse();
  }

  // --- helpers

  private static AlertHeader header(SignedAlert a) throws Exception {
    return AlertHeader.parseFrom(a.getHeader());
  }

  private static SignedAlert madeUp(NodeKeys key) {
    long now = System.currentTimeMillis() / 1000;
    return Disclosures.select(
        new AlertSigner(key, RNG)
            .sign(
                new AlertDraft(
                    Ids.newId(RNG),
                    1,
                    AlertStatus.ALERT_STATUS_ACTIVE,
                    now - 60,
                    now + 86_400,
                    Audience.AUDIENCE_PEER,
                    2,
                    AlertFields.newBuilder()
                        .setIncidentDate(LocalDate.now().minusDays(1).toString())
                        .setArea("Downtown East")
                        .addHarms(HarmCategory.HARM_CATEGORY_PHYSICAL_ASSAULT)
                        .setAggressorDescription("made up by a partner")
                        .build())),
        Set.copyOf(PATHS));
  }

  private static String report(TestOrg o) throws Exception {
    CliRun r =
        ok(
            "report",
            "add",
            "--home",
            o.homeArg(),
            "--json",
            "--date",
            LocalDate.now().minusDays(1).toString(),
            "--area",
            "Downtown East",
            "--harm",
            "physical_assault",
            "--severity",
            "high",
            "--description",
            "tall man, " + o.key(),
            "--audience",
            "peer");
    return parse(r.out(), SubmitReportResponse.getDefaultInstance()).getAlert().getAlertId();
  }

  /**
   * Mallory: a registered partner with its own key, serving FederationService on mutual TLS (it
   * takes the offers the nodes make it, and North's feed subscription), and subscribing to the
   * nodes' feeds as a client. What it sends North is up to the test.
   */
  final class Mallory extends FederationServiceGrpc.FederationServiceImplBase
      implements AutoCloseable {
    final NodeKeys keys = NodeKeys.generate(RNG);
    final BlockingQueue<SignedAgreement> offers = new LinkedBlockingQueue<>();
    final BlockingQueue<Object> fromNorth = new LinkedBlockingQueue<>();
    final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();
    private Server server;
    private volatile StreamObserver<SubscribeResponse> toNorth;
    private String northAgreement;
    private long nextSequence = 1;

    void start(Set<NodeId> partners) throws Exception {
      server =
          FederationServerFactory.builder(
                  new InetSocketAddress("127.0.0.1", 0), keys, partners::contains)
              .addService(this)
              .addService(new HealthStatusManager().getHealthService())
              .build()
              .start();
    }

    String endpoint() {
      return "127.0.0.1:" + server.getPort();
    }

    /**
     * {@code bdx agreement propose} of {@code terms} at {@code o} to Mallory, which countersigns
     * the offer and confirms it; optionally with {@code --accept-relayed}.
     */
    void agree(TestOrg o, Path terms, String... acceptRelayed) throws Exception {
      List<String> args =
          new java.util.ArrayList<>(
              List.of(
                  "agreement",
                  "propose",
                  "--home",
                  o.homeArg(),
                  "--partner",
                  "mallory",
                  "--terms",
                  terms.toString(),
                  "--json"));
      if (acceptRelayed.length > 0) {
        args.add("--accept-relayed");
        args.add(acceptRelayed[0]);
      }
      String id =
          parse(
                  ok(args.toArray(String[]::new)).out(),
                  ProposeAgreementResponse.getDefaultInstance())
              .getAgreement()
              .getAgreementId();
      SignedAgreement offered = offers.poll(WAIT, TimeUnit.SECONDS);
      assertThat(offered).as("%s offered Mallory an agreement", o.key()).isNotNull();
      FederationServiceGrpc.newBlockingStub(channelTo(o))
          .confirmAgreement(
              ConfirmAgreementRequest.newBuilder()
                  .setAgreement(SignedAgreements.countersign(keys, offered))
                  .build());
      if (o == north) {
        northAgreement = id;
      }
    }

    private ManagedChannel channelTo(TestOrg o) {
      ManagedChannel ch = new org.bdx.node.tls.TlsPartnerChannels(keys).open(o.id(), o.endpoint());
      channels.add(ch);
      return ch;
    }

    /** Subscribes to {@code o}'s feed from the start, acknowledging every item. */
    Feed feedOf(TestOrg o) {
      Feed f = new Feed();
      StreamObserver<SubscribeRequest> requests =
          FederationServiceGrpc.newStub(channelTo(o)).subscribe(f);
      f.requests = requests;
      requests.onNext(
          SubscribeRequest.newBuilder()
              .setStart(SubscribeStart.newBuilder().setAfterSequence(0))
              .build());
      return f;
    }

    final class Feed implements StreamObserver<SubscribeResponse> {
      final List<FeedItem> items = new CopyOnWriteArrayList<>();
      volatile StreamObserver<SubscribeRequest> requests;

      @Override
      public synchronized void onNext(SubscribeResponse r) {
        if (r.hasItem()) {
          items.add(r.getItem());
          requests.onNext(
              SubscribeRequest.newBuilder()
                  .setAck(FeedAck.newBuilder().setThroughSequence(r.getItem().getSequence()))
                  .build());
        }
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}

      FeedItem await(String alertId) throws InterruptedException {
        Predicate<FeedItem> p =
            i -> {
              try {
                return AlertHeader.parseFrom(i.getAlert().getHeader()).getAlertId().equals(alertId);
              } catch (Exception e) {
                return false;
              }
            };
        awaitTrue(() -> items.stream().anyMatch(p), "Mallory receives " + alertId);
        return items.stream().filter(p).findFirst().orElseThrow();
      }
    }

    /** A relayed item to North: relay_hops one more than the statements before Mallory's. */
    FeedItem relayed(SignedAlert alert, List<SignedHop> hops, int hopsLeft) {
      return FeedItem.newBuilder()
          .setAgreementId(northAgreement)
          .setAlert(alert)
          .setRelayHops(Math.max(1, hops.size() - 1))
          .setHopsLeft(hopsLeft)
          .addAllHops(hops)
          .build();
    }

    void awaitSubscribed() throws InterruptedException {
      awaitTrue(() -> toNorth != null, "North subscribes to Mallory's feed");
    }

    /** Sends {@code items} to North under fresh sequences and waits for its acknowledgement. */
    void deliver(FeedItem... items) throws InterruptedException {
      long last = 0;
      synchronized (this) {
        for (FeedItem i : items) {
          last = nextSequence++;
          toNorth.onNext(
              SubscribeResponse.newBuilder().setItem(i.toBuilder().setSequence(last)).build());
        }
      }
      while (true) {
        Object r = fromNorth.poll(WAIT, TimeUnit.SECONDS);
        assertThat(r).as("North acknowledges sequence %d", last).isNotNull();
        if (r instanceof SubscribeRequest req
            && req.hasAck()
            && req.getAck().getThroughSequence() >= last) {
          return;
        }
        assertThat(r).as("North's feed stream").isNotInstanceOf(Status.class);
      }
    }

    @Override
    public void offerAgreement(
        OfferAgreementRequest req, StreamObserver<OfferAgreementResponse> out) {
      offers.add(req.getAgreement());
      out.onNext(OfferAgreementResponse.getDefaultInstance());
      out.onCompleted();
    }

    @Override
    public void confirmAgreement(
        ConfirmAgreementRequest req, StreamObserver<ConfirmAgreementResponse> out) {
      out.onNext(ConfirmAgreementResponse.getDefaultInstance());
      out.onCompleted();
    }

    @Override
    public void notifyAgreementState(
        NotifyAgreementStateRequest req, StreamObserver<NotifyAgreementStateResponse> out) {
      out.onNext(NotifyAgreementStateResponse.getDefaultInstance());
      out.onCompleted();
    }

    /** North's feed from Mallory: whatever the test sends. */
    @Override
    public StreamObserver<SubscribeRequest> subscribe(StreamObserver<SubscribeResponse> out) {
      return new StreamObserver<>() {
        @Override
        public void onNext(SubscribeRequest r) {
          if (r.hasStart()) {
            nextSequence = Math.max(nextSequence, r.getStart().getAfterSequence() + 1);
            out.onNext(
                SubscribeResponse.newBuilder()
                    .setStatus(FeedStatus.newBuilder().setCaughtUp(true))
                    .build());
            toNorth = out;
          }
          fromNorth.add(r);
        }

        @Override
        public void onError(Throwable t) {
          fromNorth.add(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
          fromNorth.add(Status.OK);
          out.onCompleted();
        }
      };
    }

    @Override
    public void close() {
      channels.forEach(ManagedChannel::shutdownNow);
      if (server != null) {
        server.shutdownNow();
      }
    }
  }
}
