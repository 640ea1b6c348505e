package io.pgjcache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.pgjcache.PgCache;
import io.pgjcache.spring.HibernateSecondLevelCacheIT.Author;
import io.pgjcache.testing.CuttableProxy;
import jakarta.persistence.EntityManagerFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * An application that starts while the cache's PostgreSQL is unreachable: the context starts (the caches of
 * {@code spring.cache.cache-names}, Hibernate's regions), cache operations fail fast meanwhile, and once the
 * database is back the caches are registered and work, without a restart. The application's own DataSource stays
 * reachable; the cache manager has a pool of its own that reaches the database through a proxy the test cuts.
 */
class StartDuringOutageIT {
  private static final Duration RECOVERS_WITHIN = Duration.ofSeconds(30);

  private final String schema = TestDatabase.freshSchema();
  private CuttableProxy proxy;

  @BeforeEach
  void cutTheCacheDatabase() throws Exception {
    URI database = URI.create(TestDatabase.url().substring("jdbc:".length()));
    proxy = new CuttableProxy(database.getHost(), database.getPort());
    proxy.cut();
  }

  @AfterEach
  void dropTheSchema() throws Exception {
    proxy.close();
    try (var dataSource = TestDatabase.dataSource()) {
      new JdbcTemplate(dataSource).execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  @Test
  void contextStarts_withCacheNames_andTheyAreRegisteredAndWork_onceTheDatabaseIsBack() {
    runner(PgJCacheAutoConfigurationIT.DatabaseConfiguration.class)
        .withUserConfiguration(PgJCacheAutoConfigurationIT.CachingConfiguration.class)
        .withPropertyValues("spring.cache.cache-names=books,authors")
        .run(context -> {
          assertThat(context).hasNotFailed();
          CacheManager caches = context.getBean(CacheManager.class);
          assertThat(caches.getCacheNames()).containsExactlyInAnyOrder("books", "authors");
          Cache books = caches.getCache("books");
          Throwable thrown = catchThrowable(() -> books.put("k", "v"));
          assertThat(thrown).isInstanceOf(javax.cache.CacheException.class)
              .hasMessageContaining("database unavailable");

          proxy.restore();

          // Both named caches are registered once the database is back, the unused one by the sweeper.
          JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
          await("caches registered").atMost(RECOVERS_WITHIN).ignoreExceptions().untilAsserted(() ->
              assertThat(jdbc.queryForList("SELECT name FROM " + schema + ".caches", String.class))
                  .containsExactlyInAnyOrder("books", "authors"));
          await("put works").atMost(RECOVERS_WITHIN).ignoreExceptions().untilAsserted(() -> books.put("k", "v"));
          assertThat(books.get("k", String.class)).isEqualTo("v");
        });
  }

  @Test
  void hibernateSessionFactory_isBuilt_andItsSecondLevelCacheWorks_onceTheDatabaseIsBack() {
    runner(HibernateSecondLevelCacheIT.Application.class)
        .withConfiguration(AutoConfigurations.of(HibernateJpaAutoConfiguration.class,
            TransactionAutoConfiguration.class))
        .withPropertyValues("spring.jpa.hibernate.ddl-auto=create-drop",
            "spring.jpa.properties.hibernate.cache.use_second_level_cache=true",
            "spring.jpa.properties.hibernate.cache.region.factory_class=jcache",
            "spring.jpa.properties.hibernate.generate_statistics=true")
        .run(context -> {
          assertThat(context).hasNotFailed();
          javax.cache.CacheManager jcache = context.getBean(javax.cache.CacheManager.class);
          javax.cache.Cache<Object, Object> region = jcache.getCache(Author.class.getName());
          assertThat(region).as("entity region, made while the database was unreachable").isNotNull();
          // While the registry is unreachable, the names are those of the caches open here: Hibernate's regions.
          List<String> regions = new ArrayList<>();
          jcache.getCacheNames().forEach(regions::add);
          assertThat(regions).contains(Author.class.getName());

          proxy.restore();

          await("every region bound to its table").atMost(RECOVERS_WITHIN).ignoreExceptions().untilAsserted(() -> {
            for (String name : regions) {
              jcache.getCache(name).unwrap(PgCache.class).size();
            }
          });
          EntityManagerFactory entityManagers = context.getBean(EntityManagerFactory.class);
          HibernateSecondLevelCacheIT.inTransaction(entityManagers,
              em -> em.persist(new Author(1L, "Octavia E. Butler")));
          HibernateSecondLevelCacheIT.inTransaction(entityManagers,
              em -> assertThat(em.find(Author.class, 1L).name).isEqualTo("Octavia E. Butler"));
          HibernateSecondLevelCacheIT.inTransaction(entityManagers,
              em -> assertThat(em.find(Author.class, 1L).name).isEqualTo("Octavia E. Butler"));
          Statistics statistics = entityManagers.unwrap(SessionFactory.class).getStatistics();
          assertThat(statistics.getSecondLevelCacheHitCount()).isGreaterThanOrEqualTo(1);
          assertThat(region.unwrap(PgCache.class).size()).as("entries in PostgreSQL").isEqualTo(1);
        });
  }

  /** The application's DataSource is reachable; the cache manager's own pool goes through the cut proxy. */
  private ApplicationContextRunner runner(Class<?> application) {
    String viaProxy = TestDatabase.url().replaceFirst("//[^/]+/", "//" + proxy.host() + ":" + proxy.port() + "/");
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PgJCacheAutoConfiguration.class, CacheAutoConfiguration.class))
        .withUserConfiguration(application)
        .withPropertyValues("pgjcache.schema=" + schema, "pgjcache.jdbc.url=" + viaProxy,
            "pgjcache.connection-timeout=PT1S");
  }
}
