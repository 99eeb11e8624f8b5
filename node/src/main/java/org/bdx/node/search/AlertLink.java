package org.bdx.node.search;

import java.util.List;
import java.util.Objects;
import org.bdx.node.store.StoredAlert;

/**
 * Another alert held here that names the same aggressor as the one asked about (spec API-10): they
 * share a phone number, the whole plate, a name used or a handle, as normalised for search ({@link
 * AlertIndex#linkTokens}), among the fields this node holds of each.
 *
 * @param alert the linked alert, as held
 * @param shared the claim paths (spec ALR-2) of the fields the two share, sorted
 */
public record AlertLink(StoredAlert alert, List<String> shared) {
  public AlertLink {
    Objects.requireNonNull(alert, "alert");
    shared = shared.stream().sorted().distinct().toList();
    if (shared.isEmpty()) {
      throw new IllegalArgumentException("a link shares at least one field");
    }
  }
}
