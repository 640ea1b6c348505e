package io.pgjcache.benchmarks.hibernate;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pgjcache.PgCachingProvider;
import io.pgjcache.benchmarks.ResolvedDatabase;
import io.pgjcache.benchmarks.TimedWorkers;
import io.pgjcache.benchmarks.ZipfSampler;
import io.pgjcache.hibernate.PgRegionFactory;
import jakarta.persistence.OptimisticLockException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.hibernate.SessionFactory;
import org.hibernate.StaleObjectStateException;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;

/**
 * What each cache concurrency strategy costs an update-heavy Hibernate workload on two nodes (two SessionFactorys
 * in this JVM, each with a cache manager of its own, on one PostgreSQL that holds entities and caches): each
 * operation loads one of 1,000 versioned entities (Zipf-distributed) in a session of its own, and one operation in
 * five also updates it in a transaction. Every contender runs the same threads for the same time; the reference is
 * no second-level cache at all. Optimistic-lock conflicts between the nodes count as operations done.
 *
 * <p>{@code ./mvnw -q -Phibernate-strategies -pl benchmarks -am package -DskipTests
 * [-Dbench.seconds=15] [-Dbench.threads=2]} (threads per node)
 */
public final class StrategyCost {
  private static final int ENTITIES = 1_000;
  private static final int UPDATE_ONE_IN = 5;

  /** One measured configuration: a region factory (null: no second-level cache) and the entity it caches. */
  private record Contender(String name, String regionFactory, Class<? extends Ledgers.Ledger> entity) {
  }

  private static final List<Contender> CONTENDERS = List.of(
      new Contender("no second-level cache", null, Ledgers.Uncached.class),
      new Contender("NONSTRICT_READ_WRITE (hibernate-jcache)", "jcache", Ledgers.Nonstrict.class),
      new Contender("READ_WRITE (hibernate-jcache, not cluster-safe)", "jcache", Ledgers.ReadWrite.class),
      new Contender("READ_WRITE (PgRegionFactory)", PgRegionFactory.class.getName(), Ledgers.ReadWrite.class),
      new Contender("TRANSACTIONAL (PgRegionFactory)", PgRegionFactory.class.getName(), Ledgers.Transactional.class));

  private StrategyCost() {
  }

  public static void main(String[] args) throws Exception {
    int seconds = Integer.getInteger("bench.seconds", 15);
    int threads = Integer.getInteger("bench.threads", 2);
    Path directory = Files.createTempDirectory("pgjcache-hibernate-bench");
    HikariConfig poolConfig = ResolvedDatabase.applicationPool();
    poolConfig.setMaximumPoolSize(4 * threads);
    poolConfig.setPoolName("bench-application");
    try (HikariDataSource pool = new HikariDataSource(poolConfig)) {
      // The table is printed at the end, after the SessionFactorys' start-up and shutdown logs.
      StringBuilder table = new StringBuilder(String.format("%d s per contender after %d s warm-up, %d threads per"
          + " node, 2 nodes, %d entities, one operation in %d updates%n%n", seconds, seconds / 3, threads, ENTITIES,
          UPDATE_ONE_IN)).append("| strategy | operations/s | vs no cache | version conflicts |\n|---|---:|---:|---:|\n");
      double reference = 0;
      for (Contender contender : CONTENDERS) {
        Result result = measure(contender, pool, directory, threads, seconds);
        if (reference == 0) {
          reference = result.perSecond();
        }
        table.append(String.format("| %s | %,.0f | %.2f | %d |%n", contender.name(), result.perSecond(),
            result.perSecond() / reference, result.conflicts()));
      }
      System.out.println(table);
    }
  }

  private record Result(double perSecond, long conflicts) {
  }

  private static Result measure(Contender contender, HikariDataSource pool, Path directory, int threads, int seconds)
      throws Exception {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String entitySchema = "bench_app_" + suffix;
    String cacheSchema = "bench_cache_" + suffix;
    List<SessionFactory> nodes = new ArrayList<>();
    try {
      for (String node : List.of("a", "b")) {
        nodes.add(start(contender, pool, directory, node, entitySchema, cacheSchema));
      }
      nodes.get(0).inTransaction(session -> {
        for (long id = 0; id < ENTITIES; id++) {
          Ledgers.Ledger ledger = newLedger(contender.entity());
          ledger.setId(id);
          session.persist(ledger);
        }
      });
      run(contender, nodes, threads, TimeUnit.SECONDS.toNanos(Math.max(1, seconds / 3)));
      return run(contender, nodes, threads, TimeUnit.SECONDS.toNanos(seconds));
    } finally {
      nodes.forEach(SessionFactory::close);
      try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
        statement.execute("DROP SCHEMA IF EXISTS " + entitySchema + " CASCADE");
        statement.execute("DROP SCHEMA IF EXISTS " + cacheSchema + " CASCADE");
      }
    }
  }

  private static Result run(Contender contender, List<SessionFactory> nodes, int threads, long nanos)
      throws InterruptedException {
    LongAdder done = new LongAdder();
    LongAdder conflicts = new LongAdder();
    ZipfSampler keys = new ZipfSampler(ENTITIES, 0.99);
    double seconds = TimedWorkers.run(nodes, threads, nanos, (node, random) -> {
      long id = keys.next(random);
      try {
        if (random.nextInt(UPDATE_ONE_IN) == 0) {
          node.inTransaction(session -> {
            Ledgers.Ledger ledger = session.find(contender.entity(), id);
            ledger.setBalance(ledger.getBalance() + 1);
          });
        } else {
          node.fromSession(session -> session.find(contender.entity(), id).getBalance());
        }
      } catch (OptimisticLockException | StaleObjectStateException e) {
        conflicts.increment();
      }
      done.increment();
    });
    return new Result(done.sum() / seconds, conflicts.sum());
  }

  private static SessionFactory start(Contender contender, HikariDataSource pool, Path directory, String node,
      String entitySchema, String cacheSchema) throws IOException {
    Map<String, Object> settings = new HashMap<>();
    settings.put("hibernate.connection.datasource", pool);
    settings.put("hibernate.default_schema", entitySchema);
    settings.put("hibernate.hbm2ddl.create_namespaces", "true");
    settings.put("hibernate.hbm2ddl.auto", "update");
    boolean cached = contender.regionFactory() != null;
    settings.put("hibernate.cache.use_second_level_cache", Boolean.toString(cached));
    if (cached) {
      Path config = directory.resolve(cacheSchema + "-" + node + ".properties");
      Files.writeString(config, "pgjcache.schema=" + cacheSchema + "\npgjcache.pool.size=4\n");
      settings.put("hibernate.cache.region.factory_class", contender.regionFactory());
      settings.put("hibernate.javax.cache.provider", PgCachingProvider.class.getName());
      settings.put("hibernate.javax.cache.uri", config.toUri().toString());
      settings.put("hibernate.javax.cache.missing_cache_strategy", "create");
    }
    var registry = new StandardServiceRegistryBuilder().applySettings(settings).build();
    return new MetadataSources(registry).addAnnotatedClass(contender.entity()).buildMetadata().buildSessionFactory();
  }

  private static Ledgers.Ledger newLedger(Class<? extends Ledgers.Ledger> type) {
    try {
      return type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
