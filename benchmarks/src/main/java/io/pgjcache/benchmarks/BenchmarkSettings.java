package io.pgjcache.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What one run of the {@link LoadDriver} measures, read from system properties. An absent or empty
 * property takes its default; {@code bench.quick=true} changes the defaults to a short smoke run, and
 * properties given explicitly still win over it.
 *
 * @param warmup       load before each timed window, not counted ({@code bench.warmup}, seconds)
 * @param window       timed window of each round ({@code bench.duration}, seconds)
 * @param rounds       timed windows per contender, operation and thread count ({@code bench.rounds})
 * @param threads      thread counts to measure ({@code bench.threads}, comma-separated)
 * @param workloads    operations to measure ({@code bench.workloads}: {@code get,put,mixed,getall,putall})
 * @param batch        keys per {@code getAll}/{@code putAll} call ({@code bench.batch})
 * @param keys         number of distinct keys, all prepopulated ({@code bench.keys})
 * @param zipfExponent skew of the key distribution ({@code bench.zipf})
 * @param valueLength  characters of each value string ({@code bench.value-length})
 * @param poolSize     maximum connections of both pools ({@code bench.pool-size}; default: most threads)
 * @param schema       schema of both tables ({@code bench.schema})
 * @param quick        whether the short defaults were used ({@code bench.quick})
 */
public record BenchmarkSettings(Duration warmup, Duration window, int rounds, List<Integer> threads,
    List<Workload> workloads, int batch, int keys, double zipfExponent, int valueLength, int poolSize, String schema,
    boolean quick) {

  private static final Pattern SIMPLE_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  public BenchmarkSettings {
    threads = List.copyOf(threads);
    workloads = List.copyOf(workloads);
    // Threads first: the default pool size derives from them, so a bad list must be named as such.
    if (threads.isEmpty() || threads.stream().anyMatch(t -> t < 1)) {
      throw new IllegalArgumentException("bench.threads must list thread counts >= 1, not " + threads);
    }
    requirePositive("bench.rounds", rounds);
    requirePositive("bench.keys", keys);
    requirePositive("bench.batch", batch);
    // A batch holds distinct keys drawn from the Zipf distribution: near the key count, the cold tail would take
    // a very long time to draw.
    if (batch > keys / 10 && workloads.stream().anyMatch(Workload::batched)) {
      throw new IllegalArgumentException("bench.batch (" + batch + ") must be at most a tenth of bench.keys ("
          + keys + ")");
    }
    requirePositive("bench.value-length", valueLength);
    requirePositive("bench.pool-size", poolSize);
    if (workloads.isEmpty()) {
      throw new IllegalArgumentException("bench.workloads must name at least one of get, put, mixed, getall, putall");
    }
    if (window.isZero() || window.isNegative() || warmup.isNegative()) {
      throw new IllegalArgumentException("bench.duration must be > 0 and bench.warmup >= 0");
    }
    if (!SIMPLE_IDENTIFIER.matcher(schema).matches()) {
      throw new IllegalArgumentException("bench.schema must be a lower-case SQL identifier, not '" + schema + "'");
    }
  }

  /** The settings given as JVM system properties. */
  public static BenchmarkSettings fromSystemProperties() {
    return from(System::getProperty);
  }

  /** The settings given by {@code properties} (name to value, null when absent). */
  public static BenchmarkSettings from(Function<String, String> properties) {
    Function<String, String> given = name -> {
      String value = properties.apply(name);
      return value == null || value.isBlank() ? null : value.trim();
    };
    boolean quick = Boolean.parseBoolean(given.apply("bench.quick"));
    List<Integer> threads = parseThreads(orDefault(given.apply("bench.threads"), "1,4,16"));
    String poolSize = given.apply("bench.pool-size");
    return new BenchmarkSettings(
        seconds("bench.warmup", orDefault(given.apply("bench.warmup"), quick ? "0.2" : "1")),
        seconds("bench.duration", orDefault(given.apply("bench.duration"), quick ? "0.5" : "3")),
        integer("bench.rounds", orDefault(given.apply("bench.rounds"), quick ? "1" : "3")),
        threads,
        parseWorkloads(orDefault(given.apply("bench.workloads"), "get,put,mixed,getall,putall")),
        integer("bench.batch", orDefault(given.apply("bench.batch"), "100")),
        integer("bench.keys", orDefault(given.apply("bench.keys"), "10000")),
        number("bench.zipf", orDefault(given.apply("bench.zipf"), "0.99")),
        integer("bench.value-length", orDefault(given.apply("bench.value-length"), "100")),
        poolSize == null ? Collections.max(threads) : integer("bench.pool-size", poolSize),
        orDefault(given.apply("bench.schema"), "pgjcache_bench"),
        quick);
  }

  private static List<Integer> parseThreads(String text) {
    List<Integer> counts = new ArrayList<>();
    for (String part : text.split(",")) {
      counts.add(integer("bench.threads", part.trim()));
    }
    return counts;
  }

  private static List<Workload> parseWorkloads(String text) {
    List<Workload> chosen = new ArrayList<>();
    for (String part : text.split(",")) {
      chosen.add(Workload.named(part.trim().toLowerCase(Locale.ROOT)));
    }
    return chosen;
  }

  private static Duration seconds(String name, String text) {
    double seconds = number(name, text);
    return Duration.ofMillis(Math.round(seconds * 1000));
  }

  private static int integer(String name, String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, not '" + text + "'", e);
    }
  }

  private static double number(String name, String text) {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, not '" + text + "'", e);
    }
  }

  private static void requirePositive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, not " + value);
    }
  }

  private static String orDefault(String value, String fallback) {
    return value == null ? fallback : value;
  }
}
