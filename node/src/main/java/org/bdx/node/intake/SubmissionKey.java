package org.bdx.node.intake;

import java.util.Objects;

/**
 * A key a client gives a submission so that it is stored once (spec API-11): a retry after a lost
 * answer, or a list imported a second time, finds the report the first stored. Never logged, never
 * stored: the node keeps only its keyed hash, because a tool may make it from the report's content.
 */
public final class SubmissionKey {
  /** Longest key, in characters. */
  public static final int MAX_LENGTH = 128;

  private final String value;

  private SubmissionKey(String value) {
    this.value = value;
  }

  /**
   * @throws IllegalArgumentException naming the field {@code submission_key}, never its value, if
   *     {@code value} is empty, longer than {@link #MAX_LENGTH} or holds anything but printable
   *     ASCII (0x21-0x7E)
   */
  public static SubmissionKey parse(String value) {
    Objects.requireNonNull(value, "value");
    if (value.isEmpty() || value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "submission_key: 1 to " + MAX_LENGTH + " characters when given");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IllegalArgumentException(
            "submission_key: printable ASCII only (no spaces or control characters)");
      }
    }
    return new SubmissionKey(value);
  }

  /** The key as given, for the node's keyed hash only. */
  String value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SubmissionKey k && k.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "SubmissionKey[<redacted>]";
  }
}
