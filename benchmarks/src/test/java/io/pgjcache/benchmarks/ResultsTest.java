package io.pgjcache.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultsTest {

  @Test
  void median_isTheMiddleRound_orTheMeanOfTheTwoMiddleOnes() {
    assertThat(Results.median(List.of(30.0, 10.0, 20.0))).isEqualTo(20.0);
    assertThat(Results.median(List.of(40.0, 10.0, 30.0, 20.0))).isEqualTo(25.0);
    assertThat(Results.median(List.of(7.0))).isEqualTo(7.0);
    assertThatThrownBy(() -> Results.median(List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void report_showsMediansRatiosAndBreakdown_andNamesTheCellsThatMissTheirTarget() {
    Results results = new Results();
    for (double ops : new double[] {900, 1000, 5000}) {
      results.add(Workload.GET, 4, "pgjcache", throughput(ops));
    }
    for (double ops : new double[] {1000, 1000, 1000}) {
      results.add(Workload.GET, 4, "plain", throughput(ops));
      results.add(Workload.GET, 4, "copy", throughput(ops / 2));
    }
    results.add(Workload.PUT, 4, "pgjcache", throughput(500));
    results.add(Workload.PUT, 4, "plain", throughput(1000));
    results.add(Workload.PUT, 4, "copy", throughput(800));
    results.add(Workload.MIXED, 1, "pgjcache", throughput(100));
    results.add(Workload.MIXED, 1, "plain", throughput(1000));
    results.add(Workload.MIXED, 1, "copy", throughput(1000));
    Environment environment = new Environment("JVM 17", "18.0", "0.1.0", 2, "Linux", "embedded",
        Instant.parse("2025-01-01T00:00:00Z"));

    String report = new MarkdownReport("pgjcache", "plain", "copy")
        .render(environment, BenchmarkSettings.from(name -> null), results);

    assertThat(report).contains("| get | 4 | 1,000 | 1,000 | 1.00 | ≥ 0.9 met | 500 | 0.50 |");
    assertThat(report).contains("| put | 4 | 1,000 | 500 | 0.50 | ≥ 0.8 **missed** | 800 | 0.80 |");
    assertThat(report).contains("| 90/10 get/put | 1 | 1,000 | 100 | 0.10 |  | 1,000 | 1.00 |");
    assertThat(report).contains("missed for put at 4 threads (0.50).").doesNotContain("get at 4")
        .doesNotContain("90/10 get/put at");
    assertThat(report).contains("PostgreSQL: 18.0").contains("2 processors");
  }

  @Test
  void report_showsTheMedianCpuTimePerOperationOfEachSide_andNaWhereTheServerIsNotSeen() {
    Results results = new Results();
    results.add(Workload.PUT, 4, "plain", new Measurement(1000, 19.0, 48.0, 1.0));
    results.add(Workload.PUT, 4, "plain", new Measurement(1000, 21.0, 52.0, 3.0));
    results.add(Workload.PUT, 4, "plain", new Measurement(1000, 20.0, 50.0, 2.0));
    results.add(Workload.PUT, 4, "pgjcache", new Measurement(800, 24.0, 64.5, 1.5));
    results.add(Workload.PUT, 4, "copy", new Measurement(400, 22.0, Double.NaN, Double.NaN));
    Environment environment = new Environment("JVM 17", "18.0", "0.1.0", 2, "Linux", "embedded",
        Instant.parse("2025-01-01T00:00:00Z"));

    String report = new MarkdownReport("pgjcache", "plain", "copy")
        .render(environment, BenchmarkSettings.from(name -> null), results);

    assertThat(report).contains("| operation | threads | plain | pgjcache | copy |")
        .contains("| put | 4 | 20.0 / 50.0 / 2.0 | 24.0 / 64.5 / 1.5 | 22.0 / n/a / n/a |")
        .contains("2 processors over the window");
  }

  @Test
  void measurement_splitsTheWindowsCpuTimeAndCapacityPerOperation() {
    // 1,000 operations in 0.1 s on 2 processors: 200 us of capacity each, of which the JVM used 30 and the server 60.
    Measurement measured = Measurement.of(1_000, 100_000_000L, new CpuTime.Sample(5_000_000L, 7_000_000L),
        new CpuTime.Sample(35_000_000L, 67_000_000L), 2);

    assertThat(measured.perSecond()).isCloseTo(10_000.0, within(1e-6));
    assertThat(measured.clientMicros()).isCloseTo(30.0, within(1e-9));
    assertThat(measured.serverMicros()).isCloseTo(60.0, within(1e-9));
    assertThat(measured.neitherMicros()).isCloseTo(110.0, within(1e-9));
    assertThat(Measurement.of(1_000, 100_000_000L, new CpuTime.Sample(0, -1), new CpuTime.Sample(30_000_000L, -1), 2))
        .satisfies(m -> assertThat(m.clientMicros()).isCloseTo(30.0, within(1e-9)))
        .satisfies(m -> assertThat(m.serverMicros()).isNaN())
        .satisfies(m -> assertThat(m.neitherMicros()).isNaN());
  }

  /** A round of which only the throughput matters. */
  private static Measurement throughput(double perSecond) {
    return new Measurement(perSecond, 1.0, 2.0, 3.0);
  }

  @Test
  void targets_areThoseOfTheIssue_perOperationAndThreadCount() {
    assertThat(MarkdownReport.target(Workload.GET, 1)).isEmpty();
    assertThat(MarkdownReport.target(Workload.GET, 16)).hasValue(0.9);
    assertThat(MarkdownReport.target(Workload.PUT, 1)).hasValue(0.7);
    assertThat(MarkdownReport.target(Workload.PUT, 4)).hasValue(0.8);
    assertThat(MarkdownReport.target(Workload.PUT, 16)).hasValue(1.0);
    assertThat(MarkdownReport.target(Workload.GET_ALL, 1)).hasValue(0.8);
    assertThat(MarkdownReport.target(Workload.PUT_ALL, 16)).hasValue(0.8);
    assertThat(MarkdownReport.target(Workload.MIXED, 4)).isEmpty();
  }
}
