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
  void report_showsMediansAndRatio_andNamesTheCellsThatMissTheTarget() {
    Results results = new Results();
    for (double ops : new double[] {900, 1000, 5000}) {
      results.add(Workload.GET, 4, "pgjcache", ops);
    }
    for (double ops : new double[] {1000, 1000, 1000}) {
      results.add(Workload.GET, 4, "raw JDBC", ops);
    }
    results.add(Workload.PUT, 4, "pgjcache", 500);
    results.add(Workload.PUT, 4, "raw JDBC", 1000);
    Environment environment = new Environment("JVM 17", "18.0", "0.1.0", 2, "Linux", "embedded",
        Instant.parse("2025-01-01T00:00:00Z"));

    String report = new MarkdownReport("pgjcache", "raw JDBC")
        .render(environment, BenchmarkSettings.from(name -> null), results);

    assertThat(report).contains("| get | 4 | 1,000 | 1,000 | 1.00 |");
    assertThat(report).contains("| put | 4 | 500 | 1,000 | 0.50 |");
    assertThat(report).contains("missed for put at 4 threads (0.50)").doesNotContain("get at 4");
    assertThat(report).contains("PostgreSQL: 18.0").contains("2 processors");
  }
}
