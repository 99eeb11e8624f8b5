package org.bdx.node.edge;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.bdx.node.audit.AuditVerification;
import org.bdx.node.identity.NodeId;
import org.bdx.node.store.AgreementRecord;
import org.bdx.node.store.AlertCopies;
import org.bdx.node.store.AmendmentRecord;
import org.bdx.node.store.AuditRecord;
import org.bdx.node.store.PartnerRecord;
import org.bdx.node.store.ReportRecord;
import org.bdx.node.store.StaffRecord;
import org.bdx.node.store.StoredAlert;
import org.bdx.proto.v1.Agreement;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.AuditEntry;
import org.bdx.proto.v1.AuditProblem;
import org.bdx.proto.v1.Partner;
import org.bdx.proto.v1.PathStep;
import org.bdx.proto.v1.PendingAmendment;
import org.bdx.proto.v1.ReceivedCopy;
import org.bdx.proto.v1.ReportSummary;
import org.bdx.proto.v1.StaffAccount;
import org.bdx.proto.v1.VerifyAuditResponse;

/**
 * The one place where the node's records become API messages: alerts and report summaries for the
 * client API, partners, agreements, staff accounts and the audit log for the admin API.
 */
public final class Views {
  private Views() {}

  /**
   * @param originName looks up the organization name for an origin node id (our own name for local
   *     alerts, a partner's registered name for received ones)
   */
  public static AlertView toView(StoredAlert a, Function<NodeId, String> originName) {
    return toView(a, originName, List.of());
  }

  /**
   * As above, with the organizations a received alert came through (spec RELAY-8): the origin
   * first, then each relay; each named by {@code originName}.
   */
  public static AlertView toView(
      StoredAlert a, Function<NodeId, String> originName, List<NodeId> path) {
    AlertView.Builder v = AlertView.newBuilder();
    for (NodeId n : path) {
      v.addPath(PathStep.newBuilder().setNodeId(n.value()).setName(originName.apply(n)));
    }
    return v.setAlertId(a.alertId())
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

  /**
   * {@code v} with the partners a received alert's copies came from (spec FEED-9), each with the
   * organizations its copy came through.
   *
   * @param names a partner's name by node id
   * @param pathOf the organizations a copy came through, origin first
   */
  public static AlertView withCopies(
      AlertView v,
      Function<NodeId, String> names,
      List<AlertCopies.Copy> copies,
      Function<AlertCopies.Copy, List<NodeId>> pathOf) {
    AlertView.Builder b = v.toBuilder();
    for (AlertCopies.Copy c : copies) {
      ReceivedCopy.Builder r =
          ReceivedCopy.newBuilder()
              .setNodeId(c.sender().value())
              .setName(names.apply(c.sender()))
              .addAllDisclosedPaths(c.paths())
              .setVersion(c.version());
      for (NodeId n : pathOf.apply(c)) {
        r.addPath(PathStep.newBuilder().setNodeId(n.value()).setName(names.apply(n)));
      }
      b.addReceivedThrough(r);
    }
    return b.build();
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
    return agreement(a, partnerName, Optional.empty());
  }

  /** The agreement with the amendment pending for it, if any (spec AGR-12). */
  public static Agreement agreement(
      AgreementRecord a, String partnerName, Optional<AmendmentRecord> pending) {
    Agreement.Builder b = agreementBuilder(a, partnerName);
    pending.ifPresent(
        p ->
            b.setPendingAmendment(
                PendingAmendment.newBuilder()
                    .setVersion(p.version())
                    .setProposedByUs(p.proposedByUs())
                    .setWeSend(p.weSend())
                    .setWeReceive(p.weReceive())
                    .setProposedAt(p.proposedAt())
                    .setSigned(p.signed())));
    return b.build();
  }

  private static Agreement.Builder agreementBuilder(AgreementRecord a, String partnerName) {
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
        .setTermsVersion(a.terms().getVersion());
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

  public static AuditEntry auditEntry(AuditRecord r) {
    return AuditEntry.newBuilder()
        .setSequence(r.seq())
        .setRecordedAt(r.at())
        .setActor(r.actor())
        .setAction(r.action())
        .setDetail(r.detail())
        .setPreviousHash(ByteString.copyFrom(r.prevHash()))
        .setHash(ByteString.copyFrom(r.hash()))
        .build();
  }

  public static VerifyAuditResponse verification(AuditVerification v) {
    return VerifyAuditResponse.newBuilder()
        .setIntact(v.intact())
        .setEntries(v.entries())
        .setHeadSequence(v.headSeq())
        .setHeadHash(ByteString.copyFrom(v.headHash()))
        .setBadSequence(v.badSeq())
        .setProblem(problem(v.problem()))
        .setDescription(v.description())
        .build();
  }

  private static AuditProblem problem(AuditVerification.Problem p) {
    return switch (p) {
      case NONE -> AuditProblem.AUDIT_PROBLEM_UNSPECIFIED;
      case EDITED -> AuditProblem.AUDIT_PROBLEM_EDITED;
      case REMOVED -> AuditProblem.AUDIT_PROBLEM_REMOVED;
      case REORDERED -> AuditProblem.AUDIT_PROBLEM_REORDERED;
      case TRUNCATED -> AuditProblem.AUDIT_PROBLEM_TRUNCATED;
    };
  }
}
