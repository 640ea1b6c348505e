package io.pgjcache.benchmarks.nearcache;

import com.github.benmanes.caffeine.jcache.configuration.CaffeineConfiguration;
import io.pgjcache.PgCache;
import io.pgjcache.PgCacheConfiguration;
import io.pgjcache.PgCacheManager;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of {@code get} when every get is a hit in process memory: pgjcache's near cache by value (a hit
 * decodes its own copy, unless the value is of an immutable type) and by reference (a hit returns the instance
 * the node holds), Caffeine's JCache by value and by reference (unbounded, its default, and by reference bounded as
 * a near cache is), and a plain {@link ConcurrentHashMap} as the ceiling. About a thousand keys, all cached, read in
 * a Zipf order.
 *
 * <p>That pgjcache never reads PostgreSQL here is enforced, not assumed: while the benchmark runs, the cache's
 * table is locked {@code ACCESS EXCLUSIVE} by another transaction, so a get that missed the near cache would
 * wait for the lock and fail at the statement timeout; before and after the measurement a pass over every key
 * reads the standard statistics MXBean and requires a hit for each key and no miss.
 *
 * <p>Run through {@link HitThroughput}, which runs this at 1 and 2 threads and prints the Markdown table:
 * {@code mvn -q -Pnearcache -Dnearcache=hits -pl benchmarks -am package -DskipTests}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class NearCacheHitBenchmark {
  /** {@code pgjcache.near-cache.max-entries} by default. */
  static final int NEAR_CACHE_DEFAULT_ENTRIES = 10_000;
  static final String CAFFEINE_PROVIDER = "com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider";

  @Benchmark
  public Object pgjcache(Data data, Pgjcache contender, Cursor cursor) {
    return contender.cache.get(data.keys[cursor.next()]);
  }

  @Benchmark
  public Object pgjcacheByReference(Data data, PgjcacheByReference contender, Cursor cursor) {
    return contender.cache.get(data.keys[cursor.next()]);
  }

  @Benchmark
  public Object caffeineByValue(Data data, CaffeineByValue contender, Cursor cursor) {
    return contender.cache.get(data.keys[cursor.next()]);
  }

  @Benchmark
  public Object caffeineByReference(Data data, CaffeineByReference contender, Cursor cursor) {
    return contender.cache.get(data.keys[cursor.next()]);
  }

  @Benchmark
  public Object caffeineBoundedByReference(Data data, CaffeineBoundedByReference contender, Cursor cursor) {
    return contender.cache.get(data.keys[cursor.next()]);
  }

  @Benchmark
  public Object concurrentHashMap(Data data, PlainMap contender, Cursor cursor) {
    return contender.map.get(data.keys[cursor.next()]);
  }

  /** The keys and values, the same for every contender. */
  @State(Scope.Benchmark)
  public static class Data {
    @Param({"string", "record"})
    public String value;
    String[] keys;
    Object[] values;

    @Setup(Level.Trial)
    public void create() {
      keys = HitData.keys();
      values = HitData.values(value);
    }

    Map<String, Object> asMap() {
      Map<String, Object> map = new HashMap<>();
      for (int i = 0; i < keys.length; i++) {
        map.put(keys[i], values[i]);
      }
      return map;
    }
  }

  /** Each thread's own Zipf-ordered walk over the key indexes, drawn before the measurement. */
  @State(Scope.Thread)
  public static class Cursor {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final int LENGTH = 1 << 16;
    private int[] sequence;
    private int position;

    @Setup(Level.Trial)
    public void draw() {
      sequence = new ZipfKeys(HitData.KEYS, ZipfKeys.DEFAULT_EXPONENT).sequence(LENGTH, THREADS.incrementAndGet());
    }

    int next() {
      return sequence[position++ & (LENGTH - 1)];
    }
  }

  /** pgjcache with its near cache, store-by-reference. */
  @State(Scope.Benchmark)
  public static class PgjcacheByReference extends Pgjcache {
    @Override
    boolean storeByValue() {
      return false;
    }
  }

  /** pgjcache with its near cache; statistics off while measuring, as in Caffeine's default. */
  @State(Scope.Benchmark)
  public static class Pgjcache {
    private static final String NAME = "near-hits";
    private Nodes nodes;
    private PgCacheManager manager;
    private Connection lockHolder;
    Cache<String, Object> cache;

    @Setup(Level.Trial)
    public void open(Data data) throws Exception {
      nodes = new Nodes();
      // The cache holds Objects, so the built-in allow-list names no class of the "record" values: allowed here.
      manager = nodes.node("hits", Nodes.settings("pgjcache.pool.size", "2", "pgjcache.statement-timeout", "PT5S",
          "pgjcache.serial-filter", Quote.class.getName()));
      PgCacheConfiguration<String, Object> configuration = new PgCacheConfiguration<>();
      configuration.setTypes(String.class, Object.class);
      configuration.setNearCacheEnabled(true);
      configuration.setStoreByValue(storeByValue());
      cache = manager.createCache(NAME, configuration);
      cache.putAll(data.asMap());
      // The puts' own notifications reach this node's listener a moment later and drop the copies that a get
      // installs before they arrive; once they are in, nothing else changes the table.
      Thread.sleep(1_000);
      for (String key : data.keys) {
        cache.get(key);
      }
      lockHolder = manager.getDataSource().getConnection();
      lockHolder.setAutoCommit(false);
      try (Statement s = lockHolder.createStatement()) {
        s.execute("LOCK TABLE " + cache.unwrap(PgCache.class).getTableName() + " IN ACCESS EXCLUSIVE MODE NOWAIT");
      }
      requireEveryGetAHit(data, "before the measurement");
    }

    boolean storeByValue() {
      return true;
    }

    @TearDown(Level.Trial)
    public void close(Data data) throws SQLException {
      try {
        requireEveryGetAHit(data, "after the measurement");
      } finally {
        lockHolder.rollback();
        lockHolder.close();
        nodes.close();
      }
    }

    /** One get per key with the table locked, counted by the statistics MXBean: all hits, no miss. */
    private void requireEveryGetAHit(Data data, String when) {
      manager.enableStatistics(NAME, true);
      try {
        long hitsBefore = statistic("CacheHits");
        long missesBefore = statistic("CacheMisses");
        for (String key : data.keys) {
          if (cache.get(key) == null) {
            throw new IllegalStateException("no value for " + key + " " + when);
          }
        }
        long hits = statistic("CacheHits") - hitsBefore;
        long misses = statistic("CacheMisses") - missesBefore;
        if (hits != data.keys.length || misses != 0) {
          throw new IllegalStateException("expected " + data.keys.length + " hits and no miss " + when + ", got "
              + hits + " hits and " + misses + " misses");
        }
        System.out.println("pgjcache near cache " + when + ": " + hits + " gets, " + hits
            + " hits, 0 misses, table locked (no get read PostgreSQL)");
      } finally {
        manager.enableStatistics(NAME, false);
      }
    }

    private long statistic(String attribute) {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      try {
        Set<ObjectName> names = server.queryNames(
            new ObjectName("javax.cache:type=CacheStatistics,Cache=" + NAME + ",*"), null);
        if (names.size() != 1) {
          throw new IllegalStateException("expected one statistics MXBean for " + NAME + ", found " + names);
        }
        return ((Number) server.getAttribute(names.iterator().next(), attribute)).longValue();
      } catch (JMException e) {
        throw new IllegalStateException("cannot read " + attribute + ": " + e.getMessage(), e);
      }
    }
  }

  /** Caffeine's JCache, storing by value: it copies through Java serialization, except known immutable types. */
  @State(Scope.Benchmark)
  public static class CaffeineByValue {
    private CacheManager manager;
    Cache<String, Object> cache;

    @Setup(Level.Trial)
    public void open(Data data) {
      manager = Caching.getCachingProvider(CAFFEINE_PROVIDER).getCacheManager();
      cache = manager.createCache(getClass().getSimpleName(), configuration());
      cache.putAll(data.asMap());
    }

    /** Unbounded, as Caffeine's JCache is unless told otherwise. */
    CompleteConfiguration<String, Object> configuration() {
      return new MutableConfiguration<String, Object>().setTypes(String.class, Object.class)
          .setStoreByValue(storeByValue());
    }

    boolean storeByValue() {
      return true;
    }

    @TearDown(Level.Trial)
    public void close() {
      manager.close();
    }
  }

  /** Caffeine's JCache, storing by reference. */
  @State(Scope.Benchmark)
  public static class CaffeineByReference extends CaffeineByValue {
    @Override
    boolean storeByValue() {
      return false;
    }
  }

  /**
   * Caffeine's JCache by reference, bounded to pgjcache's default near-cache size: unbounded, Caffeine's JCache is a
   * plain map, while a near cache is always bounded and pays for its eviction policy on every hit.
   */
  @State(Scope.Benchmark)
  public static class CaffeineBoundedByReference extends CaffeineByReference {
    @Override
    CompleteConfiguration<String, Object> configuration() {
      CaffeineConfiguration<String, Object> configuration = new CaffeineConfiguration<>(super.configuration());
      configuration.setMaximumSize(OptionalLong.of(NEAR_CACHE_DEFAULT_ENTRIES));
      return configuration;
    }
  }

  /** The ceiling: a map lookup and nothing else. */
  @State(Scope.Benchmark)
  public static class PlainMap {
    final Map<String, Object> map = new ConcurrentHashMap<>();

    @Setup(Level.Trial)
    public void open(Data data) {
      map.putAll(data.asMap());
    }
  }
}
