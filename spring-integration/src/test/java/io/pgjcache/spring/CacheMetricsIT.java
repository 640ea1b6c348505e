package io.pgjcache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.cache.CacheMetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Boot's cache metrics (Micrometer's JCacheMetrics over the statistics MBean) for caches the starter created. */
class CacheMetricsIT {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(PgJCacheAutoConfiguration.class, CacheAutoConfiguration.class,
          MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
          SimpleMetricsExportAutoConfiguration.class, CacheMetricsAutoConfiguration.class))
      .withUserConfiguration(Application.class)
      .withPropertyValues("pgjcache.schema=" + TestDatabase.freshSchema(), "pgjcache.jdbc.url=",
          "spring.cache.cache-names=books");

  @Test
  void meterRegistry_countsGetsPutsAndRemovals_perCache() {
    runner.run(context -> {
      Cache books = context.getBean(CacheManager.class).getCache("books");
      assertThat(books.get("isbn-1")).isNull();
      books.put("isbn-1", "Dune");
      assertThat(books.get("isbn-1", String.class)).isEqualTo("Dune");
      assertThat(books.get("isbn-1", String.class)).isEqualTo("Dune");
      books.evict("isbn-1");

      MeterRegistry registry = context.getBean(MeterRegistry.class);
      assertThat(registry.get("cache.gets").tags("cache", "books", "result", "hit").functionCounter().count())
          .isEqualTo(2);
      assertThat(registry.get("cache.gets").tags("cache", "books", "result", "miss").functionCounter().count())
          .isEqualTo(1);
      assertThat(registry.get("cache.puts").tags("cache", "books").functionCounter().count()).isEqualTo(1);
      assertThat(registry.get("cache.removals").tags("cache", "books").gauge().value()).isEqualTo(1);
    });
  }

  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  static class Application {
    @Bean
    DataSource dataSource() {
      return TestDatabase.dataSource();
    }
  }
}
