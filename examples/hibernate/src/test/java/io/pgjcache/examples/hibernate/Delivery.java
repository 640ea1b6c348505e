package io.pgjcache.examples.hibernate;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;

/**
 * Waits until node B has heard every change node A committed so far. Near caches learn of another node's
 * change when its notification arrives, and notifications arrive in commit order on one connection: so
 * once B's near-cached copy of a marker written by A after those changes is replaced, B has processed them.
 */
final class Delivery {
  private static final String CACHE = "test-delivery-marker";

  private Delivery() {
  }

  /** Makes B near-cache the marker, so that a later change of it must reach B as a notification. */
  static void prepare(HibernateNode a, HibernateNode b) {
    marker(a.cacheManager()).put("marker", 0L);
    await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(0L).equals(marker(b.cacheManager()).get("marker")));
  }

  /** Returns once B has processed every notification of A's changes committed before this call. */
  static void awaitOnB(HibernateNode a, HibernateNode b) {
    long value = System.nanoTime();
    marker(a.cacheManager()).put("marker", value);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> Long.valueOf(value).equals(marker(b.cacheManager()).get("marker")));
  }

  private static Cache<String, Long> marker(CacheManager manager) {
    Cache<String, Long> cache = manager.getCache(CACHE, String.class, Long.class);
    if (cache == null) {
      try {
        cache = manager.createCache(CACHE, new MutableConfiguration<String, Long>().setTypes(String.class, Long.class));
      } catch (javax.cache.CacheException alreadyOpen) {
        cache = manager.getCache(CACHE, String.class, Long.class);
      }
    }
    return cache;
  }
}
