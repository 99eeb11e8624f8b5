package org.bdx.node.staff;

import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.bdx.node.audit.AuditAction;
import org.bdx.node.audit.AuditDetail;
import org.bdx.node.audit.AuditLog;
import org.bdx.node.bulletin.Bulletin;
import org.bdx.node.bulletin.BulletinFormat;
import org.bdx.node.bulletin.BulletinMaker;
import org.bdx.node.bulletin.BulletinWords;
import org.bdx.node.bulletin.HtmlBulletin;
import org.bdx.node.bulletin.PdfBulletin;
import org.bdx.node.bulletin.TextBulletin;
import org.bdx.node.edge.ErrorMapping;
import org.bdx.node.edge.Views;
import org.bdx.node.error.BdxException;
import org.bdx.node.identity.NodeId;
import org.bdx.node.intake.AlertLifecycle;
import org.bdx.node.intake.ReportIntake;
import org.bdx.node.intake.SubmissionKey;
import org.bdx.node.search.AlertLink;
import org.bdx.node.search.AlertQuery;
import org.bdx.node.search.AlertSearch;
import org.bdx.node.search.PhoneNumbers;
import org.bdx.node.search.Plates;
import org.bdx.node.signing.HopChain;
import org.bdx.node.signing.SigningKeys;
import org.bdx.node.store.AlertCopies;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.Page;
import org.bdx.node.store.ReportRecord;
import org.bdx.node.store.ReportStore;
import org.bdx.node.store.StoredAlert;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.GetAlertRequest;
import org.bdx.proto.v1.GetAlertResponse;
import org.bdx.proto.v1.GetNodeInfoRequest;
import org.bdx.proto.v1.GetNodeInfoResponse;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.LinkedAlert;
import org.bdx.proto.v1.ListReportsRequest;
import org.bdx.proto.v1.ListReportsResponse;
import org.bdx.proto.v1.PurgeReportRequest;
import org.bdx.proto.v1.PurgeReportResponse;
import org.bdx.proto.v1.RenderBulletinRequest;
import org.bdx.proto.v1.RenderBulletinResponse;
import org.bdx.proto.v1.ReportSummary;
import org.bdx.proto.v1.RetractAlertRequest;
import org.bdx.proto.v1.RetractAlertResponse;
import org.bdx.proto.v1.SearchAlertsRequest;
import org.bdx.proto.v1.SearchAlertsResponse;
import org.bdx.proto.v1.SubmitReportRequest;
import org.bdx.proto.v1.SubmitReportResponse;
import org.bdx.proto.v1.UpdateAlertRequest;
import org.bdx.proto.v1.UpdateAlertResponse;
import org.bdx.proto.v1.UpdateConsentRequest;
import org.bdx.proto.v1.UpdateConsentResponse;

/**
 * The client API: intake and search for staff and their tools. Errors are thrown as domain
 * exceptions and turned into gRPC statuses in one place, {@link ErrorMapping}.
 *
 * <p>Every search, alert view and report listing is recorded in the audit log before its answer is
 * sent (spec ADM-12.2): the kinds of criteria and how many results, the alert id, never a searched
 * value. If the entry cannot be written, the call fails and nothing is answered.
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
  private final Function<NodeId, String> originNames;
  private final AlertLifecycle lifecycle;
  private final AuditLog audit;
  private final Clock clock;
  private final BulletinMaker bulletins;

  private final SigningKeys signingKeys;

  public ClientApi(
      GetNodeInfoResponse nodeInfo,
      ReportIntake intake,
      ReportStore reports,
      AlertStore alerts,
      AlertSearch search,
      PhoneNumbers phones,
      Function<NodeId, String> originNames,
      AlertLifecycle lifecycle,
      AuditLog audit,
      Clock clock,
      BulletinMaker bulletins,
      SigningKeys signingKeys) {
    this.bulletins = bulletins;
    this.signingKeys = signingKeys;
    this.lifecycle = lifecycle;
    this.audit = audit;
    this.clock = clock;
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
    Optional<SubmissionKey> key =
        request.getSubmissionKey().isEmpty()
            ? Optional.empty()
            : Optional.of(SubmissionKey.parse(request.getSubmissionKey()));
    ReportIntake.Submitted s = intake.submit(request.getReport(), key);
    out.onNext(
        SubmitReportResponse.newBuilder()
            .setReportId(s.reportId())
            .setAlert(Views.toView(s.alert(), originNames))
            .setAlreadySubmitted(s.alreadySubmitted())
            .build());
    out.onCompleted();
  }

  @Override
  public void listReports(ListReportsRequest request, StreamObserver<ListReportsResponse> out) {
    Page<ReportRecord> page =
        reports.list(pageSize(request.getPageSize()), emptyToNull(request.getPageToken()));
    audit.record(AuditAction.REPORT_LIST, AuditDetail.of().add("results", page.items().size()));
    out.onNext(
        ListReportsResponse.newBuilder()
            .addAllReports(page.items().stream().map(this::summary).toList())
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
              .get(origin, alertId)
              .orElseThrow(
                  () -> BdxException.notFound("no alert " + alertId + " from that origin"));
    } else {
      List<StoredAlert> all = alerts.findById(alertId);
      if (all.isEmpty()) {
        throw BdxException.notFound("no alert with id " + alertId);
      }
      if (all.size() > 1) {
        throw new IllegalArgumentException(
            "alert_id: several origins issued this id; give origin_node_id");
      }
      found = all.get(0);
    }
    if (expired(found)) {
      // Past its expiry (or, received, its purge time): as if it were no longer held (EXP-2).
      throw BdxException.notFound("no alert with id " + alertId);
    }
    audit.record(
        AuditAction.ALERT_VIEW,
        AuditDetail.of().add("alert", alertId).add("origin", found.originNodeId().value()));
    out.onNext(GetAlertResponse.newBuilder().setAlert(withLinks(view(found), found)).build());
    out.onCompleted();
  }

  @Override
  public void updateAlert(UpdateAlertRequest request, StreamObserver<UpdateAlertResponse> out) {
    StoredAlert a =
        lifecycle.update(request.getAlertId(), request.getChanges(), request.getClearList());
    out.onNext(UpdateAlertResponse.newBuilder().setAlert(view(a)).build());
    out.onCompleted();
  }

  @Override
  public void retractAlert(RetractAlertRequest request, StreamObserver<RetractAlertResponse> out) {
    StoredAlert a = lifecycle.retract(request.getAlertId(), request.getReason());
    out.onNext(RetractAlertResponse.newBuilder().setAlert(view(a)).build());
    out.onCompleted();
  }

  @Override
  public void updateConsent(
      UpdateConsentRequest request, StreamObserver<UpdateConsentResponse> out) {
    if (!request.hasConsent()) {
      throw new IllegalArgumentException("consent: required");
    }
    StoredAlert a = lifecycle.updateConsent(request.getReportId(), request.getConsent());
    out.onNext(UpdateConsentResponse.newBuilder().setAlert(view(a)).build());
    out.onCompleted();
  }

  @Override
  public void purgeReport(PurgeReportRequest request, StreamObserver<PurgeReportResponse> out) {
    AlertLifecycle.Purged p = lifecycle.purge(request.getReportId());
    out.onNext(
        PurgeReportResponse.newBuilder()
            .setAlertId(p.alertId())
            .setRetractionVersion(p.retractionVersion())
            .setPartnersNotified(p.partnersNotified().size())
            .build());
    out.onCompleted();
  }

  /** A report's summary, marked when its alert was retracted (the report itself is kept). */
  private ReportSummary summary(ReportRecord r) {
    boolean retracted =
        alerts
            .get(NodeId.parse(nodeInfo.getNodeId()), r.alertId())
            .map(a -> a.status() == AlertStatus.ALERT_STATUS_RETRACTED)
            .orElse(false);
    return Views.toSummary(r).toBuilder().setRetracted(retracted).build();
  }

  private AlertView view(StoredAlert a) {
    AlertView v = withCopies(a);
    if (a.local() && a.status() == AlertStatus.ALERT_STATUS_RETRACTED) {
      String reason = lifecycle.retractionReason(a.alertId()).orElse("");
      v = v.toBuilder().setRetractionReason(reason).build();
    }
    if (a.local()) {
      // Staff asking what is still held here: the report stays until purged.
      String report = reports.findByAlertId(a.alertId()).map(ReportRecord::reportId).orElse("");
      v = v.toBuilder().setReportId(report).build();
    }
    return v;
  }

  /**
   * The organizations a received alert came through, origin first (spec RELAY-8): the signers of
   * its held hop statements; without statements (sent by its origin, or a header-only copy), the
   * origin and the partner it came from. For an alert held without a copy record.
   */
  private List<NodeId> path(StoredAlert a) {
    if (a.receivedFrom() == null || a.receivedFrom().equals(a.originNodeId())) {
      return List.of(a.originNodeId());
    }
    HopChain chain = HopChain.read(alerts.hops(a.originNodeId(), a.alertId()).statements());
    return chain.isEmpty() ? List.of(a.originNodeId(), a.receivedFrom()) : chain.signers();
  }

  /**
   * The view with the other alerts held here that name the same aggressor (spec API-10): found from
   * what this node holds, shown to its own staff only.
   */
  private AlertView withLinks(AlertView v, StoredAlert a) {
    List<AlertLink> links = search.linked(a);
    if (links.isEmpty()) {
      return v;
    }
    AlertView.Builder b = v.toBuilder();
    for (AlertLink l : links) {
      StoredAlert o = l.alert();
      b.addLinked(
          LinkedAlert.newBuilder()
              .setAlertId(o.alertId())
              .setOriginNodeId(o.originNodeId().value())
              .setOriginName(originNames.apply(o.originNodeId()))
              .setIncidentDate(o.fields().getIncidentDate())
              .addAllShared(l.shared())
              .setLocal(o.local()));
    }
    return b.build();
  }

  /** The view with its path and the partners its copies came through (spec FEED-9, RELAY-9). */
  private AlertView withCopies(StoredAlert a) {
    if (a.local()) {
      return Views.toView(a, originNames);
    }
    AlertView view = withPathAndCopies(a);
    // Flagged to staff, not hidden: it may be a real warning held from before the theft (KEY-20).
    return signingKeys.signedByCompromisedKey(a.originNodeId(), a.envelope())
        ? view.toBuilder().setSignedByCompromisedKey(true).build()
        : view;
  }

  private AlertView withPathAndCopies(StoredAlert a) {
    List<AlertCopies.Copy> copies = alerts.copies(a.originNodeId(), a.alertId());
    // The alert's path is its provenance copy's (FEED-9.6): read once with the copies.
    List<NodeId> path =
        copies.stream()
            .filter(c -> c.sender().equals(a.receivedFrom()))
            .findFirst()
            .map(c -> copyPath(a, c))
            .orElseGet(() -> path(a));
    return Views.withCopies(
        Views.toView(a, originNames, path), originNames, copies, c -> copyPath(a, c));
  }

  /**
   * The organizations one copy came through, origin first: the signers of its hop statements, or
   * the origin and the partner it came from when it has none.
   */
  private static List<NodeId> copyPath(StoredAlert a, AlertCopies.Copy c) {
    if (c.sender().equals(a.originNodeId())) {
      return List.of(a.originNodeId());
    }
    HopChain chain = HopChain.read(c.hops().statements());
    return chain.isEmpty() ? List.of(a.originNodeId(), c.sender()) : chain.signers();
  }

  private boolean expired(StoredAlert a) {
    long now = clock.instant().getEpochSecond();
    return a.expiresAt() <= now || (!a.local() && a.purgeAt() != 0 && a.purgeAt() <= now);
  }

  @Override
  public void searchAlerts(SearchAlertsRequest request, StreamObserver<SearchAlertsResponse> out) {
    String phone = null;
    String phoneEnd = null;
    if (!request.getPhone().isBlank()) {
      phone = phones.toE164(request.getPhone()).orElse(null);
      if (phone == null) {
        // Not a possible number: its digits, as the end of a number (API-8).
        phoneEnd =
            PhoneNumbers.asTyped(request.getPhone())
                .map(PhoneNumbers::digits)
                .filter(d -> d.length() <= AlertQuery.MAX_PHONE_END)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "phone: not a phone number, nor "
                                + PhoneNumbers.MIN_DIGITS
                                + " to "
                                + AlertQuery.MAX_PHONE_END
                                + " of its last digits"));
      }
    }
    String phoneStart = null;
    if (!request.getPhoneAreaCode().isBlank()) {
      phoneStart =
          phones
              .areaCodeStart(request.getPhoneAreaCode())
              .orElseThrow(() -> new IllegalArgumentException("phone_area_code: not an area code"));
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
            emptyToNull(request.getPageToken()),
            phoneEnd,
            phoneStart);
    Page<StoredAlert> page = search.search(q);
    audit.record(
        AuditAction.SEARCH,
        AuditDetail.of().list("criteria", criteria(q), "none").add("results", page.items().size()));
    out.onNext(
        SearchAlertsResponse.newBuilder()
            .addAllAlerts(page.items().stream().map(a -> withLinks(withCopies(a), a)).toList())
            .setNextPageToken(nullToEmpty(page.nextPageToken()))
            .build());
    out.onCompleted();
  }

  @Override
  public void renderBulletin(
      RenderBulletinRequest request, StreamObserver<RenderBulletinResponse> out) {
    if (request.getSince().isBlank()) {
      throw new IllegalArgumentException("since: required, a date in the form YYYY-MM-DD");
    }
    LocalDate since = date("since", request.getSince());
    String area = request.getArea().strip();
    if (area.length() > AlertQuery.MAX_AREA) {
      throw new IllegalArgumentException(
          "area: longer than " + AlertQuery.MAX_AREA + " characters");
    }
    BulletinWords words = BulletinWords.of(request.getLang());
    BulletinFormat format =
        switch (request.getFormat()) {
          case BULLETIN_FORMAT_TEXT -> new TextBulletin();
          case BULLETIN_FORMAT_HTML -> new HtmlBulletin();
          case BULLETIN_FORMAT_PDF -> new PdfBulletin(bulletins.settings().fonts());
          default -> throw new IllegalArgumentException("format: choose TEXT, HTML or PDF");
        };
    Bulletin b = bulletins.make(since, area);
    // Rendered before it is recorded: a PDF refused for want of fonts was not made.
    byte[] content = format.render(b, words);
    audit.record(
        AuditAction.BULLETIN,
        AuditDetail.of()
            .list("criteria", area.isEmpty() ? List.of("since") : List.of("since", "area"), "none")
            .add("lang", words.language())
            .add(
                "format",
                switch (request.getFormat()) {
                  case BULLETIN_FORMAT_HTML -> "html";
                  case BULLETIN_FORMAT_PDF -> "pdf";
                  default -> "text";
                })
            .add("results", b.count()));
    out.onNext(
        RenderBulletinResponse.newBuilder()
            .setContent(com.google.protobuf.ByteString.copyFrom(content))
            .setMediaType(format.mediaType())
            .setAlertCount(b.count())
            .build());
    out.onCompleted();
  }

  /** The kinds of criteria a search gave, never their values. */
  private static List<String> criteria(AlertQuery q) {
    List<String> kinds = new ArrayList<>();
    if (q.phoneE164() != null || q.phoneEnd() != null) {
      kinds.add("phone");
    }
    if (q.phoneStart() != null) {
      kinds.add("phone_area_code");
    }
    if (q.platePart() != null) {
      kinds.add("plate");
    }
    if (q.text() != null) {
      kinds.add("text");
    }
    if (q.area() != null) {
      kinds.add("area");
    }
    if (!q.harms().isEmpty()) {
      kinds.add("harms");
    }
    if (q.since() != null) {
      kinds.add("since");
    }
    if (q.until() != null) {
      kinds.add("until");
    }
    return kinds;
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
