package io.pgjcache.benchmarks.nearcache;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * How each measurement runs: how many times it repeats (the machine is shared, so one run is not enough), whether
 * it is a quick smoke run, and the medians over the repeats.
 */
final class Runs {
  private Runs() {
  }

  /**
   * {@code nearcache.quick=true}: a smoke run of a few seconds per measurement, to see that everything works;
   * its numbers mean nothing.
   */
  static boolean quick() {
    return Boolean.getBoolean("nearcache.quick");
  }

  /** {@code normal}, or a second when this is a {@linkplain #quick() quick} run. */
  static Duration length(Duration normal) {
    return quick() ? Duration.ofSeconds(1) : normal;
  }

  /**
   * The thread counts a measurement walks: {@code normal}, or only its first when this is a {@linkplain #quick()
   * quick} run, which shows that every contender still runs and needs no more than one count for that.
   */
  static int[] threadCounts(int[] normal) {
    return quick() ? Arrays.copyOf(normal, 1) : normal;
  }

  /** {@code nearcache.rounds}, 2 unless set. */
  static int count() {
    int rounds = Integer.getInteger("nearcache.rounds", 2);
    if (rounds < 1) {
      throw new IllegalArgumentException("nearcache.rounds must be at least 1, got " + rounds);
    }
    return rounds;
  }

  /**
   * A comma-separated list of whole numbers given as system property {@code name}; {@code defaults} when it is
   * absent or blank (Maven forwards unset properties as empty).
   */
  static List<Integer> integers(String name, String defaults) {
    String given = System.getProperty(name, "");
    String text = given.isBlank() ? defaults : given;
    try {
      List<Integer> values = Arrays.stream(text.split(",")).map(String::trim).map(Integer::valueOf).toList();
      if (values.isEmpty() || values.stream().anyMatch(v -> v < 0)) {
        throw new IllegalArgumentException(name + " must list whole numbers >= 0, not '" + text + "'");
      }
      return values;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must list whole numbers >= 0, not '" + text + "'", e);
    }
  }

  /** The median; for an even count, the mean of the middle two. */
  static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  static long medianOfLongs(long... values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }
}
