package org.bdx.node.client;

/** The caller asked for something this node does not hold. Maps to NOT_FOUND. */
public final class NotFoundException extends RuntimeException {
  public NotFoundException(String message) {
    super(message, null, false, false);
  }
}
