package io.pgjcache.spring.boot4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.pgjcache.PgCache;
import io.pgjcache.PgCacheManager;
import io.pgjcache.spring.PgJCacheCacheManager;
import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.transaction.TransactionAwareCacheDecorator;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/**
 * A Spring Boot 4 application with every auto-configuration on its class path (JDBC, JPA, cache, actuator
 * metrics) and the starter, built against Boot 3: found through its registration, ordered among Boot 4's
 * renamed auto-configurations, and handing its manager to Hibernate through Boot 4's customizer interface.
 */
class Boot4ApplicationIT {
  private static final String APP_SCHEMA = TestDatabase.freshSchema();

  private static ConfigurableApplicationContext context;

  @BeforeAll
  static void start() {
    context = new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE).properties(
        "spring.datasource.url=" + TestDatabase.url(),
        "pgjcache.schema=" + TestDatabase.freshSchema(), "pgjcache.jdbc.url=",
        "spring.cache.cache-names=books",
        "spring.jpa.hibernate.ddl-auto=create-drop",
        "spring.jpa.properties.hibernate.cache.use_second_level_cache=true",
        "spring.jpa.properties.hibernate.cache.region.factory_class=jcache").run();
    JdbcTemplate sql = context.getBean(JdbcTemplate.class);
    sql.execute("CREATE SCHEMA " + APP_SCHEMA);
    sql.execute("CREATE TABLE " + APP_SCHEMA + ".books (id bigint PRIMARY KEY, title text NOT NULL)");
    sql.update("INSERT INTO " + APP_SCHEMA + ".books VALUES (1, 'Dune')");
  }

  @AfterAll
  static void stop() {
    context.close();
  }

  @Test
  void jcacheManager_runsOnBootsDataSource_behindATransactionAwareSpringCacheManager() {
    javax.cache.CacheManager jcache = context.getBean(javax.cache.CacheManager.class);
    assertThat(jcache.unwrap(PgCacheManager.class).getDataSource()).isSameAs(context.getBean(DataSource.class));
    assertThat(context.getBeansOfType(CacheManager.class)).containsOnlyKeys("cacheManager");
    PgJCacheCacheManager spring = context.getBean(PgJCacheCacheManager.class);
    assertThat(spring.getCacheManager()).isSameAs(jcache);
    // Joining the transaction (pgjcache.transaction-mode=join), which Boot's metrics see through like Spring's own.
    assertThat(spring.getCache("books")).isInstanceOf(TransactionAwareCacheDecorator.class)
        .isNotExactlyInstanceOf(TransactionAwareCacheDecorator.class);
  }

  @Test
  void cacheable_servesFromPostgreSQL_andARolledBackEvictionLeavesTheCacheAsItWas() {
    BookRepository books = context.getBean(BookRepository.class);
    assertThat(books.title(1)).isEqualTo("Dune");
    assertThat(books.title(1)).isEqualTo("Dune");
    assertThat(books.loads()).isEqualTo(1);
    assertThatThrownBy(() -> context.getBean(Librarian.class).deleteThenFail(1))
        .isInstanceOf(IllegalStateException.class);
    assertThat(context.getBean(javax.cache.CacheManager.class).getCache("books").get(1L)).isEqualTo("Dune");
    assertThat(books.title(1)).isEqualTo("Dune");
    assertThat(books.loads()).isEqualTo(1);
  }

  @Test
  void hibernate_usesTheSameManager_throughBoot4sCustomizer() {
    javax.cache.CacheManager jcache = context.getBean(javax.cache.CacheManager.class);
    assertThat(context.getBeansOfType(HibernatePropertiesCustomizer.class))
        .containsKey("pgjcacheHibernatePropertiesCustomizer");
    EntityManagerFactory entityManagers = context.getBean(EntityManagerFactory.class);
    assertThat((Map<String, Object>) entityManagers.getProperties())
        .containsEntry("hibernate.javax.cache.cache_manager", jcache);
    inTransaction(entityManagers, em -> em.persist(new Author(1L, "Ursula K. Le Guin")));
    inTransaction(entityManagers, em -> assertThat(em.find(Author.class, 1L).name).isEqualTo("Ursula K. Le Guin"));
    javax.cache.Cache<Object, Object> region = jcache.getCache(Author.class.getName());
    assertThat(region).as("entity region in the starter's manager").isNotNull();
    assertThat(region.unwrap(PgCache.class).size()).isEqualTo(1);
  }

  @Test
  void meterRegistry_hasCacheGets_forTheStartersCache() {
    CacheManager spring = context.getBean(CacheManager.class);
    spring.getCache("books").get("absent");
    MeterRegistry registry = context.getBean(MeterRegistry.class);
    assertThat(registry.get("cache.gets").tags("cache", "books", "result", "miss").functionCounter().count())
        .isGreaterThanOrEqualTo(1);
  }

  private static void inTransaction(EntityManagerFactory entityManagers, Consumer<EntityManager> work) {
    EntityManager em = entityManagers.createEntityManager();
    try {
      em.getTransaction().begin();
      work.accept(em);
      em.getTransaction().commit();
    } finally {
      em.close();
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @EnableCaching
  static class Application {
    @Bean
    BookRepository bookRepository(JdbcTemplate sql) {
      return new BookRepository(sql);
    }

    @Bean
    Librarian librarian(BookRepository books) {
      return new Librarian(books);
    }
  }

  /** Titles by id, cached in "books". */
  static class BookRepository {
    private final AtomicInteger loads = new AtomicInteger();
    private final JdbcTemplate sql;

    BookRepository(JdbcTemplate sql) {
      this.sql = sql;
    }

    @org.springframework.cache.annotation.Cacheable("books")
    public String title(long id) {
      loads.incrementAndGet();
      List<String> titles =
          sql.queryForList("SELECT title FROM " + APP_SCHEMA + ".books WHERE id = ?", String.class, id);
      return titles.isEmpty() ? null : titles.get(0);
    }

    @CacheEvict("books")
    public void delete(long id) {
      sql.update("DELETE FROM " + APP_SCHEMA + ".books WHERE id = ?", id);
    }

    public int loads() {
      return loads.get();
    }
  }

  /** A transaction around the repository. */
  static class Librarian {
    private final BookRepository books;

    Librarian(BookRepository books) {
      this.books = books;
    }

    @Transactional
    public void deleteThenFail(long id) {
      books.delete(id);
      throw new IllegalStateException("rolled back after the delete");
    }
  }

  /** An entity in the second-level cache. */
  @Entity
  @Table(name = "authors")
  @Cacheable
  @Cache(usage = CacheConcurrencyStrategy.NONSTRICT_READ_WRITE)
  static class Author {
    @Id
    Long id;
    String name;

    protected Author() {
    }

    Author(Long id, String name) {
      this.id = id;
      this.name = name;
    }
  }
}
