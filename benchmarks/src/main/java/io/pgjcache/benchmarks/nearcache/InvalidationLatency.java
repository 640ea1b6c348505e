package io.pgjcache.benchmarks.nearcache;

import io.pgjcache.PgCacheConfiguration;
import io.pgjcache.PgCacheManager;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import javax.cache.Cache;

/**
 * Measurement 2, invalidation latency under write load: two nodes (two managers with their own URIs, pools
 * and LISTEN connections on one database); node B holds near copies of {@value #KEYS} keys, node A overwrites
 * them at 500 and 2,000 writes/s and as fast as {@value InvalidationRun#WRITERS} threads go. Per write it reports
 * how long after A's {@code put} returned (the commit) B's near copy was gone, and when B's reads returned the new
 * value, as p50/p99/max per rate; and whether every write's invalidation was observed (see
 * {@link InvalidationRun} for how).
 *
 * <p>From the repository root (builds the provider in the same reactor; nothing is installed):
 * <pre>
 * mvn -q -Pnearcache -Dnearcache=invalidation -pl benchmarks -am package -DskipTests [-Dnearcache.rounds=2]
 * </pre>
 * About a minute per round, after a pass of about 30 s that is not recorded.
 */
final class InvalidationLatency {
  static final int KEYS = 256;
  private static final String CACHE = "invalidation";
  private static final int[] RATES = {500, 2_000, 0};
  /**
   * The rate of the unrecorded pass before the first round. Without it, the first round's 2,000 writes/s stalled in
   * two runs of 2026-12-07 (PostgreSQL 15: copy gone p99 43.33 and 55.71 ms, against 1.46 and 0.64 ms in the second
   * round), and in the first of them the bare listener's delivery too (p99 11.42 ms): the JVM that holds both nodes
   * was still compiling their write and notification paths on the two cores it shares with PostgreSQL. With the pass,
   * the first round stayed under 5 ms in two runs, and the pass itself stalled instead.
   */
  private static final int WARM_UP_RATE = 2_000;
  private static final Duration WARM_UP = Runs.length(Duration.ofSeconds(3));
  private static final Duration MEASURED = Runs.length(Duration.ofSeconds(15));
  private static final Duration SETTLE = Duration.ofSeconds(10);
  /** More writes than four unpaced writers commit in one phase here, by a wide margin. */
  private static final int CAPACITY = 2_000_000;

  private InvalidationLatency() {
  }

  static String run() throws InterruptedException, IOException {
    int rounds = Runs.count();
    String loadBefore = Machine.loadAverage();
    Map<Integer, List<InvalidationRun.Result>> byRate = new LinkedHashMap<>();
    InvalidationRun.Result warmUp = measure(WARM_UP_RATE);
    System.err.printf("warm-up pass, rate %s: copy gone p99 %s ms (not recorded)%n", rateName(WARM_UP_RATE),
        MarkdownTable.millis(warmUp.gone().at(0.99)));
    for (int round = 1; round <= rounds; round++) {
      for (int rate : RATES) {
        InvalidationRun.Result result = measure(rate);
        byRate.computeIfAbsent(rate, r -> new ArrayList<>()).add(result);
        System.err.printf("round %d, rate %s: %,.0f writes/s, copy gone p99 %s ms, lost %d, stale %d%n", round,
            rateName(rate), result.achievedRate(), MarkdownTable.millis(result.gone().at(0.99)), result.lost(),
            result.staleAtEnd());
      }
    }
    return report(byRate, rounds, loadBefore, Machine.loadAverage());
  }

  private static InvalidationRun.Result measure(int rate) throws InterruptedException, IOException {
    try (Nodes nodes = new Nodes()) {
      PgCacheManager nodeA = nodes.node("a", Nodes.settings("pgjcache.pool.size", "6"));
      PgCacheManager nodeB = nodes.node("b", Nodes.settings("pgjcache.pool.size",
          String.valueOf(InvalidationRun.READERS + 1)));
      PgCacheConfiguration<String, Long> configuration = new PgCacheConfiguration<>();
      configuration.setTypes(String.class, Long.class);
      configuration.setNearCacheEnabled(true);
      Cache<String, Long> onA = nodeA.createCache(CACHE, configuration);
      Cache<String, Long> onB = nodeB.getCache(CACHE, String.class, Long.class);
      String[] keys = new String[KEYS];
      for (int k = 0; k < KEYS; k++) {
        keys[k] = "key:" + k;
        onA.put(keys[k], -1L);
      }
      // B starts with a near copy of every key; the round robin keeps it so (see InvalidationRun).
      Thread.sleep(200);
      for (String key : keys) {
        onB.get(key);
      }
      NotificationProbe probe = new NotificationProbe(nodeA.getDataSource(), nodes.schema(), keys, CAPACITY / KEYS);
      return new InvalidationRun(onA, onB, probe, keys, rate, CAPACITY).execute(WARM_UP, MEASURED, SETTLE);
    }
  }

  private static String report(Map<Integer, List<InvalidationRun.Result>> byRate, int rounds, String loadBefore,
      String loadAfter) {
    MarkdownTable medians = new MarkdownTable("A writes/s (target)", "achieved",
        "notification reached a client, ms p50 / p99 / max", "B's copy gone, ms p50 / p99 / max",
        "B reads the new value, ms p50 / p99 / max", "copy gone p99 < 5 ms", "writes observed / superseded / lost",
        "stale at end");
    MarkdownTable runs = new MarkdownTable("A writes/s (target)", "run", "achieved", "writes measured",
        "notification p50 / p99 / p99.9 / max", "copy gone p50 / p99 / p99.9 / max", "new value read p50 / p99 / p99.9 / max", "observed / superseded / lost",
        "first poll already fresh", "stale at end", "failed puts");
    for (Map.Entry<Integer, List<InvalidationRun.Result>> entry : byRate.entrySet()) {
      List<InvalidationRun.Result> results = entry.getValue();
      String rate = rateName(entry.getKey());
      long goneP99 = median(results, r -> r.gone().at(0.99));
      medians.row(rate, MarkdownTable.count(Runs.median(results.stream().map(r -> r.achievedRate()).toList())),
          triple(results, InvalidationRun.Result::delivered), triple(results, InvalidationRun.Result::gone),
          triple(results, InvalidationRun.Result::visible),
          goneP99 < 5_000_000 ? "yes" : "no",
          sum(results, InvalidationRun.Result::observed) + " / " + sum(results, InvalidationRun.Result::superseded)
              + " / " + sum(results, InvalidationRun.Result::lost), sum(results, InvalidationRun.Result::staleAtEnd));
      for (int i = 0; i < results.size(); i++) {
        InvalidationRun.Result r = results.get(i);
        runs.row(rate, i + 1, MarkdownTable.count(r.achievedRate()), r.measured(), spread(r.delivered()), spread(r.gone()),
            spread(r.visible()), r.observed() + " / " + r.superseded() + " / " + r.lost(), r.freshAtFirstPoll(),
            r.staleAtEnd(), r.failedWrites());
      }
    }
    return "### Invalidation latency under write load\n\n"
        + "Two nodes (two managers, own pools and LISTEN connections, one PostgreSQL). Node B holds near copies of "
        + KEYS + " keys; node A overwrites them round robin with " + InvalidationRun.WRITERS + " threads at a target "
        + "rate (" + WARM_UP.toSeconds() + " s warm-up, " + MEASURED.toSeconds() + " s measured), after one "
        + "unrecorded pass at " + rateName(WARM_UP_RATE) + " writes/s in which the JVM compiles both nodes' paths. "
        + InvalidationRun.READERS + " reader threads on B poll each key that has an unseen write (pausing "
        + InvalidationRun.READER_PAUSE_NANOS / 1_000 + " µs between passes) until a get returns that write. "
        + "Times are from A's `put` returning: *notification reached a client* is "
        + "when a third, bare listener (the provider's LISTEN connection class with nothing behind it) read the "
        + "write's notification, i.e. delivery through PostgreSQL and the socket alone; *copy gone* is the start "
        + "of B's first get that returned the new value (B's near copy was gone by then), *reads the new value* its "
        + "end (one PostgreSQL read later). Medians over " + rounds + " run(s) of each percentile; counts are summed. "
        + "*Superseded*: the key was written again before B's readers polled it; *lost*: neither this write nor a "
        + "later one of its key was seen; *stale at end*: keys whose newest write B still did not return "
        + SETTLE.toSeconds() + " s after the writes stopped (a lost invalidation); *first poll already fresh*: the first "
        + "get after the commit already returned the new value (the copy was gone before B polled it).\n\n"
        + medians.render() + "\nEach run:\n\n" + runs.render() + "\n"
        + "Load average (1, 5, 15 min) before: " + loadBefore + ", after: " + loadAfter + "\n";
  }

  private static String rateName(int rate) {
    return rate == 0 ? "unpaced (" + InvalidationRun.WRITERS + " threads)" : MarkdownTable.count(rate);
  }

  private static String triple(List<InvalidationRun.Result> results,
      java.util.function.Function<InvalidationRun.Result, Percentiles> which) {
    return MarkdownTable.millis(median(results, r -> which.apply(r).at(0.5))) + " / "
        + MarkdownTable.millis(median(results, r -> which.apply(r).at(0.99))) + " / "
        + MarkdownTable.millis(median(results, r -> which.apply(r).max()));
  }

  private static String spread(Percentiles p) {
    return MarkdownTable.millis(p.at(0.5)) + " / " + MarkdownTable.millis(p.at(0.99)) + " / "
        + MarkdownTable.millis(p.at(0.999)) + " / " + MarkdownTable.millis(p.max());
  }

  private static long median(List<InvalidationRun.Result> results, ToLongFunction<InvalidationRun.Result> value) {
    return Runs.medianOfLongs(results.stream().mapToLong(value).toArray());
  }

  private static long sum(List<InvalidationRun.Result> results, ToLongFunction<InvalidationRun.Result> value) {
    return results.stream().mapToLong(value).sum();
  }
}
