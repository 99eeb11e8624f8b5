package org.bdx.node.bulletin;

import java.util.Objects;
import org.bdx.proto.v1.AlertFields;

/**
 * One warning as a bulletin shows it.
 *
 * @param shown only the fields the bulletin may show (BUL-3): the setting's fields that this node
 *     holds of the alert; never the reporter's contact
 * @param updated whether the warning was changed after it was first issued (status UPDATED)
 * @param source the reporting organization's name, or "" when the setting does not show it
 * @param repeat whether this node holds other alerts naming the same aggressor (spec BUL-2, API-10)
 */
public record BulletinEntry(AlertFields shown, boolean updated, String source, boolean repeat) {
  /** A warning held alone. */
  public BulletinEntry(AlertFields shown, boolean updated, String source) {
    this(shown, updated, source, false);
  }

  public BulletinEntry {
    Objects.requireNonNull(shown, "shown");
    if (!shown.getReporterContact().isEmpty()) {
      throw new IllegalArgumentException("a bulletin entry never holds the reporter's contact");
    }
    source = source == null ? "" : source;
  }
}
