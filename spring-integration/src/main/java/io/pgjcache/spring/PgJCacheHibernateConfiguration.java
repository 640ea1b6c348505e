package io.pgjcache.spring;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * Hands the JCache manager to Hibernate, so that the second-level cache and Spring's {@code @Cacheable}
 * share one manager, one set of caches and one database. With {@code pgjcache-hibernate} on the class path, and
 * no region factory set, Hibernate's second-level cache uses pgjcache's region factory; otherwise Hibernate still
 * has to be told to use JCache ({@code spring.jpa.properties.hibernate.cache.region.factory_class=jcache}). A
 * manager or region factory the application sets itself is left alone.
 *
 * <p>Boot 3 and Boot 4 declare {@code HibernatePropertiesCustomizer} in different packages; each variant is
 * only loaded when its interface is on the class path, as is hibernate-jcache.
 */
final class PgJCacheHibernateConfiguration {
  /** The setting of hibernate-jcache that takes a live {@code javax.cache.CacheManager}. */
  static final String CACHE_MANAGER = "hibernate.javax.cache.cache_manager";
  /** Hibernate's setting naming the second-level cache's region factory. */
  static final String REGION_FACTORY = "hibernate.cache.region.factory_class";
  /** pgjcache's region factory, in pgjcache-hibernate. */
  static final String PG_REGION_FACTORY = "io.pgjcache.hibernate.PgRegionFactory";
  /** What hibernate-jcache does for a region whose cache does not exist yet. */
  static final String MISSING_CACHE_STRATEGY = "hibernate.javax.cache.missing_cache_strategy";

  private static final Logger LOG = LoggerFactory.getLogger(PgJCacheHibernateConfiguration.class);

  private PgJCacheHibernateConfiguration() {
  }

  static void handOff(Map<String, Object> hibernateProperties, javax.cache.CacheManager cacheManager) {
    hibernateProperties.putIfAbsent(CACHE_MANAGER, cacheManager);
    // pgjcache's own region factory (cluster-safe READ_WRITE, TRANSACTIONAL) when the application brought it.
    if (ClassUtils.isPresent(PG_REGION_FACTORY, PgJCacheHibernateConfiguration.class.getClassLoader())
        && hibernateProperties.putIfAbsent(REGION_FACTORY, PG_REGION_FACTORY) == null) {
      LOG.debug("pgjcache: Hibernate's second-level cache uses {}", PG_REGION_FACTORY);
    }
    // A region's cache is a table; creating it on first use is the normal case here, not worth a warning.
    hibernateProperties.putIfAbsent(MISSING_CACHE_STRATEGY, "create");
    LOG.debug("pgjcache: Hibernate's second-level cache can use cache manager {}", cacheManager.getURI());
  }

  /** Spring Boot 3. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {
      "org.springframework.boot.autoconfigure.orm.jpa.HibernatePropertiesCustomizer",
      "org.hibernate.cache.jcache.ConfigSettings"})
  static class Boot3 {
    @Bean
    org.springframework.boot.autoconfigure.orm.jpa.HibernatePropertiesCustomizer
        pgjcacheHibernatePropertiesCustomizer(javax.cache.CacheManager pgjcacheCacheManager) {
      return properties -> handOff(properties, pgjcacheCacheManager);
    }
  }

  /** Spring Boot 4, where the interface lives in the spring-boot-hibernate module (and Boot 3's is gone). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingClass("org.springframework.boot.autoconfigure.orm.jpa.HibernatePropertiesCustomizer")
  @ConditionalOnClass(name = {
      "org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer",
      "org.hibernate.cache.jcache.ConfigSettings"})
  static class Boot4 {
    @Bean
    org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer
        pgjcacheHibernatePropertiesCustomizer(javax.cache.CacheManager pgjcacheCacheManager) {
      return properties -> handOff(properties, pgjcacheCacheManager);
    }
  }
}
