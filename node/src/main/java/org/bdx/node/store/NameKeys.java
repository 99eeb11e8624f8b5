package org.bdx.node.store;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Keys under which names stored sealed are found and kept unique (spec AR-8): {@link
 * RowCipher#nameKey} of the name NFKC-normalised and lower-cased ({@link Locale#ROOT}), so two
 * names that differ only in case share a key, as the {@code COLLATE NOCASE} column they replace
 * made them collide (partner and staff names are ASCII, where both fold alike).
 */
final class NameKeys {
  /** Kind of the key of a partner's local name. */
  static final String PARTNER = "partner";

  /** Kind of the key of a staff account's name. */
  static final String STAFF = "staff";

  /** Kind of the key of a bulletin subscriber's address. */
  static final String SUBSCRIBER = "subscriber";

  private NameKeys() {}

  /** {@code name} as its key hashes it. */
  static String fold(String name) {
    return Normalizer.normalize(name, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
  }

  /** The key of {@code name} of this {@code kind}. */
  static String of(RowCipher cipher, String kind, String name) {
    return cipher.nameKey(kind, fold(name));
  }
}
