package io.pgjcache.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
      results.add(Workload.GET, 4, "pgjcache", ops);
    }
    for (double ops : new double[] {1000, 1000, 1000}) {
      results.add(Workload.GET, 4, "plain", ops);
      results.add(Workload.GET, 4, "copy", ops / 2);
    }
    results.add(Workload.PUT, 4, "pgjcache", 500);
    results.add(Workload.PUT, 4, "plain", 1000);
    results.add(Workload.PUT, 4, "copy", 800);
    results.add(Workload.MIXED, 1, "pgjcache", 100);
    results.add(Workload.MIXED, 1, "plain", 1000);
    results.add(Workload.MIXED, 1, "copy", 1000);
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
