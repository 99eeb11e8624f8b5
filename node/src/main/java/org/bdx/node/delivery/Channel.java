package org.bdx.node.delivery;

/**
 * A way to deliver a bulletin to a subscriber: e-mail ({@code org.bdx.node.mail.EmailChannel}) is
 * the first; an SMS or messaging gateway is another implementation of this interface, added without
 * touching the bulletin code (see {@code docs/channels.md}).
 *
 * <p>A channel takes a {@link Message} that carries the bulletin in every format the node makes and
 * uses the ones its medium can show (e-mail: HTML with a plain-text alternative, and the
 * attachments; a text-message gateway: the plain text). It sends one message to one address and
 * returns only once the next hop (the SMTP server, the gateway) accepted it; otherwise it throws,
 * and the node keeps the delivery queued and tries again later ({@link BulletinDeliveries}).
 *
 * <p>Implementations are called from one thread at a time. They never log an address or a message's
 * content.
 */
public interface Channel {
  /** A short lower-case name for logs and the audit log, e.g. {@code email}. */
  String name();

  /**
   * Delivers {@code message} to {@code address}.
   *
   * @throws DeliveryException if it was not accepted; {@link DeliveryException#permanent()} when
   *     trying again cannot help (the address was refused), else it is tried again later
   */
  void send(String address, Message message) throws DeliveryException;
}
