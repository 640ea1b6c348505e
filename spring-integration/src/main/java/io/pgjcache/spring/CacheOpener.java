package io.pgjcache.spring;

import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;

/**
 * Opens a cache of a JCache manager on behalf of Spring: attaches to it when it exists (in this manager or,
 * registered by another node, in the database), creates it when asked to, and turns its statistics on so
 * that Micrometer's {@code JCacheMetrics} has a statistics MBean to read.
 *
 * <p>New caches are created from the application's default {@code javax.cache.configuration.Configuration}
 * bean, as Boot does for {@code spring.cache.cache-names}, or else from a plain {@code MutableConfiguration}.
 */
final class CacheOpener {
  private final Configuration<Object, Object> forNewCaches;

  /**
   * Creates caches from {@code forNewCaches}, or, when it is null, from a plain configuration with statistics on;
   * per-cache settings of the provider apply on top of it.
   */
  @SuppressWarnings("unchecked")
  CacheOpener(Configuration<?, ?> forNewCaches) {
    // Caches reach Spring as Cache<Object, Object>; the configuration's own types still hold in the provider.
    this.forNewCaches = forNewCaches == null
        ? new MutableConfiguration<>().setStatisticsEnabled(true) : (Configuration<Object, Object>) forNewCaches;
  }

  /** The cache of this name, or null when it exists nowhere and {@code create} is false. */
  Cache<Object, Object> open(CacheManager manager, String name, boolean create) {
    Cache<Object, Object> cache = manager.getCache(name);
    if (cache == null && create) {
      cache = create(manager, name);
    }
    if (cache != null) {
      manager.enableStatistics(name, true);
    }
    return cache;
  }

  private Cache<Object, Object> create(CacheManager manager, String name) {
    try {
      return manager.createCache(name, forNewCaches);
    } catch (CacheException e) {
      // Another thread of this application opened it in between: createCache refuses a cache this manager
      // already has open. (On another node it would have attached instead.) Anything else is rethrown.
      Cache<Object, Object> openedMeanwhile = manager.getCache(name);
      if (openedMeanwhile == null) {
        throw e;
      }
      return openedMeanwhile;
    }
  }
}
