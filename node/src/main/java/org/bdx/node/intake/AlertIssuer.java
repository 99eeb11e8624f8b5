package org.bdx.node.intake;

import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import org.bdx.node.audit.AuditAction;
import org.bdx.node.audit.AuditDetail;
import org.bdx.node.audit.AuditLog;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.identity.NodeId;
import org.bdx.node.signing.AlertDraft;
import org.bdx.node.signing.AlertSigner;
import org.bdx.node.signing.AlertVerifier;
import org.bdx.node.signing.VerificationException;
import org.bdx.node.signing.VerifiedAlert;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.ReportRecord;
import org.bdx.node.store.ReportStore;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.sync.Outbox;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.SignedAlert;

/**
 * The one way this node issues a version of its own alert: draft it, sign it with fresh salts,
 * verify its own output before anyone else sees it, store it and queue it for the partners in the
 * same transaction. Intake (the first version), the lifecycle (updates, consent changes,
 * retractions) and the benchmark's backlog all go through here.
 *
 * <p>{@link #sign} needs no database, so it may run on other threads ahead of {@link #store}.
 */
public final class AlertIssuer {
  private final AlertSigner signer;
  private final AlertVerifier verifier;
  private final NodeId self;
  private final NodeConfig config;
  private final NodeDatabase db;
  private final AlertStore alerts;
  private final ReportStore reports;
  private final Outbox outbox;
  private final AuditLog audit;

  public AlertIssuer(
      AlertSigner signer,
      AlertVerifier verifier,
      NodeId self,
      NodeConfig config,
      NodeDatabase db,
      AlertStore alerts,
      ReportStore reports,
      Outbox outbox,
      AuditLog audit) {
    this.signer = Objects.requireNonNull(signer, "signer");
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.self = Objects.requireNonNull(self, "self");
    this.config = Objects.requireNonNull(config, "config");
    this.db = Objects.requireNonNull(db, "db");
    this.alerts = Objects.requireNonNull(alerts, "alerts");
    this.reports = Objects.requireNonNull(reports, "reports");
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.audit = Objects.requireNonNull(audit, "audit");
  }

  /** A version as stored, and the partners it was queued for. */
  public record Issued(StoredAlert alert, List<NodeId> partners) {
    public Issued {
      Objects.requireNonNull(alert, "alert");
      partners = List.copyOf(partners);
    }
  }

  /**
   * The first version of a new alert about {@code normalized}: a fresh alert id, the node's alert
   * lifetime and relay limit, the reporter's audience, and only the shareable fields ({@link
   * AlertDerivation}).
   */
  public AlertDraft firstVersion(Report normalized, long now, SecureRandom rng) {
    return new AlertDraft(
        AlertDraft.newAlertId(rng),
        1,
        AlertStatus.ALERT_STATUS_ACTIVE,
        now,
        now + config.alertLifetime().toSeconds(),
        normalized.getConsent().getAudience(),
        config.maxRelayHops(),
        AlertDerivation.derive(normalized));
  }

  /**
   * The version after {@code current}: same alert id and expiry (a new version never extends the
   * warning's life), the node's relay limit, the given status, audience and fields.
   */
  public AlertDraft nextVersion(
      StoredAlert current, AlertStatus status, Audience audience, AlertFields fields, long now) {
    return new AlertDraft(
        current.alertId(),
        current.version() + 1,
        status,
        now,
        current.expiresAt(),
        audience,
        config.maxRelayHops(),
        fields);
  }

  /**
   * Signs {@code draft} and checks the result as a partner would, against this node's id: a signing
   * bug must never reach a partner. Stores nothing; safe on any thread.
   *
   * @throws IllegalStateException if our own signature does not verify
   */
  public StoredAlert sign(AlertDraft draft, long now) {
    SignedAlert envelope = signer.sign(draft);
    VerifiedAlert verified;
    try {
      verified = verifier.verify(envelope, self);
    } catch (VerificationException e) {
      throw new IllegalStateException("a freshly signed alert did not verify: " + e.reason(), e);
    }
    return new StoredAlert(
        self,
        draft.alertId(),
        draft.version(),
        draft.status(),
        draft.issuedAt(),
        draft.expiresAt(),
        draft.audience(),
        verified.fields(),
        List.copyOf(verified.disclosedPaths()),
        envelope,
        true,
        now);
  }

  /**
   * Stores a signed version and queues it for every partner that may see it (or must be told it was
   * withdrawn), in one transaction; joins the caller's, so a report can commit with it.
   *
   * @throws IllegalStateException if this or a newer version is already stored
   */
  public Issued store(StoredAlert signed) {
    return db.atomically(
        () -> {
          if (!alerts.put(signed)) {
            throw new IllegalStateException("this or a newer version of the alert is stored");
          }
          return new Issued(signed, outbox.enqueue(signed));
        });
  }

  /**
   * Stores a new report with the first version of its alert, and queues the alert, in one
   * transaction: neither the report nor its alert exists without the other, nor without the audit
   * entries that say it was entered and to whom it was queued.
   *
   * @throws IllegalStateException if the alert was already stored; nothing is stored then
   */
  public Issued storeWithReport(ReportRecord report, StoredAlert first) {
    return storeWithReport(report, first, null);
  }

  /**
   * {@link #storeWithReport(ReportRecord, StoredAlert)}, the report found again by {@code
   * submissionKey}, the keyed hash of a submission key (spec API-11), or null.
   */
  public Issued storeWithReport(ReportRecord report, StoredAlert first, String submissionKey) {
    return db.atomically(
        () -> {
          reports.insertWithAlert(report, first, submissionKey);
          audit.record(
              AuditAction.REPORT_ENTER,
              AuditDetail.of()
                  .add("report", report.reportId())
                  .add("alert", first.alertId())
                  .add("version", first.version()));
          return new Issued(first, outbox.enqueue(first));
        });
  }

  /** {@link #sign} then {@link #store}. */
  public Issued issue(AlertDraft draft, long now) {
    return store(sign(draft, now));
  }
}
