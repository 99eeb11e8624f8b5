package org.bdx.node.store;

import org.bdx.proto.v1.AlertFields;

/**
 * Turns an alert's fields into its search index entry. The one implementation is {@code
 * search.AlertIndex}: the store writes the index but does not decide what goes into it.
 */
public interface Indexer {
  /** The entry for {@code fields}; called outside the database lock, so it may be costly. */
  IndexEntry entry(AlertFields fields);

  /**
   * The version of the rules {@link #entry} follows. When it differs from the version the stored
   * index was built with, the index is rebuilt from the alerts ({@link AlertStore#reindex}).
   */
  int rules();
}
