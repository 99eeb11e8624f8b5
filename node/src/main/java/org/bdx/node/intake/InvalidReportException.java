package org.bdx.node.intake;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A report failed validation. Names every bad field; never carries a submitted value, so the
 * message is safe to log and to return to the client.
 */
public final class InvalidReportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<FieldViolation> violations;

  public InvalidReportException(List<FieldViolation> violations) {
    super(join(violations));
    this.violations = List.copyOf(violations);
    if (this.violations.isEmpty()) {
      throw new IllegalArgumentException("no violations");
    }
  }

  public List<FieldViolation> violations() {
    return violations;
  }

  private static String join(List<FieldViolation> violations) {
    return violations.stream().map(FieldViolation::toString).collect(Collectors.joining("; "));
  }
}
