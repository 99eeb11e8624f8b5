package org.bdx.node.store;

import java.util.Objects;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;

/**
 * The shape every alert must have before it is written: ids, version, status, paths, provenance
 * (node ids are {@link org.bdx.node.identity.NodeId}s, checked when made). Checked by hand rather
 * than with regular expressions: every received alert is checked here, and the regex engine showed
 * in the catch-up profile (docs/benchmarks.md). Messages name the part, never a value.
 */
final class AlertShapes {
  private AlertShapes() {}

  /** {@code [a-z_]{1,64}}. */
  static boolean isPathShape(String s) {
    if (s.isEmpty() || s.length() > 64) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || c == '_')) {
        return false;
      }
    }
    return true;
  }

  static void validate(StoredAlert a) {
    Objects.requireNonNull(a, "alert");
    if (!Ids.isValid(a.alertId())) {
      throw new IllegalArgumentException("alert id is malformed");
    }
    if (a.version() < 1) {
      throw new IllegalArgumentException("alert version must be >= 1");
    }
    if (a.status() == AlertStatus.UNRECOGNIZED
        || a.status() == AlertStatus.ALERT_STATUS_UNSPECIFIED) {
      throw new IllegalArgumentException("alert status must be a known, specified value");
    }
    if (a.audience() == Audience.UNRECOGNIZED) {
      throw new IllegalArgumentException("alert audience is unknown");
    }
    for (String p : a.disclosedPaths()) {
      if (p == null || !isPathShape(p)) {
        throw new IllegalArgumentException("disclosed path is malformed");
      }
    }
    if (a.agreementId() != null && !Ids.isValid(a.agreementId())) {
      throw new IllegalArgumentException("agreement id is malformed");
    }
    if (a.local() && (a.receivedFrom() != null || a.agreementId() != null || a.purgeAt() != 0)) {
      throw new IllegalArgumentException("a local alert has no provenance");
    }
  }
}
