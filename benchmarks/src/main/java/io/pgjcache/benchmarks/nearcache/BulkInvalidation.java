package io.pgjcache.benchmarks.nearcache;

import io.pgjcache.PgCache;
import io.pgjcache.PgCacheConfiguration;
import io.pgjcache.PgCacheManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.sql.DataSource;

/**
 * Measurement 7, what a bulk write on one node does to another node's near cache: node B near-caches
 * {@code nearcache.bulk.keys} keys of its own (default 1,000); node A then calls {@code putAll} with that many
 * other keys, then an {@code UPDATE} of those rows by plain SQL (as any other writer of the table: an operator, a
 * migration), and last {@code removeAll} of them, for each size of {@code nearcache.bulk.sizes} (default 64, 65 and
 * 1,000: up to 64 keys a statement's notification names them, beyond it says "cache changed"). B's keys are
 * untouched, so a near cache that is told which keys changed keeps all of them; the SQL row also shows that the
 * measurement sees a near cache being emptied.
 *
 * <p>Before and after each call of A, B gets each of its keys once; its hit ratio is 1 minus the reads of the
 * cache's table that PostgreSQL counted for those gets ({@link TableReads}; B has a pool of one connection, A too,
 * and A's statistics are flushed before B's gets are counted). Before counting, B waits until it has heard A's
 * call: A overwrites a marker key that B near-caches after its call, and B polls the marker until it reads the new
 * value (notifications reach a node in commit order, so by then B has handled A's call too).
 *
 * <p>From the repository root (builds the provider in the same reactor; nothing is installed):
 * <pre>
 * mvn -q -Pnearcache -Dnearcache=bulk-invalidation -pl benchmarks -am package -DskipTests
 *     [-Dnearcache.bulk.keys=1000] [-Dnearcache.bulk.sizes=64,65,1000]
 * </pre>
 * Under a minute. The result does not depend on the machine's load (only on what the notifications say).
 */
final class BulkInvalidation {
  private static final String CACHE = "bulk-invalidation";
  private static final String MARKER = "marker";
  private static final Duration HEARD_WITHIN = Duration.ofSeconds(30);

  private BulkInvalidation() {
  }

  static String run() throws SQLException, InterruptedException {
    int ownKeys = Runs.integers("nearcache.bulk.keys", "1000").get(0);
    List<Integer> sizes = Runs.integers("nearcache.bulk.sizes", "64,65,1000");
    if (ownKeys < 1 || sizes.contains(0)) {
      throw new IllegalArgumentException("nearcache.bulk.keys and nearcache.bulk.sizes must be >= 1");
    }
    MarkdownTable table = new MarkdownTable("A's call", "keys", "B's hit ratio before", "B's hit ratio after",
        "B's PostgreSQL reads for its " + MarkdownTable.count(ownKeys) + " gets after",
        "B heard the marker after (ms)");
    try (Nodes nodes = new Nodes()) {
      PgCacheManager a = nodes.node("a", Nodes.settings("pgjcache.pool.size", "1",
          "pgjcache.near-cache.enabled", "false"));
      PgCacheManager b = nodes.node("b", Nodes.settings("pgjcache.pool.size", "1",
          "pgjcache.near-cache.enabled", "true",
          "pgjcache.near-cache.max-entries", String.valueOf(Math.max(10_000, 2 * ownKeys))));
      PgCacheConfiguration<String, String> configuration = new PgCacheConfiguration<>();
      configuration.setTypes(String.class, String.class);
      Cache<String, String> onA = a.createCache(CACHE, configuration);
      Cache<String, String> onB = b.getCache(CACHE, String.class, String.class);
      String cacheTable = onA.unwrap(PgCache.class).getTableName();
      Map<String, String> bKeys = new LinkedHashMap<>();
      for (int i = 0; i < ownKeys; i++) {
        bKeys.put("b:" + i, "value of b:" + i);
      }
      onA.putAll(bKeys);
      int step = 0;
      awaitMarker(onA, onB, step);
      for (int size : sizes) {
        Map<String, String> others = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
          others.put("a:" + size + ":" + i, "value " + i);
        }
        for (String call : List.of("putAll", "UPDATE by SQL", "removeAll")) {
          getEach(onB, bKeys.keySet());
          double before = hitRatio(onB, bKeys.keySet(), b.getDataSource(), a.getDataSource(), cacheTable);
          switch (call) {
            case "putAll" -> onA.putAll(others);
            case "removeAll" -> onA.removeAll(new TreeSet<>(others.keySet()));
            default -> touchBySql(a.getDataSource(), cacheTable, others.keySet());
          }
          long heard = awaitMarker(onA, onB, ++step);
          TableReads.flush(a.getDataSource());
          long readsBefore = TableReads.count(b.getDataSource(), a.getDataSource(), cacheTable);
          getEach(onB, bKeys.keySet());
          long reads = TableReads.count(b.getDataSource(), a.getDataSource(), cacheTable) - readsBefore;
          table.row(call, MarkdownTable.count(size), MarkdownTable.decimal(before, 3),
              MarkdownTable.decimal(1 - (double) reads / ownKeys, 3), reads, MarkdownTable.decimal(heard / 1e6, 1));
          System.err.printf(Locale.ROOT, "%s of %d keys on A: B's hit ratio %.3f before, %.3f after%n", call, size,
              before, 1 - (double) reads / ownKeys);
        }
      }
    }
    return "### A bulk write on one node and the other node's near cache\n\n"
        + "Node B near-caches " + MarkdownTable.count(ownKeys) + " keys of its own; node A calls `putAll` with as many "
        + "*other* keys as the row says, then updates their rows with one SQL statement (as any writer other than "
        + "pgjcache would), then calls `removeAll` of them. B's hit ratio on its own keys is 1 minus the "
        + "reads of the cache's table PostgreSQL counted for one get of each (`idx_scan + seq_scan`), before A's call "
        + "and once B has heard it (a marker key A overwrites after its call). 1.000 after means A's call cost B "
        + "nothing; 0.000 means B's near cache was emptied.\n\n"
        + table.render();
  }

  /**
   * One {@code UPDATE} of the rows of {@code keys} that changes nothing but fires the table's triggers; rows are
   * found by the row keys of the keys' {@linkplain StoredForm stored form}.
   */
  private static void touchBySql(DataSource dataSource, String table, Set<String> keys) throws SQLException {
    byte[][] rowKeys = keys.stream().map(k -> StoredForm.rowKey(StoredForm.encode(k))).toArray(byte[][]::new);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET value_bytes = value_bytes"
            + " WHERE key_digest = ANY (?)")) {
      ps.setArray(1, c.createArrayOf("bytea", rowKeys));
      int updated = ps.executeUpdate();
      if (updated != keys.size()) {
        throw new IllegalStateException("the UPDATE found " + updated + " of " + keys.size() + " rows: keys are no"
            + " longer stored as StoredForm assumes");
      }
    }
  }

  private static void getEach(Cache<String, String> cache, Set<String> keys) {
    for (String key : keys) {
      if (cache.get(key) == null) {
        throw new IllegalStateException("key " + key + " is missing");
      }
    }
  }

  private static double hitRatio(Cache<String, String> cache, Set<String> keys, DataSource reader,
      DataSource observer, String table) throws SQLException {
    long before = TableReads.count(reader, observer, table);
    getEach(cache, keys);
    long reads = TableReads.count(reader, observer, table) - before;
    return 1 - (double) reads / keys.size();
  }

  /** Writes {@code step} to the marker on A, then polls B until it returns it; nanoseconds from write to read. */
  private static long awaitMarker(Cache<String, String> onA, Cache<String, String> onB, int step)
      throws InterruptedException {
    String value = String.valueOf(step);
    onA.put(MARKER, value);
    long written = System.nanoTime();
    long deadline = written + HEARD_WITHIN.toNanos();
    while (!value.equals(onB.get(MARKER))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("B did not hear the marker's write within " + HEARD_WITHIN.toSeconds() + " s");
      }
      TimeUnit.MICROSECONDS.sleep(200);
    }
    return System.nanoTime() - written;
  }
}
