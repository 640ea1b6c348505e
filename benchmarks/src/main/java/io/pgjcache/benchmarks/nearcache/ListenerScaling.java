package io.pgjcache.benchmarks.nearcache;

import com.zaxxer.hikari.HikariDataSource;
import io.pgjcache.PgCache;
import io.pgjcache.PgCacheConfiguration;
import io.pgjcache.PgCacheManager;
import io.pgjcache.benchmarks.CacheTableCopy;
import io.pgjcache.benchmarks.PlainTable;
import io.pgjcache.benchmarks.RawStatements;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.cache.Cache;
import javax.sql.DataSource;

/**
 * Measurement 6, how the cost of a write grows with the cluster: put throughput of 1, 2 and 4 writing nodes, each a
 * JVM of its own with {@code threads} writer threads (default 4), while 0, 1, 4, 8 and 16 other nodes listen; for
 * pgjcache's {@code put}, for raw upserts on the plain table (no trigger: the reference), and for the same raw
 * upserts on a copy of the cache table that carries pgjcache's notify triggers (the cost of announcing each write,
 * which every listening connection makes dearer). Writing nodes run with their near cache off, so they hold no
 * LISTEN connection themselves; the writers of one cell start together and each counts the same window.
 *
 * <p>Listening nodes are managers with their near cache on, each with its own pool, near cache and LISTEN
 * connection, that near-cache all {@value WriteKeys#KEYS} keys when they open and then only listen. By default
 * they share one JVM of their own (not the writers'): what a listener costs a write is one more backend for
 * PostgreSQL to signal and one more socket to send each notification to, and separate managers have exactly that;
 * sixteen more JVMs would mostly add their start-up, JIT and heaps to the two cores that client and server share.
 * {@code -Dnearcache.scaling.listener-jvms=true} gives each listening node a JVM of its own instead. When the first
 * listening nodes have opened, they receive notifications for a while, unrecorded, so that their JVM has compiled its
 * notification path (see {@link #warmListeners}). Before each listener count is measured, the LISTEN connections are
 * counted in {@code pg_stat_activity}.
 *
 * <p>From the repository root (builds the provider in the same reactor; nothing is installed):
 * <pre>
 * mvn -q -Pnearcache -Dnearcache=scaling -pl benchmarks -am package -DskipTests [-Dnearcache.rounds=2]
 *     [-Dnearcache.scaling.writers=1,2,4] [-Dnearcache.scaling.listeners=0,1,4,8,16]
 *     [-Dnearcache.scaling.threads=4] [-Dnearcache.scaling.listener-jvms=false]
 * </pre>
 * About 4 minutes per round with the defaults, plus two minutes of set-up and warm-up.
 */
final class ListenerScaling {
  static final String CACHE = "scaling";
  static final String PLAIN_TABLE = "plain_table";
  static final String COPY_TABLE = "cache_table_with_triggers";
  private static final List<String> CONTENDERS = List.of("plain", "triggers", "pgjcache");
  private static final Duration WARM_UP = Runs.length(Duration.ofSeconds(2));
  private static final Duration MEASURED = Runs.length(Duration.ofSeconds(3));
  private static final Duration START_MARGIN = Duration.ofMillis(300);
  private static final Duration SLOW = Duration.ofMinutes(2);
  /** How long the first listening nodes receive notifications before they are measured ({@link #warmListeners}). */
  private static final Duration LISTENER_WARM_UP = Runs.length(Duration.ofSeconds(40));

  private record Cell(int listeners, int writers, String contender) {
  }

  private ListenerScaling() {
  }

  static String run() throws Exception {
    List<Integer> writerCounts = Runs.integers("nearcache.scaling.writers", "1,2,4");
    List<Integer> listenerCounts = Runs.integers("nearcache.scaling.listeners", "0,1,4,8,16");
    int threads = Runs.integers("nearcache.scaling.threads", "4").get(0);
    if (threads < 1 || writerCounts.contains(0)) {
      throw new IllegalArgumentException("nearcache.scaling.threads and nearcache.scaling.writers must be >= 1");
    }
    boolean listenerJvms = Boolean.getBoolean("nearcache.scaling.listener-jvms");
    int rounds = Runs.count();
    String loadBefore = Machine.loadAverage();
    Map<Cell, List<Double>> results = new LinkedHashMap<>();
    Map<Integer, Integer> listenSeen = new HashMap<>();
    try (Nodes nodes = new Nodes()) {
      PgCacheManager setup = nodes.node("setup", Nodes.settings("pgjcache.pool.size", "2",
          "pgjcache.near-cache.enabled", "false"));
      PgCacheConfiguration<String, String> configuration = new PgCacheConfiguration<>();
      configuration.setTypes(String.class, String.class);
      Cache<String, String> cache = setup.createCache(CACHE, configuration);
      prepare(setup.getDataSource(), nodes.schema(), cache);
      Map<String, String> environment = connectionEnvironment(setup.getDataSource());
      List<ChildJvm> writers = new ArrayList<>();
      List<ChildJvm> listenerHosts = new ArrayList<>();
      try {
        for (int w = 0; w < Collections.max(writerCounts); w++) {
          writers.add(ChildJvm.start("writer-" + w, "256m", environment, ScalingNode.class, "writer", nodes.schema(),
              "writer-" + w, String.valueOf(threads)));
        }
        int hosts = listenerJvms ? Collections.max(listenerCounts) : 1;
        for (int h = 0; h < hosts; h++) {
          listenerHosts.add(ChildJvm.start("listeners-" + h, listenerJvms ? "128m" : "512m", environment,
              ScalingNode.class, "listeners", nodes.schema(), "listener-" + h));
        }
        for (ChildJvm writer : writers) {
          writer.await("ok", SLOW);
        }
        // Fresh JVMs: one unrecorded pass of each contender, so that no recorded cell pays for class loading and JIT.
        for (String contender : CONTENDERS) {
          measure(writers, contender, 0);
        }
        boolean listenersWarm = false;
        for (int listeners : listenerCounts) {
          openListeners(listenerHosts, listeners, listenerJvms);
          listenSeen.put(listeners, awaitListenConnections(setup.getDataSource(), listeners));
          if (listeners > 0 && !listenersWarm) {
            warmListeners(writers);
            listenersWarm = true;
          }
          for (int round = 1; round <= rounds; round++) {
            for (int writerCount : writerCounts) {
              for (int c = 0; c < CONTENDERS.size(); c++) {
                String contender = CONTENDERS.get((c + round) % CONTENDERS.size());
                double opsPerSecond = measure(writers.subList(0, writerCount), contender, round * 1_000L);
                results.computeIfAbsent(new Cell(listeners, writerCount, contender), k -> new ArrayList<>())
                    .add(opsPerSecond);
                System.err.printf("round %d, %d listening (%d LISTEN seen), %d writing x %d threads, %s: %,.0f ops/s%n",
                    round, listeners, listenSeen.get(listeners), writerCount, threads, contender, opsPerSecond);
              }
            }
          }
        }
      } finally {
        for (ChildJvm child : writers) {
          child.close();
        }
        for (ChildJvm child : listenerHosts) {
          child.close();
        }
      }
    }
    return report(results, listenSeen, writerCounts, listenerCounts, threads, listenerJvms, rounds, loadBefore,
        Machine.loadAverage());
  }

  /** Fills the cache, and creates and fills the plain table and the copy with triggers with the same keys. */
  private static void prepare(DataSource dataSource, String schema, Cache<String, String> cache) throws SQLException {
    WriteKeys data = new WriteKeys();
    Map<String, String> all = new LinkedHashMap<>();
    for (int i = 0; i < WriteKeys.KEYS; i++) {
      all.put(data.keys[i], data.values[i]);
    }
    cache.putAll(all);
    String plain = "\"" + schema + "\"." + PLAIN_TABLE;
    String copy = "\"" + schema + "\"." + COPY_TABLE;
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      PlainTable.create(s, plain);
      CacheTableCopy.create(c, cache.unwrap(PgCache.class).getTableName(), copy, true);
      // The copy is keyed by the digests of the listening nodes' keys, so its notifications name keys they hold.
      fill(c, PlainTable.statements(plain), data.plainKeys, data.plainValues);
      fill(c, CacheTableCopy.statements(copy), data.digests, data.valueBytes);
      s.execute("VACUUM ANALYZE " + plain);
      s.execute("VACUUM ANALYZE " + copy);
      s.execute("VACUUM ANALYZE " + cache.unwrap(PgCache.class).getTableName());
    }
  }

  private static void fill(Connection c, RawStatements table, byte[][] keys, byte[][] values) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(table.putAll())) {
      ps.setArray(1, c.createArrayOf("bytea", keys));
      ps.setArray(2, c.createArrayOf("bytea", values));
      ps.executeUpdate();
    }
  }

  /** The database the children connect to: this JVM's, even the embedded one it started. */
  private static Map<String, String> connectionEnvironment(DataSource dataSource) {
    HikariDataSource pool = (HikariDataSource) dataSource;
    Map<String, String> environment = new HashMap<>();
    environment.put("PGJCACHE_JDBC_URL", pool.getJdbcUrl());
    if (pool.getUsername() != null) {
      environment.put("PGJCACHE_JDBC_USER", pool.getUsername());
    }
    if (pool.getPassword() != null) {
      environment.put("PGJCACHE_JDBC_PASSWORD", pool.getPassword());
    }
    return environment;
  }

  private static void openListeners(List<ChildJvm> hosts, int listeners, boolean oneJvmEach)
      throws InterruptedException {
    if (oneJvmEach) {
      for (int h = 0; h < hosts.size(); h++) {
        hosts.get(h).send("nodes " + (h < listeners ? 1 : 0));
      }
      for (ChildJvm host : hosts) {
        host.await("ok", SLOW);
      }
    } else {
      hosts.get(0).send("nodes " + listeners);
      hosts.get(0).await("ok", SLOW);
    }
  }

  /**
   * Sends the listening nodes notifications, without recording, for {@link #LISTENER_WARM_UP}: done once, when the
   * first listening nodes have opened. Nodes opened in a JVM that had not yet received notifications ran their
   * notification path interpreted and compiled it meanwhile: in the first half minute after they opened, the JIT
   * compiler threads and the nodes' listening threads took up to a core more between them, and the writer's puts in
   * the first two rounds ran at about 60 % of the later rounds' rate. That is the nodes' start-up, paid once per JVM,
   * not what a listener costs each write, which is what the cells measure. It is not done before the cells without
   * listeners: once a node has near-cached the cache, its table keeps the notify triggers, and those cells measure a
   * cache that no node has near-cached.
   */
  private static void warmListeners(List<ChildJvm> writers) throws InterruptedException {
    long end = System.nanoTime() + LISTENER_WARM_UP.toNanos();
    do {
      // The two contenders whose writes notify the listening nodes.
      measure(writers, "pgjcache", 0);
      measure(writers, "triggers", 0);
    } while (System.nanoTime() < end);
  }

  /**
   * The listening nodes' LISTEN connections (writers and this JVM hold none), once there are {@code expected} of them
   * or half a minute has passed (a node opens its LISTEN connection in the background): connections named
   * {@code pgjcache-listener}, or whose last statement was a LISTEN (an idle one's is its empty liveness query).
   */
  private static int awaitListenConnections(DataSource dataSource, int expected)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
              + " AND (application_name = 'pgjcache-listener' OR query ILIKE 'LISTEN %')")) {
        rs.next();
        int seen = rs.getInt(1);
        if (seen >= expected || System.nanoTime() > deadline) {
          return seen;
        }
      }
      Thread.sleep(100);
    }
  }

  /** The writers' summed ops/s, all counting the same window. */
  private static double measure(List<ChildJvm> writers, String contender, long seed) throws InterruptedException {
    long startAt = System.currentTimeMillis() + START_MARGIN.toMillis();
    for (int w = 0; w < writers.size(); w++) {
      writers.get(w).send("run " + contender + " " + startAt + " " + WARM_UP.toMillis() + " " + MEASURED.toMillis()
          + " " + (seed + 100L * w));
    }
    double sum = 0;
    for (ChildJvm writer : writers) {
      sum += Double.parseDouble(writer.await("result", SLOW));
    }
    return sum;
  }

  private static String report(Map<Cell, List<Double>> results, Map<Integer, Integer> listenSeen,
      List<Integer> writerCounts, List<Integer> listenerCounts, int threads, boolean listenerJvms, int rounds,
      String loadBefore, String loadAfter) {
    MarkdownTable medians = new MarkdownTable("writing nodes x threads", "listening nodes (LISTEN seen)",
        "raw, plain table (ops/s)", "raw, cache table + notify triggers (ops/s)", "pgjcache put (ops/s)",
        "triggers / plain", "pgjcache / plain", "pgjcache µs per put", "plain µs per put");
    MarkdownTable runs = new MarkdownTable("writing nodes", "listening nodes", "plain, each run",
        "triggers, each run", "pgjcache, each run");
    for (int writers : writerCounts) {
      for (int listeners : listenerCounts) {
        double plain = Runs.median(results.get(new Cell(listeners, writers, "plain")));
        double triggers = Runs.median(results.get(new Cell(listeners, writers, "triggers")));
        double pgjcache = Runs.median(results.get(new Cell(listeners, writers, "pgjcache")));
        int writerThreads = writers * threads;
        medians.row(writers + " x " + threads, listeners + " (" + listenSeen.get(listeners) + ")",
            MarkdownTable.count(plain), MarkdownTable.count(triggers), MarkdownTable.count(pgjcache),
            MarkdownTable.decimal(triggers / plain, 2), MarkdownTable.decimal(pgjcache / plain, 2),
            MarkdownTable.decimal(writerThreads * 1e6 / pgjcache, 0),
            MarkdownTable.decimal(writerThreads * 1e6 / plain, 0));
        runs.row(writers, listeners, each(results, new Cell(listeners, writers, "plain")),
            each(results, new Cell(listeners, writers, "triggers")),
            each(results, new Cell(listeners, writers, "pgjcache")));
      }
    }
    return "### Put throughput as the cluster grows\n\n"
        + "Writing nodes are JVMs of their own (near cache off, pool of " + threads + ", " + threads + " threads each, "
        + "closed loop, " + WriteKeys.KEYS + " prepopulated keys in Zipf order, s = " + ZipfKeys.DEFAULT_EXPONENT + ", "
        + WriteKeys.VALUE_LENGTH + "-character values). Listening nodes are pgjcache managers with their near cache "
        + "on, "
        + "each with its own LISTEN connection, that near-cached every key when they opened; "
        + (listenerJvms ? "each in a JVM of its own" : "all in one JVM of their own, apart from the writers")
        + ". *LISTEN seen*: the LISTEN connections `pg_stat_activity` showed before the cell. "
        + "*Raw, plain table*: `INSERT ... ON CONFLICT DO UPDATE` on `(k bytea PRIMARY KEY, v bytea, expires_at "
        + "bigint)` without triggers; *raw, cache table + notify triggers*: the same upsert on a copy of the cache "
        + "table with pgjcache's triggers, keyed by the digests of the listening nodes' keys (so its notifications "
        + "reach them and name keys they hold); *µs per put*: writer "
        + "threads / throughput, the mean time of one put. " + WARM_UP.toSeconds() + " s warm-up, "
        + MEASURED.toSeconds() + " s measured per cell, the writers' throughputs summed; medians of " + rounds
        + " run(s).\n\n"
        + medians.render() + "\nEach run (ops/s):\n\n" + runs.render() + "\n"
        + "Load average (1, 5, 15 min) before: " + loadBefore + ", after: " + loadAfter + "\n";
  }

  private static String each(Map<Cell, List<Double>> results, Cell cell) {
    return String.join("; ", results.getOrDefault(cell, List.of()).stream().map(MarkdownTable::count).toList());
  }
}
