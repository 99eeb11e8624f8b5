package org.bdx.node.intake;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.bdx.node.error.BdxException;
import org.bdx.node.identity.NodeId;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.Ids;
import org.bdx.node.store.ReportRecord;
import org.bdx.node.store.ReportStore;
import org.bdx.node.store.StoredAlert;
import org.bdx.proto.v1.Report;

/**
 * Takes one report from the boundary to the database: validate, derive and sign its alert ({@link
 * AlertIssuer}), and store report and alert together so neither exists without the other.
 */
public final class ReportIntake {
  private final ReportValidator validator;
  private final AlertIssuer issuer;
  private final Held held;
  private final Clock clock;
  private final SecureRandom rng;

  /** Submissions under a key: the look-up and the store must not interleave for one key. */
  private final Object keyed = new Object();

  /**
   * Where a report submitted under a key is found again: the node's reports and alerts, and the
   * keyed hash that stands for a submission key in the database (spec AR-8.1, kind {@code
   * submission}).
   */
  public record Held(
      NodeId self, ReportStore reports, AlertStore alerts, UnaryOperator<String> keyHash) {
    public Held {
      Objects.requireNonNull(self, "self");
      Objects.requireNonNull(reports, "reports");
      Objects.requireNonNull(alerts, "alerts");
      Objects.requireNonNull(keyHash, "keyHash");
    }
  }

  public ReportIntake(
      ReportValidator validator, AlertIssuer issuer, Held held, Clock clock, SecureRandom rng) {
    this.validator = Objects.requireNonNull(validator, "validator");
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.held = Objects.requireNonNull(held, "held");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.rng = Objects.requireNonNull(rng, "rng");
  }

  /**
   * The report's id and its alert: the first version when it was stored now; as held now when
   * {@code alreadySubmitted} (a report stored earlier under the same submission key).
   */
  public record Submitted(String reportId, StoredAlert alert, boolean alreadySubmitted) {}

  /**
   * @throws BdxException naming every bad field; nothing is stored then
   */
  public Submitted submit(Report raw) {
    return submit(raw, Optional.empty());
  }

  /**
   * Stores {@code raw} as a new report, or, when a report was stored under {@code key} and is still
   * held, stores nothing and answers with that one (spec API-11).
   *
   * @throws BdxException naming every bad field; nothing is stored then
   */
  public Submitted submit(Report raw, Optional<SubmissionKey> key) {
    Objects.requireNonNull(key, "key");
    if (key.isEmpty()) {
      return store(validator.validateAndNormalize(raw), null);
    }
    String hash = held.keyHash().apply(key.get().value());
    synchronized (keyed) {
      Optional<Submitted> earlier = heldUnder(hash);
      if (earlier.isPresent()) {
        return earlier.get();
      }
      return store(validator.validateAndNormalize(raw), hash);
    }
  }

  private Submitted store(Report report, String keyHash) {
    long now = clock.instant().getEpochSecond();
    StoredAlert first = issuer.sign(issuer.firstVersion(report, now, rng), now);
    ReportRecord record = new ReportRecord(Ids.newId(rng), first.alertId(), now, report);
    // One transaction: the report, its alert and the partners' feed entries commit together.
    issuer.storeWithReport(record, first, keyHash);
    return new Submitted(record.reportId(), first, false);
  }

  private Optional<Submitted> heldUnder(String keyHash) {
    return held.reports()
        .reportIdBySubmission(keyHash)
        .flatMap(
            id ->
                held.reports()
                    .alertIdOf(id)
                    .flatMap(alertId -> held.alerts().get(held.self(), alertId))
                    .map(alert -> new Submitted(id, alert, true)));
  }
}
