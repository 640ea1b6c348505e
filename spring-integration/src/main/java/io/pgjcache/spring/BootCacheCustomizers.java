package io.pgjcache.spring;

import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The application's Spring Boot cache customizers, called where Boot's own JCache support calls them, since the
 * starter defines the cache managers in Boot's place: {@code JCachePropertiesCustomizer} beans shape the
 * {@code Properties} given to {@code getCacheManager}, {@code JCacheManagerCustomizer} beans receive the JCache
 * manager once the caches of {@code spring.cache.cache-names} are open, and {@code CacheManagerCustomizer} beans
 * (for the Spring manager's type) receive Spring's {@code cacheManager} before it starts. Each kind runs in the
 * beans' order.
 *
 * <p>Boot 3 and Boot 4 declare these interfaces in different packages; each variant below is only loaded when
 * its interfaces are on the class path. Without either (Boot 4 without {@code spring-boot-cache}), there are no
 * customizers to call.
 */
final class BootCacheCustomizers {
  private static final BootCacheCustomizers NONE = new BootCacheCustomizers(properties -> { }, manager -> { },
      UnaryOperator.identity());

  private final Consumer<Properties> propertiesCustomizers;
  private final Consumer<javax.cache.CacheManager> jcacheManagerCustomizers;
  private final UnaryOperator<CacheManager> cacheManagerCustomizers;

  private BootCacheCustomizers(Consumer<Properties> propertiesCustomizers,
      Consumer<javax.cache.CacheManager> jcacheManagerCustomizers,
      UnaryOperator<CacheManager> cacheManagerCustomizers) {
    this.propertiesCustomizers = propertiesCustomizers;
    this.jcacheManagerCustomizers = jcacheManagerCustomizers;
    this.cacheManagerCustomizers = cacheManagerCustomizers;
  }

  /** The customizers of the running Boot line, or none. */
  static BootCacheCustomizers of(ObjectProvider<BootCacheCustomizers> bean) {
    return bean.getIfAvailable(() -> NONE);
  }

  /** Lets the {@code JCachePropertiesCustomizer}s change the provider's properties; returns them. */
  Properties customizeProperties(Properties properties) {
    propertiesCustomizers.accept(properties);
    return properties;
  }

  void customizeJCacheManager(javax.cache.CacheManager manager) {
    jcacheManagerCustomizers.accept(manager);
  }

  /** Applies the {@code CacheManagerCustomizer}s whose type parameter accepts this manager; returns it. */
  <T extends CacheManager> T customizeCacheManager(T cacheManager) {
    cacheManagerCustomizers.apply(cacheManager);
    return cacheManager;
  }

  /** Spring Boot 3. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.autoconfigure.cache.JCacheManagerCustomizer")
  static class Boot3 {
    @Bean
    BootCacheCustomizers pgjcacheBootCacheCustomizers(
        ObjectProvider<org.springframework.boot.autoconfigure.cache.JCachePropertiesCustomizer> properties,
        ObjectProvider<org.springframework.boot.autoconfigure.cache.JCacheManagerCustomizer> jcache,
        ObjectProvider<org.springframework.boot.autoconfigure.cache.CacheManagerCustomizers> given,
        ObjectProvider<org.springframework.boot.autoconfigure.cache.CacheManagerCustomizer<?>> spring) {
      // Boot's CacheManagerCustomizers calls only the customizers whose generic type fits the manager.
      return new BootCacheCustomizers(
          props -> properties.orderedStream().forEach(customizer -> customizer.customize(props)),
          manager -> jcache.orderedStream().forEach(customizer -> customizer.customize(manager)),
          manager -> given.getIfAvailable(() -> new org.springframework.boot.autoconfigure.cache
              .CacheManagerCustomizers(spring.orderedStream().toList())).customize(manager));
    }
  }

  /** Spring Boot 4, where the interfaces live in the spring-boot-cache module (and Boot 3's are gone). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingClass("org.springframework.boot.autoconfigure.cache.JCacheManagerCustomizer")
  @ConditionalOnClass(name = "org.springframework.boot.cache.autoconfigure.JCacheManagerCustomizer")
  static class Boot4 {
    @Bean
    BootCacheCustomizers pgjcacheBootCacheCustomizers(
        ObjectProvider<org.springframework.boot.cache.autoconfigure.JCachePropertiesCustomizer> properties,
        ObjectProvider<org.springframework.boot.cache.autoconfigure.JCacheManagerCustomizer> jcache,
        ObjectProvider<org.springframework.boot.cache.autoconfigure.CacheManagerCustomizers> given,
        ObjectProvider<org.springframework.boot.cache.autoconfigure.CacheManagerCustomizer<?>> spring) {
      return new BootCacheCustomizers(
          props -> properties.orderedStream().forEach(customizer -> customizer.customize(props)),
          manager -> jcache.orderedStream().forEach(customizer -> customizer.customize(manager)),
          manager -> given.getIfAvailable(() -> new org.springframework.boot.cache.autoconfigure
              .CacheManagerCustomizers(spring.orderedStream().toList())).customize(manager));
    }
  }
}
