package io.pgjcache.benchmarks.nearcache;

import io.pgjcache.benchmarks.ZipfSampler;
import java.util.SplittableRandom;

/**
 * Key indexes drawn from a Zipf distribution: index {@code i} (0-based) has weight {@code 1 / (i + 1)^s}, so a
 * few keys are hot and most are cold, as in real caches. Sequences are drawn up front, so that drawing costs
 * nothing while a measurement runs.
 */
final class ZipfKeys {
  /** The usual skew of cache workloads (YCSB uses 0.99). */
  static final double DEFAULT_EXPONENT = 0.99;

  private final ZipfSampler sampler;

  ZipfKeys(int keys, double exponent) {
    this.sampler = new ZipfSampler(keys, exponent);
  }

  /** {@code length} indexes, reproducible for a given seed. */
  int[] sequence(int length, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] indexes = new int[length];
    for (int i = 0; i < length; i++) {
      indexes[i] = sampler.next(random);
    }
    return indexes;
  }
}
