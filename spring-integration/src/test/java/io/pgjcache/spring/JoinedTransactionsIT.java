package io.pgjcache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code pgjcache.transaction-mode}: with {@code join} (the default) a cache change inside a Spring-managed
 * transaction runs in it, on two instances of an application sharing one database; with {@code defer} it waits for
 * the commit, which the transaction itself can tell apart.
 */
class JoinedTransactionsIT {
  private static final Duration ARRIVES_WITHIN = Duration.ofSeconds(10);
  private static final String CACHE_SCHEMA = TestDatabase.freshSchema();

  private static ConfigurableApplicationContext first;
  private static ConfigurableApplicationContext second;
  private static ConfigurableApplicationContext deferring;

  @BeforeAll
  static void start() {
    first = start("join");
    second = start("join");
    deferring = start("defer");
  }

  private static ConfigurableApplicationContext start(String mode) {
    return new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
        .properties("pgjcache.schema=" + CACHE_SCHEMA, "pgjcache.jdbc.url=", "spring.cache.cache-names=books",
            "pgjcache.transaction-mode=" + mode)
        .run();
  }

  @AfterAll
  static void stop() {
    deferring.close();
    second.close();
    first.close();
  }

  @BeforeEach
  void oneCachedTitle() {
    books(first).clear();
    books(first).put(1L, "Dune");
    for (ConfigurableApplicationContext instance : new ConfigurableApplicationContext[] {first, second, deferring}) {
      await().atMost(ARRIVES_WITHIN).until(() -> "Dune".equals(title(instance)));
    }
  }

  @Test
  void join_aPutInTheTransaction_isSeenInIt_andNowhereElse_untilItCommits() {
    String[] seen = new String[2];
    transaction(first).executeWithoutResult(status -> {
      books(first).put(1L, "Dune Messiah");
      seen[0] = title(first);
      seen[1] = title(second);
    });
    assertThat(seen[0]).as("inside the transaction").isEqualTo("Dune Messiah");
    assertThat(seen[1]).as("the other instance, before the commit").isEqualTo("Dune");
    assertThat(title(first)).as("this instance, right after the commit").isEqualTo("Dune Messiah");
    await().atMost(ARRIVES_WITHIN).until(() -> "Dune Messiah".equals(title(second)));
  }

  @Test
  void join_aRolledBackTransaction_leavesTheCacheAsItWas_everywhere() {
    assertThatThrownBy(() -> transaction(first).executeWithoutResult(status -> {
      books(first).evict(1L);
      assertThat(books(first).get(1L)).as("evicted inside the transaction").isNull();
      throw new IllegalStateException("roll back");
    })).isInstanceOf(IllegalStateException.class);
    assertThat(title(first)).isEqualTo("Dune");
    assertThat(title(second)).isEqualTo("Dune");
    assertThat(rawValue(first)).as("the row").isEqualTo("Dune");
  }

  @Test
  void defer_aPutInTheTransaction_isNotSeenInIt_butLandsAtTheCommit() {
    String[] seen = new String[1];
    transaction(deferring).executeWithoutResult(status -> {
      books(deferring).put(1L, "Dune Messiah");
      seen[0] = title(deferring);
    });
    assertThat(seen[0]).as("inside the transaction").isEqualTo("Dune");
    await().atMost(ARRIVES_WITHIN).until(() -> "Dune Messiah".equals(title(first)));
  }

  private static Cache books(ConfigurableApplicationContext instance) {
    return instance.getBean(CacheManager.class).getCache("books");
  }

  private static String title(ConfigurableApplicationContext instance) {
    Cache.ValueWrapper value = books(instance).get(1L);
    return value == null ? null : (String) value.get();
  }

  /** The cached value as PostgreSQL holds it, read through JCache on the instance (past Spring's decorators). */
  private static Object rawValue(ConfigurableApplicationContext instance) {
    return instance.getBean(javax.cache.CacheManager.class).getCache("books").get(1L);
  }

  private static TransactionTemplate transaction(ConfigurableApplicationContext instance) {
    return new TransactionTemplate(instance.getBean(PlatformTransactionManager.class));
  }

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({PgJCacheAutoConfiguration.class, CacheAutoConfiguration.class,
      DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
      JdbcTemplateAutoConfiguration.class})
  @EnableCaching
  static class Application {
    @Bean
    DataSource dataSource() {
      return TestDatabase.dataSource();
    }
  }
}
