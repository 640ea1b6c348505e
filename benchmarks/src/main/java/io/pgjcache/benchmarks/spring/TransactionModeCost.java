package io.pgjcache.benchmarks.spring;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pgjcache.benchmarks.ResolvedDatabase;
import io.pgjcache.benchmarks.TimedWorkers;
import io.pgjcache.benchmarks.ZipfSampler;
import io.pgjcache.spring.PgJCacheAutoConfiguration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.EnableTransactionManagement;

/**
 * What {@code pgjcache.transaction-mode} costs a write-heavy Spring application: two instances share one
 * PostgreSQL (data and caches); each operation reads a balance through {@code @Cacheable} or, one in two, adds to it
 * in a {@code @Transactional @CachePut} method (UPDATE ... RETURNING, then the put). {@code join} puts on the
 * transaction's connection (a round trip checks that connection's database once per physical connection), {@code defer}
 * after the commit on the cache's pool, {@code immediate} at once on the cache's pool.
 *
 * <p>{@code ./mvnw -q -Pspring-transaction-modes -pl benchmarks -am package -DskipTests [-Dbench.seconds=15]
 * [-Dbench.threads=2]} (threads per instance; the database is the one pgjcache resolves: {@code PGJCACHE_JDBC_URL}
 * or the embedded PostgreSQL)
 */
public final class TransactionModeCost {
  private static final int ROWS = 1_000;
  private static final int UPDATE_ONE_IN = 2;

  private TransactionModeCost() {
  }

  public static void main(String[] args) throws InterruptedException {
    int seconds = Integer.getInteger("bench.seconds", 15);
    int threads = Integer.getInteger("bench.threads", 2);
    // The table is printed at the end, after the contexts' start-up and shutdown logs.
    StringBuilder table = new StringBuilder(String.format("%d s per mode after %d s warm-up, %d threads per instance,"
        + " 2 instances, %d rows, one operation in %d updates%n%n", seconds, seconds / 3, threads, ROWS, UPDATE_ONE_IN))
        .append("| transaction-mode | operations/s | vs immediate | update transactions/s |\n|---|---:|---:|---:|\n");
    double reference = 0;
    for (String mode : List.of("immediate", "defer", "join")) {
      double[] result = measure(mode, threads, seconds);
      if (reference == 0) {
        reference = result[0];
      }
      table.append(String.format("| `%s` | %,.0f | %.2f | %,.0f |%n", mode, result[0], result[0] / reference,
          result[1]));
    }
    System.out.println(table);
  }

  /** Operations and update transactions per second of one mode. */
  private static double[] measure(String mode, int threads, int seconds) throws InterruptedException {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String dataSchema = "bench_data_" + suffix;
    HikariConfig database = ResolvedDatabase.applicationPool();
    List<ConfigurableApplicationContext> instances = new ArrayList<>();
    try (HikariDataSource setUp = new HikariDataSource(database)) {
      JdbcTemplate jdbc = new JdbcTemplate(setUp);
      jdbc.execute("CREATE SCHEMA " + dataSchema);
      jdbc.execute("CREATE TABLE " + dataSchema + ".balances (id bigint PRIMARY KEY, n bigint NOT NULL)");
      jdbc.update("INSERT INTO " + dataSchema + ".balances SELECT g, 0 FROM generate_series(0, ?) g", ROWS - 1);
      try {
        for (int i = 0; i < 2; i++) {
          instances.add(new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
              .properties("pgjcache.jdbc.url=", "pgjcache.schema=bench_cache_" + suffix,
                  "spring.cache.cache-names=" + Balances.CACHE, "pgjcache.transaction-mode=" + mode,
                  "balances.table=" + dataSchema + ".balances", "spring.datasource.url=" + database.getJdbcUrl(),
                  "spring.datasource.username=" + nullToEmpty(database.getUsername()),
                  "spring.datasource.password=" + nullToEmpty(database.getPassword()),
                  "spring.main.banner-mode=off", "logging.level.root=warn")
              .run());
        }
        List<Balances> services = instances.stream().map(context -> context.getBean(Balances.class)).toList();
        run(services, threads, TimeUnit.SECONDS.toNanos(Math.max(1, seconds / 3)));
        return run(services, threads, TimeUnit.SECONDS.toNanos(seconds));
      } finally {
        instances.forEach(ConfigurableApplicationContext::close);
        jdbc.execute("DROP SCHEMA IF EXISTS " + dataSchema + " CASCADE");
        jdbc.execute("DROP SCHEMA IF EXISTS bench_cache_" + suffix + " CASCADE");
      }
    }
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }

  private static double[] run(List<Balances> services, int threads, long nanos) throws InterruptedException {
    LongAdder operations = new LongAdder();
    LongAdder updates = new LongAdder();
    ZipfSampler keys = new ZipfSampler(ROWS, 0.99);
    double elapsed = TimedWorkers.run(services, threads, nanos, (service, random) -> {
      long id = keys.next(random);
      if (random.nextInt(UPDATE_ONE_IN) == 0) {
        service.add(id, 1);
        updates.increment();
      } else {
        service.balance(id);
      }
      operations.increment();
    });
    return new double[] {operations.sum() / elapsed, updates.sum() / elapsed};
  }

  /** One instance: the starter on the application's DataSource; transactions outside the caching advice. */
  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
      JdbcTemplateAutoConfiguration.class, CacheAutoConfiguration.class, PgJCacheAutoConfiguration.class})
  @EnableTransactionManagement(proxyTargetClass = true, order = 0)
  @EnableCaching(proxyTargetClass = true, order = 1)
  static class Application {
    @Bean
    Balances balances(JdbcTemplate jdbc, Environment environment) {
      return new Balances(jdbc, environment.getRequiredProperty("balances.table"));
    }
  }
}
