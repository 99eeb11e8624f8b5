package org.bdx.node.error;

import java.util.Objects;

/**
 * One invalid field of a submitted message.
 *
 * @param field proto field path, e.g. "phone_numbers[1]" or "consent.audience"
 * @param problem short English text; never contains the submitted value
 */
public record FieldViolation(String field, String problem) {
  public FieldViolation {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(problem, "problem");
  }

  @Override
  public String toString() {
    return field + ": " + problem;
  }
}
