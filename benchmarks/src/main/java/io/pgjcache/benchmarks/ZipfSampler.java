package io.pgjcache.benchmarks;

import java.util.random.RandomGenerator;

/**
 * Draws ranks {@code 0 .. size-1} with probability proportional to {@code 1 / (rank + 1)^exponent}: a Zipf
 * distribution, where rank 0 is the hottest key. Real cache traffic looks like this (a few keys take most
 * reads), and it matters here because hot keys are also hot rows and hot index pages.
 *
 * <p>The cumulative distribution is computed once and inverted by binary search for each draw: exact,
 * {@code O(log size)} per draw, one {@code double} per rank of memory. Immutable, so one sampler serves
 * every thread as long as each thread passes its own generator.
 */
public final class ZipfSampler {
  private final double[] cumulative;

  /**
   * @param size     number of ranks, at least 1
   * @param exponent skew, {@code 0} for uniform; about 1 for typical cache traffic
   */
  public ZipfSampler(int size, double exponent) {
    if (size < 1) {
      throw new IllegalArgumentException("A Zipf sampler needs at least one rank, not " + size);
    }
    if (!(exponent >= 0) || Double.isInfinite(exponent)) {
      throw new IllegalArgumentException("The Zipf exponent must be a finite number >= 0, not " + exponent);
    }
    cumulative = new double[size];
    double sum = 0;
    for (int rank = 0; rank < size; rank++) {
      sum += 1 / Math.pow(rank + 1, exponent);
      cumulative[rank] = sum;
    }
    for (int rank = 0; rank < size; rank++) {
      cumulative[rank] /= sum;
    }
    // Rounding may leave the last bucket a hair below 1; a draw close to 1 must still land in it.
    cumulative[size - 1] = 1.0;
  }

  /** Number of ranks. */
  public int size() {
    return cumulative.length;
  }

  /** The probability of drawing {@code rank}. */
  public double probability(int rank) {
    return rank == 0 ? cumulative[0] : cumulative[rank] - cumulative[rank - 1];
  }

  /** A rank drawn from the distribution, using {@code random}'s next double. */
  public int next(RandomGenerator random) {
    double u = random.nextDouble();
    // The first rank whose cumulative probability exceeds u; u < 1 = cumulative[size - 1], so one exists.
    int low = 0;
    int high = cumulative.length - 1;
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (cumulative[middle] > u) {
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    return low;
  }
}
