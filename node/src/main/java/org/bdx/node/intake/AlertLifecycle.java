package org.bdx.node.intake;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bdx.node.audit.AuditAction;
import org.bdx.node.audit.AuditDetail;
import org.bdx.node.audit.AuditLog;
import org.bdx.node.backup.PurgeList;
import org.bdx.node.error.BdxException;
import org.bdx.node.error.FieldViolation;
import org.bdx.node.identity.NodeId;
import org.bdx.node.signing.AlertDraft;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.Ids;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.ReportRecord;
import org.bdx.node.store.ReportStore;
import org.bdx.node.store.RetractionReasons;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.sync.Outbox;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Consent;
import org.bdx.proto.v1.Report;

/**
 * What the origin does with an alert after intake (spec VER, EXP): issue a new version from the
 * corrected report, retract it, change the reporter's consent, purge the report.
 *
 * <p>Every new version is issued through the {@link AlertIssuer}: signed with fresh salts, same
 * alert id and expiry as the first, and stored together with the report and the partners' feed rows
 * in one transaction ({@link Outbox#enqueue} decides who gets content and who gets a header-only
 * withdrawal). Only alerts this node originated can be changed.
 *
 * <p>Each change is recorded in the audit log in its transaction (spec ADM-12.2): the report id,
 * alert id and version, never what changed.
 */
public final class AlertLifecycle {
  /** Most paths one update may clear. */
  public static final int MAX_CLEAR = 32;

  /** Longest retraction reason, in code points. */
  public static final int MAX_REASON = 500;

  private final ReportValidator validator;
  private final AlertIssuer issuer;
  private final NodeDatabase db;
  private final ReportStore reports;
  private final AlertStore alerts;
  private final RetractionReasons reasons;
  private final Outbox outbox;
  private final NodeId self;
  private final AuditLog audit;
  private final Clock clock;
  private final PurgeList purged;

  /**
   * @param purged where each purge is listed before it destroys a key, so a restore from an older
   *     backup makes it again (spec AR-9.5)
   */
  public AlertLifecycle(
      ReportValidator validator,
      AlertIssuer issuer,
      NodeDatabase db,
      ReportStore reports,
      AlertStore alerts,
      Outbox outbox,
      NodeId self,
      AuditLog audit,
      Clock clock,
      PurgeList purged) {
    this.validator = Objects.requireNonNull(validator, "validator");
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.db = Objects.requireNonNull(db, "db");
    this.reports = Objects.requireNonNull(reports, "reports");
    this.alerts = Objects.requireNonNull(alerts, "alerts");
    this.reasons = new RetractionReasons(db);
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.self = Objects.requireNonNull(self, "self");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.purged = Objects.requireNonNull(purged, "purged");
  }

  /** What {@link #purge} did. */
  public record Purged(String alertId, long retractionVersion, List<NodeId> partnersNotified) {}

  /**
   * Applies {@code changes} and {@code clear} to the alert's report and issues the next version.
   * When the alert's content and audience come out unchanged (e.g. only the narrative changed), the
   * report is stored and no version is issued.
   *
   * @param changes report fields to replace; repeated fields replace the whole list; {@code
   *     vehicle} replaces the subfields set in it; {@code consent} must not be set
   * @param clear report field paths to clear, e.g. {@code vehicle.plate}
   * @return the alert as now stored
   * @throws BdxException naming every bad field of the request or of the merged report; nothing is
   *     stored then
   * @throws BdxException unknown alert; received, retracted or expired alert
   */
  public StoredAlert update(String alertId, Report changes, List<String> clear) {
    String id = alertId(alertId);
    Objects.requireNonNull(changes, "changes");
    Objects.requireNonNull(clear, "clear");
    return db.atomically(
        () -> {
          StoredAlert current = ownChangeable(id);
          ReportRecord record = reportOf(current);
          Report merged = merge(record.report(), changes, clear);
          return reissue(
              record, validator.validateAndNormalize(merged), current, AuditAction.REPORT_CORRECT);
        });
  }

  /**
   * Replaces the reporter's consent on {@code reportId} and issues the next version with the new
   * audience (and the contact shared or not). Narrowing the audience withdraws the alert from the
   * partners no longer entitled ({@link Outbox#enqueue}).
   *
   * @throws BdxException if the consent is invalid
   * @throws BdxException unknown report; its alert retracted or expired
   */
  public StoredAlert updateConsent(String reportId, Consent consent) {
    String id = reportId(reportId);
    Objects.requireNonNull(consent, "consent");
    return db.atomically(
        () -> {
          ReportRecord record =
              reports.get(id).orElseThrow(() -> BdxException.notFound("no report " + id));
          StoredAlert current = ownChangeable(record.alertId());
          Report merged = record.report().toBuilder().setConsent(consent).build();
          return reissue(
              record, validator.validateAndNormalize(merged), current, AuditAction.REPORT_CONSENT);
        });
  }

  /**
   * Re-issues, under the node's key as it is now, each of its own alerts in force that {@code
   * formerKey} signed with an issue time at or after {@code since} (spec KEY-20): after a
   * revocation, partners flag those until a version signed by the new key reaches them. The
   * content, audience and status stay; only the version, issue time and signature change.
   *
   * @return how many alerts were re-issued
   */
  public int reissueSignedBy(byte[] formerKey, long since) {
    Objects.requireNonNull(formerKey, "formerKey");
    int count = 0;
    for (String reportId : reports.ids()) {
      Optional<String> alertId = reports.alertIdOf(reportId);
      if (alertId.isEmpty()) {
        continue;
      }
      boolean done =
          db.atomically(
              () -> {
                Optional<StoredAlert> held = alerts.get(self, alertId.get());
                if (held.isEmpty() || !reissuable(held.get(), formerKey, since)) {
                  return false;
                }
                StoredAlert current = held.get();
                long now = now();
                StoredAlert next =
                    issuer
                        .issue(
                            issuer.nextVersion(
                                current,
                                current.status(),
                                current.audience(),
                                current.fields(),
                                now),
                            now)
                        .alert();
                audit.record(
                    AuditAction.ALERT_REISSUE,
                    AuditDetail.of().add("alert", next.alertId()).add("version", next.version()));
                return true;
              });
      if (done) {
        count++;
      }
    }
    return count;
  }

  private boolean reissuable(StoredAlert a, byte[] formerKey, long since) {
    if (a.status() == AlertStatus.ALERT_STATUS_RETRACTED
        || a.expiresAt() <= now()
        || a.issuedAt() < since) {
      return false;
    }
    try {
      return java.security.MessageDigest.isEqual(
          org.bdx.proto.v1.AlertHeader.parseFrom(a.envelope().getHeader())
              .getOriginPublicKey()
              .toByteArray(),
          formerKey);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return false; // verified when it was signed here; never so
    }
  }

  /**
   * Issues a signed retraction (no content) of one of this node's alerts. The partners that hold
   * content of it are queued the retraction; nobody else learns of it. {@code reason} stays here.
   *
   * @throws BdxException if the reason is missing, too long or has control characters
   * @throws BdxException unknown alert; received, already retracted or expired alert
   */
  public StoredAlert retract(String alertId, String reason) {
    String id = alertId(alertId);
    String why = reason(reason);
    return db.atomically(
        () -> {
          StoredAlert current = ownChangeable(id);
          audit.record(
              AuditAction.REPORT_RETRACT,
              withReport(AuditDetail.of(), reports.findByAlertId(id))
                  .add("alert", id)
                  .add("version", current.version() + 1));
          StoredAlert retraction = retraction(current).alert();
          reasons.put(id, why, retraction.issuedAt());
          return retraction;
        });
  }

  /**
   * Destroys a report: retracts its alert (unless already retracted or expired), so the partners
   * holding it delete it; deletes the report, the retraction reason and every queued row that may
   * carry content; keeps only the alert's tombstone; then checkpoints the write-ahead log so no
   * older page survives in it. With {@code secure_delete} none of the report's content is left in
   * the database files (spec EXP-5). The report id is first added to the home's purge list (spec
   * AR-9.5).
   *
   * @throws BdxException unknown report
   */
  public Purged purge(String reportId) {
    String id = reportId(reportId);
    Purged done =
        db.atomically(
            () -> {
              // The alert id only: a report whose key an unfinished purge destroyed cannot be
              // opened, and purging it again must still work.
              String alertId =
                  reports.alertIdOf(id).orElseThrow(() -> BdxException.notFound("no report " + id));
              // Listed, on disk, before anything is destroyed: a purge that is not listed would
              // come undone with a restore. One listed that then fails is made by the restore.
              try {
                purged.record(id);
              } catch (IOException e) {
                throw new UncheckedIOException("cannot list the purge", e);
              }
              List<NodeId> notified = List.of();
              long version = 0;
              Optional<StoredAlert> held = alerts.get(self, alertId);
              if (held.isPresent()) {
                StoredAlert current = held.get();
                version = current.version();
                if (current.status() != AlertStatus.ALERT_STATUS_RETRACTED
                    && current.expiresAt() > now()) {
                  AlertIssuer.Issued retraction = retraction(current);
                  version = retraction.alert().version();
                  notified = retraction.partners();
                }
                alerts.stripToTombstone(self, alertId);
                outbox.forgetAlert(self, alertId, version);
              }
              reasons.delete(alertId);
              reports.delete(id);
              audit.record(
                  AuditAction.REPORT_PURGE,
                  AuditDetail.of().add("report", id).add("alert", alertId).add("version", version));
              return new Purged(alertId, version, notified);
            });
    // The commit already cut the log (NodeDatabase.removedContent); again here, where a failure
    // throws instead of waiting for the next transaction: staff are told the purge is complete.
    db.checkpoint();
    return done;
  }

  /** Why staff retracted this node's alert {@code alertId}, if they did. */
  public Optional<String> retractionReason(String alertId) {
    return reasons.get(alertId);
  }

  // --- internals; all run inside the caller's transaction

  private AlertIssuer.Issued retraction(StoredAlert current) {
    long now = now();
    return issuer.issue(
        issuer.nextVersion(
            current,
            AlertStatus.ALERT_STATUS_RETRACTED,
            current.audience(),
            AlertFields.getDefaultInstance(),
            now),
        now);
  }

  /**
   * Issues the next version from {@code normalized}, unless content and audience are unchanged;
   * records {@code action} with the version the alert now has.
   */
  private StoredAlert reissue(
      ReportRecord record, Report normalized, StoredAlert current, AuditAction action) {
    AlertFields fields = AlertDerivation.derive(normalized);
    boolean unchanged =
        fields.equals(current.fields())
            && normalized.getConsent().getAudience() == current.audience();
    reports.replace(
        new ReportRecord(record.reportId(), record.alertId(), record.receivedAt(), normalized));
    AuditDetail detail =
        AuditDetail.of()
            .add("report", record.reportId())
            .add("alert", current.alertId())
            .add("version", unchanged ? current.version() : current.version() + 1);
    audit.record(action, unchanged ? detail.add("unchanged", "true") : detail);
    if (unchanged) {
      return current;
    }
    long now = now();
    return issuer
        .issue(
            issuer.nextVersion(
                current,
                AlertStatus.ALERT_STATUS_UPDATED,
                normalized.getConsent().getAudience(),
                fields,
                now),
            now)
        .alert();
  }

  private static AuditDetail withReport(AuditDetail d, Optional<ReportRecord> report) {
    return report.map(r -> d.add("report", r.reportId())).orElse(d);
  }

  /** This node's own alert {@code id}, which must be neither retracted nor expired. */
  private StoredAlert ownChangeable(String id) {
    Optional<StoredAlert> own = alerts.get(self, id);
    if (own.isEmpty()) {
      if (!alerts.findById(id).isEmpty()) {
        throw BdxException.failedPrecondition(
            "alert " + id + " was received from a partner: only the origin can issue versions");
      }
      throw BdxException.notFound("no alert " + id);
    }
    StoredAlert a = own.get();
    if (a.status() == AlertStatus.ALERT_STATUS_RETRACTED) {
      throw BdxException.failedPrecondition(
          "alert " + id + " is retracted: a retracted alert cannot be changed");
    }
    if (a.expiresAt() <= now()) {
      throw BdxException.failedPrecondition(
          "alert " + id + " has expired: partners have deleted it");
    }
    return a;
  }

  private ReportRecord reportOf(StoredAlert a) {
    return reports
        .findByAlertId(a.alertId())
        .orElseThrow(() -> BdxException.notFound("no report for alert " + a.alertId()));
  }

  /**
   * The stored report with {@code changes} and {@code clear} applied. Collects every problem of the
   * request (consent set, unknown or conflicting clear paths, unknown fields) into one {@link
   * BdxException}.
   */
  static Report merge(Report base, Report changes, List<String> clear) {
    List<FieldViolation> problems = new ArrayList<>();
    Report.Builder b = base.toBuilder();
    Set<String> setPaths = new HashSet<>();
    if (!changes.getUnknownFields().asMap().isEmpty()
        || !changes.getVehicle().getUnknownFields().asMap().isEmpty()
        || !changes.getConsent().getUnknownFields().asMap().isEmpty()) {
      problems.add(new FieldViolation("changes", "unknown fields"));
    }
    for (Map.Entry<FieldDescriptor, Object> e : changes.getAllFields().entrySet()) {
      FieldDescriptor fd = e.getKey();
      if (fd.getNumber() == Report.CONSENT_FIELD_NUMBER) {
        problems.add(
            new FieldViolation("consent", "is changed with UpdateConsent (bdx report consent)"));
        continue;
      }
      if (fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !fd.isRepeated()) {
        Message.Builder sub = ((Message) b.getField(fd)).toBuilder();
        for (Map.Entry<FieldDescriptor, Object> se :
            ((Message) e.getValue()).getAllFields().entrySet()) {
          sub.setField(se.getKey(), se.getValue());
          setPaths.add(fd.getName() + "." + se.getKey().getName());
        }
        b.setField(fd, sub.build());
      } else {
        b.setField(fd, e.getValue());
        setPaths.add(fd.getName());
      }
    }
    if (clear.size() > MAX_CLEAR) {
      problems.add(new FieldViolation("clear", "at most " + MAX_CLEAR + " paths"));
    } else {
      for (int i = 0; i < clear.size(); i++) {
        String field = "clear[" + i + "]";
        String path = clear.get(i) == null ? "" : clear.get(i).strip().toLowerCase(Locale.ROOT);
        Optional<FieldDescriptor[]> resolved = resolve(path);
        if (resolved.isEmpty()) {
          problems.add(new FieldViolation(field, "not a report field path"));
          continue;
        }
        FieldDescriptor[] fds = resolved.get();
        if (fds[0].getNumber() == Report.CONSENT_FIELD_NUMBER) {
          problems.add(
              new FieldViolation(
                  field, "consent is changed with UpdateConsent (bdx report consent)"));
          continue;
        }
        boolean conflict =
            setPaths.contains(path) || setPaths.stream().anyMatch(p -> p.startsWith(path + "."));
        if (conflict) {
          problems.add(new FieldViolation(field, "the same field is also set in changes"));
          continue;
        }
        if (fds.length == 1) {
          b.clearField(fds[0]);
        } else if (b.hasField(fds[0])) {
          Message.Builder sub = ((Message) b.getField(fds[0])).toBuilder().clearField(fds[1]);
          b.setField(fds[0], sub.build());
        }
      }
    }
    if (!problems.isEmpty()) {
      throw BdxException.invalidFields(problems);
    }
    return b.build();
  }

  /** A report field path of one or two names ("area", "vehicle.plate"), or empty if unknown. */
  private static Optional<FieldDescriptor[]> resolve(String path) {
    if (path.isEmpty() || path.length() > 64) {
      return Optional.empty();
    }
    String[] parts = path.split("\\.", -1);
    if (parts.length > 2) {
      return Optional.empty();
    }
    Descriptor d = Report.getDescriptor();
    FieldDescriptor first = d.findFieldByName(parts[0]);
    if (first == null) {
      return Optional.empty();
    }
    if (parts.length == 1) {
      return Optional.of(new FieldDescriptor[] {first});
    }
    if (first.getJavaType() != FieldDescriptor.JavaType.MESSAGE || first.isRepeated()) {
      return Optional.empty();
    }
    FieldDescriptor second = first.getMessageType().findFieldByName(parts[1]);
    return second == null ? Optional.empty() : Optional.of(new FieldDescriptor[] {first, second});
  }

  private static String alertId(String raw) {
    String id = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
    if (!AlertDraft.isValidAlertId(id)) {
      throw new IllegalArgumentException("alert_id: not an alert id (26 letters and digits)");
    }
    return id;
  }

  private static String reportId(String raw) {
    String id = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
    if (!Ids.isValid(id)) {
      throw new IllegalArgumentException("report_id: not a report id (26 letters and digits)");
    }
    return id;
  }

  private static String reason(String raw) {
    String r = raw == null ? "" : raw.strip();
    String problem = null;
    if (r.isEmpty()) {
      problem = "is required";
    } else if (r.codePointCount(0, r.length()) > MAX_REASON) {
      problem = "at most " + MAX_REASON + " characters";
    } else if (r.codePoints()
        .anyMatch(
            cp ->
                (Character.isISOControl(cp) && cp != '\n' && cp != '\t')
                    || Character.getType(cp) == Character.SURROGATE)) {
      problem = "has control characters";
    }
    if (problem != null) {
      throw BdxException.invalidFields(List.of(new FieldViolation("reason", problem)));
    }
    return r;
  }

  private long now() {
    return clock.instant().getEpochSecond();
  }
}
