package io.pgjcache.spring;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code pgjcache} health contributor (see {@link CacheHealth}), named after its bean as Boot names every
 * contributor, so that health groups include it by that name and {@code management.health.pgjcache.enabled=false}
 * turns it off. Boot 3 and Boot 4 declare health indicators in different packages; each variant below is only
 * loaded when its Boot line is on the class path.
 */
final class PgJCacheHealthConfiguration {
  private PgJCacheHealthConfiguration() {
  }

  /** Spring Boot 3, with spring-boot-actuator. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"org.springframework.boot.actuate.health.HealthIndicator",
      "org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator"})
  static class Boot3 {
    @Bean
    @org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator("pgjcache")
    org.springframework.boot.actuate.health.HealthIndicator pgjcacheHealthIndicator(
        @Qualifier("pgjcacheCacheManager") javax.cache.CacheManager manager, PgJCacheProperties properties) {
      CacheHealth health = new CacheHealth(manager);
      String listenerDown = properties.getHealth().getListenerDownStatus();
      return () -> {
        CacheHealth.Report report = health.check();
        org.springframework.boot.actuate.health.Health.Builder builder = switch (report.level()) {
          case UP -> org.springframework.boot.actuate.health.Health.up();
          case LISTENER_DOWN -> org.springframework.boot.actuate.health.Health.status(listenerDown);
          case DOWN -> org.springframework.boot.actuate.health.Health.down(report.failure());
        };
        return builder.withDetails(report.details()).build();
      };
    }
  }

  /** Spring Boot 4, whose health contributors live in the spring-boot-health module (and Boot 3's are gone). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingClass("org.springframework.boot.actuate.health.HealthIndicator")
  @ConditionalOnClass(name = {"org.springframework.boot.health.contributor.HealthIndicator",
      "org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator"})
  static class Boot4 {
    @Bean
    @org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator("pgjcache")
    org.springframework.boot.health.contributor.HealthIndicator pgjcacheHealthIndicator(
        @Qualifier("pgjcacheCacheManager") javax.cache.CacheManager manager, PgJCacheProperties properties) {
      CacheHealth health = new CacheHealth(manager);
      String listenerDown = properties.getHealth().getListenerDownStatus();
      return () -> {
        CacheHealth.Report report = health.check();
        org.springframework.boot.health.contributor.Health.Builder builder = switch (report.level()) {
          case UP -> org.springframework.boot.health.contributor.Health.up();
          case LISTENER_DOWN -> org.springframework.boot.health.contributor.Health.status(listenerDown);
          case DOWN -> org.springframework.boot.health.contributor.Health.down(report.failure());
        };
        return builder.withDetails(report.details()).build();
      };
    }
  }
}
