package io.pgjcache.benchmarks.nearcache;

import io.pgjcache.PgCache;
import io.pgjcache.PgCacheConfiguration;
import io.pgjcache.PgCacheManager;
import io.pgjcache.benchmarks.CacheTableCopy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.cache.Cache;
import javax.sql.DataSource;

/**
 * Measurement 3, what a write pays for invalidation: pgjcache's put statement sent by raw JDBC to two equal
 * UNLOGGED tables in one run, the cache's own table (with pgjcache's notify triggers) and a copy made with
 * {@code CREATE UNLOGGED TABLE ... (LIKE ... INCLUDING ALL)} (same columns, indexes and storage parameters; LIKE
 * copies no triggers), plus pgjcache's {@code put} itself; at 1, 4 and 16 threads, with no LISTEN connection on
 * the database and with one node listening (a manager with its near cache on). Keys in Zipf order over
 * {@value WriteKeys#KEYS} prepopulated keys, so nearly every write is an update; values of
 * {@value WriteKeys#VALUE_LENGTH} characters.
 *
 * <p>From the repository root (builds the provider in the same reactor; nothing is installed):
 * <pre>
 * mvn -q -Pnearcache -Dnearcache=write-cost -pl benchmarks -am package -DskipTests [-Dnearcache.rounds=2]
 * </pre>
 * About 4 minutes per round.
 */
final class WriteCost {
  private static final String CACHE = "write-cost";
  private static final String COPY = "write_cost_without_triggers";
  private static final int[] THREADS = Runs.threadCounts(new int[] {1, 4, 16});
  private static final Duration WARM_UP = Runs.length(Duration.ofSeconds(3));
  private static final Duration MEASURED = Runs.length(Duration.ofSeconds(10));
  private static final List<String> CONTENDERS = List.of("raw JDBC, copy without triggers",
      "raw JDBC, cache table with triggers", "pgjcache put");
  private static final List<String> MODES = List.of("no LISTEN connection", "one node LISTENing");

  private WriteCost() {
  }

  private record Cell(String mode, int threads, String contender) {
  }

  static String run() throws Exception {
    int rounds = Runs.count();
    String loadBefore = Machine.loadAverage();
    Map<Cell, List<Double>> results = new LinkedHashMap<>();
    WriteKeys data = new WriteKeys();
    ZipfKeys zipf = new ZipfKeys(WriteKeys.KEYS, ZipfKeys.DEFAULT_EXPONENT);
    double maxQueueUsage = 0;
    try (Nodes nodes = new Nodes()) {
      PgCacheManager writer = nodes.node("writer", Nodes.settings("pgjcache.pool.size", "20",
          "pgjcache.near-cache.enabled", "false"));
      PgCacheConfiguration<String, String> configuration = new PgCacheConfiguration<>();
      configuration.setTypes(String.class, String.class);
      Cache<String, String> cache = writer.createCache(CACHE, configuration);
      String withTriggers = cache.unwrap(PgCache.class).getTableName();
      String withoutTriggers = "\"" + nodes.schema() + "\".\"" + COPY + "\"";
      String sequence = "\"" + nodes.schema() + "\".\"entry_version\"";
      DataSource dataSource = writer.getDataSource();
      prepare(dataSource, cache, data, withTriggers, withoutTriggers);
      for (int round = 1; round <= rounds; round++) {
        for (String mode : MODES) {
          PgCacheManager listening = mode.equals(MODES.get(1)) ? listeningNode(nodes) : null;
          try {
            for (int threads : THREADS) {
              for (String contender : CONTENDERS) {
                ThroughputProbe.WorkerFactory workers = switch (contender) {
                  case "raw JDBC, copy without triggers" -> t -> new RawUpsert(dataSource, withoutTriggers, sequence,
                      2, data, zipf.sequence(1 << 16, t + 100L * threads));
                  case "raw JDBC, cache table with triggers" -> t -> new RawUpsert(dataSource, withTriggers, sequence,
                      1, data, zipf.sequence(1 << 16, t + 100L * threads));
                  default -> t -> pgjcachePut(cache, data, zipf.sequence(1 << 16, t + 100L * threads));
                };
                double opsPerSecond = ThroughputProbe.opsPerSecond(threads, WARM_UP, MEASURED, workers);
                maxQueueUsage = Math.max(maxQueueUsage, notificationQueueUsage(dataSource));
                results.computeIfAbsent(new Cell(mode, threads, contender), c -> new ArrayList<>()).add(opsPerSecond);
                System.err.printf("round %d, %s, %d threads, %s: %,.0f ops/s%n", round, mode, threads, contender,
                    opsPerSecond);
              }
            }
          } finally {
            if (listening != null) {
              listening.close();
            }
          }
        }
      }
    }
    return report(results, rounds, maxQueueUsage, loadBefore, Machine.loadAverage());
  }

  /** Fills both tables with every key, and checks that only the cache's table has triggers. */
  private static void prepare(DataSource dataSource, Cache<String, String> cache, WriteKeys data,
      String withTriggers, String withoutTriggers) throws SQLException {
    Map<String, String> all = new LinkedHashMap<>();
    for (int i = 0; i < WriteKeys.KEYS; i++) {
      all.put(data.keys[i], data.values[i]);
    }
    cache.putAll(all);
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      // No node near-caches this cache, so its table has no triggers yet: give it the ones a near-cacher would.
      CacheTableCopy.addNotifyTriggers(c, withTriggers);
      String options;
      try (ResultSet rs = s.executeQuery("SELECT array_to_string(reloptions, ', ') FROM pg_class WHERE oid = '"
          + withTriggers.replace("'", "''") + "'::regclass")) {
        rs.next();
        options = rs.getString(1);
      }
      s.execute("CREATE UNLOGGED TABLE " + withoutTriggers + " (LIKE " + withTriggers + " INCLUDING ALL)"
          + (options == null ? "" : " WITH (" + options + ")"));
      s.execute("INSERT INTO " + withoutTriggers + " SELECT * FROM " + withTriggers);
      s.execute("VACUUM ANALYZE " + withTriggers);
      s.execute("VACUUM ANALYZE " + withoutTriggers);
      int with = userTriggers(s, withTriggers);
      int without = userTriggers(s, withoutTriggers);
      if (with == 0 || without != 0) {
        throw new IllegalStateException("expected triggers on " + withTriggers + " only; found " + with + " there and "
            + without + " on " + withoutTriggers);
      }
    }
  }

  private static int userTriggers(Statement s, String table) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = '"
        + table.replace("'", "''") + "'::regclass")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** A second node that opens the cache with its near cache on, which opens its LISTEN connection. */
  private static PgCacheManager listeningNode(Nodes nodes) {
    PgCacheManager listening = nodes.node("listener-" + System.nanoTime(), Nodes.settings("pgjcache.pool.size", "2",
        "pgjcache.near-cache.enabled", "true"));
    listening.getCache(CACHE, String.class, String.class);
    return listening;
  }

  private static ThroughputProbe.Worker pgjcachePut(Cache<String, String> cache, WriteKeys data, int[] order) {
    return new ThroughputProbe.Worker() {
      private int position;

      @Override
      public void runOnce() {
        int key = order[position++ % order.length];
        cache.put(data.keys[key], data.values[key]);
      }
    };
  }

  /** How full PostgreSQL's notification queue is (0 to 1): near 0 unless a listener falls behind. */
  private static double notificationQueueUsage(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_notification_queue_usage()")) {
      rs.next();
      return rs.getDouble(1);
    }
  }

  private static String report(Map<Cell, List<Double>> results, int rounds, double maxQueueUsage, String loadBefore,
      String loadAfter) {
    MarkdownTable medians = new MarkdownTable("LISTEN", "threads", "raw, without triggers (ops/s)",
        "raw, with triggers (ops/s)", "with / without", "pgjcache put (ops/s)", "pgjcache put / raw without");
    MarkdownTable runs = new MarkdownTable("LISTEN", "threads", "contender", "ops/s, each run");
    for (String mode : MODES) {
      for (int threads : THREADS) {
        double without = median(results, new Cell(mode, threads, CONTENDERS.get(0)));
        double with = median(results, new Cell(mode, threads, CONTENDERS.get(1)));
        double put = median(results, new Cell(mode, threads, CONTENDERS.get(2)));
        medians.row(mode, threads, MarkdownTable.count(without), MarkdownTable.count(with),
            MarkdownTable.decimal(with / without, 2) + "x", MarkdownTable.count(put),
            MarkdownTable.decimal(put / without, 2) + "x");
        for (String contender : CONTENDERS) {
          List<String> each = results.getOrDefault(new Cell(mode, threads, contender), List.of()).stream()
              .map(MarkdownTable::count).toList();
          runs.row(mode, threads, contender, String.join("; ", each));
        }
      }
    }
    return "### What a write pays for invalidation\n\n"
        + "pgjcache's put statement (advisory lock on the key, `INSERT ... ON CONFLICT DO UPDATE`, version from a "
        + "sequence), auto-commit, sent by raw JDBC (one connection and prepared statement per thread) to the cache's "
        + "UNLOGGED table, whose statement-level triggers NOTIFY every change, and to a copy of it made with `LIKE "
        + "... INCLUDING ALL` (no triggers); and pgjcache's `put` on the cache. " + WriteKeys.KEYS
        + " prepopulated keys in Zipf order (s = " + ZipfKeys.DEFAULT_EXPONENT + "), " + WriteKeys.VALUE_LENGTH
        + "-character values; " + WARM_UP.toSeconds() + " s warm-up, " + MEASURED.toSeconds()
        + " s measured per cell; medians of " + rounds + " run(s). *One node LISTENing*: a second manager "
        + "with its near cache on has the cache open. Highest notification queue usage seen: "
        + MarkdownTable.decimal(maxQueueUsage * 100, 4) + " %.\n\n"
        + medians.render() + "\nEach run:\n\n" + runs.render() + "\n"
        + "Load average (1, 5, 15 min) before: " + loadBefore + ", after: " + loadAfter + "\n";
  }

  private static double median(Map<Cell, List<Double>> results, Cell cell) {
    return Runs.median(results.getOrDefault(cell, List.of()));
  }
}
