package io.pgjcache.benchmarks.nearcache;

import java.util.Arrays;

/** Percentiles of a set of durations in nanoseconds (nearest rank). */
final class Percentiles {
  private final long[] sorted;

  Percentiles(long[] nanos) {
    this.sorted = nanos.clone();
    Arrays.sort(sorted);
  }

  int count() {
    return sorted.length;
  }

  /** The value at quantile {@code q} (0 to 1); 0 for an empty set. */
  long at(double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  long max() {
    return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
  }
}
