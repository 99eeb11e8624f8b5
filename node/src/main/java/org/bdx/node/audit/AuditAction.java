package org.bdx.node.audit;

/**
 * What an audit entry records (spec ADM-12.2). The word is what {@code ListAudit} shows; the
 * details each one carries are named at each constant, never a searched or stored value.
 */
public enum AuditAction {
  /** A search: {@code criteria} (kinds given, or none) and {@code results} (how many returned). */
  SEARCH("search"),
  /** An alert shown to staff: {@code alert}, {@code origin}. */
  ALERT_VIEW("alert.view"),
  /**
   * A bulletin made: {@code criteria} ({@code since}, and {@code area} when one was given), {@code
   * lang}, {@code format}, {@code results} (how many warnings it holds). Never the area itself.
   */
  BULLETIN("bulletin"),
  /**
   * Alerts counted for trends (spec STAT-4): {@code criteria} ({@code since}, {@code until}, the
   * bounds given, or none), {@code by} (the grouping), {@code groups} (how many answered).
   */
  STATS("stats"),
  /** A bulletin subscriber added: {@code lang}, {@code areas} (how many). Never the address. */
  SUBSCRIBER_ADD("subscriber.add"),
  /** A bulletin subscriber removed. Never the address. */
  SUBSCRIBER_REMOVE("subscriber.remove"),
  /**
   * Bulletins queued for subscribers: {@code run}, {@code trigger} ({@code manual}, {@code
   * schedule}, {@code alert}), {@code since}, {@code subscribers} (how many queued). Never an
   * address.
   */
  BULLETIN_QUEUE("bulletin.queue"),
  /**
   * Queued bulletins delivered or given up: {@code run}, {@code channel}, {@code delivered}, {@code
   * given_up}, {@code still_queued}, {@code warnings} (the most any of them held). Never an
   * address.
   */
  BULLETIN_DELIVERY("bulletin.delivery"),
  /** Report summaries listed: {@code results}. */
  REPORT_LIST("report.list"),
  /** A report entered: {@code report}, {@code alert}, {@code version} (1). */
  REPORT_ENTER("report.enter"),
  /** A report corrected: {@code report}, {@code alert}, {@code version} (new, or unchanged). */
  REPORT_CORRECT("report.correct"),
  /** An alert retracted: {@code report}, {@code alert}, {@code version} of the retraction. */
  REPORT_RETRACT("report.retract"),
  /** The reporter's consent changed: {@code report}, {@code alert}, {@code version}. */
  REPORT_CONSENT("report.consent"),
  /** A report purged: {@code report}, {@code alert}, {@code version} (its retraction's). */
  REPORT_PURGE("report.purge"),
  /**
   * An alert version queued for a partner: {@code alert}, {@code version}, {@code origin} when
   * relayed, {@code partner}, {@code partner_name}, {@code fields} (paths, or header-only).
   */
  DISCLOSURE("disclosure"),
  /** A partner registered: {@code partner}, {@code partner_name}, {@code class}. */
  PARTNER_ADD("partner.add"),
  /**
   * A partner's name or endpoint changed: {@code partner}, {@code partner_name} (the new one),
   * {@code changed} ({@code name}, {@code endpoint}), {@code previous_name} (when renamed). Never
   * the endpoint.
   */
  PARTNER_UPDATE("partner.update"),
  /** A partner removed: {@code partner}, {@code partner_name}. */
  PARTNER_REMOVE("partner.remove"),
  /**
   * An agreement proposed (by us, or offered by the partner): {@code agreement}, partner, state.
   */
  AGREEMENT_PROPOSE("agreement.propose"),
  /** An agreement accepted (here, or confirmed by the partner). */
  AGREEMENT_ACCEPT("agreement.accept"),
  /** An agreement suspended. */
  AGREEMENT_SUSPEND("agreement.suspend"),
  /** An agreement resumed. */
  AGREEMENT_RESUME("agreement.resume"),
  /** An agreement terminated (or a proposal withdrawn or declined). */
  AGREEMENT_TERMINATE("agreement.terminate"),
  /** New terms proposed for an agreement in force, here or by the partner (spec AGR-12). */
  AGREEMENT_AMEND("agreement.amend"),
  /** An amendment put in force: accepted here, or confirmed by the partner. */
  AGREEMENT_AMENDMENT_ACCEPT("agreement.amendment_accept"),
  /** A pending amendment declined or withdrawn, here or by the partner. */
  AGREEMENT_AMENDMENT_CLOSE("agreement.amendment_close"),
  /** A staff account made: {@code account}, {@code role}. */
  STAFF_ADD("staff.add"),
  /** A staff account revoked: {@code account}. */
  STAFF_REVOKE("staff.revoke"),
  /** A search or view refused over the screening limit: {@code account}, {@code call}, wait. */
  SCREENING_REFUSED("screening.refused"),
  /** A backup made: {@code backup} (its id, hex). Recorded before the snapshot, so it is in it. */
  BACKUP_CREATE("backup.create"),
  /**
   * The node restored from a backup: {@code backup} (its id), {@code taken_at}, {@code purges}
   * (reports purged again), {@code sequence_floor}.
   */
  NODE_RESTORE("node.restore"),
  /**
   * The node's key replaced (spec KEY-20): {@code sequence} of the new key event, {@code kind}
   * ({@code rotation} or {@code revocation}), {@code compromised_since} for a revocation.
   */
  KEY_REPLACE("key.replace"),
  /**
   * An own alert re-issued under the node's new key after a revocation (spec KEY-20): {@code
   * alert}, {@code version}.
   */
  ALERT_REISSUE("alert.reissue");

  private final String word;

  AuditAction(String word) {
    this.word = word;
  }

  /** The word stored and shown, e.g. {@code agreement.accept}. */
  public String word() {
    return word;
  }
}
