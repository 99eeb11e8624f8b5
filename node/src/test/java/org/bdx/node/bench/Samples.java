package org.bdx.node.bench;

import java.util.Arrays;
import java.util.Locale;

/** Durations in nanoseconds with nearest-rank percentiles, printed in milliseconds. */
final class Samples {
  private final long[] sorted;

  Samples(long[] nanos) {
    this.sorted = nanos.clone();
    Arrays.sort(sorted);
  }

  int count() {
    return sorted.length;
  }

  /** Nearest-rank percentile (p in 0..100); 0 if empty. */
  long percentile(double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  long max() {
    return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
  }

  long min() {
    return sorted.length == 0 ? 0 : sorted[0];
  }

  String p50() {
    return ms(percentile(50));
  }

  String p99() {
    return ms(percentile(99));
  }

  String maxMs() {
    return ms(max());
  }

  static String ms(long nanos) {
    double v = nanos / 1e6;
    return String.format(Locale.ROOT, v < 10 ? "%.2f" : "%.1f", v);
  }

  static String us(long nanos) {
    return String.format(Locale.ROOT, "%.0f", nanos / 1e3);
  }
}
