package io.pgjcache.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class ZipfSamplerTest {

  @Test
  void next_staysWithinBounds_andReachesBothEnds() {
    ZipfSampler sampler = new ZipfSampler(10_000, 0.99);
    SplittableRandom random = new SplittableRandom(7);
    int min = Integer.MAX_VALUE;
    int max = Integer.MIN_VALUE;
    for (int i = 0; i < 1_000_000; i++) {
      int rank = sampler.next(random);
      min = Math.min(min, rank);
      max = Math.max(max, rank);
    }
    assertThat(min).isZero();
    assertThat(max).isLessThan(10_000).isGreaterThan(9_000);
  }

  @Test
  void next_returnsFirstAndLastRank_forExtremeRandomNumbers() {
    ZipfSampler sampler = new ZipfSampler(1_000, 0.99);
    RandomGenerator lowest = () -> 0L;    // nextDouble() == 0.0
    RandomGenerator highest = () -> -1L;  // nextDouble() == the largest double below 1.0
    assertThat(lowest.nextDouble()).isZero();
    assertThat(highest.nextDouble()).isEqualTo(Math.nextDown(1.0));

    assertThat(sampler.next(lowest)).isZero();
    assertThat(sampler.next(highest)).isEqualTo(999);
  }

  @Test
  void next_followsZipfFrequencies() {
    int size = 100;
    double exponent = 0.99;
    int draws = 500_000;
    ZipfSampler sampler = new ZipfSampler(size, exponent);
    int[] counts = new int[size];
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < draws; i++) {
      counts[sampler.next(random)]++;
    }

    double[] expected = zipfProbabilities(size, exponent);
    double chiSquare = 0;
    for (int rank = 0; rank < size; rank++) {
      double expectedCount = expected[rank] * draws;
      chiSquare += Math.pow(counts[rank] - expectedCount, 2) / expectedCount;
    }
    // 99 degrees of freedom: 148.2 is the 0.999 quantile, so a correct sampler stays below it.
    assertThat(chiSquare).isLessThan(148.2);
    // And the skew is the intended one: the hottest key about 2^s times as often as the second.
    assertThat((double) counts[0] / counts[1]).isCloseTo(Math.pow(2, exponent), within(0.05));
    assertThat(counts[0] / (double) draws).isCloseTo(expected[0], within(0.005));
  }

  @Test
  void next_isUniform_whenExponentIsZero() {
    ZipfSampler sampler = new ZipfSampler(10, 0);
    int[] counts = new int[10];
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 200_000; i++) {
      counts[sampler.next(random)]++;
    }
    for (int count : counts) {
      assertThat(count / 200_000.0).isCloseTo(0.1, within(0.005));
    }
  }

  @Test
  void probability_decreasesWithRank_andSumsToOne() {
    ZipfSampler sampler = new ZipfSampler(10_000, 0.99);
    double[] expected = zipfProbabilities(10_000, 0.99);
    double sum = 0;
    for (int rank = 0; rank < sampler.size(); rank++) {
      sum += sampler.probability(rank);
      if (rank > 0) {
        assertThat(sampler.probability(rank)).isLessThan(sampler.probability(rank - 1));
      }
    }
    assertThat(sum).isCloseTo(1.0, within(1e-9));
    assertThat(sampler.probability(0)).isCloseTo(expected[0], within(1e-12));
    assertThat(sampler.probability(9_999)).isCloseTo(expected[9_999], within(1e-12));
  }

  @Test
  void next_alwaysReturnsZero_forOneRank() {
    ZipfSampler sampler = new ZipfSampler(1, 0.99);
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < 1_000; i++) {
      assertThat(sampler.next(random)).isZero();
    }
  }

  @Test
  void constructor_rejectsNoRanks_andBadExponents() {
    assertThatThrownBy(() -> new ZipfSampler(0, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one rank");
    assertThatThrownBy(() -> new ZipfSampler(10, -0.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ZipfSampler(10, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ZipfSampler(10, Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** The textbook definition, computed independently of the sampler. */
  private static double[] zipfProbabilities(int size, double exponent) {
    double[] p = new double[size];
    double harmonic = 0;
    for (int k = 1; k <= size; k++) {
      harmonic += Math.pow(k, -exponent);
    }
    for (int k = 1; k <= size; k++) {
      p[k - 1] = Math.pow(k, -exponent) / harmonic;
    }
    return p;
  }
}
