package io.pgjcache.spring;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * What operators see of the cache manager the starter made: the {@code pgjcache} health contributor (with Spring
 * Boot Actuator, Boot 3 or 4) and pgjcache's Micrometer meters (with Micrometer). It stays away from a JCache
 * manager the application made itself.
 */
@AutoConfiguration(after = PgJCacheAutoConfiguration.class)
@ConditionalOnBean(name = "pgjcacheCacheManager")
@Import({PgJCacheHealthConfiguration.Boot3.class, PgJCacheHealthConfiguration.Boot4.class,
    PgJCacheActuatorAutoConfiguration.Metrics.class})
public class PgJCacheActuatorAutoConfiguration {

  /** Micrometer meters; Boot binds every {@code MeterBinder} bean to its registries. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
  static class Metrics {
    /**
     * Tagged {@code cache.manager=cacheManager} when the starter also made Spring's {@code cacheManager}, as Boot
     * tags the standard cache meters of the same caches, else with the JCache manager's bean name.
     */
    @Bean
    PgJCacheMeterBinder pgjcacheMeterBinder(@Qualifier("pgjcacheCacheManager") javax.cache.CacheManager manager,
        ConfigurableListableBeanFactory beanFactory) {
      String name = beanFactory.containsBean("cacheManager") ? "cacheManager" : "pgjcacheCacheManager";
      return new PgJCacheMeterBinder(manager, name);
    }
  }
}
