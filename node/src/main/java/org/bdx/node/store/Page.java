package org.bdx.node.store;

import java.util.List;
import java.util.Objects;

/**
 * One page of results.
 *
 * @param nextPageToken opaque token for the next page; "" when there are no more
 */
public record Page<T>(List<T> items, String nextPageToken) {
  public Page {
    items = List.copyOf(items);
    Objects.requireNonNull(nextPageToken, "nextPageToken");
  }

  public boolean hasNext() {
    return !nextPageToken.isEmpty();
  }
}
