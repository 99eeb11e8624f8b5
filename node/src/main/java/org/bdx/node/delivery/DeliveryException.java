package org.bdx.node.delivery;

/**
 * A message a {@link Channel} could not deliver. The message says why in words an operator can act
 * on ("the SMTP server refused the login"), and never holds an address or the bulletin's content:
 * it is shown by the CLI and kept with the queued delivery.
 */
public final class DeliveryException extends Exception {
  private final boolean permanent;

  /**
   * @param reason why, without an address or content
   * @param permanent whether trying again cannot help (the recipient's address was refused)
   */
  public DeliveryException(String reason, boolean permanent) {
    super(reason);
    this.permanent = permanent;
  }

  /** Whether trying again cannot help: the delivery is given up at once. */
  public boolean permanent() {
    return permanent;
  }
}
