package io.pgjcache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.pgjcache.PgCacheManager;
import io.pgjcache.PgCachingProvider;
import io.pgjcache.configuration.Setting;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.cache.Caching;
import javax.cache.configuration.CompleteConfiguration;
import javax.management.ObjectName;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.cache.jcache.JCacheCache;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.cache.transaction.TransactionAwareCacheDecorator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** What the auto-configuration sets up, and when it steps aside, on a real PostgreSQL. */
class PgJCacheAutoConfigurationIT {
  private final String schema = TestDatabase.freshSchema();

  private final ApplicationContextRunner runner = runnerWith(DatabaseConfiguration.class);

  private ApplicationContextRunner runnerWith(Class<?> databaseConfiguration) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PgJCacheAutoConfiguration.class, CacheAutoConfiguration.class))
        .withUserConfiguration(databaseConfiguration, CachingConfiguration.class)
        // An inherited PGJCACHE_JDBC_URL would bind to pgjcache.jdbc.url; these tests want the DataSource.
        .withPropertyValues("pgjcache.schema=" + schema, "pgjcache.jdbc.url=");
  }

  @Test
  void dataSource_givesJCacheManager_onThatSameDataSource_behindSpringsCacheManager() {
    runner.run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(javax.cache.CacheManager.class)
          .hasSingleBean(org.springframework.cache.CacheManager.class);
      javax.cache.CacheManager jcache = context.getBean(javax.cache.CacheManager.class);
      assertThat(jcache.unwrap(PgCacheManager.class).getDataSource()).isSameAs(context.getBean(DataSource.class));
      assertThat(context.getBean("cacheManager")).isInstanceOf(PgJCacheCacheManager.class);
      assertThat(context.getBean(JCacheCacheManager.class).getCacheManager()).isSameAs(jcache);
    });
  }

  @Test
  void managerIsClosed_whenTheContextCloses_butTheApplicationsDataSourceIsNot() {
    javax.cache.CacheManager[] manager = new javax.cache.CacheManager[1];
    HikariDataSource[] dataSource = new HikariDataSource[1];
    runnerWith(NoCloseDataSourceConfiguration.class).run(context -> {
      manager[0] = context.getBean(javax.cache.CacheManager.class);
      dataSource[0] = context.getBean(HikariDataSource.class);
    });
    try {
      assertThat(manager[0].isClosed()).isTrue();
      assertThat(dataSource[0].isClosed()).isFalse();
    } finally {
      dataSource[0].close();
    }
  }

  @Test
  void withoutDataSource_configuresNothing() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PgJCacheAutoConfiguration.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(javax.cache.CacheManager.class)
            .doesNotHaveBean(PgJCacheCacheManager.class));
  }

  @Test
  void applicationsOwnSpringCacheManager_isLeftAlone() {
    runner.withUserConfiguration(OwnSpringCacheManager.class).run(context -> {
      assertThat(context).hasNotFailed().doesNotHaveBean(javax.cache.CacheManager.class);
      assertThat(context.getBean(org.springframework.cache.CacheManager.class))
          .isInstanceOf(ConcurrentMapCacheManager.class);
    });
  }

  @Test
  void applicationsOwnJCacheManager_isLeftAlone_andBootWrapsIt() {
    runner.withUserConfiguration(OwnJCacheManager.class).run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(javax.cache.CacheManager.class)
          .doesNotHaveBean(PgJCacheCacheManager.class);
      javax.cache.CacheManager own = context.getBean(javax.cache.CacheManager.class);
      assertThat(own.getURI()).isEqualTo(OwnJCacheManager.URI);
      assertThat(context.getBean(JCacheCacheManager.class).getCacheManager()).isSameAs(own);
    });
  }

  @Test
  void springCacheTypeOtherThanJCache_leavesSpringsCacheToBoot() {
    runner.withPropertyValues("spring.cache.type=simple").run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(javax.cache.CacheManager.class);
      assertThat(context.getBean(org.springframework.cache.CacheManager.class))
          .isInstanceOf(ConcurrentMapCacheManager.class);
    });
  }

  @Test
  void cacheNames_areCreatedAtStartup_inTheConfiguredSchema_withStatisticsOn() {
    runner.withPropertyValues("spring.cache.cache-names=books,authors").run(context -> {
      JdbcTemplate sql = new JdbcTemplate(context.getBean(DataSource.class));
      List<String> registered = sql.queryForList("SELECT name FROM " + schema + ".caches ORDER BY name", String.class);
      assertThat(registered).containsExactly("authors", "books");
      javax.cache.CacheManager jcache = context.getBean(javax.cache.CacheManager.class);
      for (String name : registered) {
        assertThat(jcache.getCache(name).getConfiguration(CompleteConfiguration.class).isStatisticsEnabled()).isTrue();
        ObjectName statistics = new ObjectName("javax.cache:type=CacheStatistics,CacheManager="
            + jcache.getURI().toString().replace(':', '.') + ",Cache=" + name);
        assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(statistics)).as(name).isTrue();
      }
      assertThat(context.getBean(org.springframework.cache.CacheManager.class).getCacheNames())
          .contains("books", "authors");
    });
  }

  @Test
  void twoInstancesStartingTogether_createTheSameCaches_andShareTheirEntries() throws Exception {
    ApplicationContextRunner instance = runner.withPropertyValues("spring.cache.cache-names=books,authors,codes");
    CyclicBarrier bothStarted = new CyclicBarrier(2);
    CyclicBarrier written = new CyclicBarrier(2);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<?> a = threads.submit(() -> instance.run(context -> {
        assertThat(context).hasNotFailed();
        bothStarted.await(30, TimeUnit.SECONDS);
        context.getBean(org.springframework.cache.CacheManager.class).getCache("authors").put(7, "Le Guin");
        written.await(30, TimeUnit.SECONDS);
      }));
      Future<String> b = threads.submit(() -> {
        String[] read = new String[1];
        instance.run(context -> {
          assertThat(context).hasNotFailed();
          bothStarted.await(30, TimeUnit.SECONDS);
          written.await(30, TimeUnit.SECONDS);
          read[0] = context.getBean(org.springframework.cache.CacheManager.class).getCache("authors")
              .get(7, String.class);
        });
        return read[0];
      });
      a.get(60, TimeUnit.SECONDS);
      assertThat(b.get(60, TimeUnit.SECONDS)).isEqualTo("Le Guin");
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void expiryAfterWrite_ofOneCache_expiresItsEntries_andNoOtherCaches() {
    runner.withPropertyValues("spring.cache.cache-names=codes,books",
        "pgjcache.caches.codes.expiry-after-write=400ms").run(context -> {
          org.springframework.cache.CacheManager spring = context.getBean(org.springframework.cache.CacheManager.class);
          Cache codes = spring.getCache("codes");
          Cache books = spring.getCache("books");
          codes.put("login", "481516");
          books.put("isbn", "Dune");
          assertThat(codes.get("login", String.class)).isEqualTo("481516");
          Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> codes.get("login") == null);
          assertThat(books.get("isbn", String.class)).isEqualTo("Dune");
        });
  }

  @Test
  void expiryAfterWrite_appliesToACacheCreatedOnFirstUse_andToADottedName() {
    runner.withPropertyValues("pgjcache.caches[com.example.Order].expiry-after-write=PT0.4S").run(context -> {
      Cache orders = context.getBean(org.springframework.cache.CacheManager.class).getCache("com.example.Order");
      orders.put(1L, "paid");
      assertThat(orders.get(1L, String.class)).isEqualTo("paid");
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> orders.get(1L) == null);
    });
  }

  @Test
  void unloggedFalse_makesALoggedTable_whileOtherCachesStayUnlogged() {
    runner.withPropertyValues("spring.cache.cache-names=audit,books", "pgjcache.caches.audit.unlogged=false")
        .run(context -> {
          JdbcTemplate sql = new JdbcTemplate(context.getBean(DataSource.class));
          String persistence = "SELECT c.relpersistence FROM " + schema + ".caches r JOIN pg_class c"
              + " ON c.relname = r.table_name AND c.relnamespace = '" + schema + "'::regnamespace WHERE r.name = ?";
          assertThat(sql.queryForObject(persistence, String.class, "audit")).isEqualTo("p");
          assertThat(sql.queryForObject(persistence, String.class, "books")).isEqualTo("u");
        });
  }

  @Test
  void missingCache_isCreatedOnFirstUse_unlessTurnedOff() {
    runner.run(context -> assertThat(context.getBean(org.springframework.cache.CacheManager.class)
        .getCache("created-on-use")).isNotNull());
    runner.withPropertyValues("pgjcache.create-missing-caches=false").run(context ->
        assertThat(context.getBean(org.springframework.cache.CacheManager.class).getCache("never-created")).isNull());
  }

  @Test
  void jdbcUrl_givesTheCachesAConnectionPoolOfTheirOwn() {
    runner.withPropertyValues("pgjcache.jdbc.url=" + TestDatabase.url(), "pgjcache.pool.size=2").run(context -> {
      DataSource cachePool =
          context.getBean(javax.cache.CacheManager.class).unwrap(PgCacheManager.class).getDataSource();
      assertThat(cachePool).isNotSameAs(context.getBean(DataSource.class)).isInstanceOf(HikariDataSource.class);
      assertThat(((HikariDataSource) cachePool).getMaximumPoolSize()).isEqualTo(2);
      Cache books = context.getBean(org.springframework.cache.CacheManager.class).getCache("books");
      books.put("isbn", "Dune");
      assertThat(books.get("isbn", String.class)).isEqualTo("Dune");
    });
  }

  @Test
  void unsetProperties_leaveTheProvidersDefaultsInForce() {
    runner.withPropertyValues("pgjcache.jdbc.url=" + TestDatabase.url()).run(context -> {
      HikariDataSource cachePool = (HikariDataSource)
          context.getBean(javax.cache.CacheManager.class).unwrap(PgCacheManager.class).getDataSource();
      Properties none = new Properties();
      assertThat(cachePool.getMaximumPoolSize()).isEqualTo(Setting.POOL_SIZE.getInt(none));
      assertThat(cachePool.getConnectionTimeout()).isEqualTo(Setting.CONNECTION_TIMEOUT.getDuration(none).toMillis());
      assertThat(cachePool.getDataSourceProperties().getProperty("options"))
          .isEqualTo("-c statement_timeout=" + Setting.STATEMENT_TIMEOUT.getDuration(none).toMillis());
    });
  }

  @Test
  void cachesAreTransactionAware_whenATransactionManagerExists() {
    runner.run(context -> assertThat(context.getBean(org.springframework.cache.CacheManager.class).getCache("books"))
        .isInstanceOf(JCacheCache.class));
    runner.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class))
        .run(context -> assertThat(context.getBean(org.springframework.cache.CacheManager.class).getCache("books"))
            .isInstanceOf(TransactionJoiningCache.class));
    runner.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class))
        .withPropertyValues("pgjcache.transaction-mode=defer")
        .run(context -> assertThat(context.getBean(org.springframework.cache.CacheManager.class).getCache("books"))
            .isExactlyInstanceOf(TransactionAwareCacheDecorator.class));
    runner.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class))
        .withPropertyValues("pgjcache.jdbc.url=" + TestDatabase.url())
        .run(context -> assertThat(context.getBean(org.springframework.cache.CacheManager.class).getCache("books"))
            .as("caches on a pool of their own defer").isExactlyInstanceOf(TransactionAwareCacheDecorator.class));
    runner.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class))
        .withPropertyValues("pgjcache.transaction-aware=false")
        .run(context -> assertThat(context.getBean(org.springframework.cache.CacheManager.class).getCache("books"))
            .isInstanceOf(JCacheCache.class));
  }

  @Test
  void withoutEnableCaching_onlyTheJCacheManagerIsConfigured() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PgJCacheAutoConfiguration.class, CacheAutoConfiguration.class))
        .withUserConfiguration(DatabaseConfiguration.class)
        .withPropertyValues("pgjcache.schema=" + schema, "pgjcache.jdbc.url=")
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(javax.cache.CacheManager.class)
            .doesNotHaveBean(org.springframework.cache.CacheManager.class));
  }

  @Test
  void withoutHibernateJCache_noHibernateCustomizer() {
    runner.run(context -> assertThat(context)
        .hasSingleBean(org.springframework.boot.autoconfigure.orm.jpa.HibernatePropertiesCustomizer.class));
    runner.withClassLoader(new FilteredClassLoader("org.hibernate.cache.jcache"))
        .run(context -> assertThat(context).hasNotFailed()
            .doesNotHaveBean(org.springframework.boot.autoconfigure.orm.jpa.HibernatePropertiesCustomizer.class));
  }

  @Configuration(proxyBeanMethods = false)
  static class DatabaseConfiguration {
    @Bean
    HikariDataSource dataSource() {
      return TestDatabase.dataSource();
    }
  }

  /** A DataSource the context must not close (the application owns it); the test closes it. */
  @Configuration(proxyBeanMethods = false)
  static class NoCloseDataSourceConfiguration {
    @Bean(destroyMethod = "")
    HikariDataSource dataSource() {
      return TestDatabase.dataSource();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  static class CachingConfiguration {
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnSpringCacheManager {
    @Bean
    ConcurrentMapCacheManager cacheManager() {
      return new ConcurrentMapCacheManager();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnJCacheManager {
    static final URI URI = java.net.URI.create("test:own-jcache-manager");

    @Bean(destroyMethod = "close")
    javax.cache.CacheManager ownJCacheManager(DataSource dataSource) {
      return Caching.getCachingProvider(PgCachingProvider.class.getName())
          .getCacheManager(URI, getClass().getClassLoader(), PgCachingProvider.dataSourceProperties(dataSource));
    }
  }
}
