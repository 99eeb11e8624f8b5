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
 */
public record BulletinEntry(AlertFields shown, boolean updated, String source) {
  public BulletinEntry {
    Objects.requireNonNull(shown, "shown");
    if (!shown.getReporterContact().isEmpty()) {
      throw new IllegalArgumentException("a bulletin entry never holds the reporter's contact");
    }
    source = source == null ? "" : source;
  }
}
