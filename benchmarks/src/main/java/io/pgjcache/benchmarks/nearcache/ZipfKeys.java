package io.pgjcache.benchmarks.nearcache;

import java.util.SplittableRandom;

/**
 * Key indexes drawn from a Zipf distribution: index {@code i} (0-based) has weight {@code 1 / (i + 1)^s}, so a
 * few keys are hot and most are cold, as in real caches. Sequences are drawn up front, so that drawing costs
 * nothing while a measurement runs.
 */
final class ZipfKeys {
  /** The usual skew of cache workloads (YCSB uses 0.99). */
  static final double DEFAULT_EXPONENT = 0.99;

  private final double[] cumulative;

  ZipfKeys(int keys, double exponent) {
    if (keys <= 0 || exponent < 0) {
      throw new IllegalArgumentException("keys must be positive and exponent not negative: " + keys + ", " + exponent);
    }
    cumulative = new double[keys];
    double sum = 0;
    for (int i = 0; i < keys; i++) {
      sum += 1 / Math.pow(i + 1, exponent);
      cumulative[i] = sum;
    }
    for (int i = 0; i < keys; i++) {
      cumulative[i] /= sum;
    }
  }

  /** {@code length} indexes, reproducible for a given seed. */
  int[] sequence(int length, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] indexes = new int[length];
    for (int i = 0; i < length; i++) {
      indexes[i] = indexOf(random.nextDouble());
    }
    return indexes;
  }

  /** The first index whose cumulative probability reaches {@code u}. */
  private int indexOf(double u) {
    int low = 0;
    int high = cumulative.length - 1;
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (cumulative[middle] < u) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low;
  }
}
