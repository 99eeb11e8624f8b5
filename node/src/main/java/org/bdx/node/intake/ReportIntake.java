package org.bdx.node.intake;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import org.bdx.node.error.BdxException;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.signing.AlertDraft;
import org.bdx.node.signing.AlertSigner;
import org.bdx.node.signing.AlertVerifier;
import org.bdx.node.signing.VerificationException;
import org.bdx.node.signing.VerifiedAlert;
import org.bdx.node.store.Ids;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.ReportRecord;
import org.bdx.node.store.ReportStore;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.sync.Outbox;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.SignedAlert;

/**
 * Takes one report from the boundary to the database: validate, derive the alert, sign it, and
 * store report and alert together so neither exists without the other.
 */
public final class ReportIntake {
  private final ReportValidator validator;
  private final AlertSigner signer;
  private final AlertVerifier verifier;
  private final NodeDatabase db;
  private final ReportStore reports;
  private final Outbox outbox;
  private final NodeConfig config;
  private final Clock clock;
  private final SecureRandom rng;

  public ReportIntake(
      ReportValidator validator,
      AlertSigner signer,
      AlertVerifier verifier,
      NodeDatabase db,
      ReportStore reports,
      Outbox outbox,
      NodeConfig config,
      Clock clock,
      SecureRandom rng) {
    this.validator = validator;
    this.signer = signer;
    this.verifier = verifier;
    this.db = db;
    this.reports = reports;
    this.outbox = outbox;
    this.config = config;
    this.clock = clock;
    this.rng = rng;
  }

  /** The stored report's id and its first alert version. */
  public record Submitted(String reportId, StoredAlert alert) {}

  /**
   * @throws BdxException naming every bad field; nothing is stored then
   */
  public Submitted submit(Report raw) {
    Report report = validator.validateAndNormalize(raw);
    AlertFields fields = AlertDerivation.derive(report);
    long now = clock.instant().getEpochSecond();
    long expires = now + config.alertLifetime().toSeconds();
    AlertDraft draft =
        new AlertDraft(
            AlertDraft.newAlertId(rng),
            1,
            AlertStatus.ALERT_STATUS_ACTIVE,
            now,
            expires,
            report.getConsent().getAudience(),
            config.maxRelayHops(),
            fields);
    SignedAlert envelope = signer.sign(draft);
    VerifiedAlert verified;
    try {
      // Check our own output before anyone else sees it: a signing bug must not reach partners.
      verified = verifier.verify(envelope);
    } catch (VerificationException e) {
      throw new IllegalStateException("a freshly signed alert did not verify: " + e.reason(), e);
    }
    StoredAlert stored =
        new StoredAlert(
            verified.header().getOriginNodeId(),
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
    String reportId = Ids.newId(rng);
    ReportRecord record = new ReportRecord(reportId, draft.alertId(), now, report);
    // One transaction: the report, its alert and the partners' feed entries commit together.
    db.inTransaction(
        c -> {
          reports.insertWithAlert(record, stored);
          outbox.enqueue(stored);
          return null;
        });
    return new Submitted(reportId, stored);
  }
}
