package org.bdx.node.identity;

/**
 * A node key file could not be created or loaded. Messages are written for the coordinator who runs
 * the node and never contain key material.
 */
public final class KeyFileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public KeyFileException(String message) {
    super(message);
  }

  public KeyFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
