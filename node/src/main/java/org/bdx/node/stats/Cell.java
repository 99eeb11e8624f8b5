package org.bdx.node.stats;

/**
 * One count as it may be shown (spec STAT-3): a number of alerts, or "fewer than 5". A count from 1
 * to 4 could point at one person in a small area or month, so it is never kept as a number past
 * {@link #of}: whatever holds a cell, a chart or a wire message, cannot show it.
 *
 * @param count the number of alerts: 0, or at least {@value #THRESHOLD}; 0 when {@code
 *     fewerThanFive}
 * @param fewerThanFive the count was from 1 to 4
 */
public record Cell(int count, boolean fewerThanFive) {
  /** The least count shown as a number (0 aside). */
  public static final int THRESHOLD = 5;

  /** What {@link #text} says of a suppressed count. */
  public static final String FEWER_THAN_FIVE = "fewer than " + THRESHOLD;

  public static final Cell ZERO = new Cell(0, false);

  public Cell {
    if (count < 0) {
      throw new IllegalArgumentException("a count cannot be negative");
    }
    if (fewerThanFive ? count != 0 : count > 0 && count < THRESHOLD) {
      throw new IllegalArgumentException(
          "a count from 1 to " + (THRESHOLD - 1) + " is shown only as fewer than " + THRESHOLD);
    }
  }

  /** The cell for {@code raw} alerts: suppressed when from 1 to 4. */
  public static Cell of(int raw) {
    if (raw < 0) {
      throw new IllegalArgumentException("a count cannot be negative");
    }
    return raw > 0 && raw < THRESHOLD ? new Cell(0, true) : new Cell(raw, false);
  }

  /** The number, or "fewer than 5". */
  public String text() {
    return fewerThanFive ? FEWER_THAN_FIVE : Integer.toString(count);
  }
}
