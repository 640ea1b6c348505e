package io.pgjcache.spring.boot4;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgjcache.PgCacheConfiguration;
import io.pgjcache.spring.PgJCacheCacheManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizer;
import org.springframework.boot.cache.autoconfigure.JCacheManagerCustomizer;
import org.springframework.boot.cache.autoconfigure.JCachePropertiesCustomizer;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;

/**
 * Boot 4's JCache hooks, whose interfaces moved to the spring-boot-cache module, reach the managers the starter
 * defines in Boot's place.
 */
class Boot4CacheCustomizersIT {
  private static final List<String> PROPERTIES_SEEN = new CopyOnWriteArrayList<>();
  private static final List<String> MANAGER_CALLS = new CopyOnWriteArrayList<>();
  private static final List<String> OTHER_TYPE_CALLS = new CopyOnWriteArrayList<>();

  private static ConfigurableApplicationContext context;

  @BeforeAll
  static void start() {
    context = new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE).properties(
        "spring.datasource.url=" + TestDatabase.url(),
        "pgjcache.schema=" + TestDatabase.freshSchema(), "pgjcache.jdbc.url=",
        "spring.cache.cache-names=books,audit").run();
  }

  @AfterAll
  static void stop() {
    context.close();
  }

  @Test
  void jcachePropertiesCustomizers_shapeTheProvidersProperties_inTheirOrder() {
    javax.cache.CacheManager jcache = context.getBean(javax.cache.CacheManager.class);
    assertThat(PROPERTIES_SEEN).as("run in their order")
        .containsExactly("first saw unlogged=null", "second saw unlogged=true");
    assertThat(jcache.getCache("audit").getConfiguration(PgCacheConfiguration.class).isUnlogged()).isFalse();
    assertThat(jcache.getCache("books").getConfiguration(PgCacheConfiguration.class).isUnlogged()).isTrue();
  }

  @Test
  void jcacheManagerCustomizers_getTheManager_inTheirOrder_onceTheCacheNamesAreOpen() {
    assertThat(MANAGER_CALLS).containsExactly("first saw [audit, books]", "second saw [audit, books, reports]");
    assertThat(context.getBean(javax.cache.CacheManager.class).getCache("reports")).isNotNull();
  }

  @Test
  void defaultConfigurationBean_configuresTheCacheNames_andCachesCreatedOnFirstUse() {
    context.getBean(org.springframework.cache.CacheManager.class).getCache("created-on-use");
    javax.cache.CacheManager jcache = context.getBean(javax.cache.CacheManager.class);
    for (String name : List.of("books", "audit", "created-on-use")) {
      CompleteConfiguration<?, ?> configuration = jcache.getCache(name).getConfiguration(CompleteConfiguration.class);
      assertThat(configuration.getExpiryPolicyFactory().create().getExpiryForCreation()).as(name)
          .isEqualTo(Duration.ONE_HOUR);
    }
  }

  @Test
  void cacheManagerCustomizers_customizeSpringsCacheManager_whenTheirTypeFits() {
    assertThat(context.getBean(PgJCacheCacheManager.class).isAllowNullValues()).isFalse();
    assertThat(OTHER_TYPE_CALLS).isEmpty();
  }

  private static List<String> sortedNames(javax.cache.CacheManager manager) {
    List<String> names = new ArrayList<>();
    manager.getCacheNames().forEach(names::add);
    names.sort(null);
    return names;
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @EnableCaching
  static class Application {
    // Each pair is declared in the opposite order to the one it runs in.
    @Bean
    @Order(2)
    JCachePropertiesCustomizer logged() {
      return properties -> {
        PROPERTIES_SEEN.add("second saw unlogged=" + properties.getProperty("pgjcache.cache.audit.unlogged"));
        properties.setProperty("pgjcache.cache.audit.unlogged", "false");
      };
    }

    @Bean
    @Order(1)
    JCachePropertiesCustomizer unlogged() {
      return properties -> {
        PROPERTIES_SEEN.add("first saw unlogged=" + properties.getProperty("pgjcache.cache.audit.unlogged"));
        properties.setProperty("pgjcache.cache.audit.unlogged", "true");
      };
    }

    @Bean
    @Order(2)
    JCacheManagerCustomizer second() {
      return manager -> MANAGER_CALLS.add("second saw " + sortedNames(manager));
    }

    @Bean
    @Order(1)
    JCacheManagerCustomizer first() {
      return manager -> {
        MANAGER_CALLS.add("first saw " + sortedNames(manager));
        manager.createCache("reports", new MutableConfiguration<>());
      };
    }

    @Bean
    javax.cache.configuration.Configuration<Object, Object> defaultCacheConfiguration() {
      return new MutableConfiguration<>().setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(Duration.ONE_HOUR));
    }

    @Bean
    CacheManagerCustomizer<JCacheCacheManager> noNullValues() {
      return manager -> manager.setAllowNullValues(false);
    }

    @Bean
    CacheManagerCustomizer<ConcurrentMapCacheManager> forAnotherManager() {
      return manager -> OTHER_TYPE_CALLS.add("called with " + manager);
    }
  }
}
