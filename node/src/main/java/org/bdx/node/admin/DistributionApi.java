package org.bdx.node.admin;

import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import org.bdx.node.delivery.BulletinDeliveries;
import org.bdx.node.delivery.DistributionSettings;
import org.bdx.node.delivery.Subscribers;
import org.bdx.node.error.BdxException;
import org.bdx.node.store.SubscriberRecord;
import org.bdx.proto.v1.AddSubscriberRequest;
import org.bdx.proto.v1.AddSubscriberResponse;
import org.bdx.proto.v1.DistributionServiceGrpc;
import org.bdx.proto.v1.ListSubscribersRequest;
import org.bdx.proto.v1.ListSubscribersResponse;
import org.bdx.proto.v1.RemoveSubscriberRequest;
import org.bdx.proto.v1.RemoveSubscriberResponse;
import org.bdx.proto.v1.SendBulletinsRequest;
import org.bdx.proto.v1.SendBulletinsResponse;
import org.bdx.proto.v1.Subscriber;

/**
 * The coordinator's calls about bulletins sent to subscribers. Errors are thrown and mapped to
 * statuses by {@link org.bdx.node.edge.ErrorMapping}.
 */
public final class DistributionApi extends DistributionServiceGrpc.DistributionServiceImplBase {
  /** How long {@code SendBulletins} sends before it answers; the running node sends the rest. */
  static final Duration SEND_BUDGET = Duration.ofSeconds(15);

  private final Subscribers subscribers;
  private final Optional<BulletinDeliveries> deliveries;
  private final DistributionSettings settings;
  private final Clock clock;

  /**
   * @param deliveries empty when no SMTP server is configured
   */
  public DistributionApi(
      Subscribers subscribers,
      Optional<BulletinDeliveries> deliveries,
      DistributionSettings settings,
      Clock clock) {
    this.subscribers = Objects.requireNonNull(subscribers, "subscribers");
    this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void addSubscriber(AddSubscriberRequest req, StreamObserver<AddSubscriberResponse> out) {
    SubscriberRecord r = subscribers.add(req.getAddress(), req.getLang(), req.getAreasList());
    out.onNext(AddSubscriberResponse.newBuilder().setSubscriber(view(r)).build());
    out.onCompleted();
  }

  @Override
  public void listSubscribers(
      ListSubscribersRequest req, StreamObserver<ListSubscribersResponse> out) {
    out.onNext(
        ListSubscribersResponse.newBuilder()
            .addAllSubscribers(subscribers.list().stream().map(DistributionApi::view).toList())
            .build());
    out.onCompleted();
  }

  @Override
  public void removeSubscriber(
      RemoveSubscriberRequest req, StreamObserver<RemoveSubscriberResponse> out) {
    subscribers.remove(req.getAddress());
    out.onNext(RemoveSubscriberResponse.getDefaultInstance());
    out.onCompleted();
  }

  @Override
  public void sendBulletins(SendBulletinsRequest req, StreamObserver<SendBulletinsResponse> out) {
    BulletinDeliveries d =
        deliveries.orElseThrow(
            () ->
                BdxException.failedPrecondition(
                    "no SMTP server is configured: set bulletin.mail.host, bulletin.mail.from"
                        + " (and the login) in node.properties, then restart the node"));
    LocalDate since;
    if (req.getSince().isBlank()) {
      since = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(settings.periodDays());
    } else {
      try {
        since = LocalDate.parse(req.getSince().strip());
      } catch (DateTimeParseException e) {
        throw BdxException.invalid("since: a date in the form YYYY-MM-DD");
      }
    }
    BulletinDeliveries.Sent sent = d.queueAndDeliver(since, "manual", SEND_BUDGET);
    BulletinDeliveries.Queued q = sent.queued();
    BulletinDeliveries.Pass p = sent.pass();
    out.onNext(
        SendBulletinsResponse.newBuilder()
            .setRun(q.run())
            .setQueued(q.subscribers())
            .setDelivered(p.delivered())
            .setStillQueued(p.stillQueued())
            .setGivenUp(p.givenUp())
            .setFailure(p.failure())
            .build());
    out.onCompleted();
  }

  private static Subscriber view(SubscriberRecord r) {
    return Subscriber.newBuilder()
        .setAddress(r.address())
        .setLang(r.lang())
        .addAllAreas(r.areas())
        .setCreatedAt(r.createdAt())
        .build();
  }
}
