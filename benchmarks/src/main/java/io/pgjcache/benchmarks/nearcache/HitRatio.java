package io.pgjcache.benchmarks.nearcache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.pgjcache.PgCache;
import io.pgjcache.PgCacheConfiguration;
import io.pgjcache.PgCacheManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Measurement 5, how often a near cache spares PostgreSQL a read: one seeded Zipf trace of gets over
 * {@value #KEYS} keys, replayed against pgjcache's near cache of {@value #NEAR_CACHE_SIZE} entries, against a
 * plain Caffeine cache of the same size and against an exact LRU of the same size, at the exponents 0.8 and
 * 0.99. Each contender first replays {@value #WARM_UP} gets (20 times the cache's size: enough to fill it and to
 * let a frequency-based policy see the trace), then the {@value #COUNTED} counted gets that follow them.
 *
 * <p>pgjcache is measured as a user sees it: a second manager fills the cache's table first, then a node with
 * its near cache on ({@code pgjcache.near-cache.max-entries}) and a pool of one connection replays the trace
 * through {@code Cache.get}. Its misses are what PostgreSQL says it read ({@link TableReads}) before and after the
 * counted gets. Caffeine and the LRU count their own misses.
 *
 * <p>From the repository root (builds the provider in the same reactor; nothing is installed):
 * <pre>
 * mvn -q -Pnearcache -Dnearcache=hit-ratio -pl benchmarks -am package -DskipTests [-Dnearcache.rounds=2]
 * </pre>
 * About 3 minutes per round; each round replays the same trace, so rounds differ only where a policy draws
 * random numbers (Caffeine's admission does, against hash flooding). A {@linkplain Runs#quick() quick} run replays
 * a tenth of the trace: it only shows that every contender still runs.
 */
final class HitRatio {
  static final int KEYS = 100_000;
  static final int NEAR_CACHE_SIZE = 10_000;
  static final int WARM_UP = 200_000;
  static final int COUNTED = 500_000;
  /** How much shorter a quick run's trace is. */
  private static final int QUICK_DIVISOR = 10;
  private static final double[] EXPONENTS = {0.8, 0.99};
  private static final long SEED = 42;
  private static final String CACHE = "hit-ratio";
  private static final List<String> CONTENDERS = List.of("pgjcache near cache", "Caffeine", "exact LRU");

  private HitRatio() {
  }

  private record Cell(double exponent, String contender) {
  }

  static String run() throws SQLException {
    int rounds = Runs.count();
    String loadBefore = Machine.loadAverage();
    Map<Cell, List<Double>> ratios = new LinkedHashMap<>();
    int divisor = Runs.quick() ? QUICK_DIVISOR : 1;
    int warmUp = WARM_UP / divisor;
    int counted = COUNTED / divisor;
    for (int round = 1; round <= rounds; round++) {
      for (double exponent : EXPONENTS) {
        int[] trace = new ZipfKeys(KEYS, exponent).sequence(warmUp + counted, SEED);
        for (String contender : CONTENDERS) {
          long misses = switch (contender) {
            case "pgjcache near cache" -> pgjcacheReads(trace, warmUp);
            case "Caffeine" -> misses(trace, warmUp, caffeine());
            default -> misses(trace, warmUp, exactLru());
          };
          double ratio = 1 - (double) misses / counted;
          ratios.computeIfAbsent(new Cell(exponent, contender), c -> new ArrayList<>()).add(ratio);
          System.err.printf(Locale.ROOT, "round %d, s = %.2f, %s: %,d misses, hit ratio %.3f%n", round, exponent,
              contender, misses, ratio);
        }
      }
    }
    return report(ratios, rounds, warmUp, counted, loadBefore, Machine.loadAverage());
  }

  /** The counted gets of the trace (those after the warm-up) that missed, for a cache that loads what it misses. */
  private static long misses(int[] trace, int warmUp, Predicate<String> getOrLoad) {
    replay(trace, 0, warmUp, getOrLoad);
    return replay(trace, warmUp, trace.length, getOrLoad);
  }

  /** Gets the keys of {@code trace[from .. to)}; returns how many did not hit. */
  private static long replay(int[] trace, int from, int to, Predicate<String> get) {
    long misses = 0;
    for (int i = from; i < to; i++) {
      if (!get.test(key(trace[i]))) {
        misses++;
      }
    }
    return misses;
  }

  /**
   * A plain Caffeine cache of the near cache's size; whether a get hit. Maintenance runs on the caller's thread,
   * as in pgjcache's near cache, so that evictions happen at the same points of the trace.
   */
  private static Predicate<String> caffeine() {
    Cache<String, String> cache = Caffeine.newBuilder().maximumSize(NEAR_CACHE_SIZE).executor(Runnable::run).build();
    return key -> {
      if (cache.getIfPresent(key) != null) {
        return true;
      }
      cache.put(key, value(key));
      return false;
    };
  }

  /** A {@link LinkedHashMap} in access order that drops its least recently used entry past the size. */
  private static Predicate<String> exactLru() {
    Map<String, String> lru = new LinkedHashMap<>(2 * NEAR_CACHE_SIZE, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
        return size() > NEAR_CACHE_SIZE;
      }
    };
    return key -> {
      if (lru.get(key) != null) {
        return true;
      }
      lru.put(key, value(key));
      return false;
    };
  }

  /** The reads of the cache's table that pgjcache's counted gets caused. */
  private static long pgjcacheReads(int[] trace, int warmUp) throws SQLException {
    try (Nodes nodes = new Nodes()) {
      PgCacheManager filler = nodes.node("filler", Nodes.settings("pgjcache.near-cache.enabled", "false"));
      PgCacheConfiguration<String, String> configuration = new PgCacheConfiguration<>();
      configuration.setTypes(String.class, String.class);
      javax.cache.Cache<String, String> filled = filler.createCache(CACHE, configuration);
      fill(filled);
      // The reader comes after the fill, so no notification of it can reach the reader's near cache.
      PgCacheManager reader = nodes.node("reader", Nodes.settings("pgjcache.near-cache.enabled", "true",
          "pgjcache.near-cache.max-entries", String.valueOf(NEAR_CACHE_SIZE), "pgjcache.pool.size", "1"));
      javax.cache.Cache<String, String> cache = reader.getCache(CACHE, String.class, String.class);
      String table = cache.unwrap(PgCache.class).getTableName();
      Predicate<String> get = key -> {
        if (cache.get(key) == null) {
          throw new IllegalStateException("key " + key + " is missing from " + table);
        }
        return true;
      };
      replay(trace, 0, warmUp, get);
      long before = TableReads.count(reader.getDataSource(), filler.getDataSource(), table);
      replay(trace, warmUp, trace.length, get);
      long after = TableReads.count(reader.getDataSource(), filler.getDataSource(), table);
      return after - before;
    }
  }

  private static void fill(javax.cache.Cache<String, String> cache) {
    Map<String, String> batch = new LinkedHashMap<>();
    for (int i = 0; i < KEYS; i++) {
      batch.put(key(i), value(key(i)));
      if (batch.size() == 1_000) {
        cache.putAll(batch);
        batch.clear();
      }
    }
    cache.putAll(batch);
  }

  static String key(int index) {
    return "key-" + index;
  }

  private static String value(String key) {
    return "value of " + key;
  }

  private static String report(Map<Cell, List<Double>> ratios, int rounds, int warmUp, int counted,
      String loadBefore, String loadAfter) {
    MarkdownTable table = new MarkdownTable("Zipf s", "contender", "hit ratio (median)", "each round",
        "PostgreSQL reads per 1,000 gets");
    for (Map.Entry<Cell, List<Double>> cell : ratios.entrySet()) {
      double median = Runs.median(cell.getValue());
      table.row(MarkdownTable.decimal(cell.getKey().exponent(), 2), cell.getKey().contender(),
          MarkdownTable.decimal(median, 3),
          String.join(", ", cell.getValue().stream().map(r -> MarkdownTable.decimal(r, 3)).toList()),
          MarkdownTable.decimal(1000 * (1 - median), 0));
    }
    return "### Near-cache hit ratio\n\n"
        + "One Zipf trace (seed " + SEED + ") over " + MarkdownTable.count(KEYS) + " keys; caches of "
        + MarkdownTable.count(NEAR_CACHE_SIZE) + " entries; " + MarkdownTable.count(warmUp) + " gets of warm-up, then "
        + MarkdownTable.count(counted) + " counted gets" + (Runs.quick() ? " (QUICK RUN: a tenth of the trace)" : "")
        + "; " + rounds + " round(s). pgjcache's misses are the reads "
        + "PostgreSQL counted on the cache's table (`idx_scan + seq_scan`); \"PostgreSQL reads\" for Caffeine and the "
        + "LRU are the loads a user would make on their misses.\n\n"
        + table.render() + "\nLoad average before: " + loadBefore + "; after: " + loadAfter + "\n";
  }
}
