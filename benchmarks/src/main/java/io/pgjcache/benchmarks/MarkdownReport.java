package io.pgjcache.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The result of a run as Markdown that the README can take unchanged: what was measured and on what, then one
 * table row per operation and thread count with the reference's median throughput, the subject's, their ratio and
 * the target it is held to, and a breakdown contender's throughput with its own ratio to the reference; then what
 * each operation cost every contender in CPU time, on the client's side and the server's.
 */
final class MarkdownReport {
  private final String subject;
  private final String reference;
  private final String breakdown;

  /**
   * @param subject   the contender whose ratio to {@code reference} is reported and held to the targets
   * @param breakdown a contender shown beside them, also as a ratio to {@code reference}
   */
  MarkdownReport(String subject, String reference, String breakdown) {
    this.subject = subject;
    this.reference = reference;
    this.breakdown = breakdown;
  }

  /**
   * The least share of the reference's throughput that {@code subject} should reach, if the operation has a target
   * at this thread count: get 0.9× at 4 and 16 threads; put 0.7× at one thread, 0.8× at 4 and 1.0× at 16;
   * {@code getAll} and {@code putAll} 0.8× at any count.
   */
  static OptionalDouble target(Workload workload, int threads) {
    return switch (workload) {
      case GET -> threads >= 4 ? OptionalDouble.of(0.9) : OptionalDouble.empty();
      case PUT -> OptionalDouble.of(threads >= 16 ? 1.0 : threads >= 4 ? 0.8 : 0.7);
      case GET_ALL, PUT_ALL -> OptionalDouble.of(0.8);
      case MIXED -> OptionalDouble.empty();
    };
  }

  String render(Environment environment, BenchmarkSettings settings, Results results) {
    StringBuilder out = new StringBuilder();
    out.append("| operation | threads | ").append(reference).append(" /s | ").append(subject).append(" /s | ")
        .append(subject).append(" / ").append(reference).append(" | target | ").append(breakdown).append(" /s | ")
        .append(breakdown).append(" / ").append(reference).append(" |\n");
    out.append("|---|---:|---:|---:|---:|---|---:|---:|\n");
    List<String> missed = new ArrayList<>();
    for (Results.Cell cell : results.cells()) {
      double base = results.median(cell, reference);
      double ours = results.median(cell, subject);
      double split = results.median(cell, breakdown);
      double ratio = ours / base;
      OptionalDouble target = target(cell.workload(), cell.threads());
      String verdict = "";
      if (target.isPresent()) {
        boolean met = ratio >= target.getAsDouble();
        verdict = String.format(Locale.ROOT, "≥ %.1f %s", target.getAsDouble(), met ? "met" : "**missed**");
        if (!met) {
          missed.add(cell.workload().label(settings.batch()) + " at " + cell.threads()
              + (cell.threads() == 1 ? " thread (" : " threads (") + decimal(ratio) + ")");
        }
      }
      out.append("| ").append(cell.workload().label(settings.batch()))
          .append(" | ").append(cell.threads())
          .append(" | ").append(perSecond(base))
          .append(" | ").append(perSecond(ours))
          .append(" | ").append(decimal(ratio))
          .append(" | ").append(verdict)
          .append(" | ").append(perSecond(split))
          .append(" | ").append(decimal(split / base))
          .append(" |\n");
    }
    out.append('\n');
    out.append("Targets (").append(subject).append(" / ").append(reference).append("): ")
        .append(missed.isEmpty() ? "all met" : "missed for " + String.join(", ", missed)).append(".\n\n");
    renderCpu(out, environment, settings, results);
    out.append("Throughput is operations/s, entries/s for getAll and putAll. Median of ").append(settings.rounds())
        .append(settings.rounds() == 1 ? " round" : " rounds").append(" of ").append(seconds(settings.window()))
        .append(" after ").append(seconds(settings.warmup())).append(" warm-up; ").append(settings.keys())
        .append(" keys, Zipf s=").append(settings.zipfExponent()).append(", ").append(settings.valueLength())
        .append("-character String values, pool size ").append(settings.poolSize()).append(" on every side")
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

  /**
   * CPU time per operation: this JVM's, the server's and the rest of the machine's, for each contender. On a machine
   * whose cores client and server share, throughput follows their sum, so this says where a ratio comes from.
   */
  private void renderCpu(StringBuilder out, Environment environment, BenchmarkSettings settings, Results results) {
    out.append("CPU time per operation (per entry for getAll and putAll), µs, medians of the rounds: this JVM (the")
        .append(" driver, the contender's own code, pgjdbc, HikariCP) / the PostgreSQL server's processes / neither")
        .append(" (").append(environment.processors()).append(" processors over the window, less both: idle")
        .append(" cores or other programs; server and neither n/a where the server runs on another machine).\n\n");
    out.append("| operation | threads | ").append(reference).append(" | ").append(subject).append(" | ")
        .append(breakdown).append(" |\n");
    out.append("|---|---:|---:|---:|---:|\n");
    for (Results.Cell cell : results.cells()) {
      out.append("| ").append(cell.workload().label(settings.batch())).append(" | ").append(cell.threads());
      for (String contender : List.of(reference, subject, breakdown)) {
        out.append(" | ").append(micros(results.median(cell, contender, Measurement::clientMicros))).append(" / ")
            .append(micros(results.median(cell, contender, Measurement::serverMicros))).append(" / ")
            .append(micros(results.median(cell, contender, Measurement::neitherMicros)));
      }
      out.append(" |\n");
    }
    out.append('\n');
  }

  private static String micros(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.1f", value);
  }

  private static String perSecond(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%,.0f", value);
  }

  private static String decimal(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.2f", value);
  }

  private static String seconds(Duration duration) {
    double seconds = duration.toMillis() / 1000.0;
    return (seconds == Math.rint(seconds) ? String.valueOf((long) seconds) : String.valueOf(seconds)) + " s";
  }
}
