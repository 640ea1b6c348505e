package io.pgjcache.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pgjcache.PgCacheManager;
import io.pgjcache.PgCachingProvider;
import java.io.PrintStream;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.sql.DataSource;

/**
 * End-to-end throughput of pgjcache next to hand-written JDBC on the same database, in the same run: get, put, a
 * 90/10 get/put mix, {@code getAll} and {@code putAll} of 100 keys, at 1, 4 and 16 threads, keys drawn from a Zipf
 * distribution over a prepopulated key set. pgjcache runs with its near cache off, so every call reaches
 * PostgreSQL. It prints a Markdown table (median throughput of the rounds, the ratio pgjcache / plain table and
 * the targets) followed by the versions and the hardware, ready for the README.
 *
 * <p>Run it from the repository root; it builds the provider in the same reactor, so nothing needs to be
 * installed first:
 * <pre>
 * mvn -q -Pbench -pl benchmarks -am package -DskipTests                      # full run, about 10 minutes
 * mvn -q -Pbench -pl benchmarks -am package -DskipTests -Dbench.quick=true   # smoke run, about 1 minute
 * </pre>
 * The {@code bench} profile exists only in the benchmarks module, where it runs this class in a JVM of its own
 * during {@code package}; without the profile no build runs it. It uses the embedded PostgreSQL unless the
 * environment variable {@code PGJCACHE_JDBC_URL} (with {@code PGJCACHE_JDBC_USER} and
 * {@code PGJCACHE_JDBC_PASSWORD} if needed) names another server. Everything it creates lives in the schema
 * {@code bench.schema} and is dropped at the end, except pgjcache's small registry.
 *
 * <p>Settings (system properties, given as {@code -D} on the Maven command line): {@code bench.quick},
 * {@code bench.warmup} and {@code bench.duration} (seconds), {@code bench.rounds}, {@code bench.threads}
 * (e.g. {@code 1,4,16}), {@code bench.workloads} ({@code get,put,mixed,getall,putall}), {@code bench.batch},
 * {@code bench.keys}, {@code bench.zipf}, {@code bench.value-length}, {@code bench.pool-size},
 * {@code bench.schema}; see {@link BenchmarkSettings}. {@code bench.jvm.heap} (default {@code 1g}) sizes the
 * benchmark's JVM.
 *
 * <p><b>Contenders.</b>
 * <ul>
 *   <li><i>plain table</i>, the reference: raw JDBC on the table a user would write by hand
 *       ({@link PlainTable}: {@code (k bytea PRIMARY KEY, v bytea, expires_at bigint)}, UNLOGGED, no triggers);
 *       a batch is one {@code = ANY(?)} select or one {@code unnest} upsert.</li>
 *   <li><i>pgjcache</i>: the JCache API with the cache's defaults ({@code MutableConfiguration<String, String>},
 *       eternal entries, statistics off, the default codec), near cache off.</li>
 *   <li><i>cache table + triggers</i>, a breakdown: the same raw statements on a copy of pgjcache's cache table
 *       with its notify triggers ({@link CacheTableCopy}), which shows what the table layout and the triggers
 *       cost before anything of the provider's client side.</li>
 * </ul>
 *
 * <p><b>Fairness.</b> Same database, same run, same key and operation sequence (fixed seeds per worker); within
 * each round the contenders take turns going first, so drift in a shared machine hits them alike. Each goes
 * through a HikariCP pool of the same size with the same driver settings (copied from pgjcache's pool); the size
 * is the largest thread count ({@code bench.pool-size} overrides it), so at 16 threads no side waits for a
 * connection. Batches hold distinct keys in sorted order for every contender.
 */
public final class LoadDriver {
  private static final String CACHE_NAME = "bench";
  private static final String PLAIN_TABLE = "plain_table";
  private static final String COPY_TABLE = "cache_table_copy";
  static final long DATA_SEED = 42;

  private final BenchmarkSettings settings;
  private final PrintStream progress;

  LoadDriver(BenchmarkSettings settings, PrintStream progress) {
    this.settings = settings;
    this.progress = progress;
  }

  public static void main(String[] args) throws Exception {
    BenchmarkSettings settings = BenchmarkSettings.fromSystemProperties();
    System.out.print(new LoadDriver(settings, System.err).run());
  }

  /** Sets up both contenders, measures, cleans up and returns the report. */
  String run() throws InterruptedException {
    PgCacheManager manager = openManager(settings, "pgjcache:benchmark", List.of(CACHE_NAME));
    try {
      Cache<String, String> cache = manager.createCache(CACHE_NAME,
          new MutableConfiguration<String, String>().setTypes(String.class, String.class));
      PgjcacheContender pgjcache = new PgjcacheContender(cache);
      String plainTable = quote(settings.schema()) + "." + quote(PLAIN_TABLE);
      String copyTable = quote(settings.schema()) + "." + quote(COPY_TABLE);
      try (RawJdbcContender plain = new RawJdbcContender("plain table", sameConnectionSettings(manager.getDataSource()),
              settings.poolSize(), PlainTable.statements(plainTable));
          RawJdbcContender copy = new RawJdbcContender("cache table + triggers",
              sameConnectionSettings(manager.getDataSource()), settings.poolSize(),
              CacheTableCopy.statements(copyTable))) {
        try {
          try (Connection c = plain.pool().getConnection(); Statement s = c.createStatement()) {
            PlainTable.create(s, plainTable);
            CacheTableCopy.create(c, pgjcache.tableName(), copyTable, true);
          } catch (SQLException e) {
            throw new IllegalStateException("Could not create the raw JDBC tables: " + e.getMessage(), e);
          }
          requireUnlogged(plain.pool(), pgjcache.tableName(), plainTable, copyTable);
          Environment environment = Environment.describe(plain.pool(), System.getenv("PGJCACHE_JDBC_URL") == null);
          Results results = measure(List.of(pgjcache, plain, copy), CpuTime.of(plain.pool()));
          return new MarkdownReport(pgjcache.name(), plain.name(), copy.name()).render(environment, settings, results);
        } finally {
          execute(plain.pool(), "DROP TABLE IF EXISTS " + plainTable + ", " + copyTable);
        }
      } finally {
        manager.destroyCache(CACHE_NAME);
      }
    } finally {
      manager.close();
    }
  }

  /**
   * A manager on the benchmark's schema and pool size with its near cache off (these drivers compare the database
   * path with raw JDBC; near-cache hits are measured by NearCacheBenchmark), without the caches an interrupted run
   * left behind. Also used by CodecLoadDriver.
   */
  static PgCacheManager openManager(BenchmarkSettings settings, String uri, List<String> cacheNames) {
    Properties properties = new Properties();
    properties.setProperty("pgjcache.schema", settings.schema());
    properties.setProperty("pgjcache.pool.size", String.valueOf(settings.poolSize()));
    properties.setProperty("pgjcache.near-cache.enabled", "false");
    PgCachingProvider provider = (PgCachingProvider) Caching.getCachingProvider(PgCachingProvider.class.getName());
    PgCacheManager manager = (PgCacheManager) provider.getCacheManager(URI.create(uri),
        LoadDriver.class.getClassLoader(), properties);
    for (String name : manager.getCacheNames()) {
      if (cacheNames.contains(name)) {
        manager.destroyCache(name);
      }
    }
    return manager;
  }

  /** Every round of every workload and thread count, the contenders taking turns; also used by CodecLoadDriver. */
  Results measure(List<Contender> contenders, CpuTime cpu) throws InterruptedException {
    Dataset dataset = new Dataset(settings.keys(), settings.valueLength(), DATA_SEED);
    LoadRunner runner = new LoadRunner(new ZipfSampler(settings.keys(), settings.zipfExponent()), dataset,
        settings.batch(), cpu);
    for (Contender contender : contenders) {
      long start = System.nanoTime();
      contender.load(dataset.initialEntries());
      progress.printf(Locale.ROOT, "Loaded %d entries into %s in %.1f s%n", dataset.keyCount(), contender.name(),
          (System.nanoTime() - start) / 1e9);
    }
    long perMeasurement = settings.warmup().plus(settings.window()).toMillis();
    long total = (perMeasurement * settings.rounds() * contenders.size() * settings.threads().size()
        * settings.workloads().size() + settings.warmup().toMillis() * contenders.size()) / 1000;
    progress.printf(Locale.ROOT, "Measuring for about %d min %d s%n", total / 60, total % 60);
    if (!settings.warmup().isZero()) {
      // Once per contender, before anything counts: otherwise the first measurement of the run would also
      // pay for class loading and the first JIT compilations of both the get and the put path.
      int mostThreads = settings.threads().stream().max(Integer::compare).orElseThrow();
      for (Contender contender : contenders) {
        runner.measure(contender, Workload.MIXED, mostThreads, Duration.ZERO, settings.warmup());
      }
    }

    Results results = new Results();
    for (Workload workload : settings.workloads()) {
      for (int threads : settings.threads()) {
        for (int round = 0; round < settings.rounds(); round++) {
          StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-16s %2d %-7s round %d/%d:",
              workload.label(settings.batch()), threads, threads == 1 ? "thread," : "threads,", round + 1,
              settings.rounds()));
          for (int i = 0; i < contenders.size(); i++) {
            // Alternate who goes first, so that slow drift on a shared machine does not favour one side.
            Contender contender = contenders.get((i + round) % contenders.size());
            Measurement measured = runner.measure(contender, workload, threads, settings.warmup(), settings.window());
            results.add(workload, threads, contender.name(), measured);
            line.append(String.format(Locale.ROOT, "  %s %,.0f/s", contender.name(), measured.perSecond()));
          }
          progress.println(line);
        }
      }
    }
    return results;
  }

  /**
   * Connection settings equal to those of pgjcache's own pool: the same URL (so the same database, even the
   * embedded one), credentials and driver properties, under another application name.
   */
  static HikariConfig sameConnectionSettings(DataSource pgjcachePool) {
    if (!(pgjcachePool instanceof HikariDataSource hikari)) {
      throw new IllegalStateException("Expected pgjcache's own HikariCP pool, found " + pgjcachePool.getClass());
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(hikari.getJdbcUrl());
    config.setUsername(hikari.getUsername());
    config.setPassword(hikari.getPassword());
    config.setMinimumIdle(hikari.getMinimumIdle());
    config.setConnectionTimeout(hikari.getConnectionTimeout());
    Properties driver = new Properties();
    driver.putAll(hikari.getDataSourceProperties());
    driver.setProperty("ApplicationName", "pgjcache-benchmark-raw-jdbc");
    config.setDataSourceProperties(driver);
    return config;
  }

  /** Both tables must be UNLOGGED, or the comparison would weigh WAL writes on one side only. */
  private static void requireUnlogged(DataSource dataSource, String... tables) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT relpersistence FROM pg_class WHERE oid = ?::regclass")) {
      for (String table : tables) {
        ps.setString(1, table);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next() || !"u".equals(rs.getString(1))) {
            throw new IllegalStateException("Table " + table + " is not UNLOGGED; the comparison would be unfair");
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not check the tables: " + e.getMessage(), e);
    }
  }

  private static void execute(DataSource dataSource, String sql) {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + " failed: " + e.getMessage(), e);
    }
  }

  private static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }
}
