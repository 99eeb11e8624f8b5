package org.bdx.node.store;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One bulletin still to deliver to one subscriber (table {@code deliveries}).
 *
 * @param id its row
 * @param run the sending it belongs to (one {@code bulletin send} or scheduled sending)
 * @param addressKey the subscriber's key ({@link SubscriberStore#key})
 * @param since the first incident date the bulletin covers
 * @param queuedAt when it was queued, Unix seconds
 * @param attempts how many attempts failed so far
 */
public record DeliveryRecord(
    long id, String run, String addressKey, LocalDate since, long queuedAt, int attempts) {
  public DeliveryRecord {
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(addressKey, "addressKey");
    Objects.requireNonNull(since, "since");
  }
}
