package org.bdx.node.stats;

import io.grpc.stub.StreamObserver;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bdx.node.audit.AuditAction;
import org.bdx.node.audit.AuditDetail;
import org.bdx.node.audit.AuditLog;
import org.bdx.proto.v1.CountAlertsRequest;
import org.bdx.proto.v1.CountAlertsResponse;
import org.bdx.proto.v1.StatsServiceGrpc;

/**
 * The stats API (spec STAT-1..STAT-4): counts of the alerts this node holds, computed here so that
 * no client ever receives a count from 1 to 4. Local behaviour of the reference node, not protocol
 * between nodes. Any staff role may call it ({@code Permissions}): it shows less than the search
 * does, takes no phone, plate or name, and so cannot answer "is this person listed?".
 */
public final class StatsApi extends StatsServiceGrpc.StatsServiceImplBase {
  private final AlertCounter counter;
  private final AuditLog audit;

  public StatsApi(AlertCounter counter, AuditLog audit) {
    this.counter = Objects.requireNonNull(counter, "counter");
    this.audit = Objects.requireNonNull(audit, "audit");
  }

  @Override
  public void countAlerts(CountAlertsRequest request, StreamObserver<CountAlertsResponse> out) {
    LocalDate since = date("since", request.getSince());
    LocalDate until = date("until", request.getUntil());
    if (since != null && until != null && until.isBefore(since)) {
      throw new IllegalArgumentException("until: " + until + " is before since (" + since + ")");
    }
    Grouping by = Grouping.ofWire(request.getBy());
    AlertCounts counts = counter.count(since, until, by);
    List<String> criteria = new ArrayList<>();
    if (since != null) {
      criteria.add("since");
    }
    if (until != null) {
      criteria.add("until");
    }
    audit.record(
        AuditAction.STATS,
        AuditDetail.of()
            .list("criteria", criteria, "none")
            .add("by", by.word())
            .add("groups", counts.groups().size()));
    out.onNext(counts.toWire());
    out.onCompleted();
  }

  private static LocalDate date(String field, String text) {
    if (text.isBlank()) {
      return null;
    }
    try {
      return LocalDate.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(field + ": not a date in the form YYYY-MM-DD");
    }
  }
}
