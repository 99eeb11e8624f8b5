package org.bdx.node.client;

import io.grpc.stub.StreamObserver;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.bdx.node.identity.NodeId;
import org.bdx.node.intake.PhoneNumbers;
import org.bdx.node.intake.Plates;
import org.bdx.node.intake.ReportIntake;
import org.bdx.node.search.AlertQuery;
import org.bdx.node.search.AlertSearch;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.Page;
import org.bdx.node.store.ReportRecord;
import org.bdx.node.store.ReportStore;
import org.bdx.node.store.StoredAlert;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.GetAlertRequest;
import org.bdx.proto.v1.GetAlertResponse;
import org.bdx.proto.v1.GetNodeInfoRequest;
import org.bdx.proto.v1.GetNodeInfoResponse;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.ListReportsRequest;
import org.bdx.proto.v1.ListReportsResponse;
import org.bdx.proto.v1.SearchAlertsRequest;
import org.bdx.proto.v1.SearchAlertsResponse;
import org.bdx.proto.v1.SubmitReportRequest;
import org.bdx.proto.v1.SubmitReportResponse;

/**
 * The client API: intake and search for staff and their tools. Errors are thrown as domain
 * exceptions and turned into gRPC statuses in one place, {@link ErrorMapping}.
 */
public final class ClientApi extends ClientServiceGrpc.ClientServiceImplBase {
  static final int DEFAULT_PAGE_SIZE = 50;
  static final int MAX_PAGE_SIZE = 500;

  private final GetNodeInfoResponse nodeInfo;
  private final ReportIntake intake;
  private final ReportStore reports;
  private final AlertStore alerts;
  private final AlertSearch search;
  private final PhoneNumbers phones;
  private final Function<String, String> originNames;

  public ClientApi(
      GetNodeInfoResponse nodeInfo,
      ReportIntake intake,
      ReportStore reports,
      AlertStore alerts,
      AlertSearch search,
      PhoneNumbers phones,
      Function<String, String> originNames) {
    this.nodeInfo = nodeInfo;
    this.intake = intake;
    this.reports = reports;
    this.alerts = alerts;
    this.search = search;
    this.phones = phones;
    this.originNames = originNames;
  }

  @Override
  public void getNodeInfo(GetNodeInfoRequest request, StreamObserver<GetNodeInfoResponse> out) {
    out.onNext(nodeInfo);
    out.onCompleted();
  }

  @Override
  public void submitReport(SubmitReportRequest request, StreamObserver<SubmitReportResponse> out) {
    if (!request.hasReport()) {
      throw new IllegalArgumentException("report: required");
    }
    ReportIntake.Submitted s = intake.submit(request.getReport());
    out.onNext(
        SubmitReportResponse.newBuilder()
            .setReportId(s.reportId())
            .setAlert(AlertViews.toView(s.alert(), originNames))
            .build());
    out.onCompleted();
  }

  @Override
  public void listReports(ListReportsRequest request, StreamObserver<ListReportsResponse> out) {
    Page<ReportRecord> page =
        reports.list(pageSize(request.getPageSize()), emptyToNull(request.getPageToken()));
    out.onNext(
        ListReportsResponse.newBuilder()
            .addAllReports(page.items().stream().map(AlertViews::toSummary).toList())
            .setNextPageToken(nullToEmpty(page.nextPageToken()))
            .build());
    out.onCompleted();
  }

  @Override
  public void getAlert(GetAlertRequest request, StreamObserver<GetAlertResponse> out) {
    String alertId = request.getAlertId().strip().toLowerCase(java.util.Locale.ROOT);
    if (!alertId.matches("[a-z2-7]{26}")) {
      throw new IllegalArgumentException("alert_id: not an alert id (26 letters and digits)");
    }
    StoredAlert found;
    if (!request.getOriginNodeId().isBlank()) {
      NodeId origin = NodeId.parse(request.getOriginNodeId());
      found =
          alerts
              .get(origin.value(), alertId)
              .orElseThrow(
                  () -> new NotFoundException("no alert " + alertId + " from that origin"));
    } else {
      List<StoredAlert> all = alerts.findById(alertId);
      if (all.isEmpty()) {
        throw new NotFoundException("no alert with id " + alertId);
      }
      if (all.size() > 1) {
        throw new IllegalArgumentException(
            "alert_id: several origins issued this id; give origin_node_id");
      }
      found = all.get(0);
    }
    out.onNext(
        GetAlertResponse.newBuilder().setAlert(AlertViews.toView(found, originNames)).build());
    out.onCompleted();
  }

  @Override
  public void searchAlerts(SearchAlertsRequest request, StreamObserver<SearchAlertsResponse> out) {
    String phone = null;
    if (!request.getPhone().isBlank()) {
      phone =
          phones
              .toE164(request.getPhone())
              .orElseThrow(() -> new IllegalArgumentException("phone: not a phone number"));
    }
    String plate = null;
    if (!request.getPlate().isBlank()) {
      plate = Plates.canonical(request.getPlate());
      if (plate.isEmpty()) {
        throw new IllegalArgumentException("plate: has no letters or digits");
      }
    }
    Set<HarmCategory> harms = EnumSet.noneOf(HarmCategory.class);
    for (int v : request.getHarmsValueList()) {
      HarmCategory h = HarmCategory.forNumber(v);
      if (h == null || h == HarmCategory.HARM_CATEGORY_UNSPECIFIED) {
        throw new IllegalArgumentException("harms: unknown harm category " + v);
      }
      harms.add(h);
    }
    AlertQuery q =
        new AlertQuery(
            phone,
            plate,
            emptyToNull(request.getText().strip()),
            emptyToNull(request.getArea().strip()),
            harms,
            date("since", request.getSince()),
            date("until", request.getUntil()),
            pageSize(request.getPageSize()),
            emptyToNull(request.getPageToken()));
    Page<StoredAlert> page = search.search(q);
    out.onNext(
        SearchAlertsResponse.newBuilder()
            .addAllAlerts(
                page.items().stream().map(a -> AlertViews.toView(a, originNames)).toList())
            .setNextPageToken(nullToEmpty(page.nextPageToken()))
            .build());
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

  private static int pageSize(int requested) {
    if (requested == 0) {
      return DEFAULT_PAGE_SIZE;
    }
    if (requested < 0 || requested > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException("page_size: must be between 1 and " + MAX_PAGE_SIZE);
    }
    return requested;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
