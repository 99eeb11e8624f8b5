package org.bdx.node.intake;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import org.bdx.node.error.BdxException;
import org.bdx.node.store.Ids;
import org.bdx.node.store.ReportRecord;
import org.bdx.node.store.StoredAlert;
import org.bdx.proto.v1.Report;

/**
 * Takes one report from the boundary to the database: validate, derive and sign its alert ({@link
 * AlertIssuer}), and store report and alert together so neither exists without the other.
 */
public final class ReportIntake {
  private final ReportValidator validator;
  private final AlertIssuer issuer;
  private final Clock clock;
  private final SecureRandom rng;

  public ReportIntake(
      ReportValidator validator, AlertIssuer issuer, Clock clock, SecureRandom rng) {
    this.validator = Objects.requireNonNull(validator, "validator");
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.rng = Objects.requireNonNull(rng, "rng");
  }

  /** The stored report's id and its first alert version. */
  public record Submitted(String reportId, StoredAlert alert) {}

  /**
   * @throws BdxException naming every bad field; nothing is stored then
   */
  public Submitted submit(Report raw) {
    Report report = validator.validateAndNormalize(raw);
    long now = clock.instant().getEpochSecond();
    StoredAlert first = issuer.sign(issuer.firstVersion(report, now, rng), now);
    ReportRecord record = new ReportRecord(Ids.newId(rng), first.alertId(), now, report);
    // One transaction: the report, its alert and the partners' feed entries commit together.
    issuer.storeWithReport(record, first);
    return new Submitted(record.reportId(), first);
  }
}
