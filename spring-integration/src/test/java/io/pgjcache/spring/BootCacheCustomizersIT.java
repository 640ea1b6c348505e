package io.pgjcache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgjcache.PgCacheConfiguration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.autoconfigure.cache.CacheManagerCustomizer;
import org.springframework.boot.autoconfigure.cache.JCacheManagerCustomizer;
import org.springframework.boot.autoconfigure.cache.JCachePropertiesCustomizer;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.cache.jcache.JCacheCache;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/** Boot 3's JCache hooks reach the managers the starter defines in Boot's place, as Boot's own JCache support. */
class BootCacheCustomizersIT {
  private final String schema = TestDatabase.freshSchema();

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(PgJCacheAutoConfiguration.class, CacheAutoConfiguration.class))
      .withUserConfiguration(PgJCacheAutoConfigurationIT.DatabaseConfiguration.class,
          PgJCacheAutoConfigurationIT.CachingConfiguration.class)
      .withPropertyValues("pgjcache.schema=" + schema, "pgjcache.jdbc.url=", "spring.cache.cache-names=books,audit");

  @Test
  void jcachePropertiesCustomizers_shapeTheProvidersProperties_inTheirOrder() {
    runner.withUserConfiguration(PropertiesCustomizers.class).run(context -> {
      assertThat(context).hasNotFailed();
      PropertiesCustomizers customizers = context.getBean(PropertiesCustomizers.class);
      assertThat(customizers.schemaSeen).as("the starter's own settings come first").containsExactly(schema);
      javax.cache.CacheManager jcache = context.getBean(javax.cache.CacheManager.class);
      assertThat(jcache.getCache("audit").getConfiguration(PgCacheConfiguration.class).isUnlogged())
          .as("the later customizer's value").isFalse();
      assertThat(jcache.getCache("books").getConfiguration(PgCacheConfiguration.class).isUnlogged()).isTrue();
    });
  }

  @Test
  void jcacheManagerCustomizers_getTheManager_inTheirOrder_onceTheCacheNamesAreOpen() {
    runner.withUserConfiguration(ManagerCustomizers.class).withPropertyValues("pgjcache.create-missing-caches=false")
        .run(context -> {
          assertThat(context).hasNotFailed();
          javax.cache.CacheManager jcache = context.getBean(javax.cache.CacheManager.class);
          assertThat(context.getBean(ManagerCustomizers.class).calls)
              .containsExactly("first saw [audit, books]", "second saw [audit, books, reports]");
          assertThat(context.getBean(org.springframework.cache.CacheManager.class).getCache("reports"))
              .as("a cache the customizer created, served without create-missing-caches").isNotNull();
          assertThat(jcache.getCache("reports")).isNotNull();
        });
  }

  @Test
  void defaultConfigurationBean_configuresTheCacheNames_andCachesCreatedOnFirstUse() {
    runner.withUserConfiguration(DefaultConfiguration.class).run(context -> {
      assertThat(context).hasNotFailed();
      context.getBean(org.springframework.cache.CacheManager.class).getCache("created-on-use");
      javax.cache.CacheManager jcache = context.getBean(javax.cache.CacheManager.class);
      for (String name : List.of("books", "audit", "created-on-use")) {
        CompleteConfiguration<?, ?> configuration = jcache.getCache(name).getConfiguration(CompleteConfiguration.class);
        assertThat(configuration.getExpiryPolicyFactory().create().getExpiryForCreation()).as(name)
            .isEqualTo(Duration.ONE_HOUR);
        assertThat(configuration.isStatisticsEnabled()).as(name + ": statistics for the metrics").isTrue();
      }
    });
  }

  @Test
  void cacheManagerCustomizers_customizeSpringsCacheManager_whenTheirTypeFits_andHaveTheLastWord() {
    runner.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class))
        .withUserConfiguration(SpringCustomizers.class).run(context -> {
          assertThat(context).hasNotFailed();
          PgJCacheCacheManager spring = context.getBean(PgJCacheCacheManager.class);
          assertThat(spring.isAllowNullValues()).isFalse();
          assertThat(spring.getCache("books")).as("transaction-aware turned off by the customizer")
              .isInstanceOf(JCacheCache.class);
          assertThat(context.getBean(SpringCustomizers.class).otherTypeCalled).isEmpty();
        });
  }

  @Configuration(proxyBeanMethods = false)
  static class PropertiesCustomizers {
    final List<String> schemaSeen = new CopyOnWriteArrayList<>();

    // Declared in the opposite order to the one they run in.
    @Bean
    @Order(2)
    JCachePropertiesCustomizer logged() {
      return properties -> properties.setProperty("pgjcache.cache.audit.unlogged", "false");
    }

    @Bean
    @Order(1)
    JCachePropertiesCustomizer unlogged() {
      return properties -> {
        schemaSeen.add(properties.getProperty("pgjcache.schema"));
        properties.setProperty("pgjcache.cache.audit.unlogged", "true");
      };
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class ManagerCustomizers {
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Bean
    @Order(2)
    JCacheManagerCustomizer second() {
      return manager -> calls.add("second saw " + sortedNames(manager));
    }

    @Bean
    @Order(1)
    JCacheManagerCustomizer first() {
      return manager -> {
        calls.add("first saw " + sortedNames(manager));
        manager.createCache("reports", new MutableConfiguration<>());
      };
    }

    private static List<String> sortedNames(javax.cache.CacheManager manager) {
      List<String> names = new java.util.ArrayList<>();
      manager.getCacheNames().forEach(names::add);
      names.sort(null);
      return names;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class DefaultConfiguration {
    @Bean
    javax.cache.configuration.Configuration<Object, Object> defaultCacheConfiguration() {
      return new MutableConfiguration<>().setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(Duration.ONE_HOUR));
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class SpringCustomizers {
    final List<String> otherTypeCalled = new CopyOnWriteArrayList<>();

    @Bean
    CacheManagerCustomizer<JCacheCacheManager> noNullsNorTransactions() {
      return manager -> {
        manager.setAllowNullValues(false);
        manager.setTransactionAware(false);
      };
    }

    @Bean
    CacheManagerCustomizer<ConcurrentMapCacheManager> forAnotherManager() {
      return manager -> otherTypeCalled.add("called with " + manager);
    }
  }
}
