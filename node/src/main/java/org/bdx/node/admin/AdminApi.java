package org.bdx.node.admin;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.bdx.node.access.StaffAccounts;
import org.bdx.node.agreement.AgreementBook;
import org.bdx.node.agreement.CoordinatorActions;
import org.bdx.node.agreement.Partners;
import org.bdx.node.audit.AuditAction;
import org.bdx.node.audit.AuditDetail;
import org.bdx.node.audit.AuditLog;
import org.bdx.node.backup.BackupMaker;
import org.bdx.node.edge.Views;
import org.bdx.node.error.BdxException;
import org.bdx.node.federation.PartnerCalls;
import org.bdx.node.identity.NodeId;
import org.bdx.node.store.AgreementRecord;
import org.bdx.node.store.AmendmentRecord;
import org.bdx.node.store.AuditRecord;
import org.bdx.node.store.PartnerRecord;
import org.bdx.node.sync.FeedHealth;
import org.bdx.proto.v1.AcceptAgreementRequest;
import org.bdx.proto.v1.AcceptAgreementResponse;
import org.bdx.proto.v1.AddPartnerRequest;
import org.bdx.proto.v1.AddPartnerResponse;
import org.bdx.proto.v1.AddStaffRequest;
import org.bdx.proto.v1.AddStaffResponse;
import org.bdx.proto.v1.AdminServiceGrpc;
import org.bdx.proto.v1.Agreement;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.AmendAgreementRequest;
import org.bdx.proto.v1.AmendAgreementResponse;
import org.bdx.proto.v1.BackupSummary;
import org.bdx.proto.v1.CancelAmendmentRequest;
import org.bdx.proto.v1.CancelAmendmentResponse;
import org.bdx.proto.v1.CreateBackupRequest;
import org.bdx.proto.v1.CreateBackupResponse;
import org.bdx.proto.v1.GetAgreementRequest;
import org.bdx.proto.v1.GetAgreementResponse;
import org.bdx.proto.v1.GetPartnerRequest;
import org.bdx.proto.v1.GetPartnerResponse;
import org.bdx.proto.v1.GetStatusRequest;
import org.bdx.proto.v1.GetStatusResponse;
import org.bdx.proto.v1.ListAgreementsRequest;
import org.bdx.proto.v1.ListAgreementsResponse;
import org.bdx.proto.v1.ListAuditRequest;
import org.bdx.proto.v1.ListAuditResponse;
import org.bdx.proto.v1.ListPartnersRequest;
import org.bdx.proto.v1.ListPartnersResponse;
import org.bdx.proto.v1.ListStaffRequest;
import org.bdx.proto.v1.ListStaffResponse;
import org.bdx.proto.v1.PartnerStatus;
import org.bdx.proto.v1.ProposeAgreementRequest;
import org.bdx.proto.v1.ProposeAgreementResponse;
import org.bdx.proto.v1.RejectionCount;
import org.bdx.proto.v1.RemovePartnerRequest;
import org.bdx.proto.v1.RemovePartnerResponse;
import org.bdx.proto.v1.ResumeAgreementRequest;
import org.bdx.proto.v1.ResumeAgreementResponse;
import org.bdx.proto.v1.RevokeStaffRequest;
import org.bdx.proto.v1.RevokeStaffResponse;
import org.bdx.proto.v1.SignedAgreement;
import org.bdx.proto.v1.SuspendAgreementRequest;
import org.bdx.proto.v1.SuspendAgreementResponse;
import org.bdx.proto.v1.TerminateAgreementRequest;
import org.bdx.proto.v1.TerminateAgreementResponse;
import org.bdx.proto.v1.UpdatePartnerRequest;
import org.bdx.proto.v1.UpdatePartnerResponse;
import org.bdx.proto.v1.VerifyAuditRequest;
import org.bdx.proto.v1.VerifyAuditResponse;

/**
 * The coordinator's API. Local changes take effect first (so a suspension or termination holds here
 * even when the partner cannot be told), then the partner is told over its federation endpoint.
 * Errors are thrown and mapped to statuses by {@link org.bdx.node.edge.ErrorMapping}.
 */
public final class AdminApi extends AdminServiceGrpc.AdminServiceImplBase {
  private static final Logger LOG = Logger.getLogger(AdminApi.class.getName());
  static final int DEFAULT_AUDIT_PAGE = 50;

  private final NodeId self;
  private final String organizationName;
  private final Partners partners;
  private final AgreementBook book;
  private final CoordinatorActions actions;
  private final PartnerCalls calls;
  private final SyncStatus syncStatus;
  private final Supplier<Map<NodeId, FeedHealth>> connected;
  private final StaffAccounts staff;
  private final AuditLog audit;
  private final BackupMaker backups;
  private final KeyStatus keyStatus;

  public AdminApi(
      NodeId self,
      String organizationName,
      Partners partners,
      AgreementBook book,
      CoordinatorActions actions,
      PartnerCalls calls,
      SyncStatus syncStatus,
      Supplier<Map<NodeId, FeedHealth>> connected,
      StaffAccounts staff,
      AuditLog audit,
      BackupMaker backups,
      KeyStatus keyStatus) {
    this.self = self;
    this.organizationName = organizationName;
    this.partners = partners;
    this.book = book;
    this.actions = actions;
    this.calls = calls;
    this.syncStatus = syncStatus;
    this.connected = connected;
    this.staff = staff;
    this.audit = audit;
    this.backups = backups;
    this.keyStatus = keyStatus;
  }

  /**
   * Streams a backup of this node (spec ADM-13). The snapshot is taken and sealed on a thread of
   * its own, which sends while the caller reads; the service method only starts it and records it.
   */
  @Override
  public void createBackup(CreateBackupRequest req, StreamObserver<CreateBackupResponse> out) {
    if (!(out instanceof ServerCallStreamObserver<CreateBackupResponse> call)) {
      throw new IllegalStateException("not a server call");
    }
    BackupMaker.Run run = backups.start();
    try {
      audit.record(
          AuditAction.BACKUP_CREATE,
          AuditDetail.of().add("backup", HexFormat.of().formatHex(run.backupId())));
      BackupStream stream = new BackupStream(call);
      Thread.ofVirtual().name("bdx-backup").start(() -> send(run, stream, call));
    } catch (RuntimeException e) {
      run.close();
      throw e;
    }
  }

  private static void send(
      BackupMaker.Run run,
      BackupStream stream,
      ServerCallStreamObserver<CreateBackupResponse> call) {
    try (run) {
      BackupMaker.Summary s = run.writeTo(stream);
      stream.finish(
          CreateBackupResponse.newBuilder()
              .setSummary(
                  BackupSummary.newBuilder()
                      .setBackupId(ByteString.copyFrom(s.backupId()))
                      .setTakenAt(s.takenAt())
                      .setSize(s.size())
                      .setSha256(ByteString.copyFrom(s.sha256()))
                      .setReports(s.reports())
                      .setAlerts(s.alerts()))
              .build());
    } catch (IOException | RuntimeException e) {
      if (stream.cancelled()) {
        return; // the caller went away; nothing was kept
      }
      // Files and types only: no message here carries content.
      LOG.warning("a backup could not be made: " + e.getClass().getSimpleName());
      try {
        call.onError(
            Status.INTERNAL
                .withDescription("the backup could not be made; the node's log says why")
                .asRuntimeException());
      } catch (RuntimeException closed) {
        // The call ended meanwhile.
      }
    }
  }

  @Override
  public void addPartner(AddPartnerRequest req, StreamObserver<AddPartnerResponse> out) {
    NodeId id = NodeId.parse(req.getNodeId());
    if (id.equals(self)) {
      throw new IllegalArgumentException("node_id: that is this node's own id");
    }
    PartnerRecord p = partners.add(req.getName(), id, req.getEndpoint(), req.getPartnerClass());
    out.onNext(AddPartnerResponse.newBuilder().setPartner(Views.partner(p)).build());
    out.onCompleted();
  }

  @Override
  public void listPartners(ListPartnersRequest req, StreamObserver<ListPartnersResponse> out) {
    out.onNext(
        ListPartnersResponse.newBuilder()
            .addAllPartners(partners.list().stream().map(Views::partner).toList())
            .build());
    out.onCompleted();
  }

  @Override
  public void getPartner(GetPartnerRequest req, StreamObserver<GetPartnerResponse> out) {
    out.onNext(
        GetPartnerResponse.newBuilder()
            .setPartner(Views.partner(partner(req.getPartner())))
            .build());
    out.onCompleted();
  }

  @Override
  public void removePartner(RemovePartnerRequest req, StreamObserver<RemovePartnerResponse> out) {
    partner(req.getPartner());
    partners.remove(req.getPartner());
    out.onNext(RemovePartnerResponse.getDefaultInstance());
    out.onCompleted();
  }

  /**
   * Changes a partner's endpoint and/or name (spec ADM-4.3). The node's listener on {@link
   * Partners} replaces a feed client still connected to the old endpoint.
   */
  @Override
  public void updatePartner(UpdatePartnerRequest req, StreamObserver<UpdatePartnerResponse> out) {
    if (req.getEndpoint().isEmpty() && req.getName().isEmpty()) {
      throw new IllegalArgumentException("give a new endpoint, a new name or both");
    }
    partner(req.getPartner());
    PartnerRecord p = partners.update(req.getPartner(), req.getEndpoint(), req.getName());
    out.onNext(UpdatePartnerResponse.newBuilder().setPartner(Views.partner(p)).build());
    out.onCompleted();
  }

  @Override
  public void proposeAgreement(
      ProposeAgreementRequest req, StreamObserver<ProposeAgreementResponse> out) {
    if (!req.hasTerms()) {
      throw new IllegalArgumentException("terms: required");
    }
    PartnerRecord p = partner(req.getPartner());
    byte[] partnerKey =
        book.knownPublicKey(p.nodeId()).orElseGet(() -> calls.publicKey(p, "nothing was proposed"));
    AgreementRecord rec = actions.propose(req.getPartner(), req.getTerms(), partnerKey);
    try {
      calls.offer(p, rec.signed(), "nothing was proposed");
    } catch (BdxException e) {
      // An offer the partner never saw must not linger as if it were pending there.
      actions.terminate(rec.agreementId());
      throw e;
    }
    out.onNext(ProposeAgreementResponse.newBuilder().setAgreement(view(rec)).build());
    out.onCompleted();
  }

  @Override
  public void listAgreements(
      ListAgreementsRequest req, StreamObserver<ListAgreementsResponse> out) {
    out.onNext(
        ListAgreementsResponse.newBuilder()
            .addAllAgreements(book.list().stream().map(this::view).toList())
            .build());
    out.onCompleted();
  }

  @Override
  public void getAgreement(GetAgreementRequest req, StreamObserver<GetAgreementResponse> out) {
    out.onNext(
        GetAgreementResponse.newBuilder()
            .setAgreement(view(agreement(req.getAgreementId())))
            .build());
    out.onCompleted();
  }

  @Override
  public void acceptAgreement(
      AcceptAgreementRequest req, StreamObserver<AcceptAgreementResponse> out) {
    AgreementRecord existing = agreement(req.getAgreementId());
    if (existing.state() == AgreementState.AGREEMENT_STATE_ACTIVE
        && book.pendingAmendment(existing.agreementId())
            .filter(a -> !a.proposedByUs())
            .isPresent()) {
      AgreementRecord amended = acceptAmendment(existing);
      out.onNext(AcceptAgreementResponse.newBuilder().setAgreement(view(amended)).build());
      out.onCompleted();
      return;
    }
    // Accepting again re-sends the confirmation if the proposer could not be told the first time.
    AgreementRecord rec =
        existing.state() == AgreementState.AGREEMENT_STATE_ACTIVE && !existing.proposedByUs()
            ? existing
            : actions.accept(existing.agreementId());
    calls.confirm(
        partnerOf(rec),
        rec.signed(),
        "accepted here; run `bdx agreement accept " + rec.agreementId() + "` again to tell them");
    out.onNext(AcceptAgreementResponse.newBuilder().setAgreement(view(rec)).build());
    out.onCompleted();
  }

  /**
   * Accepts the partner's pending amendment (spec AGR-12.4, ADM-14): partner first, so that this
   * node never holds terms the partner does not. Countersigns, sends the confirmation, and only if
   * the partner took it puts the new terms in force here. If the partner refused it (it withdrew
   * the amendment), the amendment is dropped here too.
   */
  private AgreementRecord acceptAmendment(AgreementRecord existing) {
    String id = existing.agreementId();
    SignedAgreement countersigned = actions.countersignAmendment(id);
    PartnerRecord partner = partnerOf(existing);
    PartnerCalls.AmendmentAnswer answer =
        calls.confirmAmendment(
            partner,
            countersigned,
            "nothing changed here; the amendment is still pending, run the same command again");
    if (answer == PartnerCalls.AmendmentAnswer.REFUSED) {
      // The proposer no longer has it pending (withdrawn, or the agreement was suspended there).
      actions.cancelAmendment(id);
      throw BdxException.failedPrecondition(
          "partner "
              + partner.name()
              + " no longer has this amendment pending (withdrawn, or the agreement is not"
              + " active there); it is dropped here and the terms in force stay");
    }
    return actions.amendmentConfirmed(id, countersigned);
  }

  /**
   * Declines the partner's pending amendment, partner first (spec AGR-12.6): if this node's
   * acceptance reached the partner before (its answer lost), the partner has it in force and says
   * so; then it is put in force here too, so both sides keep the same terms. If the partner cannot
   * be reached, nothing changes.
   */
  private AgreementRecord declineAmendment(AgreementRecord existing, AmendmentRecord theirs) {
    String id = existing.agreementId();
    PartnerRecord partner = partnerOf(existing);
    PartnerCalls.AmendmentAnswer answer =
        calls.closeAmendment(
            partner,
            id,
            theirs.version(),
            "nothing changed here; the amendment is still pending, run the same command again");
    if (answer == PartnerCalls.AmendmentAnswer.REFUSED) {
      // Our countersignature reached the partner earlier: the amendment is in force there.
      AgreementRecord inForce = actions.amendmentConfirmed(id, actions.countersignAmendment(id));
      throw BdxException.failedPrecondition(
          "partner "
              + partner.name()
              + " already has this amendment in force (this node's acceptance reached it"
              + " earlier); it is now in force here too, version "
              + inForce.terms().getVersion());
    }
    actions.cancelAmendment(id);
    return agreement(id);
  }

  @Override
  public void amendAgreement(
      AmendAgreementRequest req, StreamObserver<AmendAgreementResponse> out) {
    if (!req.hasTerms()) {
      throw new IllegalArgumentException("terms: required");
    }
    AgreementRecord existing = agreement(req.getAgreementId());
    AmendmentRecord a = actions.amend(existing.agreementId(), req.getTerms());
    try {
      calls.offer(partnerOf(existing), a.signed(), "nothing was proposed");
    } catch (BdxException e) {
      // An amendment the partner never saw must not linger as if it were pending there.
      try {
        actions.cancelAmendment(existing.agreementId());
      } catch (BdxException gone) {
        e.addSuppressed(gone);
      }
      throw e;
    }
    out.onNext(
        AmendAgreementResponse.newBuilder()
            .setAgreement(view(agreement(existing.agreementId())))
            .build());
    out.onCompleted();
  }

  @Override
  public void cancelAmendment(
      CancelAmendmentRequest req, StreamObserver<CancelAmendmentResponse> out) {
    AgreementRecord existing = agreement(req.getAgreementId());
    AmendmentRecord pending =
        book.pendingAmendment(existing.agreementId())
            .orElseThrow(
                () -> BdxException.failedPrecondition("no amendment of this agreement is pending"));
    if (!pending.proposedByUs()) {
      declineAmendment(existing, pending);
    } else {
      // Withdrawing ours holds at once: the partner cannot put it in force without this node,
      // which now refuses its confirmation (AGR-12.5).
      AmendmentRecord dropped = actions.cancelAmendment(existing.agreementId());
      calls.closeAmendment(
          partnerOf(existing),
          existing.agreementId(),
          dropped.version(),
          "it is withdrawn here; the partner still lists it until it is told, and accepting it"
              + " there will fail");
    }
    out.onNext(
        CancelAmendmentResponse.newBuilder()
            .setAgreement(view(agreement(existing.agreementId())))
            .build());
    out.onCompleted();
  }

  @Override
  public void suspendAgreement(
      SuspendAgreementRequest req, StreamObserver<SuspendAgreementResponse> out) {
    AgreementRecord rec =
        changeAndNotify(req.getAgreementId(), AgreementState.AGREEMENT_STATE_SUSPENDED);
    out.onNext(SuspendAgreementResponse.newBuilder().setAgreement(view(rec)).build());
    out.onCompleted();
  }

  @Override
  public void resumeAgreement(
      ResumeAgreementRequest req, StreamObserver<ResumeAgreementResponse> out) {
    AgreementRecord rec =
        changeAndNotify(req.getAgreementId(), AgreementState.AGREEMENT_STATE_ACTIVE);
    out.onNext(ResumeAgreementResponse.newBuilder().setAgreement(view(rec)).build());
    out.onCompleted();
  }

  @Override
  public void terminateAgreement(
      TerminateAgreementRequest req, StreamObserver<TerminateAgreementResponse> out) {
    AgreementRecord rec =
        changeAndNotify(
            req.getAgreementId(),
            AgreementState.AGREEMENT_STATE_TERMINATED,
            req.getOnlyIfProposed());
    out.onNext(TerminateAgreementResponse.newBuilder().setAgreement(view(rec)).build());
    out.onCompleted();
  }

  @Override
  public void getStatus(GetStatusRequest req, StreamObserver<GetStatusResponse> out) {
    Map<NodeId, FeedHealth> live = connected.get();
    GetStatusResponse.Builder r =
        GetStatusResponse.newBuilder()
            .setNodeId(self.value())
            .setOrganizationName(organizationName);
    keyStatus.fillOwn(r);
    for (PartnerRecord p : partners.list()) {
      PartnerStatus.Builder s = PartnerStatus.newBuilder().setPartner(Views.partner(p));
      book.latestWith(p.nodeId())
          .ifPresent(a -> s.setAgreementState(a.state()).setAgreementId(a.agreementId()));
      FeedHealth h = live.getOrDefault(p.nodeId(), FeedHealth.NONE);
      s.setConnected(h.connected()).setOfflineSince(h.offlineSince()).setLastError(h.lastError());
      keyStatus.fillPartner(s, p.nodeId());
      SyncStatus.Counts c = syncStatus.counts(p.nodeId());
      s.setLastSyncAt(c.lastSyncAt())
          .setOutboundWaiting(c.outboundWaiting())
          .setInboundWaiting(c.inboundWaiting())
          .setInboundRejected(c.inboundRejected())
          .setInboundStale(c.inboundStale())
          .setInboundRefused(c.inboundRefused());
      c.rejectedByReason()
          .forEach(
              (reason, n) ->
                  s.addInboundRejectedByReason(
                      RejectionCount.newBuilder().setReason(reason).setCount(n)));
      r.addPartners(s);
    }
    out.onNext(r.build());
    out.onCompleted();
  }

  @Override
  public void addStaff(AddStaffRequest req, StreamObserver<AddStaffResponse> out) {
    StaffAccounts.Created c = staff.add(req.getName(), req.getRole());
    out.onNext(
        AddStaffResponse.newBuilder()
            .setAccount(Views.staff(c.account()))
            .setCredential(c.credential())
            .build());
    out.onCompleted();
  }

  @Override
  public void listStaff(ListStaffRequest req, StreamObserver<ListStaffResponse> out) {
    out.onNext(
        ListStaffResponse.newBuilder()
            .addAllAccounts(staff.list().stream().map(Views::staff).toList())
            .build());
    out.onCompleted();
  }

  @Override
  public void revokeStaff(RevokeStaffRequest req, StreamObserver<RevokeStaffResponse> out) {
    out.onNext(
        RevokeStaffResponse.newBuilder()
            .setAccount(Views.staff(staff.revoke(req.getName())))
            .build());
    out.onCompleted();
  }

  @Override
  public void listAudit(ListAuditRequest req, StreamObserver<ListAuditResponse> out) {
    if (req.getSince() < 0) {
      throw new IllegalArgumentException("since: must not be negative");
    }
    if (req.getAfterSequence() < 0) {
      throw new IllegalArgumentException("after_sequence: too large");
    }
    int size = req.getPageSize() == 0 ? DEFAULT_AUDIT_PAGE : req.getPageSize();
    if (size < 1 || size > AuditLog.MAX_PAGE) {
      throw new IllegalArgumentException("page_size: must be between 1 and " + AuditLog.MAX_PAGE);
    }
    List<AuditRecord> page = audit.list(req.getSince(), req.getAfterSequence(), size);
    out.onNext(
        ListAuditResponse.newBuilder()
            .addAllEntries(page.stream().map(Views::auditEntry).toList())
            .setNextAfterSequence(page.size() < size ? 0 : page.get(page.size() - 1).seq())
            .build());
    out.onCompleted();
  }

  @Override
  public void verifyAudit(VerifyAuditRequest req, StreamObserver<VerifyAuditResponse> out) {
    out.onNext(Views.verification(audit.verify()));
    out.onCompleted();
  }

  /**
   * Applies a state change here first, so it holds even if the partner is unreachable; then tells
   * the partner. Repeating a change that already holds only re-sends the notice.
   */
  private AgreementRecord changeAndNotify(String agreementId, AgreementState target) {
    return changeAndNotify(agreementId, target, false);
  }

  private AgreementRecord changeAndNotify(
      String agreementId, AgreementState target, boolean onlyIfProposed) {
    AgreementRecord existing = agreement(agreementId);
    boolean alreadyThere =
        existing.state() == target
            && (target != AgreementState.AGREEMENT_STATE_SUSPENDED || existing.suspendedByUs());
    AgreementRecord rec;
    if (alreadyThere) {
      rec = existing;
    } else {
      rec =
          switch (target) {
            case AGREEMENT_STATE_SUSPENDED -> actions.suspend(agreementId);
            case AGREEMENT_STATE_ACTIVE -> actions.resume(agreementId);
            case AGREEMENT_STATE_TERMINATED -> actions.terminate(agreementId, onlyIfProposed);
            default -> throw new IllegalStateException("not a state change: " + target);
          };
    }
    calls.notifyState(
        partnerOf(rec),
        rec.agreementId(),
        target,
        "the change holds here; run the same command again to tell them");
    return rec;
  }

  private PartnerRecord partner(String nameOrId) {
    return partners
        .find(nameOrId)
        .orElseThrow(() -> BdxException.notFound("no partner named " + safe(nameOrId)));
  }

  private PartnerRecord partnerOf(AgreementRecord a) {
    return partners
        .get(a.partner())
        .orElseThrow(() -> new IllegalStateException("agreement without a registered partner"));
  }

  private AgreementRecord agreement(String id) {
    return book.get(id.strip())
        .orElseThrow(() -> BdxException.notFound("no agreement with id " + safe(id)));
  }

  private Agreement view(AgreementRecord a) {
    String name = partners.get(a.partner()).map(PartnerRecord::name).orElse("(removed partner)");
    return Views.agreement(a, name, book.pendingAmendment(a.agreementId()));
  }

  /** Echo only what could be a name or id, shortened: never arbitrary input. */
  private static String safe(String s) {
    String t = s == null ? "" : s.strip();
    return t.matches("[A-Za-z0-9._-]{1,64}") ? t : "(given)";
  }

  /** The partner ids an admin listing covers, for tests. */
  List<NodeId> partnerIds() {
    return partners.list().stream().map(PartnerRecord::nodeId).toList();
  }
}
