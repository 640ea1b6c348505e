package io.pgjcache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.autoconfigure.domain.EntityScan;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code pgjcache.transaction-mode=join} under Spring Boot with JPA: {@link JpaTransactionManager} exposes the JPA
 * transaction's JDBC connection to {@code DataSourceUtils}, and a cache change in the transaction runs on that very
 * connection, so it commits or rolls back with the entities.
 */
class JpaTransactionJoiningIT {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(PgJCacheAutoConfiguration.class, CacheAutoConfiguration.class,
          HibernateJpaAutoConfiguration.class, TransactionAutoConfiguration.class))
      .withUserConfiguration(Application.class)
      .withPropertyValues("pgjcache.schema=" + TestDatabase.freshSchema(), "pgjcache.jdbc.url=",
          "spring.cache.cache-names=books", "spring.jpa.hibernate.ddl-auto=none");

  @Test
  void aCachePutInAJpaTransaction_runsOnItsConnection_andCommitsOrRollsBackWithIt() {
    runner.run(context -> {
      assertThat(context.getBean(PlatformTransactionManager.class)).isInstanceOf(JpaTransactionManager.class);
      DataSource dataSource = context.getBean(DataSource.class);
      EntityManager entityManager =
          SharedEntityManagerCreator.createSharedEntityManager(context.getBean(EntityManagerFactory.class));
      Cache books = context.getBean(CacheManager.class).getCache("books");
      javax.cache.Cache<Object, Object> committed = context.getBean(javax.cache.CacheManager.class).getCache("books");
      TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));

      transaction.executeWithoutResult(status -> {
        assertThat(TransactionSynchronizationManager.getResource(dataSource)).isInstanceOf(ConnectionHolder.class);
        assertThat(writeTransactionOf(entityManager)).as("before the put").isNull();
        books.put(1L, "Dune");
        assertThat(writeTransactionOf(entityManager)).as("the JPA connection wrote: the put").isNotNull();
        assertThat(books.get(1L).get()).as("inside the transaction").isEqualTo("Dune");
        assertThat(CompletableFuture.supplyAsync(() -> committed.get(1L)).join()).as("outside it").isNull();
      });
      assertThat(committed.get(1L)).as("after the commit").isEqualTo("Dune");

      transaction.executeWithoutResult(status -> {
        books.put(2L, "Dune Messiah");
        status.setRollbackOnly();
      });
      assertThat(committed.get(2L)).as("after the rollback").isNull();
    });
  }

  /** The id of the transaction of the EntityManager's connection, if it has written anything yet. */
  private static Object writeTransactionOf(EntityManager entityManager) {
    return entityManager.createNativeQuery("SELECT pg_current_xact_id_if_assigned()::text").getSingleResult();
  }

  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  @EntityScan(basePackageClasses = JpaTransactionJoiningIT.class)
  static class Application {
    @Bean
    DataSource dataSource() {
      return TestDatabase.dataSource();
    }
  }
}
