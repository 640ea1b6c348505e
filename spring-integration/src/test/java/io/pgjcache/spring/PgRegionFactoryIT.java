package io.pgjcache.spring;

import static io.pgjcache.spring.HibernateSecondLevelCacheIT.inTransaction;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgjcache.hibernate.PgRegionFactory;
import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import javax.sql.DataSource;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.autoconfigure.domain.EntityScan;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With pgjcache-hibernate on the class path and no region factory set, the starter selects pgjcache's, whose
 * TRANSACTIONAL entity cache commits and rolls back with the entity (on the Hibernate version Boot manages).
 */
class PgRegionFactoryIT {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(PgJCacheAutoConfiguration.class, CacheAutoConfiguration.class,
          HibernateJpaAutoConfiguration.class, TransactionAutoConfiguration.class))
      .withUserConfiguration(Application.class)
      .withPropertyValues("pgjcache.schema=" + TestDatabase.freshSchema(), "pgjcache.jdbc.url=",
          "spring.jpa.hibernate.ddl-auto=create-drop");

  @Test
  void theStarterSelectsPgRegionFactory_andTransactionalCachingCommitsWithTheEntity() {
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      EntityManagerFactory entityManagers = context.getBean(EntityManagerFactory.class);
      assertThat(entityManagers.unwrap(SessionFactoryImplementor.class).getCache().getRegionFactory())
          .as("region factory on Hibernate " + org.hibernate.Version.getVersionString())
          .isInstanceOf(PgRegionFactory.class);
      inTransaction(entityManagers, em -> em.persist(new Wallet(1L, 100)));
      javax.cache.Cache<Object, Object> region = context.getBean(javax.cache.CacheManager.class)
          .getCache(Wallet.class.getName());
      long cachedAfterInsert = region.unwrap(io.pgjcache.PgCache.class).size();

      EntityManager em = entityManagers.createEntityManager();
      try {
        em.getTransaction().begin();
        em.find(Wallet.class, 1L).balance = 200;
        em.flush();
        em.getTransaction().rollback();
      } finally {
        em.close();
      }
      inTransaction(entityManagers, e -> assertThat(e.find(Wallet.class, 1L).balance).isEqualTo(100));

      inTransaction(entityManagers, e -> e.find(Wallet.class, 1L).balance = 300);
      inTransaction(entityManagers, e -> assertThat(e.find(Wallet.class, 1L).balance).isEqualTo(300));
      assertThat(cachedAfterInsert).as("the insert cached the entity").isEqualTo(1);
    });
  }

  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  @EntityScan(basePackageClasses = Wallet.class)
  static class Application {
    @Bean
    DataSource dataSource() {
      return TestDatabase.dataSource();
    }
  }

  /** An entity whose second-level cache commits with it. */
  @Entity
  @Table(name = "wallets")
  @Cacheable
  @Cache(usage = CacheConcurrencyStrategy.TRANSACTIONAL)
  static class Wallet {
    @Id
    Long id;
    long balance;
    @Version
    int version;

    protected Wallet() {
    }

    Wallet(Long id, long balance) {
      this.id = id;
      this.balance = balance;
    }
  }
}
