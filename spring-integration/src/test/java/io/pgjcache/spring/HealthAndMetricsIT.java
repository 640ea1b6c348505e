package io.pgjcache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgjcache.PgCacheManager;
import io.pgjcache.management.ManagerMetricsMXBean;
import io.pgjcache.testing.CuttableProxy;
import io.pgjcache.testing.ListenerRole;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.actuate.health.CompositeHealth;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The {@code pgjcache} health contributor and meters in a Spring Boot 3 application with Actuator: health follows
 * the LISTEN connection (cut by terminating its backend while its role may not log in) and the database, through
 * the endpoint and a health group; meters move as the cache works; the manager's own pool is bound through HikariCP.
 */
class HealthAndMetricsIT {
  private static final Duration WITHIN = Duration.ofSeconds(30);

  private final String schema = TestDatabase.freshSchema();
  private final ListenerRole listener = new ListenerRole(TestDatabase.url());

  @BeforeEach
  void createTheListenersRole() {
    listener.create();
  }

  @AfterEach
  void closeAndDropTheRole() {
    listener.drop();
    try (var dataSource = TestDatabase.dataSource()) {
      new JdbcTemplate(dataSource).execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  private ApplicationContextRunner runner(String... properties) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PgJCacheAutoConfiguration.class,
            PgJCacheActuatorAutoConfiguration.class, CacheAutoConfiguration.class,
            HealthContributorAutoConfiguration.class, HealthEndpointAutoConfiguration.class,
            MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
            SimpleMetricsExportAutoConfiguration.class))
        .withUserConfiguration(PgJCacheAutoConfigurationIT.DatabaseConfiguration.class,
            PgJCacheAutoConfigurationIT.CachingConfiguration.class)
        .withPropertyValues("pgjcache.schema=" + schema, "pgjcache.jdbc.url=", "pgjcache.listen.url=" + listener.url(),
            "spring.cache.cache-names=books", "management.endpoint.health.show-details=always",
            "management.endpoint.health.group.caches.include=pgjcache")
        .withPropertyValues(properties);
  }

  private static Health pgjcache(ApplicationContext context) {
    return (Health) context.getBean(HealthEndpoint.class).healthForPath("pgjcache");
  }

  private static boolean listenerIs(ApplicationContext context, String state) {
    return state.equals(pgjcache(context).getDetails().get("listener"));
  }

  @Test
  void health_isUpWithDetails_whileTheListenerIsDown_andServingOnceItIsBack() {
    runner().run(context -> {
      await().atMost(WITHIN).until(() -> listenerIs(context, "LIVE"));
      Health up = pgjcache(context);
      assertThat(up.getStatus()).isEqualTo(Status.UP);
      assertThat(up.getDetails()).containsEntry("nearCaches", "serving").containsKey("pool");
      HealthEndpoint endpoint = context.getBean(HealthEndpoint.class);
      assertThat(((CompositeHealth) endpoint.healthForPath("caches")).getComponents()).containsOnlyKeys("pgjcache");

      listener.cut(metrics(context).getListenerBackendPid());

      await().atMost(WITHIN).until(() -> listenerIs(context, "DOWN"));
      Health degraded = pgjcache(context);
      assertThat(degraded.getStatus()).isEqualTo(Status.UP);
      assertThat(degraded.getDetails()).containsEntry("nearCaches", "bypassed").containsKey("listenerDownSince");
      assertThat(((Health) endpoint.healthForPath("caches", "pgjcache")).getDetails())
          .containsEntry("listener", "DOWN");

      listener.restore();

      await().atMost(WITHIN).until(() -> listenerIs(context, "LIVE"));
      assertThat(pgjcache(context).getDetails()).containsEntry("nearCaches", "serving")
          .containsEntry("listenerReconnects", 1L);
    });
  }

  @Test
  void aStatusOfTheirOwn_canMarkTheListenerDown() {
    Status degraded = new Status("DEGRADED");
    runner("pgjcache.health.listener-down-status=DEGRADED",
        "management.endpoint.health.status.order=down,out-of-service,degraded,up,unknown").run(context -> {
          await().atMost(WITHIN).until(() -> listenerIs(context, "LIVE"));

          listener.cut(metrics(context).getListenerBackendPid());

          await().atMost(WITHIN).until(() -> pgjcache(context).getStatus().equals(degraded));
          assertThat(context.getBean(HealthEndpoint.class).health().getStatus()).isEqualTo(degraded);
          listener.restore();
          await().atMost(WITHIN).until(() -> pgjcache(context).getStatus().equals(Status.UP));
        });
  }

  @Test
  void health_isDown_whileNoStatementRuns_andUpAgainAfter() throws Exception {
    URI database = URI.create(TestDatabase.url().substring("jdbc:".length()));
    try (CuttableProxy proxy = new CuttableProxy(database.getHost(), database.getPort())) {
      String viaProxy = "jdbc:postgresql://" + proxy.host() + ":" + proxy.port() + database.getPath()
          + (database.getQuery() == null ? "" : "?" + database.getQuery());
      runner("pgjcache.jdbc.url=" + viaProxy, "pgjcache.connection-timeout=PT1S").run(context -> {
        await().atMost(WITHIN).until(() -> pgjcache(context).getStatus().equals(Status.UP));

        proxy.cut();

        await().atMost(WITHIN).until(() -> pgjcache(context).getStatus().equals(Status.DOWN));
        assertThat(pgjcache(context).getDetails()).containsKey("error");
        proxy.restore();
        await().atMost(WITHIN).until(() -> pgjcache(context).getStatus().equals(Status.UP));
      });
    }
  }

  @Test
  void meters_moveAsTheCacheWorks_andTheOwnPoolIsBoundThroughHikari() {
    runner("pgjcache.jdbc.url=" + TestDatabase.url()).run(context -> {
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      await().atMost(WITHIN).until(() -> registry.get("pgjcache.listener.up").gauge().value() == 1);
      Cache books = context.getBean(CacheManager.class).getCache("books");
      books.put("isbn-1", "Dune");
      assertThat(count(registry, "pgjcache.database.calls", "operation", "put")).isEqualTo(1);
      await().atMost(WITHIN).until(() -> {
        double before = count(registry, "pgjcache.near.gets", "result", "hit");
        books.get("isbn-1");
        return count(registry, "pgjcache.near.gets", "result", "hit") == before + 1;
      });
      assertThat(registry.get("pgjcache.near.size").tags("cache", "books", "cache.manager", "cacheManager").gauge()
          .value()).isEqualTo(1);
      String pool = context.getBean(javax.cache.CacheManager.class).unwrap(PgCacheManager.class).getDataSource()
          .unwrap(HikariDataSource.class).getPoolName();
      assertThat(registry.get("hikaricp.connections.max").tag("pool", pool).gauge().value()).isPositive();

      // A cache opened after start-up is bound as it opens.
      Cache late = context.getBean(CacheManager.class).getCache("late");
      late.put("k", "v");
      assertThat(registry.get("pgjcache.database.calls").tags("cache", "late", "operation", "put")
          .functionCounter().count()).isEqualTo(1);
    });
  }

  private static double count(MeterRegistry registry, String name, String tag, String value) {
    return registry.get(name).tags("cache", "books", "cache.manager", "cacheManager", tag, value).functionCounter()
        .count();
  }

  private static ManagerMetricsMXBean metrics(ApplicationContext context) {
    return context.getBean(javax.cache.CacheManager.class).unwrap(PgCacheManager.class).getMetrics();
  }
}
