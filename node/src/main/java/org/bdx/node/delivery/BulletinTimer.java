package org.bdx.node.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bdx.node.identity.NodeId;
import org.bdx.node.search.AlertIndex;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.DeliveryStore;
import org.bdx.node.store.StoredAlert;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Severity;

/**
 * What the running node does about bulletins, each time {@link #tick} is called (every half minute
 * by {@code bdx serve}; tests call it with a clock they move): queue a sending at the scheduled
 * time, queue one a while after a new high or critical alert (several in a row make one), and
 * deliver what is due, retries included. It reads only the clock it is given, so nothing waits.
 *
 * <p>The schedule is counted from when the node started: a node not running at the scheduled time
 * sends at the next one. A bulletin after an alert goes to the subscribers of the alert's area and
 * to those of every area.
 */
public final class BulletinTimer {
  private static final Logger LOG = Logger.getLogger(BulletinTimer.class.getName());

  /** How long one tick may spend sending. */
  static final Duration SEND_BUDGET = Duration.ofSeconds(20);

  private static final int NEW_ALERTS_PAGE = 200;

  private final BulletinDeliveries deliveries;
  private final DistributionSettings settings;
  private final DeliveryStore rows;
  private final AlertStore alerts;
  private final Clock clock;

  private Instant nextScheduled;
  private long lastAlertSeq;
  private Instant alertSendAt;
  private final Set<String> alertAreas = new HashSet<>();
  private boolean alertAnyArea;

  public BulletinTimer(
      BulletinDeliveries deliveries,
      DistributionSettings settings,
      DeliveryStore rows,
      AlertStore alerts,
      Clock clock) {
    this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.rows = Objects.requireNonNull(rows, "rows");
    this.alerts = Objects.requireNonNull(alerts, "alerts");
    this.clock = Objects.requireNonNull(clock, "clock");
    Instant now = clock.instant();
    this.nextScheduled = settings.schedule().map(s -> s.next(now)).orElse(null);
    // Only alerts that arrive from now on send a bulletin.
    this.lastAlertSeq = rows.lastAlertSeq();
  }

  /** One round: schedule, alerts, then delivery of what is due. Never throws. */
  public synchronized void tick() {
    try {
      Instant now = clock.instant();
      if (nextScheduled != null && !now.isBefore(nextScheduled)) {
        BulletinDeliveries.Queued q = deliveries.queue(since(now), "schedule");
        LOG.info(() -> "scheduled bulletin queued for " + q.subscribers() + " subscribers");
        nextScheduled = settings.schedule().orElseThrow().next(now);
      }
      if (settings.onHighSeverity()) {
        watchAlerts(now);
        if (alertSendAt != null && !now.isBefore(alertSendAt)) {
          Set<String> areas = Set.copyOf(alertAreas);
          boolean any = alertAnyArea;
          BulletinDeliveries.Queued q =
              deliveries.queue(
                  since(now),
                  "alert",
                  s ->
                      any
                          || s.areas().isEmpty()
                          || s.areas().stream().map(AlertIndex::areaKey).anyMatch(areas::contains));
          LOG.info(
              () ->
                  "bulletin after a high-severity alert queued for "
                      + q.subscribers()
                      + " subscribers");
          alertSendAt = null;
          alertAreas.clear();
          alertAnyArea = false;
        }
      }
      deliveries.deliverDue(SEND_BUDGET);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "bulletin round failed: {0}", e.getClass().getName());
    }
  }

  /** When the next scheduled sending is, if any is set. */
  public synchronized java.util.Optional<Instant> nextScheduled() {
    return java.util.Optional.ofNullable(nextScheduled);
  }

  private void watchAlerts(Instant now) {
    List<DeliveryStore.NewAlert> fresh;
    do {
      fresh = rows.alertsAfter(lastAlertSeq, NEW_ALERTS_PAGE);
      for (DeliveryStore.NewAlert n : fresh) {
        lastAlertSeq = n.seq();
        alerts
            .get(NodeId.parse(n.originNodeId()), n.alertId())
            .filter(BulletinTimer::high)
            .ifPresent(
                a -> {
                  String area = AlertIndex.areaKey(a.fields().getArea());
                  if (area.isEmpty()) {
                    alertAnyArea = true;
                  } else {
                    alertAreas.add(area);
                  }
                  if (alertSendAt == null) {
                    alertSendAt = now.plus(settings.debounce());
                  }
                });
      }
    } while (fresh.size() == NEW_ALERTS_PAGE);
  }

  private static boolean high(StoredAlert a) {
    if (a.status() == AlertStatus.ALERT_STATUS_RETRACTED) {
      return false;
    }
    Severity s = a.fields().getSeverity();
    return s == Severity.SEVERITY_HIGH || s == Severity.SEVERITY_CRITICAL;
  }

  private LocalDate since(Instant now) {
    java.time.ZoneId zone =
        settings.schedule().map(SendSchedule::zone).orElse(java.time.ZoneOffset.UTC);
    return LocalDate.ofInstant(now, zone).minusDays(settings.periodDays());
  }
}
