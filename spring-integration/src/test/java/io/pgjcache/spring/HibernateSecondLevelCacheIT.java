package io.pgjcache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgjcache.PgCache;
import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.hibernate.SessionFactory;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.autoconfigure.domain.EntityScan;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Hibernate's second-level cache on the starter's JCache manager: the same manager Spring's caches use. */
class HibernateSecondLevelCacheIT {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(PgJCacheAutoConfiguration.class, CacheAutoConfiguration.class,
          HibernateJpaAutoConfiguration.class, TransactionAutoConfiguration.class))
      .withUserConfiguration(Application.class)
      .withPropertyValues("pgjcache.schema=" + TestDatabase.freshSchema(), "pgjcache.jdbc.url=",
          "spring.jpa.hibernate.ddl-auto=create-drop",
          "spring.jpa.properties.hibernate.cache.use_second_level_cache=true",
          "spring.jpa.properties.hibernate.cache.region.factory_class=jcache",
          "spring.jpa.properties.hibernate.generate_statistics=true");

  @Test
  void entities_areCachedInPostgreSQL_throughTheStartersManager() {
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      EntityManagerFactory entityManagers = context.getBean(EntityManagerFactory.class);
      inTransaction(entityManagers, em -> em.persist(new Author(1L, "Ursula K. Le Guin")));
      inTransaction(entityManagers, em -> assertThat(em.find(Author.class, 1L).name).isEqualTo("Ursula K. Le Guin"));
      inTransaction(entityManagers, em -> assertThat(em.find(Author.class, 1L).name).isEqualTo("Ursula K. Le Guin"));

      Statistics statistics = entityManagers.unwrap(SessionFactory.class).getStatistics();
      assertThat(statistics.getSecondLevelCachePutCount()).isGreaterThanOrEqualTo(1);
      assertThat(statistics.getSecondLevelCacheHitCount()).isGreaterThanOrEqualTo(1);

      javax.cache.CacheManager jcache = context.getBean(javax.cache.CacheManager.class);
      assertThat(context.getBean(JCacheCacheManager.class).getCacheManager()).isSameAs(jcache);
      javax.cache.Cache<Object, Object> region = jcache.getCache(Author.class.getName());
      assertThat(region).as("entity region in the starter's manager").isNotNull();
      assertThat(region.unwrap(PgCache.class).size()).isEqualTo(1);
    });
  }

  static void inTransaction(EntityManagerFactory entityManagers, Consumer<EntityManager> work) {
    EntityManager em = entityManagers.createEntityManager();
    try {
      em.getTransaction().begin();
      work.accept(em);
      em.getTransaction().commit();
    } finally {
      em.close();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  @EntityScan(basePackageClasses = Author.class)
  static class Application {
    @Bean
    DataSource dataSource() {
      return TestDatabase.dataSource();
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
