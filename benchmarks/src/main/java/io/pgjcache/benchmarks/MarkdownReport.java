package io.pgjcache.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The result of a run as Markdown that the README can take unchanged: what was measured and on what, then
 * one table row per operation and thread count with each contender's median throughput and the ratio.
 */
final class MarkdownReport {
  /** pgjcache should reach at least this share of raw JDBC's throughput on get and on put. */
  static final double TARGET_RATIO = 0.85;

  private final String subject;
  private final String baseline;

  /** @param subject the contender whose ratio to {@code baseline} is reported */
  MarkdownReport(String subject, String baseline) {
    this.subject = subject;
    this.baseline = baseline;
  }

  String render(Environment environment, BenchmarkSettings settings, Results results) {
    StringBuilder out = new StringBuilder();
    out.append("| ").append("operation | threads | ").append(subject).append(" ops/s | ")
        .append(baseline).append(" ops/s | ").append(subject).append(" / ").append(baseline).append(" |\n");
    out.append("|---|---:|---:|---:|---:|\n");
    List<String> missed = new ArrayList<>();
    for (Results.Cell cell : results.cells()) {
      double ours = results.median(cell, subject);
      double theirs = results.median(cell, baseline);
      double ratio = ours / theirs;
      out.append("| ").append(cell.workload().label())
          .append(" | ").append(cell.threads())
          .append(" | ").append(opsPerSecond(ours))
          .append(" | ").append(opsPerSecond(theirs))
          .append(" | ").append(String.format(Locale.ROOT, "%.2f", ratio))
          .append(" |\n");
      if (cell.workload() != Workload.MIXED && !(ratio >= TARGET_RATIO)) {
        missed.add(cell.workload().label() + " at " + cell.threads() + (cell.threads() == 1 ? " thread (" : " threads (")
            + String.format(Locale.ROOT, "%.2f", ratio) + ")");
      }
    }
    out.append('\n');
    out.append(String.format(Locale.ROOT, "Target %s >= %.2fx %s on get and put: %s%n", subject, TARGET_RATIO,
        baseline, missed.isEmpty() ? "met" : "missed for " + String.join(", ", missed)));
    out.append('\n');
    out.append("Median of ").append(settings.rounds()).append(settings.rounds() == 1 ? " round" : " rounds")
        .append(" of ").append(seconds(settings.window())).append(" after ").append(seconds(settings.warmup()))
        .append(" warm-up; ").append(settings.keys()).append(" keys, Zipf s=").append(settings.zipfExponent())
        .append(", ").append(settings.valueLength()).append("-character String values, pool size ")
        .append(settings.poolSize()).append(" on both sides")
        .append(settings.quick() ? " (quick mode: indicative only)" : "").append(".\n\n");
    out.append("- Java: ").append(environment.java()).append('\n');
    out.append("- PostgreSQL: ").append(environment.postgres()).append(", ").append(environment.database())
        .append('\n');
    out.append("- pgjcache: ").append(environment.pgjcache()).append('\n');
    out.append("- Hardware: ").append(environment.processors()).append(" processors (availableProcessors), ")
        .append(environment.os()).append('\n');
    out.append("- Measured: ").append(environment.measuredAt()).append('\n');
    return out.toString();
  }

  private static String opsPerSecond(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%,.0f", value);
  }

  private static String seconds(Duration duration) {
    double seconds = duration.toMillis() / 1000.0;
    return (seconds == Math.rint(seconds) ? String.valueOf((long) seconds) : String.valueOf(seconds)) + " s";
  }
}
