package org.bdx.node.store;

/**
 * A storage failure. Messages describe the operation, never stored values; the cause is the
 * underlying {@link java.sql.SQLException} (SQLite messages name tables and constraints, not bound
 * values).
 */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
