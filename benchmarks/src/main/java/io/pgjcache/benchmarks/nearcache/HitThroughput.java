package io.pgjcache.benchmarks.nearcache;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Measurement 1, near-cache hit throughput: runs {@link NearCacheHitBenchmark} (JMH, 3 x 2 s warm-up, 5 x 2 s
 * measurement, 1 fork per benchmark) at 1 and 2 threads (1 in a quick run), {@code nearcache.rounds} times, and
 * prints a Markdown table of the median throughput of each contender, its ratios to pgjcache, and the versions and
 * hardware.
 *
 * <p>From the repository root (builds the provider in the same reactor; nothing is installed):
 * <pre>
 * mvn -q -Pnearcache -Dnearcache=hits -pl benchmarks -am package -DskipTests [-Dnearcache.rounds=2]
 * </pre>
 * About 6 minutes per round on two cores.
 */
final class HitThroughput {
  /** Each iteration of a quick run, which only shows that every contender still runs. */
  private static final TimeValue QUICK_ITERATION = TimeValue.milliseconds(200);
  private static final int[] THREADS = {1, 2};
  private static final Map<String, String> CONTENDERS = new LinkedHashMap<>();

  static {
    CONTENDERS.put("pgjcache", "pgjcache near cache (by value)");
    CONTENDERS.put("pgjcacheByReference", "pgjcache near cache (by reference)");
    CONTENDERS.put("caffeineByValue", "Caffeine JCache, by value");
    CONTENDERS.put("caffeineByReference", "Caffeine JCache, by reference");
    CONTENDERS.put("caffeineBoundedByReference", "Caffeine JCache, by reference, bounded to "
        + NearCacheHitBenchmark.NEAR_CACHE_DEFAULT_ENTRIES + " entries");
    CONTENDERS.put("concurrentHashMap", "ConcurrentHashMap (ceiling)");
  }

  private HitThroughput() {
  }

  private record Cell(String value, int threads, String contender) {
  }

  private record Score(double opsPerMicro, double error) {
  }

  static String run() throws RunnerException {
    int rounds = Runs.count();
    String loadBefore = Machine.loadAverage();
    int[] threadCounts = Runs.threadCounts(THREADS);
    Map<Cell, List<Score>> scores = new LinkedHashMap<>();
    for (int round = 1; round <= rounds; round++) {
      for (int threads : threadCounts) {
        OptionsBuilder options = new OptionsBuilder();
        options.include(Pattern.quote(NearCacheHitBenchmark.class.getName()) + "\\..*")
            .threads(threads)
            .shouldFailOnError(true);
        if (Runs.quick()) {
          options.warmupIterations(1).warmupTime(QUICK_ITERATION).measurementIterations(2)
              .measurementTime(QUICK_ITERATION);
        }
        for (RunResult result : new Runner(options.build()).run()) {
          String benchmark = result.getParams().getBenchmark();
          String contender = benchmark.substring(benchmark.lastIndexOf('.') + 1);
          Result<?> primary = result.getPrimaryResult();
          scores.computeIfAbsent(new Cell(result.getParams().getParam("value"), threads, contender),
              c -> new ArrayList<>()).add(new Score(primary.getScore(), primary.getScoreError()));
        }
      }
    }
    return report(scores, threadCounts, rounds, loadBefore, Machine.loadAverage());
  }

  private static String report(Map<Cell, List<Score>> scores, int[] threadCounts, int rounds, String loadBefore,
      String loadAfter) {
    MarkdownTable throughput = new MarkdownTable("value", "threads", "contender", "million gets/s (median)",
        "ns per get (one thread)", "each run, ± 99.9% error");
    MarkdownTable ratios = new MarkdownTable("value", "threads",
        "pgjcache by value / Caffeine by value (target >= 0.5)",
        "pgjcache by reference / Caffeine by reference (target >= 0.5)",
        "pgjcache by reference / Caffeine by reference, bounded",
        "pgjcache by reference / ConcurrentHashMap");
    for (String value : List.of("string", "record")) {
      for (int threads : threadCounts) {
        Map<String, Double> medians = new LinkedHashMap<>();
        for (Map.Entry<String, String> contender : CONTENDERS.entrySet()) {
          List<Score> runs = scores.getOrDefault(new Cell(value, threads, contender.getKey()), List.of());
          double median = Runs.median(runs.stream().map(Score::opsPerMicro).toList());
          medians.put(contender.getKey(), median);
          throughput.row(value, threads, contender.getValue(), MarkdownTable.decimal(median, 2),
              MarkdownTable.decimal(threads * 1_000 / median, 0), describe(runs));
        }
        double byReference = medians.get("pgjcacheByReference");
        ratios.row(value, threads, ratio(medians.get("pgjcache"), medians.get("caffeineByValue")),
            ratio(byReference, medians.get("caffeineByReference")),
            ratio(byReference, medians.get("caffeineBoundedByReference")),
            ratio(byReference, medians.get("concurrentHashMap")));
      }
    }
    return "### Near-cache hit throughput\n\n"
        + "`get` of " + HitData.KEYS + " prepopulated keys in Zipf order (s = " + ZipfKeys.DEFAULT_EXPONENT
        + "), every get a hit in process memory; values are " + HitData.STRING_LENGTH + "-character Strings or a small "
        + "Serializable record. JMH, 1 fork, "
        + (Runs.quick() ? "QUICK RUN (1 thread only, 1 x " + QUICK_ITERATION + " warm-up, 2 x " + QUICK_ITERATION
            + " measurement)" : "3 x 2 s warm-up, 5 x 2 s measurement")
        + " per benchmark; median of " + rounds + " run(s). pgjcache's table was locked ACCESS EXCLUSIVE throughout, "
        + "and a statistics pass before and after counted a hit for every key and no miss: no get read PostgreSQL.\n\n"
        + throughput.render() + "\n" + ratios.render() + "\n"
        + "Load average (1, 5, 15 min) before: " + loadBefore + ", after: " + loadAfter + "\n";
  }

  private static String describe(List<Score> runs) {
    List<String> parts = new ArrayList<>();
    for (Score run : runs) {
      parts.add(String.format(Locale.ROOT, "%.2f ± %.2f", run.opsPerMicro(), run.error()));
    }
    return String.join("; ", parts);
  }

  private static String ratio(double numerator, double denominator) {
    return String.format(Locale.ROOT, "%.2fx", numerator / denominator);
  }
}
