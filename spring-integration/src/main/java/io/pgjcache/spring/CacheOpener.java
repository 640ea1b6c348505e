package io.pgjcache.spring;

import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;

/**
 * Opens a cache of a JCache manager on behalf of Spring: attaches to it when it exists (in this manager or,
 * registered by another node, in the database), creates it when asked to, and turns its statistics on so
 * that Micrometer's {@code JCacheMetrics} has a statistics MBean to read.
 */
final class CacheOpener {
  private CacheOpener() {
  }

  /** The cache of this name, or null when it exists nowhere and {@code create} is false. */
  static Cache<Object, Object> open(CacheManager manager, String name, boolean create) {
    Cache<Object, Object> cache = manager.getCache(name);
    if (cache == null && create) {
      cache = create(manager, name);
    }
    if (cache != null) {
      manager.enableStatistics(name, true);
    }
    return cache;
  }

  private static Cache<Object, Object> create(CacheManager manager, String name) {
    try {
      // Per-cache settings (pgjcache.cache.<name>.*) are applied by the provider on top of this.
      return manager.createCache(name, new MutableConfiguration<>().setStatisticsEnabled(true));
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
