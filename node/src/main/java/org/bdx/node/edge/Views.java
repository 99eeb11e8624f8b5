package org.bdx.node.edge;

import java.util.function.Function;
import org.bdx.node.identity.NodeId;
import org.bdx.node.store.AgreementRecord;
import org.bdx.node.store.PartnerRecord;
import org.bdx.node.store.ReportRecord;
import org.bdx.node.store.StaffRecord;
import org.bdx.node.store.StoredAlert;
import org.bdx.proto.v1.Agreement;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.Partner;
import org.bdx.proto.v1.ReportSummary;
import org.bdx.proto.v1.StaffAccount;

/**
 * The one place where the node's records become API messages: alerts and report summaries for the
 * client API, partners and agreements for the admin API.
 */
public final class Views {
  private Views() {}

  /**
   * @param originName looks up the organization name for an origin node id (our own name for local
   *     alerts, a partner's registered name for received ones)
   */
  public static AlertView toView(StoredAlert a, Function<NodeId, String> originName) {
    return AlertView.newBuilder()
        .setAlertId(a.alertId())
        .setOriginNodeId(a.originNodeId().value())
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
        .setReceivedFromNodeId(a.receivedFrom() == null ? "" : a.receivedFrom().value())
        .setAgreementId(a.agreementId() == null ? "" : a.agreementId())
        .setTombstone(a.tombstone())
        .build();
  }

  /** Deliberately leaves out the narrative and the reporter's contact. */
  public static ReportSummary toSummary(ReportRecord r) {
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

  public static Partner partner(PartnerRecord p) {
    return Partner.newBuilder()
        .setName(p.name())
        .setNodeId(p.nodeId().value())
        .setFingerprint(p.nodeId().fingerprint())
        .setEndpoint(p.endpoint())
        .setPartnerClass(p.partnerClass())
        .setAddedAt(p.addedAt())
        .build();
  }

  public static Agreement agreement(AgreementRecord a, String partnerName) {
    return Agreement.newBuilder()
        .setAgreementId(a.agreementId())
        .setPartner(partnerName)
        .setPartnerNodeId(a.partner().value())
        .setState(a.state())
        .setProposedByUs(a.proposedByUs())
        .setWeSend(a.weSend())
        .setWeReceive(a.weReceive())
        .setUpdatedAt(a.updatedAt())
        .setSuspendedByUs(a.suspendedByUs())
        .setSigned(a.signed())
        .build();
  }

  /** Never the credential or its hash. */
  public static StaffAccount staff(StaffRecord r) {
    return StaffAccount.newBuilder()
        .setName(r.name())
        .setRole(r.role())
        .setCreatedAt(r.createdAt())
        .setRevokedAt(r.revokedAt())
        .build();
  }
}
