package org.bdx.node.client;

import java.util.function.Function;
import org.bdx.node.store.ReportRecord;
import org.bdx.node.store.StoredAlert;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.ReportSummary;

/** The one place where stored records become client API messages. */
final class AlertViews {
  private AlertViews() {}

  /**
   * @param originName looks up the organization name for an origin node id (our own name for local
   *     alerts, a partner's registered name for received ones)
   */
  static AlertView toView(StoredAlert a, Function<String, String> originName) {
    return AlertView.newBuilder()
        .setAlertId(a.alertId())
        .setOriginNodeId(a.originNodeId())
        .setOriginName(originName.apply(a.originNodeId()))
        .setVersion(a.version())
        .setStatus(a.status())
        .setIssuedAt(a.issuedAt())
        .setExpiresAt(a.expiresAt())
        .setAudience(a.audience())
        .setFields(a.fields())
        .addAllDisclosedPaths(a.disclosedPaths().stream().sorted().toList())
        .setLocal(a.local())
        .setEnvelope(a.envelope())
        .setReceivedFromNodeId(a.receivedFrom() == null ? "" : a.receivedFrom())
        .setAgreementId(a.agreementId() == null ? "" : a.agreementId())
        .setTombstone(a.tombstone())
        .build();
  }

  /** Deliberately leaves out the narrative and the reporter's contact. */
  static ReportSummary toSummary(ReportRecord r) {
    return ReportSummary.newBuilder()
        .setReportId(r.reportId())
        .setAlertId(r.alertId())
        .setReceivedAt(r.receivedAt())
        .setIncidentDate(r.report().getIncidentDate())
        .setArea(r.report().getArea())
        .addAllHarms(r.report().getHarmsList())
        .setSeverity(r.report().getSeverity())
        .setAudience(r.report().getConsent().getAudience())
        .build();
  }
}
