package org.bdx.node.store;

import java.util.List;
import java.util.Objects;

/**
 * One subscriber to bulletins by e-mail (table {@code subscribers}): checked before it is stored
 * ({@code org.bdx.node.delivery.Subscribers}), so this type only holds it.
 *
 * @param address the e-mail address, as given
 * @param lang the bulletin's language, a tag of {@code BulletinWords.LANGUAGES}
 * @param areas the areas of the bulletins sent, as written; empty for every area
 * @param createdAt when it was added, Unix seconds
 */
public record SubscriberRecord(String address, String lang, List<String> areas, long createdAt) {
  public SubscriberRecord {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(lang, "lang");
    areas = List.copyOf(areas);
  }
}
